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
