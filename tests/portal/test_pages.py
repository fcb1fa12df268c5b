"""The web pages: sign-in, upload, feedback, isolation between providers, CSRF, rate limits, audit."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from portal import accounts, audit
from portal.app import create_app
from tests.portal.conftest import (
    BAD_NINO,
    BAD_NINO_MASKED,
    PASSWORD,
    PERIOD,
    PRIME_A,
    PRIME_B,
    csrf_of,
    file_name,
    ledger_ids,
    participants_csv,
    sign_in,
    signed_in,
    upload,
    uploads_left,
)


def _submission_id(response) -> str:
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/submissions/([0-9]{14}-[0-9a-f]{8})", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def test_a_provider_signs_in_uploads_a_valid_file_and_reads_its_feedback(world):
    client = world.client()
    response = sign_in(client, "alice")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "mi_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in tests; https gets Secure (see below)

    submission_id = _submission_id(upload(client, participants_csv(), file_name()))
    assert uploads_left(world.paths) == []  # the spooled upload (clear NINOs) is gone

    page = client.get(f"/submissions/{submission_id}")
    assert page.status_code == 200
    assert "Feedback on your participants return" in page.text
    assert '<span class="status ACCEPTED">ACCEPTED</span>' in page.text
    assert f'href="/submissions/{submission_id}/findings.csv"' in page.text
    assert page.headers["cache-control"] == "no-store"

    listing = client.get("/submissions")
    assert listing.status_code == 200
    assert file_name() in listing.text and f"/submissions/{submission_id}" in listing.text

    csv = client.get(f"/submissions/{submission_id}/findings.csv")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    assert csv.text.splitlines()[0] == "row,field,value,rule_id,severity,message"


def test_the_feedback_page_shows_each_finding_with_the_nino_masked(world):
    client = signed_in(world, "alice")
    response = upload(
        client, participants_csv(bad_rows=(2,)), "my file.csv", dataset="participants", period=PERIOD
    )
    page = client.get(f"/submissions/{_submission_id(response)}")
    assert "ACCEPTED WITH ERRORS" in page.text
    assert "PAR_NINO_02" in page.text and BAD_NINO_MASKED in page.text
    assert BAD_NINO not in page.text  # never the clear NINO
    assert "my file.csv" in page.text  # the name is free when return and period are given


def test_the_list_shows_own_submissions_newest_first(world):
    client = signed_in(world, "alice")
    first = _submission_id(upload(client, participants_csv(rows=3), file_name(stamp="20260701T090000")))
    second = _submission_id(upload(client, participants_csv(rows=5), file_name(stamp="20260702T090000")))
    text = client.get("/submissions").text
    assert text.index(second) < text.index(first)
    assert "replaced by a later file" in text  # the first is superseded by the second


def test_without_a_session_every_page_sends_the_browser_to_sign_in(world):
    client = world.client()
    for path in (
        "/",
        "/upload",
        "/submissions",
        "/submissions/20260101000000-deadbeef",
        "/submissions/20260101000000-deadbeef/findings.csv",
        "/specification",
        "/admin/audit",
        "/sign-out",
    ):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in"), path
    assert client.get("/upload").headers["location"] == "/sign-in?next=%2Fupload"
    response = client.post("/upload", files={"file": (file_name(), participants_csv(), "text/csv")})
    assert response.status_code == 303 and response.headers["location"] == "/sign-in"
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_signing_in_returns_to_the_page_asked_for_but_never_off_site(world):
    client = world.client()
    page = client.get("/sign-in?next=/submissions")
    form = {"username": "alice", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
    assert (
        client.post("/sign-in", data={**form, "next": "/submissions"}).headers["location"] == "/submissions"
    )
    client = world.client()
    form["csrf_token"] = csrf_of(client.get("/sign-in").text)
    assert client.post("/sign-in", data={**form, "next": "//evil.example/"}).headers["location"] == "/"


def test_a_bad_or_missing_csrf_token_is_refused(world):
    client = signed_in(world, "alice")
    for token in ("forged", ""):
        response = upload(client, participants_csv(), csrf=token)
        assert response.status_code == 403
        assert "The form had expired" in response.text
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []

    # Sign-out needs the token too; a forged one leaves the session alive.
    assert client.post("/sign-out", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/submissions").status_code == 200

    # The sign-in form has its own token, tied to a cookie.
    fresh = world.client()
    response = fresh.post("/sign-in", data={"username": "alice", "password": PASSWORD, "csrf_token": "x"})
    assert response.status_code == 403 and "mi_session" not in response.headers.get("set-cookie", "")


def test_signing_out_ends_the_session(world):
    client = signed_in(world, "alice")
    csrf = csrf_of(client.get("/").text)
    response = client.post("/sign-out", data={"csrf_token": csrf})
    assert response.status_code == 303 and response.headers["location"] == "/sign-in?signed_out=1"
    assert client.get("/submissions").status_code == 303
    assert "You have signed out" in client.get("/sign-in?signed_out=1").text


def test_a_provider_gets_404_for_another_providers_submission_exactly_as_for_none(world):
    bob = signed_in(world, "bob")
    bobs_id = _submission_id(upload(bob, participants_csv(PRIME_B), file_name(PRIME_B)))
    alice = signed_in(world, "alice")
    theirs = alice.get(f"/submissions/{bobs_id}")
    nobodys = alice.get("/submissions/20260101000000-0badf00d")
    assert theirs.status_code == nobodys.status_code == 404
    assert theirs.text == nobodys.text
    assert bobs_id not in theirs.text and PRIME_B not in theirs.text
    csv_theirs = alice.get(f"/submissions/{bobs_id}/findings.csv")
    csv_nobodys = alice.get("/submissions/20260101000000-0badf00d/findings.csv")
    assert csv_theirs.status_code == csv_nobodys.status_code == 404 and csv_theirs.text == csv_nobodys.text
    assert bobs_id not in alice.get("/submissions").text
    # Odd ids never reach the file system.
    assert alice.get("/submissions/..%2F..%2Fsecrets").status_code == 404


def test_a_provider_cannot_upload_a_file_named_for_another_ukprn(world):
    client = signed_in(world, "alice")
    for fields in ({}, {"dataset": "participants", "period": PERIOD}):
        response = upload(client, participants_csv(PRIME_B), file_name(PRIME_B), **fields)
        assert response.status_code == 403
        assert f"The file name is for UKPRN {PRIME_B}" in response.text
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_form_problems_are_shown_in_an_error_summary_linked_to_the_field(world):
    client = signed_in(world, "alice")
    response = upload(client, participants_csv(), "free name.csv")
    assert response.status_code == 422
    assert "There is a problem" in response.text and 'href="#return"' in response.text
    assert response.text.count("<title>Error: ") == 1
    response = upload(client, participants_csv(), "free name.csv", dataset="participants", period="2026-Q5")
    assert response.status_code == 422 and 'href="#period"' in response.text
    assert 'value="2026-Q5"' in response.text  # what was typed is kept
    response = client.post(
        "/upload",
        data={"csrf_token": csrf_of(client.get("/upload").text)},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert response.status_code == 422 and 'href="#file"' in response.text
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_wrong_passwords_are_rate_limited_per_user_and_address(world):
    client = world.client()
    for _ in range(5):
        assert sign_in(client, "alice", "not the password").status_code == 401
    blocked = sign_in(client, "alice")  # even the right password is not tried now
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "too many failed attempts" in blocked.text
    assert "mi_session" not in blocked.headers.get("set-cookie", "")
    # Another user from the same address, and the same user from elsewhere, are not blocked.
    assert sign_in(world.client(), "bob").status_code == 303
    elsewhere = TestClient(world.app, follow_redirects=False, client=("192.0.2.7", 50000))
    assert sign_in(elsewhere, "alice").status_code == 303
    outcomes = [e.outcome for e in audit.entries(world.paths) if e.action == "sign_in" and e.actor == "alice"]
    assert outcomes.count("failure") == 5 and "rate_limited" in outcomes


def test_a_disabled_users_session_stops_working_at_once(world):
    client = signed_in(world, "alice")
    assert client.get("/submissions").status_code == 200
    accounts.disable_user(world.paths, "alice")
    assert client.get("/submissions").status_code == 303
    assert sign_in(world.client(), "alice").status_code == 401


def test_cookies_are_secure_over_https(world):
    app = create_app(world.paths, upload_limit=1024)
    client = TestClient(app, base_url="https://portal.example", follow_redirects=False)
    response = sign_in(client, "alice")
    assert "Secure" in response.headers["set-cookie"]


def test_roles_see_their_own_pages(world):
    bob = signed_in(world, "bob")
    _submission_id(upload(bob, participants_csv(PRIME_B), file_name(PRIME_B)))
    alice = signed_in(world, "alice")
    alices = _submission_id(upload(alice, participants_csv(), file_name()))

    admin = signed_in(world, "root")
    listing = admin.get("/submissions")
    assert "All submissions" in listing.text and PRIME_A in listing.text and PRIME_B in listing.text
    assert admin.get(f"/submissions/{alices}").status_code == 200
    assert admin.get("/upload").status_code == 403  # only providers upload

    analyst = signed_in(world, "ann")
    assert analyst.get("/upload").status_code == 403
    assert analyst.get("/submissions").status_code == 403
    assert analyst.get(f"/submissions/{alices}").status_code == 404
    assert analyst.get("/specification").status_code == 200
    assert alice.get("/admin/audit").status_code == 403


def test_the_specification_page_renders_the_mi_specification(world):
    page = signed_in(world, "alice").get("/specification")
    assert page.status_code == 200
    assert "<h1>MI specification v1" in page.text and "<table>" in page.text and "PAR_NINO_02" in page.text


def test_every_action_is_in_the_audit_log_which_admins_read(world):
    alice = signed_in(world, "alice")
    submission_id = _submission_id(upload(alice, participants_csv(), file_name()))
    alice.get("/submissions")
    alice.get(f"/submissions/{submission_id}")
    alice.get(f"/submissions/{submission_id}/findings.csv")
    sign_in(world.client(), "alice", "wrong password")
    alice.post("/sign-out", data={"csrf_token": csrf_of(alice.get("/").text)})

    rows = {(e.actor, e.action, e.outcome) for e in audit.entries(world.paths)}
    for action in ("sign_in", "upload", "view_submissions", "view_feedback", "download_findings", "sign_out"):
        assert ("alice", action, "success") in rows, action
    assert ("alice", "sign_in", "failure") in rows
    upload_row = next(e for e in audit.entries(world.paths) if e.action == "upload")
    assert upload_row.target == submission_id and upload_row.client == "testclient"
    assert upload_row.at.startswith("20")

    page = signed_in(world, "root").get("/admin/audit")
    assert page.status_code == 200
    assert submission_id in page.text and "download_findings" in page.text and "testclient" in page.text
    assert BAD_NINO not in page.text


class _PageStructure(HTMLParser):
    """Collects what an accessibility check needs: headings, labels, inputs, landmarks."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.label_for: set[str] = set()
        self.controls: list[str | None] = []
        self.ids: set[str] = set()
        self.first_link: str | None = None
        self.main_id: str | None = None
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a.get("id"))
        if tag == "a" and self.first_link is None:
            self.first_link = a.get("href")
        if tag == "main":
            self.main_id = a.get("id")


def test_pages_are_structured_for_assistive_technology(world):
    alice = signed_in(world, "alice")
    submission_id = _submission_id(upload(alice, participants_csv(bad_rows=(1,)), file_name()))
    pages = [
        world.client().get("/sign-in"),
        alice.get("/"),
        alice.get("/upload"),
        alice.get("/submissions"),
        alice.get(f"/submissions/{submission_id}"),
        alice.get("/specification"),
        upload(alice, participants_csv(), "free.csv"),
        signed_in(world, "root").get("/admin/audit"),
    ]
    for page in pages:
        found = _PageStructure()
        found.feed(page.text)
        where = page.url.path
        assert found.lang == "en", where
        assert found.first_link == "#main" and found.main_id == "main", where  # skip link first
        assert found.headings and found.headings[0] == 1 and found.headings.count(1) == 1, where
        assert all(b - a <= 1 for a, b in zip(found.headings, found.headings[1:], strict=False)), (
            where,
            found.headings,
        )
        for control in found.controls:
            assert control and control in found.label_for, (where, control)
        assert "<script" not in page.text, where
    assert "content-security-policy" in pages[0].headers
