"""A real browser (Debian's chromium, headless, driven by Playwright) signs in, uploads and reads the
findings.

The portal runs under uvicorn on 127.0.0.1 in a background thread
(``live_portal`` in ``conftest.py``). Chromium is started with flags that stop
it from reaching anything but 127.0.0.1 (see ``shared/notes/toolchain.md``).
Without chromium the test is skipped on a developer's machine and fails in CI
(``CI`` set), where ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.portal.conftest import BAD_NINO, BAD_NINO_MASKED, PASSWORD, PERIOD, participants_csv

CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-domain-reliability",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does this)"
        if os.environ.get("CI"):
            pytest.fail(reason + " but CI is set: the browser test must run in CI")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


def test_a_provider_signs_in_uploads_a_file_with_errors_and_reads_the_findings(
    browser, live_portal, tmp_path
):
    from playwright.sync_api import expect

    return_file = tmp_path / "q2 participants.csv"
    return_file.write_bytes(participants_csv(rows=4, bad_rows=(1,)))
    page = browser.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_portal}/upload")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fupload$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    # Keyboard first: the skip link waits off-screen (the style sheet loaded despite the strict CSP),
    # the first Tab reaches it, and focus shows it, in the yellow focus colour.
    assert page.evaluate("document.querySelector('.skip-link').getBoundingClientRect().right") <= 0
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0
    assert page.evaluate("getComputedStyle(document.activeElement).backgroundColor") == "rgb(255, 221, 0)"

    page.get_by_label("User name", exact=True).fill("alice")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password", exact=True).press("Enter")  # submit from the keyboard

    expect(page).to_have_url(f"{live_portal}/upload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a return")
    page.get_by_label("Return type", exact=True).select_option("participants")
    page.get_by_label("Period", exact=True).fill(PERIOD)
    page.get_by_label("File", exact=True).set_input_files(return_file)
    page.get_by_role("button", name="Upload and check").click()

    expect(page).to_have_url(re.compile(r"/submissions/[0-9]{14}-[0-9a-f]{8}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback on your participants return")
    expect(page.get_by_text("ACCEPTED WITH ERRORS", exact=True)).to_be_visible()
    finding = page.get_by_role("row").filter(has_text="PAR_NINO_02").filter(has_text=BAD_NINO_MASKED)
    expect(finding).to_have_count(1)
    expect(finding.get_by_role("cell").first).to_have_text("3")  # row 3 of the file (header = row 1)
    assert BAD_NINO not in page.content()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the findings as CSV").click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert csv_text.startswith("row,field,value,rule_id,severity,message")
    assert f"3,nino,{BAD_NINO_MASKED},PAR_NINO_02,error," in csv_text

    page.get_by_role("navigation").get_by_role("link", name="Submissions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your submissions")
    expect(page.get_by_role("row").filter(has_text="q2 participants.csv")).to_have_count(1)


@pytest.fixture
def performance_portal(small_world, tmp_path, monkeypatch):
    """A live portal over the built small world, a prime user ``pat`` in it (support/performance_world)."""
    from argon2 import PasswordHasher

    from portal import accounts, performance
    from tests.support.performance_world import make_world, serving

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.delenv(performance.PREVIEW_VARIABLE, raising=False)
    world = make_world(tmp_path / "home", small_world)
    with serving(world.app) as base:
        yield world, base


def test_a_prime_reads_its_claims_statement_unclaimed_outcomes_and_performance(
    browser, performance_portal, tmp_path
):
    from playwright.sync_api import expect

    world, base = performance_portal
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)

    page.goto(f"{base}/claims")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fclaims$"))
    page.get_by_label("User name", exact=True).fill("pat")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Claims: the newest return period first; narrow to one decision with the form (no script needed).
    expect(page).to_have_url(f"{base}/claims")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your claims")
    page.get_by_label("Decision", exact=True).select_option(label="No employment evidence")
    page.get_by_role("button", name="Show claims").click()
    expect(page).to_have_url(re.compile(r"/claims\?period=[0-9]{4}Q[1-4]&status=NO_EVIDENCE$"))
    rows = page.get_by_role("row").filter(has_text="No employment evidence")
    expect(rows.first).to_be_visible()
    expect(rows.first).to_contain_text("No employment spell starts within 28 days")
    claims_png = tmp_path / "claims.png"
    page.screenshot(path=str(claims_png), full_page=True)
    print(f"screenshot of Claims: {claims_png}")

    # Payment statement: the newest quarter's, downloaded as CSV.
    page.get_by_role("navigation").get_by_role("link", name="Payment statements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment statements")
    page.get_by_role("link", name=re.compile("^View the statement")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Payment statement for")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the statement as CSV").click()
    statement = Path(download.value.path()).read_text(encoding="utf-8")
    assert statement.startswith("contract_id,fee_type,participant_ref,claim_id,")

    # Outcomes not claimed: participant references the prime can look up, and no dates.
    page.get_by_role("navigation").get_by_role("link", name="Unclaimed outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes you have not claimed")
    first_ref = world.query(
        "select participant_ref from marts.fct_unclaimed_outcomes where prime_ukprn = ? "
        "and claim_state = 'UNCLAIMED' order by met_quarter, contract_id, participant_ref limit 1",
        [world.prime],
    )[0][0]
    expect(page.get_by_role("cell", name=first_ref, exact=True)).to_be_visible()

    # Your performance: provisional ratings, with two charts and their tables per contract.
    page.get_by_role("navigation").get_by_role("link", name="Your performance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your performance")
    expect(
        page.get_by_text("Provisional management information, not published; do not share.")
    ).to_be_visible()
    contracts = world.query(
        "select count(distinct contract_id) from marts.mart_star_ratings where prime_ukprn = ?", [world.prime]
    )[0][0]
    charts = page.get_by_role("img")
    expect(charts).to_have_count(2 * contracts)
    expect(charts.first).to_be_visible()
    box = charts.first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100, "the chart is not drawn"
    expect(page.get_by_role("table", name=re.compile("^Like-for-like index of")).first).to_be_visible()
    performance_png = tmp_path / "your_performance.png"
    page.screenshot(path=str(performance_png), full_page=True)
    print(f"screenshot of Your performance: {performance_png}")
