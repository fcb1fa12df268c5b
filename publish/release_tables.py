"""From the true figures to the published rows: every cell as the text a reader will see.

For each table of :mod:`publish.definitions`, one function turns the
unrounded rows of its ``pub_*`` model (:mod:`publish.figures`) into rows of
strings, calling :mod:`publish.disclosure_control` for every count, rate,
index, money total and text, and computing each rate from its two true
counts. The rows come back sorted by the table's key (plain code-point order,
never locale order), ready for the writers.

Not for: SQL or which rows a table has (the ``pub_*`` models), thresholds
(``parameters.yaml``), or file formats.

Notes:
    Suppression is decided on the true counts the figures carry next to
    each measure (``index_people``/``index_outcomes`` for an index): a rate's
    numerator and denominator are the published counts before rounding, an
    index's are the people of the window and their counted outcomes.
"""

from __future__ import annotations

from publish import disclosure_control as dc
from publish.definitions import (
    CONTRACT_PERFORMANCE,
    NATIONAL_SUMMARY,
    PERFORMANCE_BY_GROUP,
    STAR_RATINGS,
    ReleaseTable,
)
from publish.figures import Figures
from publish.parameters import ReleaseParameters

Row = dict[str, str]


def sort_rows(rows: list[Row], table: ReleaseTable) -> list[Row]:
    return sorted(rows, key=lambda r: tuple(r[k] for k in table.key))


def contract_performance(figures: Figures, p: ReleaseParameters) -> list[Row]:
    rows = []
    for c in figures.rows[CONTRACT_PERFORMANCE.name]:
        rows.append(
            {
                "period": c["period"],
                "contract_id": dc.inert_text(c["contract_id"]),
                "programme": dc.text_cell(c["programme"], p),
                "prime_ukprn": dc.inert_text(c["prime_ukprn"]),
                "prime_name": dc.text_cell(c["prime_name"], p),
                "cpa_id": dc.text_cell(c["cpa_id"], p),
                "cpa_name": dc.text_cell(c["cpa_name"], p),
                "nation": dc.text_cell(c["nation"], p),
                "referrals": dc.round_count(c["referrals"], p),
                "starts": dc.round_count(c["starts"], p),
                "job_outcomes": dc.round_count(c["job_outcomes"], p),
                "sustained_26w_outcomes": dc.round_count(c["sustained_26w_outcomes"], p),
                "job_outcome_rate": dc.rate_cell(c["job_outcomes"], c["referrals"], p),
                "sustained_outcome_rate": dc.rate_cell(c["sustained_26w_outcomes"], c["referrals"], p),
                "like_for_like_index": dc.index_cell(
                    c["like_for_like_index"], c["index_outcomes"], c["index_people"] or 0, p
                ),
                # no rating at all (no status) is "not available"; a NOT_RATED contract's is "not applicable"
                "star_rating": dc.whole_number_cell(
                    c["star_rating"], p, applicable=c["rating_status"] != "NOT_RATED"
                ),
                "star_rating_previous": dc.whole_number_cell(c["star_rating_previous"], p),
            }
        )
    return sort_rows(rows, CONTRACT_PERFORMANCE)


def performance_by_group(figures: Figures, p: ReleaseParameters) -> list[Row]:
    rows = []
    for g in figures.rows[PERFORMANCE_BY_GROUP.name]:
        rows.append(
            {
                "period": g["period"],
                "contract_id": dc.inert_text(g["contract_id"]),
                "group_dimension": dc.text_cell(g["group_dimension"], p),
                "group_value": dc.text_cell(g["group_value"], p),
                "referrals": dc.round_count(g["referrals"], p),
                "sustained_26w_outcomes": dc.round_count(g["sustained_26w_outcomes"], p),
                "sustained_outcome_rate": dc.rate_cell(g["sustained_26w_outcomes"], g["referrals"], p),
                "like_for_like_index": dc.index_cell(
                    g["like_for_like_index"], g["sustained_26w_outcomes"], g["referrals"], p
                ),
            }
        )
    return sort_rows(rows, PERFORMANCE_BY_GROUP)


_RATIOS = ("outcomes_ratio", "value_for_money_ratio", "composite")
_PUBLIC_RATIOS = ("quality_ratio", "customer_experience_ratio")


def star_ratings(figures: Figures, p: ReleaseParameters) -> list[Row]:
    rows = []
    for r in figures.rows[STAR_RATINGS.name]:
        rated = r["rating_status"] == "RATED"
        people = r["index_people"] if r["index_people"] is not None else r["referrals_in_window"]
        row = {
            "period": r["period"],
            "unit_type": r["unit_type"],
            "unit_id": dc.inert_text(r["unit_id"]),
            "prime_ukprn": dc.inert_text(r["prime_ukprn"]),
            "prime_name": dc.text_cell(r["prime_name"], p),
            "referrals_in_window": dc.round_count(r["referrals_in_window"], p),
        }
        # Outcomes and value for money are built on the window's counted outcomes, and the
        # composite would give the outcomes ratio back when value for money is unavailable:
        # all three follow the rate rule on those outcomes.
        for name in _RATIOS:
            row[name] = dc.index_cell(r[name], r["index_outcomes"], people, p)
        # Quality (an inspection grade) and customer experience (30+ responses by definition)
        # are not built on outcome counts: published as they are.
        for name in _PUBLIC_RATIOS:
            row[name] = dc.index_cell(r[name], None, None, p)
        row.update(
            {
                "stars": dc.whole_number_cell(r["stars"], p, applicable=rated),
                "rating_status": dc.text_cell(r["rating_status"], p),
                "not_rated_reason": dc.text_cell(r["not_rated_reason"], p, applicable=not rated),
                "rank": dc.whole_number_cell(r["rank"], p, applicable=rated),
                "previous_stars": dc.whole_number_cell(r["previous_stars"], p),
            }
        )
        rows.append(row)
    return sort_rows(rows, STAR_RATINGS)


def national_summary(figures: Figures, p: ReleaseParameters) -> list[Row]:
    rows = []
    for n in figures.rows[NATIONAL_SUMMARY.name]:
        rows.append(
            {
                "period": n["period"],
                "nation": dc.text_cell(n["nation"], p),
                "customer_group": dc.text_cell(n["customer_group"], p),
                "referrals": dc.round_count(n["referrals"], p),
                "starts": dc.round_count(n["starts"], p),
                "job_outcomes": dc.round_count(n["job_outcomes"], p),
                "sustained_26w_outcomes": dc.round_count(n["sustained_26w_outcomes"], p),
                "job_outcome_rate": dc.rate_cell(n["job_outcomes"], n["referrals"], p),
                "sustained_outcome_rate": dc.rate_cell(n["sustained_26w_outcomes"], n["referrals"], p),
                "payments_made_gbp": dc.money_cell(n["payments_made_gbp"], n["payments"], p),
            }
        )
    return sort_rows(rows, NATIONAL_SUMMARY)


BUILDERS = {
    CONTRACT_PERFORMANCE.name: contract_performance,
    PERFORMANCE_BY_GROUP.name: performance_by_group,
    STAR_RATINGS.name: star_ratings,
    NATIONAL_SUMMARY.name: national_summary,
}


def published_rows(figures: Figures, p: ReleaseParameters) -> dict[str, list[Row]]:
    """Every data table's published rows, by table name."""
    return {name: build(figures, p) for name, build in BUILDERS.items()}
