"""``methodology.md``: how each figure is made, for a member of the public and an expert reviewer.

Written from the definitions, never by hand: the measures' parameters
(verification rules, rating window, like-for-like groups, star weights and
bands, inspection scores, thresholds, coverage) are the values of the
warehouse build being published; disclosure control and formats come from
``publish/parameters.yaml``; status, contact and release calendar from
``publish/publication.yaml``; each column's definition is the one its Table
Schema carries (:meth:`publish.definitions.ReleaseTable.column_description`);
codes are explained by their labels (the release's code labels). The
template (``templates/methodology.md``) holds only the prose that joins them,
and names no internal document, table or setting file.

Not for: any number. If a figure appears in the prose it is a template
variable, so that changing a parameter changes the page.

Notes:
    The page carries the period but neither the version nor a date: the same
    figures must give the same bytes in every version, so that unchanged data
    is recognised as unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.periods import Period
from publish.definitions import KINDS, ReleaseTable
from publish.figures import Figures
from publish.parameters import ReleaseParameters
from publish.publication import publication
from publish.windows import date_span, rating_window

TEMPLATES = Path(__file__).with_name("templates")

#: What each star-rating domain measures, in words (the weights are parameters).
DOMAINS = {
    "outcomes": (
        "Outcomes",
        "the like-for-like index of sustained outcomes over the rating window",
    ),
    "value_for_money": (
        "Value for money",
        "sustained outcomes per pound of fees paid, against what the national system achieves per pound "
        "with the same mix of people",
    ),
    "quality": (
        "Quality",
        "the score of the prime provider's latest inspection grade (Good scores 1.00); a score, not a "
        "comparison with other providers",
    ),
    "customer_experience": (
        "Customer experience",
        "participants' mean satisfaction in the customer survey against the national mean",
    ),
}
OUTCOME_LABELS = {
    "JOB_OUTCOME": "job outcome",
    "SUSTAINED_26W": "sustained outcome (26 weeks)",
    "SUSTAINED_78W": "long sustained outcome (78 weeks)",
}


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def _pct(value: float) -> str:
    return f"{value:+g}%".replace("-", "−")


def star_band_ranges(bands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each stars value with the range of the composite's % difference it covers, best first."""
    ordered = sorted(bands, key=lambda b: -b["stars"])
    ranges = []
    upper = None
    for band in ordered:
        lower = band["min_pct_difference"]
        if lower is None:
            text = f"below {_pct(upper)}" if upper is not None else "any"
        elif upper is None:
            text = f"{_pct(lower)} or more"
        else:
            text = f"{_pct(lower)} to below {_pct(upper)}"
        ranges.append({"stars": band["stars"], "range": text})
        if lower is not None:
            upper = lower
    return ranges


def coverage_row(months: int) -> tuple[str, str, str]:
    """The coverage rule as a row of the release's parameters table (name, value, meaning)."""
    meaning = "a contract that ended no more than this many months before the period began is still published"
    return ("recently_ended_months", str(months), meaning)


def _labels(figures: Figures, vocabulary: dict[str, list[str]]) -> list[dict[str, str]]:
    """Every code the tables use with its label: the release's code labels, else the code lists' codes."""
    labelled = figures.rows.get("code_labels") or []
    if labelled:
        rows = [{"list": str(r["list"]), "code": str(r["code"]), "label": str(r["label"])} for r in labelled]
    else:
        rows = [
            {"list": name, "code": code, "label": code.replace("_", " ").capitalize()}
            for name, codes in vocabulary.items()
            for code in codes
        ]
    return sorted(rows, key=lambda r: (r["list"], r["code"]))


def _windows(period: str, figures: Figures, thresholds: dict[str, Any]) -> tuple[Any, list[dict[str, str]]]:
    """The release's rating window, and each rating quarter's (the star ratings table holds them all)."""
    cohorts = int(thresholds["rating_window_cohorts"])
    maturity = int(thresholds["cohort_maturity_months"])
    quarters = sorted({str(r["referral_quarter"]) for r in figures.rows.get("cohort_performance") or []})
    existing = quarters or None
    window = rating_window(period, cohorts=cohorts, maturity_months=maturity, existing=existing)
    rated = sorted({str(r["period"]) for r in figures.rows.get("star_ratings") or []}, key=Period.parse)
    per_quarter = []
    for quarter in rated:
        w = rating_window(quarter, cohorts=cohorts, maturity_months=maturity, existing=existing)
        per_quarter.append({"period": quarter, "quarters": w.quarters, "dates": w.dates})
    return window, per_quarter


def _table_windows(
    period: str, window: Any, tables: list[ReleaseTable], first_cohort: str | None
) -> list[dict]:
    p = Period.parse(period)
    counted = f"people referred from {window.dates}"
    described = {
        "contract_performance": ("the people referred to each contract in the rating window", counted),
        "performance_by_group": ("the same people, by group", counted),
        "national_summary": (
            "the people referred in the rating window; payments: fees falling due in the period",
            f"{counted}; payments {date_span(p.start, p.end)}",
        ),
        "star_ratings": ("each rating quarter's own rating window (below)", "see the next table"),
        "cohort_performance": (
            "everyone referred in each cohort, outcomes counted up to the end of the period",
            f"people referred from {date_span(Period.parse(first_cohort).start, p.end)}, each cohort "
            "on its own row"
            if first_cohort
            else "each referral cohort on its own row",
        ),
    }
    return [
        {"table": f"`{t.name}.csv`", "people": described[t.name][0], "dates": described[t.name][1]}
        for t in tables
        if t.name in described
    ]


def render_methodology(
    *,
    period: str,
    figures: Figures,
    tables: list[ReleaseTable],
    vocabulary: dict[str, list[str]],
    parameters: ReleaseParameters,
) -> str:
    """The text of ``methodology.md`` for one release."""
    import jinja2

    seeds = figures.seeds
    thresholds = {t["name"]: t["value"] for t in seeds["measure_thresholds"]}
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    template = environment.get_template("methodology.md")

    def threshold(name: str) -> str:
        return _number(thresholds[name])

    window, rating_windows = _windows(period, figures, thresholds)
    cohort_quarters = sorted(
        {str(r["referral_quarter"]) for r in figures.rows.get("cohort_performance") or []}, key=Period.parse
    )
    table_context = [
        {
            "name": t.name,
            "title": t.title,
            "description": t.description,
            "key": t.key,
            "parquet": t.parquet,
            "fields": [
                {
                    "name": c.name,
                    "type": KINDS[c.kind].schema_type,
                    "description": t.column_description(c, parameters),
                }
                for c in t.columns
            ],
        }
        for t in tables
    ]
    order = list(DOMAINS)
    weights = [
        {
            "label": DOMAINS.get(w["domain"], (w["domain"], ""))[0],
            "meaning": DOMAINS.get(w["domain"], ("", ""))[1],
            "weight": w["weight"],
        }
        for w in sorted(
            seeds["star_domain_weights"],
            key=lambda w: order.index(w["domain"]) if w["domain"] in order else len(order),
        )
    ]
    rules = sorted(seeds["outcome_rules"], key=lambda r: r["days_required"])
    sustained = next(r for r in rules if r["outcome_type"] == "SUSTAINED_26W")
    p = Period.parse(period)
    return template.render(
        title=parameters.package["title"],
        period=period,
        period_dates=date_span(p.start, p.end),
        publication=publication(),
        coverage_months=figures.coverage_months,
        maturity_months=int(thresholds["cohort_maturity_months"]),
        window_cohorts=int(thresholds["rating_window_cohorts"]),
        window=window,
        rating_windows=rating_windows,
        table_windows=_table_windows(period, window, tables, cohort_quarters[0] if cohort_quarters else None),
        threshold=threshold,
        number=_number,
        codes=_labels(figures, vocabulary),
        outcome_rules=[
            {**r, "label": OUTCOME_LABELS.get(r["outcome_type"], r["outcome_type"])} for r in rules
        ],
        sustained=sustained,
        age_bands=sorted(seeds["age_bands"], key=lambda b: b["min_age"]),
        weights=weights,
        star_bands=star_band_ranges(seeds["star_bands"]),
        grades=sorted(seeds["inspection_grade_scores"], key=lambda g: g["grade"]),
        thresholds=sorted(seeds["measure_thresholds"], key=lambda t: t["name"]),
        d=parameters.disclosure,
        s=parameters.symbols,
        f=parameters.formats,
        revised=parameters.symbols.revised,
        suppressed_numerators=" or ".join(str(n) for n in parameters.disclosure.suppressed_numerators),
        release_parameters=[*parameters.as_rows(), coverage_row(figures.coverage_months)],
        tables=table_context,
        licence=parameters.package["licence"],
    )
