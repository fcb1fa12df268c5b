"""``methodology.md`` is written for the public, from the definitions and the configuration.

Rendered from the measures' real parameter files (read here) with the release's
tables; the small world's published release is then read whole, together with
``datapackage.json`` and ``index.html``, for any internal name.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from publish.definitions import ALL_TABLES, vocabularies
from publish.figures import SEEDS, Figures
from publish.methodology import render_methodology
from publish.parameters import release_parameters
from publish.publication import publication
from tests.support.bulletin_checks import SEED_FOLDER, internal_names


def _value(text: str):
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _seed(name: str) -> list[dict]:
    with open(SEED_FOLDER / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return [{k: _value(v) for k, v in row.items()} for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def figures() -> Figures:
    rows = {
        "star_ratings": [{"period": q} for q in ("2025Q4", "2026Q1", "2026Q2")],
        "cohort_performance": [{"referral_quarter": q} for q in ("2024Q3", "2024Q4", "2025Q1")],
        "code_labels": [
            {"list": "nation", "code": "ENGLAND", "label": "England"},
            {
                "list": "cohort_status",
                "code": "FINAL",
                "label": "Final: the cohort's outcomes are all counted",
            },
        ],
    }
    return Figures(period="2026Q2", rows=rows, seeds={name: _seed(name) for name in SEEDS})


def _render(figures, parameters=None) -> str:
    tables = list(ALL_TABLES)
    return render_methodology(
        period="2026Q2",
        figures=figures,
        tables=tables,
        vocabulary=vocabularies(figures.age_bands),
        parameters=parameters or release_parameters(),
    )


@pytest.fixture(scope="module")
def page(figures) -> str:
    return _render(figures)


def test_the_methodology_names_no_internal_document_table_setting_file_or_null(page):
    assert internal_names(page) == []


def test_each_table_says_which_referral_dates_it_counts(page):
    # 2026Q2's rating window: the mature cohorts since the first in the data (2024Q3), at most four
    assert "**people referred from 1 July to 31 December 2024**" in page
    assert (
        "| `contract_performance.csv` | the people referred to each contract in the rating window | " in page
    )
    assert "payments 1 April to 30 June 2026" in page
    assert "people referred from 1 July 2024 to 30 June 2026, each cohort on its own row" in page
    # each rating quarter of the star ratings table with its own window
    assert "| 2025Q4 | none | no referral cohort is mature yet |" in page  # 2024Q3 matures on 31 March 2026
    assert "| 2026Q1 | 2024Q3 | 1 July to 30 September 2024 |" in page
    assert "| 2026Q2 | 2024Q3 to 2024Q4 | 1 July to 31 December 2024 |" in page


def test_the_glossary_explains_every_code_by_its_label_and_the_terms_a_reader_meets(page):
    assert "| nation | ENGLAND | England |" in page
    assert "| cohort_status | FINAL | Final: the cohort's outcomes are all counted |" in page
    for term in ("| referral cohort |", "| rating window |", "| job outcome |", "| sustained outcome |"):
        assert term in page


def test_what_a_figure_does_not_mean_uncertainty_revisions_comparability_and_unclaimed(page):
    assert "**A job outcome is one day in work.**" in page and "not comparable" in page
    assert "Evidenced but unclaimed outcomes" in page and "**not** part of any figure" in page
    assert "95% confidence interval" in page and "Byar" in page
    assert "## 9. Revisions" in page and "## 10. Comparability" in page
    assert "fewer than 50 referrals in the rating" in page.replace("\n", " ")


def test_thresholds_status_and_contact_come_from_configuration(figures, page):
    settings = publication()
    assert settings.status in page and settings.contact_email in page and settings.producer in page
    p = release_parameters()
    changed = dataclasses.replace(p, disclosure=dataclasses.replace(p.disclosure, count_rounding_base=10))
    other = _render(figures, changed)
    assert "rounded to the nearest 5;" in page.replace("\n", " ")
    assert "rounded to the nearest 10;" in other.replace("\n", " ")
    thresholds = [dict(t) for t in figures.seeds["measure_thresholds"]]
    for t in thresholds:
        if t["name"] == "min_referrals_rated":
            t["value"] = 75
    seeds = {**figures.seeds, "measure_thresholds": thresholds}
    assert "fewer than 75 referrals" in _render(dataclasses.replace(figures, seeds=seeds)).replace("\n", " ")


# --- the published release of the small world ---------------------------------------------


def test_the_published_texts_name_no_internal_document_model_seed_or_null(public_releases):
    _, release = public_releases[0]
    for name in ("methodology.md", "datapackage.json", "index.html"):
        text = Path(release.folder, name).read_text(encoding="utf-8")
        assert internal_names(text) == [], name


def test_the_referral_dates_a_period_covers_agree_with_the_warehouses_rating_windows(small_world_home):
    """The windows the methodology and the bulletin print in dates are the ones the warehouse rated on."""
    import duckdb

    from publish.windows import rating_window

    with duckdb.connect(str(small_world_home.warehouse), read_only=True) as con:
        windows: dict[str, list[str]] = {}
        for quarter, cohort in con.execute(
            "select rating_quarter, cohort_quarter from intermediate.int_rating_windows order by 1, 2"
        ).fetchall():
            windows.setdefault(quarter, []).append(cohort)
        thresholds = dict(con.execute("select name, value from seeds.measure_thresholds").fetchall())
        existing = [
            r[0]
            for r in con.execute(
                "select distinct referral_quarter from publication.pub_cohort_performance"
            ).fetchall()
        ]
    assert len(windows) >= 3
    for quarter, cohorts in windows.items():
        window = rating_window(
            quarter,
            cohorts=int(thresholds["rating_window_cohorts"]),
            maturity_months=int(thresholds["cohort_maturity_months"]),
            existing=existing,
        )
        assert [c.code for c in window.cohorts] == cohorts, quarter


def test_publication_settings_that_lack_a_value_are_refused_naming_it(tmp_path):
    from publish.publication import PublicationSettingsInvalid, publication

    path = tmp_path / "publication.yaml"
    path.write_text(
        "status: s\nstatus_explanation: x\nproducer: y\n"
        "release_calendar: {months_between_releases: 3, confirmed_weeks_ahead: 4}\n",
        encoding="utf-8",
    )
    with pytest.raises(PublicationSettingsInvalid, match="contact"):
        publication.__wrapped__(path)
    path.write_text(
        "status: s\nstatus_explanation: x\nproducer: y\ncontact: {name: n, email: nobody}\n"
        "release_calendar: {months_between_releases: 3, confirmed_weeks_ahead: 4}\n",
        encoding="utf-8",
    )
    with pytest.raises(PublicationSettingsInvalid, match="email"):
        publication.__wrapped__(path)
