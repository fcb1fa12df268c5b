"""``methodology.md``: how each figure is defined, printed from the parameters actually used.

The verification rules, rating window, like-for-like method, star weights and
bands, inspection scores, every threshold and the coverage rule come from the
warehouse's ``seeds`` schema (the values of the build being published) with
the seeds' own descriptions from dbt's manifest; disclosure control comes from
``publish/parameters.yaml``; the column definitions from
:mod:`publish.definitions`. The template (``templates/methodology.md``) holds
only the prose that joins them.

Not for: any number. If a figure appears in the prose it is a template
variable, so that changing a seed changes the page.

Notes:
    The page carries the period but neither the version nor a date: the same
    figures must give the same bytes in every version, so that unchanged data
    is recognised as unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from publish.dbt_descriptions import column_description, model_description, seed_descriptions
from publish.definitions import KINDS, ReleaseTable
from publish.figures import Figures
from publish.parameters import ReleaseParameters

TEMPLATES = Path(__file__).with_name("templates")


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

    from publish.datapackage import field_descriptor

    seeds = figures.seeds
    thresholds = {t["name"]: t["value"] for t in seeds["measure_thresholds"]}
    seed_docs = seed_descriptions()
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    template = environment.get_template("methodology.md")

    def threshold(name: str) -> str:
        return _number(thresholds[name])

    def seed_description(name: str) -> str:
        text = " ".join(seed_docs[name][0].split()) if name in seed_docs else ""
        # "Grain: ..." is for analysts of the warehouse, not for readers of the release.
        return re.sub(r"\s*Grain:[^.]*\.", "", text).strip()

    table_context = [
        {
            "name": t.name,
            "title": t.title,
            "description": t.description,
            "key": t.key,
            "fields": [
                {
                    "name": c.name,
                    "type": KINDS[c.kind].schema_type,
                    "description": field_descriptor(c, t, vocabulary, parameters)["description"],
                }
                for c in t.columns
            ],
        }
        for t in tables
    ]
    order = ["outcomes", "value_for_money", "quality", "customer_experience"]
    weights = sorted(
        seeds["star_domain_weights"],
        key=lambda w: order.index(w["domain"]) if w["domain"] in order else len(order),
    )
    return template.render(
        title=parameters.package["title"],
        period=period,
        coverage_months=figures.coverage_months,
        threshold=threshold,
        number=_number,
        seed_description=seed_description,
        verification_order=column_description("fct_outcome_claims", "verification_status"),
        like_for_like=" ".join(
            [
                model_description("fct_expected_outcomes"),
                column_description("fct_expected_outcomes", "like_for_like_index"),
            ]
        ),
        benchmark_levels=_benchmark_levels(),
        outcome_rules=sorted(seeds["outcome_rules"], key=lambda r: r["days_required"]),
        age_bands=sorted(seeds["age_bands"], key=lambda b: b["min_age"]),
        weights=weights,
        star_bands=star_band_ranges(seeds["star_bands"]),
        grades=sorted(seeds["inspection_grade_scores"], key=lambda g: g["grade"]),
        thresholds=sorted(seeds["measure_thresholds"], key=lambda t: t["name"]),
        d=parameters.disclosure,
        s=parameters.symbols,
        suppressed_numerators=" or ".join(str(n) for n in parameters.disclosure.suppressed_numerators),
        release_parameters=[*parameters.as_rows(), coverage_row(figures.coverage_months)],
        tables=table_context,
        licence=parameters.package["licence"],
    )


def _benchmark_levels() -> str:
    from publish.dbt_descriptions import DescriptionNotFound

    try:
        return column_description("int_benchmark__participant_rates", "benchmark_level")
    except DescriptionNotFound:
        return ""
