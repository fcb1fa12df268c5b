"""The statistical bulletin ``index.html``: figures from the release's own files, self-contained, accessible.

A hand-written release folder (``synthetic_release.py``) checks each rule
against known cells, fast; the small world's published release checks the
same on real files, and headless chromium takes screenshots of it into the
test's temporary folder for a reviewer (the path is printed).
"""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from publish.bulletin import BulletinInputMissing, bulletin_context, render_bulletin, write_bulletin
from publish.parameters import release_parameters
from publish.publication import publication
from tests.support import synthetic_release as syn
from tests.support.bulletin_checks import expected_statements, main_points, numbers_in, rows
from tests.support.html_checks import audit_html, external_links


def _context(period=syn.PERIOD, version=1, release_date=syn.RELEASE_DATE, seeds=None):
    return bulletin_context(
        period=period,
        version=version,
        release_date=release_date,
        seeds=seeds or syn.SEEDS,
        parameters=release_parameters(),
        publication=publication(),
    )


@pytest.fixture
def synthetic(tmp_path) -> tuple[Path, str]:
    folder = syn.write_release(tmp_path / "release")
    return folder, write_bulletin(folder, _context()).read_text(encoding="utf-8")


class _Svgs(HTMLParser):
    """Each ``<svg>``: its attributes, and the ids and text of its ``<title>`` and ``<desc>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.svgs: list[dict] = []
        self.ids: set[str] = set()
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "svg":
            self.svgs.append({"attrs": attributes, "title": "", "desc": ""})
        if tag in ("title", "desc") and self.svgs and self._in is None and not self.svgs[-1][tag]:
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.svgs[-1][self._in] += data


def _svgs(page: str) -> tuple[list[dict], set[str]]:
    parser = _Svgs()
    parser.feed(page)
    return parser.svgs, parser.ids


# --- on a hand-written release -------------------------------------------------------------


def test_the_bulletin_runs_no_script_and_loads_nothing_from_another_site(synthetic):
    _, page = synthetic
    problems, links = audit_html(page)
    assert problems == []
    assert external_links(links) == []
    assert "<script" not in page.lower() and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_the_main_points_quote_the_published_figures(synthetic):
    folder, page = synthetic
    points = main_points(page)
    assert 4 <= len(points) <= 6, points
    text = " ".join(points)
    for phrase in expected_statements(folder, syn.PERIOD):
        assert phrase in text, (phrase, points)
    # the hand-written figures: 2024Q4 is the latest final cohort, 2023Q4 a year before it
    assert "205 (20.5%) had a sustained job outcome" in text
    assert "up 2.0 percentage points on the 18.5% of people referred a year earlier (2023Q4)" in text
    assert (
        "1 contract with 5 stars, 1 contract with 3 stars and 1 contract with 2 stars; "
        "1 contract was not rated" in text
    )
    assert "£2,350,000" in text
    assert "1 star rating of earlier quarters" in text


def test_every_number_in_the_main_points_is_a_published_cell_a_date_or_a_parameter(synthetic):
    folder, page = synthetic
    cells = {c.replace(",", "") for path in folder.glob("*.csv") for r in rows(path) for c in r.values()}
    allowed = (
        cells | {"12", "18", "95", "10000", "2024", "2023", "1", "31", "2.0"} | {str(n) for n in range(10)}
    )
    for point in main_points(page):
        for n in numbers_in(point):
            assert n in allowed, (n, point)


def test_without_a_final_figure_a_year_earlier_the_main_point_says_so(tmp_path):
    folder = syn.write_release(tmp_path / "release")
    path = folder / "cohort_performance.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if ",2023Q4," not in line), encoding="utf-8")
    text = " ".join(main_points(render_bulletin(folder, _context())))
    assert "205 (20.5%) had a sustained job outcome" in text
    assert "no published final figure for people referred a year earlier (2023Q4) to compare with" in text
    assert "percentage points" not in text


def test_the_bulletin_says_which_referral_dates_a_period_covers_and_the_next_release(synthetic):
    _, page = synthetic
    assert "People referred from 1 January to 31 December 2024 (referral cohorts 2024Q1 to 2024Q4)" in page
    assert "2026Q2 (1 April to 30 June 2026)" in page
    assert "<dd>10 September 2026</dd>" in page  # the release date
    assert "<dd>10 December 2026 (provisional" in page  # three months later, from publication.yaml
    assert publication().contact_email in page and publication().status in page


def test_each_chart_has_a_title_a_description_a_table_and_a_link_to_its_file(synthetic):
    folder, page = synthetic
    svgs, ids = _svgs(page)
    assert [s["attrs"]["id"] for s in svgs] == ["chart-cohorts", "chart-index", "chart-stars"]
    for svg in svgs:
        assert svg["attrs"]["role"] == "img"
        labelled = svg["attrs"]["aria-labelledby"].split()
        assert labelled == [f"{svg['attrs']['id']}-title", f"{svg['attrs']['id']}-desc"]
        assert all(i in ids for i in labelled)
        assert len(svg["title"]) > 20 and len(svg["desc"]) > 80
    assert "1 contracts are above the national position with 95% confidence" in svgs[1]["desc"]
    assert "1 with 5 stars; 1 with 3 stars; 1 with 2 stars; 1 not rated" in svgs[2]["desc"]
    for source in ("cohort_performance.csv", "contract_performance.csv", "star_ratings.csv"):
        assert f'Source: <a href="{source}">' in page and (folder / source).exists()
    assert page.count("<details>") == 3


def test_the_index_chart_marks_above_below_and_not_different_by_shape_and_colour(synthetic):
    _, page = synthetic
    chart = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" id="chart-index"') :]
    chart = chart[: chart.index("</svg>")]
    assert "ESF00001 Alpha Works Ltd: 1.25, above national, with confidence" in chart
    assert "ESF00002 Beta Futures: 0.71, below national, with confidence" in chart
    assert "ESF00003 =Gamma &amp; &lt;Sons&gt;: 1.04, not different with confidence" in chart
    assert "not published: too few people or outcomes" in chart  # ESF00004's [c]
    assert chart.count("<polygon") == 2 + 2  # two in the legend, one triangle each for above and below


def test_the_bulletin_is_the_same_bytes_for_the_same_files_and_carries_no_run_time(synthetic, tmp_path):
    folder, page = synthetic
    other = shutil.copytree(folder, tmp_path / "elsewhere" / "release")
    (other / "index.html").unlink()
    assert write_bulletin(other, _context()).read_bytes() == (folder / "index.html").read_bytes()
    assert str(tmp_path) not in page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page)


def test_labels_come_from_code_labels_and_the_page_works_without_the_later_tables(tmp_path):
    full = syn.write_release(tmp_path / "full")
    page = render_bulletin(full, _context())
    assert "Above the national position" in page  # code_labels.csv
    bare = syn.write_release(tmp_path / "bare", cohorts=False, labels=False, restated=0)
    page = render_bulletin(bare, _context())
    assert "chart-cohorts" not in page and "chart-index" in page and "chart-stars" in page
    assert "Above" in page  # the code in sentence case
    assert 4 <= len(main_points(page)) <= 6
    assert "code_labels.csv" not in page and "revisions.csv" not in page


def test_a_release_folder_without_a_table_the_bulletin_quotes_is_refused(tmp_path):
    folder = syn.write_release(tmp_path / "release")
    (folder / "star_ratings.csv").unlink()
    with pytest.raises(BulletinInputMissing, match="star_ratings.csv"):
        write_bulletin(folder, _context())
    assert not (folder / "index.html").exists()


# --- on the small world's release --------------------------------------------------------


@pytest.fixture(scope="module")
def real(public_releases):
    paths, release = public_releases[0]
    return release.folder, (release.folder / "index.html").read_text(encoding="utf-8"), release.period


def test_the_real_bulletin_is_self_contained_and_links_every_file(real):
    folder, page, _ = real
    problems, links = audit_html(page)
    assert problems == [] and external_links(links) == []
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    linked = {link for link in links if not link.startswith(("#", "mailto:"))}
    assert linked <= files, linked - files
    expected = {f for f in files if not f.startswith("quality/") and f != "index.html"} | {
        "quality/index.html"
    }
    assert expected <= linked, expected - linked


def test_the_real_bulletins_main_points_quote_its_tables(real):
    folder, page, period = real
    points = main_points(page)
    assert 4 <= len(points) <= 6, points
    text = " ".join(points)
    for phrase in expected_statements(folder, period):
        assert phrase in text, (phrase, points)


def test_screenshots_of_the_real_bulletin(real, tmp_path):
    """Headless chromium (as the portal's browser test) photographs the page and each chart; paths printed."""
    from tests.portal.test_browser import CHROMIUM, CHROMIUM_FLAGS

    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does this)"
        if os.environ.get("CI"):
            pytest.fail(reason + " but CI is set")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    folder, _, _ = real
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto((folder / "index.html").as_uri())
            shots.append(tmp_path / "bulletin.png")
            page.screenshot(path=str(shots[-1]), full_page=True)
            for chart in ("chart-cohorts", "chart-index", "chart-stars"):
                if page.locator(f"#{chart}").count():
                    shots.append(tmp_path / f"{chart}.png")
                    page.locator(f"#{chart}").screenshot(path=str(shots[-1]))
        finally:
            browser.close()
    assert [u for u in requests if not u.startswith("file://")] == []
    for shot in shots:
        assert shot.stat().st_size > 5000
        print(f"screenshot: {shot}")
