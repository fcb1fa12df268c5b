"""The HTTP API of spec 04 §4.1: routes, status codes and JSON error bodies, exactly."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from portal import accounts
from portal.app import create_app
from portal.ratelimit import RateLimits
from tests.portal.conftest import (
    BAD_NINO,
    PERIOD,
    PRIME_A,
    PRIME_B,
    api_upload,
    file_name,
    ledger_ids,
    participants_csv,
    uploads_left,
)

SUMMARY_KEYS = {
    "status",
    "ukprn",
    "return",
    "period",
    "sha256",
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "warnings",
}


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _is_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "message"} and body["message"], body
    if code:
        assert body["error"] == code, body
    return body


def test_upload_answers_201_with_the_summary_id_and_findings_url(world):
    client = world.client()
    response = api_upload(client, world.token_a, participants_csv(), file_name())
    assert response.status_code == 201, response.text
    body = response.json()
    assert SUMMARY_KEYS <= set(body)
    assert body["status"] == "ACCEPTED" and body["ukprn"] == PRIME_A and body["return"] == "participants"
    assert body["period"] == PERIOD and body["rows_read"] == 4 and body["rows_accepted"] == 4
    assert body["id"] == body["submission_id"] and body["id"] in ledger_ids(world.paths)
    assert body["findings_url"] == f"http://testserver/api/v1/submissions/{body['id']}/findings.csv"
    assert response.headers["location"] == f"http://testserver/api/v1/submissions/{body['id']}"
    assert uploads_left(world.paths) == []

    findings = client.get(body["findings_url"], headers=_auth(world.token_a))
    assert findings.status_code == 200 and findings.headers["content-type"].startswith("text/csv")
    assert findings.text.splitlines()[0] == "row,field,value,rule_id,severity,message"

    summary = client.get(f"/api/v1/submissions/{body['id']}", headers=_auth(world.token_a))
    assert summary.status_code == 200
    assert {k: summary.json()[k] for k in SUMMARY_KEYS} == {k: body[k] for k in SUMMARY_KEYS}


def test_return_and_period_fields_free_the_file_name_and_rows_with_errors_are_reported(world):
    response = api_upload(
        world.client(),
        world.token_a,
        participants_csv(bad_rows=(0,)),
        "export.csv",
        **{"return": "participants", "period": PERIOD},
    )
    assert response.status_code == 201
    body = response.json()
    assert (
        body["status"] == "ACCEPTED_WITH_ERRORS"
        and body["rows_rejected"] == 1
        and body["file_name"] == "export.csv"
    )
    csv = world.client().get(body["findings_url"], headers=_auth(world.token_a)).text
    assert "PAR_NINO_02" in csv and BAD_NINO not in csv


def test_the_list_holds_the_callers_own_submissions_newest_first(world):
    client = world.client()
    older = api_upload(
        client, world.token_a, participants_csv(rows=2), file_name(stamp="20260701T000000")
    ).json()
    newer = api_upload(
        client, world.token_a, participants_csv(rows=3), file_name(stamp="20260702T000000")
    ).json()
    bobs = api_upload(client, world.token_b, participants_csv(PRIME_B), file_name(PRIME_B)).json()
    listed = client.get("/api/v1/submissions", headers=_auth(world.token_a))
    assert listed.status_code == 200
    ids = [s["id"] for s in listed.json()["submissions"]]
    assert ids == [newer["id"], older["id"]] and bobs["id"] not in ids
    first = listed.json()["submissions"][0]
    assert first["return"] == "participants" and first["findings_url"].endswith(f"{newer['id']}/findings.csv")
    assert listed.json()["submissions"][1]["superseded_by"] == newer["id"]
    everyone = client.get("/api/v1/submissions", headers=_auth(world.token_admin)).json()["submissions"]
    assert {s["id"] for s in everyone} == {older["id"], newer["id"], bobs["id"]}


def test_another_providers_submission_is_404_with_the_same_body_as_a_missing_one(world):
    client = world.client()
    bobs = api_upload(client, world.token_b, participants_csv(PRIME_B), file_name(PRIME_B)).json()["id"]
    for suffix in ("", "/findings.csv"):
        theirs = client.get(f"/api/v1/submissions/{bobs}{suffix}", headers=_auth(world.token_a))
        missing = client.get(
            f"/api/v1/submissions/20260101000000-0badf00d{suffix}", headers=_auth(world.token_a)
        )
        _is_error(theirs, 404, "not_found")
        assert theirs.content == missing.content and theirs.status_code == missing.status_code
        assert bobs not in theirs.text
    assert client.get(f"/api/v1/submissions/{bobs}", headers=_auth(world.token_b)).status_code == 200


def test_a_file_for_another_ukprn_is_403_and_nothing_is_recorded(world):
    response = api_upload(world.client(), world.token_a, participants_csv(PRIME_B), file_name(PRIME_B))
    body = _is_error(response, 403, "forbidden")
    assert PRIME_B in body["message"] and "AB12345" not in response.text  # no file content echoed
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_without_a_valid_token_the_answer_is_401(world):
    client = world.client()
    csv = participants_csv()
    for headers in (
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": "Basic YWxpY2U6eA=="},
        {"Authorization": f"Bearer {world.token_a[:-3]}xyz"},
        {"Authorization": "Bearer mi_0123456789abcdef_secret"},
    ):
        response = client.post("/api/v1/submissions", headers=headers, files={"file": (file_name(), csv)})
        _is_error(response, 401, "unauthorized")
        assert response.headers["www-authenticate"] == "Bearer"
        _is_error(client.get("/api/v1/submissions", headers=headers), 401, "unauthorized")
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_a_disabled_users_token_stops_working_at_once(world):
    client = world.client()
    assert client.get("/api/v1/submissions", headers=_auth(world.token_a)).status_code == 200
    accounts.disable_user(world.paths, "alice")
    _is_error(client.get("/api/v1/submissions", headers=_auth(world.token_a)), 401, "unauthorized")
    _is_error(api_upload(client, world.token_a, participants_csv()), 401, "unauthorized")


def test_replacing_tokens_revokes_the_earlier_ones(world):
    client = world.client()
    new = accounts.issue_token(world.paths, "alice", replace=True)
    _is_error(client.get("/api/v1/submissions", headers=_auth(world.token_a)), 401)
    assert client.get("/api/v1/submissions", headers=_auth(new)).status_code == 200


def test_missing_or_invalid_fields_are_422(world):
    client = world.client()
    # No file part at all.
    response = client.post(
        "/api/v1/submissions",
        headers=_auth(world.token_a),
        data={"return": "participants"},
        files={"other": ("x.txt", b"x")},
    )
    _is_error(response, 422)
    response = client.post(
        "/api/v1/submissions",
        headers=_auth(world.token_a),
        data={"return": "participants", "period": PERIOD},
        files={},
    )
    _is_error(response, 415, "unsupported_media_type")  # not even multipart
    # A free file name without return and period.
    _is_error(api_upload(client, world.token_a, participants_csv(), "export.csv"), 422, "missing_field")
    _is_error(
        api_upload(client, world.token_a, participants_csv(), "export.csv", period=PERIOD),
        422,
        "missing_field",
    )
    _is_error(
        api_upload(
            client,
            world.token_a,
            participants_csv(),
            "export.csv",
            **{"return": "participants", "period": "26Q2"},
        ),
        422,
        "invalid_field",
    )
    _is_error(
        api_upload(
            client,
            world.token_a,
            participants_csv(),
            "export.csv",
            **{"return": "payments", "period": PERIOD},
        ),
        422,
        "invalid_field",
    )
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_only_providers_upload(world):
    response = api_upload(world.client(), world.token_admin, participants_csv(), file_name())
    _is_error(response, 403, "forbidden")


def test_too_many_requests_per_token_is_429(world):
    app = create_app(world.paths, rate_limits=RateLimits(api_calls=3, api_window=dt.timedelta(minutes=1)))
    client = TestClient(app)
    for _ in range(3):
        assert client.get("/api/v1/submissions", headers=_auth(world.token_a)).status_code == 200
    limited = client.get("/api/v1/submissions", headers=_auth(world.token_a))
    _is_error(limited, 429, "rate_limited")
    assert int(limited.headers["retry-after"]) >= 1
    _is_error(api_upload(client, world.token_a, participants_csv()), 429, "rate_limited")
    assert client.get("/api/v1/submissions", headers=_auth(world.token_b)).status_code == 200  # per token


def test_every_api_error_is_json_error_and_message(world):
    client = world.client()
    auth = _auth(world.token_a)
    _is_error(client.get("/api/v1/nothing-here", headers=auth), 404, "not_found")
    _is_error(client.delete("/api/v1/submissions", headers=auth), 405, "method_not_allowed")
    _is_error(client.put("/api/v1/submissions/20260101000000-0badf00d", headers=auth), 405)
    _is_error(
        client.post(
            "/api/v1/submissions", headers={**auth, "content-type": "multipart/form-data"}, content=b"garbage"
        ),
        422,
        "invalid_request",
    )
    broken = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\n'
        + BAD_NINO.encode()
        + b"\r\n--b-"
    )
    response = client.post(
        "/api/v1/submissions",
        headers={**auth, "content-type": "multipart/form-data; boundary=b"},
        content=broken,
    )
    _is_error(response, 422, "invalid_request")  # a truncated body never passes for a whole file
    assert BAD_NINO not in response.text
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_openapi_describes_the_api_and_only_the_api(world):
    response = world.client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert set(spec["paths"]) == {
        "/api/v1/submissions",
        "/api/v1/submissions/{submission_id}",
        "/api/v1/submissions/{submission_id}/findings.csv",
        # a provider's own performance (tests/portal/test_performance.py)
        "/api/v1/claims",
        "/api/v1/claims.csv",
        "/api/v1/claims/{ukprn}/{claim_id}",
        "/api/v1/statements/{period}",
        "/api/v1/statements/{period}.csv",
        "/api/v1/unclaimed",
    }
    post = spec["paths"]["/api/v1/submissions"]["post"]
    assert {"201", "401", "403", "413", "415", "422", "429"} <= set(post["responses"])
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert set(spec["paths"]["/api/v1/submissions"]) == {"get", "post"}
    assert "404" in spec["paths"]["/api/v1/submissions/{submission_id}"]["get"]["responses"]
    assert (
        "text/csv"
        in spec["paths"]["/api/v1/submissions/{submission_id}/findings.csv"]["get"]["responses"]["200"][
            "content"
        ]
    )
    assert any(s.get("scheme") == "bearer" for s in spec["components"]["securitySchemes"].values())
    summary = spec["components"]["schemas"]["Summary"]["properties"]
    assert {"return", "id", "findings_url"} <= set(summary)


def test_api_calls_are_audited(world):
    from portal import audit

    client = world.client()
    created = api_upload(client, world.token_a, participants_csv(), file_name()).json()
    client.get(f"/api/v1/submissions/{created['id']}", headers=_auth(world.token_a))
    client.get("/api/v1/submissions", headers={"Authorization": "Bearer nonsense"})
    rows = [(e.actor, e.action, e.outcome, e.target) for e in audit.entries(world.paths)]
    assert ("alice", "api POST /api/v1/submissions", "success", created["id"]) in rows
    assert ("alice", "api GET /api/v1/submissions/{id}", "success", created["id"]) in rows
    assert ("-", "api GET /api/v1/submissions", "unauthenticated", None) in rows
