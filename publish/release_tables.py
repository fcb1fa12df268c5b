"""From the true figures to the published rows: every cell as the text a reader will see.

For each table of :mod:`publish.definitions`, one function turns the
unrounded rows of its ``pub_*`` model (:mod:`publish.figures`) into rows of
strings, calling :mod:`publish.disclosure_control` for every count, index,
money total and text. Every rate is then computed from the *published*
counts its model's metadata names (:func:`add_rates`), never from the true
ones. The rows come back sorted by the table's key (plain code-point order,
never locale order), ready for the writers.

Not for: SQL or which rows a table has (the ``pub_*`` models), thresholds
(``parameters.yaml``), or file formats.

Notes:
    Suppression is decided on the true counts the figures carry next to each
    measure: a row of a group or cohort of 1 to 9 people shows ``[c]`` for
    every figure (:func:`suppress_small_group`); an index is ``[c]`` when its
    true actual count is 1 or 2 or its expected count below 10.
"""

from __future__ import annotations

from typing import Any

from publish import disclosure_control as dc
from publish.definitions import (
    CODE_LABELS,
    COHORT_PERFORMANCE,
    CONTRACT_PERFORMANCE,
    DATA_TABLES,
    NATIONAL_SUMMARY,
    PERFORMANCE_BY_GROUP,
    RELEASE_CODE_LABELS,
    STAR_RATINGS,
    ReleaseTable,
    labelled_lists,
)
from publish.disclosure_attack import subtraction_attack
from publish.figures import Figures
from publish.parameters import ReleaseParameters

Row = dict[str, str]


def sort_rows(rows: list[Row], table: ReleaseTable) -> list[Row]:
    return sorted(rows, key=lambda r: tuple(r[k] for k in table.key))


def add_rates(row: Row, table: ReleaseTable, p: ReleaseParameters) -> Row:
    """Fill every rate of the row from the published counts its model names (and nothing else)."""
    for column in table.columns:
        if column.kind == "rate":
            numerator, denominator = table.rate_inputs(column)
            row[column.name] = dc.rate_cell(row[numerator], row[denominator], p)
    return row


def suppress_small_group(
    row: Row, true_row: dict[str, Any], table: ReleaseTable, p: ReleaseParameters
) -> Row:
    """A row of a group or cohort of 1-9 people: ``[c]`` for every count, rate and index."""
    if table.small_group_count and dc.is_small_group(true_row[table.small_group_count], p):
        for column in table.columns:
            if column.kind in ("count", "rate", "index", "money"):
                row[column.name] = p.symbols.confidential
    return row


def _finish(rows: list[tuple[Row, dict[str, Any]]], table: ReleaseTable, p: ReleaseParameters) -> list[Row]:
    out = [suppress_small_group(add_rates(row, table, p), true_row, table, p) for row, true_row in rows]
    return sort_rows(out, table)


def contract_performance(figures: Figures, p: ReleaseParameters) -> list[Row]:
    rows = []
    for c in figures.rows[CONTRACT_PERFORMANCE.name]:
        row = {
            "period": c["period"],
            "contract_id": dc.inert_text(c["contract_id"]),
            "programme": dc.text_cell(c["programme"], p),
            "prime_ukprn": dc.inert_text(c["prime_ukprn"]),
            "prime_name": dc.text_cell(c["prime_name"], p),
            "cpa_id": dc.text_cell(c["cpa_id"], p),
            "cpa_name": dc.text_cell(c["cpa_name"], p),
            "nation": dc.text_cell(c["nation"], p),
            "nation_gss_code": dc.text_cell(c["nation_gss_code"], p),
            "referrals": dc.round_count(c["referrals"], p),
            "starts": dc.round_count(c["starts"], p),
            "job_outcomes": dc.round_count(c["job_outcomes"], p),
            "sustained_26w_outcomes": dc.round_count(c["sustained_26w_outcomes"], p),
            "like_for_like_index": dc.index_cell(
                c["like_for_like_index"],
                c["index_outcomes"],
                c["index_expected"],
                p,
                people=c["index_people"] or 0,
            ),
            # no rating at all (no status) is "not available"; a NOT_RATED contract's is "not applicable"
            "star_rating": dc.whole_number_cell(
                c["star_rating"], p, applicable=c["rating_status"] != "NOT_RATED"
            ),
            "star_rating_previous": dc.whole_number_cell(c["star_rating_previous"], p),
        }
        rows.append((row, c))
    return _finish(rows, CONTRACT_PERFORMANCE, p)


def performance_by_group(figures: Figures, p: ReleaseParameters) -> list[Row]:
    rows = []
    for g in figures.rows[PERFORMANCE_BY_GROUP.name]:
        row = {
            "period": g["period"],
            "contract_id": dc.inert_text(g["contract_id"]),
            "group_dimension": dc.text_cell(g["group_dimension"], p),
            "group_value": dc.text_cell(g["group_value"], p),
            "referrals": dc.round_count(g["referrals"], p),
            "sustained_26w_outcomes": dc.round_count(g["sustained_26w_outcomes"], p),
            "like_for_like_index": dc.index_cell(
                g["like_for_like_index"],
                g["sustained_26w_outcomes"],
                g["index_expected"],
                p,
                people=g["referrals"],
            ),
        }
        rows.append((row, g))
    return _finish(rows, PERFORMANCE_BY_GROUP, p)


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
            "cohorts_in_window": dc.whole_number_cell(r["cohorts_in_window"], p),
            "domains_used": dc.text_cell(r["domains_used"], p, applicable=rated),
        }
        if dc.is_small_group(r["referrals_in_window"], p):
            row["referrals_in_window"] = p.symbols.confidential
        # Outcomes and value for money are built on the window's counted outcomes, and the
        # composite would give the outcomes ratio back when value for money is unavailable:
        # all three follow the index rule on those outcomes and their expected count.
        for name in _RATIOS:
            row[name] = dc.index_cell(r[name], r["index_outcomes"], r["index_expected"], p, people=people)
        # Quality (an inspection grade) and customer experience (30+ responses by definition)
        # are not built on outcome counts: published as they are.
        for name in _PUBLIC_RATIOS:
            row[name] = dc.index_cell(r[name], None, None, p)
        own_quarter = r["period"] == r["release_period"]
        row.update(
            {
                "stars": dc.whole_number_cell(r["stars"], p, applicable=rated),
                "stars_marker": "",
                "rating_status": dc.text_cell(r["rating_status"], p),
                "not_rated_reason": dc.text_cell(r["not_rated_reason"], p, applicable=not rated),
                "rank": dc.whole_number_cell(r["rank"], p, applicable=rated),
                # decided on true figures (the interval's limits are not published)
                "compared_with_national": dc.text_cell(r["compared_with_national"], p, applicable=rated),
                "previous_stars": dc.whole_number_cell(r["previous_stars"], p),
                # the release's own quarter, and quarters never published, have no published stars
                "published_stars": dc.whole_number_cell(
                    r["published_stars"],
                    p,
                    applicable=not own_quarter and r["published_rating_status"] is not None,
                ),
            }
        )
        if r["published_rating_status"] == "NOT_RATED" and not own_quarter:
            row["published_stars"] = p.symbols.not_applicable
        if (
            not own_quarter
            and r["published_rating_status"] is not None
            and r["published_stars"] != r["stars"]
        ):
            # restated: the stars recomputed now differ from those that quarter's own release published
            row["stars_marker"] = p.symbols.revised
        rows.append(row)
    return sort_rows(rows, STAR_RATINGS)


def national_summary(figures: Figures, p: ReleaseParameters) -> list[Row]:
    rows = []
    for n in figures.rows[NATIONAL_SUMMARY.name]:
        row = {
            "period": n["period"],
            "nation": dc.text_cell(n["nation"], p),
            "nation_gss_code": dc.text_cell(n["nation_gss_code"], p),
            "customer_group": dc.text_cell(n["customer_group"], p),
            "referrals": dc.round_count(n["referrals"], p),
            "starts": dc.round_count(n["starts"], p),
            "job_outcomes": dc.round_count(n["job_outcomes"], p),
            "sustained_26w_outcomes": dc.round_count(n["sustained_26w_outcomes"], p),
            "payments_made_gbp": dc.money_cell(n["payments_made_gbp"], n["payments"], p),
        }
        rows.append((row, n))
    return _finish(rows, NATIONAL_SUMMARY, p)


def cohort_performance(figures: Figures, p: ReleaseParameters) -> list[Row]:
    rows = []
    for c in figures.rows[COHORT_PERFORMANCE.name]:
        row = {
            "period": c["period"],
            "referral_quarter": c["referral_quarter"],
            "contract_id": dc.inert_text(c["contract_id"]),
            "customer_group": dc.text_cell(c["customer_group"], p),
            "referrals": dc.round_count(c["referrals"], p),
            "starts": dc.round_count(c["starts"], p),
            "job_outcomes": dc.round_count(c["job_outcomes"], p),
            "sustained_26w_outcomes": dc.round_count(c["sustained_26w_outcomes"], p),
            "cohort_status": dc.text_cell(c["cohort_status"], p),
        }
        rows.append((row, c))
    return _finish(rows, COHORT_PERFORMANCE, p)


def code_labels(figures: Figures, p: ReleaseParameters) -> list[Row]:
    """The labels of every code list the tables use, and of the release's own codes."""
    wanted = set(labelled_lists())
    rows = [
        {"list": r["list"], "code": r["code"], "label": dc.text_cell(r["label"], p)}
        for r in figures.rows[CODE_LABELS.name]
        if r["list"] in wanted
    ]
    for list_name, labels in RELEASE_CODE_LABELS.items():
        rows += [{"list": list_name, "code": code, "label": label} for code, label in labels.items()]
    return sort_rows(rows, CODE_LABELS)


BUILDERS = {
    CONTRACT_PERFORMANCE.name: contract_performance,
    PERFORMANCE_BY_GROUP.name: performance_by_group,
    STAR_RATINGS.name: star_ratings,
    NATIONAL_SUMMARY.name: national_summary,
    COHORT_PERFORMANCE.name: cohort_performance,
    CODE_LABELS.name: code_labels,
}


def suppress_complements(
    rows: dict[str, list[Row]], p: ReleaseParameters, window_cohorts: list[str], *, rounds: int = 50
) -> int:
    """Complementary suppression: until the release's own subtraction attack finds nothing, suppress
    the smallest other group of the set that narrows a small group's size (its whole row ``[c]``; a
    group of nobody only when no other group shows a number).

    Returns:
        How many rows were suppressed to protect others.
    """
    by_key = {
        (t.name, "; ".join(f"{k}={r[k]}" for k in t.key)): (t, r)
        for t in DATA_TABLES
        for r in rows.get(t.name, [])
    }
    suppressed = 0
    for _ in range(rounds):
        attack = subtraction_attack(rows, p, window_cohorts)
        exposed = attack.disclosures(p)
        if not exposed:
            break
        progress = False
        for finding in exposed:
            via = attack.via.get(finding.cell)
            if via is None:
                continue
            # the other parts that still show a number: the smallest non-zero first, a zero last
            shown = {
                c: dc.count_value(by_key[(c.table, c.key)][1][c.column], p)
                for c in via.parts
                if c != finding.cell and (c.table, c.key) in by_key
            }
            candidates = [c for c, value in shown.items() if value is not None]
            if not candidates:
                continue
            smallest = min(candidates, key=lambda c: (shown[c] == 0, shown[c], str(c)))
            table, row = by_key[(smallest.table, smallest.key)]
            for column in table.columns:
                if column.kind in ("count", "rate", "index", "money"):
                    row[column.name] = p.symbols.confidential
            suppressed += 1
            progress = True
            break  # attack again: one suppression changes what every set gives away
        if not progress:
            break
    return suppressed


def published_rows(figures: Figures, p: ReleaseParameters) -> dict[str, list[Row]]:
    """Every table's published rows (the data tables and the code labels), by table name.

    After the primary rules, :func:`suppress_complements` protects every small group that
    subtraction from a published total would narrow too far.
    """
    rows = {name: build(figures, p) for name, build in BUILDERS.items()}
    suppress_complements(rows, p, figures.window_cohorts)
    return rows
