"""The release attacks itself: can a reader undo its disclosure control from the published files alone?

Two attacks, run by the quality gate on the files as written:

- **Rates.** Every published rate must be what its two published counts give
  (:func:`rate_findings`): a rate computed from true counts would give them
  back. The numerator and denominator of each rate are those its model names
  (dbt ``meta.rates``), and the rule is :func:`publish.disclosure_control.rate_cell`.
- **Subtraction.** Many published cells add up to another published cell: a
  characteristic's groups to their contract, the contracts of a nation to the
  nation, the customer groups to the nation, a cohort's customer groups to the
  cohort, the contracts to the national cohort, the rating window's cohorts
  to the contract. Each cell is known to lie in a range: a rounded count r in
  [r-2, r+2] (a published 0 is a true 0), ``[low]`` in [1, 2], ``[c]`` in
  [1, 9], a symbol that says nothing in [0, infinity). Subtracting the other
  parts' ranges from the total's narrows each part; repeated over every such
  set until nothing changes (:func:`subtraction_findings`), every ``[c]``
  cell must still be left with a range wider than
  ``min_suppressed_range_width`` (4). A finding names the cell, the range it
  was narrowed to and the subtraction that narrowed it.

Not for: deciding what to suppress (:mod:`publish.disclosure_control`) or
running Great Expectations (:mod:`publish.quality_gate` reads the frames of
:func:`attack_frames`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from publish import disclosure_control as dc
from publish.definitions import (
    COHORT_PERFORMANCE,
    CONTRACT_PERFORMANCE,
    DATA_TABLES,
    NATIONAL_SUMMARY,
    PERFORMANCE_BY_GROUP,
    TOTAL,
    ReleaseTable,
)
from publish.parameters import ReleaseParameters
from publish.writers import read_csv_rows

Rows = list[dict[str, str]]
SAFE = "safe"
_MEASURES = ("referrals", "starts", "job_outcomes", "sustained_26w_outcomes")


@dataclass(frozen=True)
class Cell:
    """One published count: table, the row's key as ``name=value`` pairs, column."""

    table: str
    key: str
    column: str

    def __str__(self) -> str:
        return f"{self.table}[{self.key}].{self.column}"


@dataclass(frozen=True)
class SumSet:
    """Published cells whose true values add up to the true value of a published total."""

    total: Cell
    parts: tuple[Cell, ...]
    what: str


@dataclass
class Finding:
    cell: Cell
    shows: str
    low: float
    high: float
    subtraction: str

    @property
    def width(self) -> float:
        return self.high - self.low

    def message(self) -> str:
        high = "inf" if math.isinf(self.high) else f"{self.high:g}"
        return (
            f"{self.cell} shows {self.shows} but must lie in [{self.low:g}, {high}] "
            f"(width {self.width:g}): {self.subtraction}"
        )


def _key(table: ReleaseTable, row: dict[str, str]) -> str:
    return "; ".join(f"{k}={row[k]}" for k in table.key)


def initial_range(text: str, p: ReleaseParameters, *, group_size: bool = True) -> tuple[float, float]:
    """What a published count cell says about its true value.

    ``[c]`` stands in every count of a small group's row: the group's size
    (``group_size``) is 1 to 9, any other count of the row 0 to 9.
    """
    s, d = p.symbols, p.disclosure
    if text == s.confidential:
        return float(d.small_group_min if group_size else 0), float(d.small_group_max)
    if text == s.low:
        return float(d.low_count_min), float(d.low_count_max)
    value = None if text in s.all else int(text)
    if value is None:
        return 0.0, math.inf
    if value == 0:
        return 0.0, 0.0  # a true 1 or 2 would show [low]
    slack = d.rounding_slack
    return float(max(value - slack, 0)), float(value + slack)


# --- the sets of cells that add up to a published total -----------------------------------


def sum_sets(tables: dict[str, Rows], window_cohorts: Iterable[str] = ()) -> list[SumSet]:
    """Every set of published count cells whose true values add up to another published cell's."""
    sets: list[SumSet] = []
    contracts = tables.get(CONTRACT_PERFORMANCE.name, [])
    national = tables.get(NATIONAL_SUMMARY.name, [])
    groups = tables.get(PERFORMANCE_BY_GROUP.name, [])
    cohorts = tables.get(COHORT_PERFORMANCE.name, [])

    def cell(table: ReleaseTable, row: dict[str, str], column: str) -> Cell:
        return Cell(table.name, _key(table, row), column)

    def add(total_table, total_row, parts_table, part_rows, measures, what) -> None:
        if total_row is None or not part_rows:
            return
        for m in measures:
            sets.append(
                SumSet(
                    total=cell(total_table, total_row, m),
                    parts=tuple(cell(parts_table, r, m) for r in part_rows),
                    what=what,
                )
            )

    contract_row = {r["contract_id"]: r for r in contracts}
    # a characteristic's groups add up to their contract
    by_dimension: dict[tuple[str, str], Rows] = defaultdict(list)
    for r in groups:
        by_dimension[(r["contract_id"], r["group_dimension"])].append(r)
    for (contract, dimension), rows in sorted(by_dimension.items()):
        add(
            CONTRACT_PERFORMANCE,
            contract_row.get(contract),
            PERFORMANCE_BY_GROUP,
            rows,
            ("referrals", "sustained_26w_outcomes"),
            f"the {dimension} groups of {contract}",
        )
    # contracts add up to their nation and to the country; customer groups to their nation and back
    national_row = {(r["nation"], r["customer_group"]): r for r in national}
    nations = sorted({n for n, _ in national_row if n != TOTAL})
    customer_groups = sorted({g for _, g in national_row if g != TOTAL})
    add(
        NATIONAL_SUMMARY,
        national_row.get((TOTAL, TOTAL)),
        CONTRACT_PERFORMANCE,
        contracts,
        _MEASURES,
        "all contracts",
    )
    for nation in nations:
        add(
            NATIONAL_SUMMARY,
            national_row.get((nation, TOTAL)),
            CONTRACT_PERFORMANCE,
            [r for r in contracts if r["nation"] == nation],
            _MEASURES,
            f"the contracts of {nation}",
        )
        add(
            NATIONAL_SUMMARY,
            national_row.get((nation, TOTAL)),
            NATIONAL_SUMMARY,
            [national_row[(nation, g)] for g in customer_groups if (nation, g) in national_row],
            _MEASURES,
            f"the customer groups of {nation}",
        )
    for group in [*customer_groups, TOTAL]:
        add(
            NATIONAL_SUMMARY,
            national_row.get((TOTAL, group)),
            NATIONAL_SUMMARY,
            [national_row[(n, group)] for n in nations if (n, group) in national_row],
            _MEASURES,
            f"the nations of {group}",
        )
    # cohorts: customer groups add up to the cohort, contracts to the national cohort, and the
    # rating window's cohorts to the contract's (and the country's) window totals
    cohort_row = {(r["referral_quarter"], r["contract_id"], r["customer_group"]): r for r in cohorts}
    quarters = sorted({q for q, _, _ in cohort_row})
    cohort_contracts = sorted({c for _, c, _ in cohort_row if c != TOTAL})
    cohort_groups = sorted({g for _, _, g in cohort_row if g != TOTAL})
    for quarter in quarters:
        for contract in [*cohort_contracts, TOTAL]:
            add(
                COHORT_PERFORMANCE,
                cohort_row.get((quarter, contract, TOTAL)),
                COHORT_PERFORMANCE,
                [
                    cohort_row[(quarter, contract, g)]
                    for g in cohort_groups
                    if (quarter, contract, g) in cohort_row
                ],
                _MEASURES,
                f"the customer groups of {contract}'s {quarter} cohort",
            )
        for group in [*cohort_groups, TOTAL]:
            add(
                COHORT_PERFORMANCE,
                cohort_row.get((quarter, TOTAL, group)),
                COHORT_PERFORMANCE,
                [
                    cohort_row[(quarter, c, group)]
                    for c in cohort_contracts
                    if (quarter, c, group) in cohort_row
                ],
                _MEASURES,
                f"the contracts of the {quarter} cohort ({group})",
            )
    window = sorted(set(window_cohorts))
    if window:
        for contract in cohort_contracts:
            add(
                CONTRACT_PERFORMANCE,
                contract_row.get(contract),
                COHORT_PERFORMANCE,
                [cohort_row[(q, contract, TOTAL)] for q in window if (q, contract, TOTAL) in cohort_row],
                _MEASURES,
                f"the rating window's cohorts of {contract}",
            )
        for group in [*cohort_groups, TOTAL]:
            add(
                NATIONAL_SUMMARY,
                national_row.get((TOTAL, group)),
                COHORT_PERFORMANCE,
                [cohort_row[(q, TOTAL, group)] for q in window if (q, TOTAL, group) in cohort_row],
                _MEASURES,
                f"the rating window's national cohorts ({group})",
            )
    return sets


# --- the attacks ---------------------------------------------------------------------------


def _cell_texts(tables: dict[str, Rows]) -> dict[Cell, str]:
    texts: dict[Cell, str] = {}
    for table in DATA_TABLES:
        for row in tables.get(table.name, []):
            key = _key(table, row)
            for column in table.columns_of_kind("count"):
                texts[Cell(table.name, key, column)] = row[column]
    return texts


def _show(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:g}"


@dataclass
class Attack:
    """The outcome of the subtraction attack on a set of published tables.

    Attributes:
        findings: every judged ``[c]`` cell (a group's or cohort's size) with its narrowest range
            and the subtraction that narrowed it last; contradictions first.
        via: for each narrowed cell, the set whose subtraction narrowed it last.
        sets: how many sets of cells adding up to a published total were attacked.
    """

    findings: list[Finding]
    via: dict[Cell, SumSet]
    sets: int

    def disclosures(self, p: ReleaseParameters) -> list[Finding]:
        """The findings that give a group away: a range no wider than the minimum, unless it is
        exactly nobody (a complementary suppression of an empty group, which discloses no one)."""
        return [f for f in self.findings if f.width <= p.disclosure.min_suppressed_range_width and f.high > 0]


def _propagate(
    texts: dict[Cell, str],
    sets: list[SumSet],
    initial: dict[Cell, tuple[float, float]],
) -> tuple[dict[Cell, tuple[float, float]], dict[Cell, SumSet], list[SumSet]]:
    """Narrow every cell's range by every set until nothing changes; (ranges, via, contradicted sets)."""
    ranges = dict(initial)
    via: dict[Cell, SumSet] = {}
    contradicted: list[SumSet] = []
    for _ in range(50):
        changed = False
        for s in sets:
            t_lo, t_hi = ranges[s.total]
            lows = [ranges[c][0] for c in s.parts]
            highs = [ranges[c][1] for c in s.parts]
            sum_lo, sum_hi = sum(lows), sum(highs)
            bounds = [
                (
                    max(ranges[part][0], t_lo - (sum_hi - highs[i])),
                    min(ranges[part][1], t_hi - (sum_lo - lows[i])),
                )
                for i, part in enumerate(s.parts)
            ]
            total = (max(t_lo, sum_lo), min(t_hi, sum_hi))
            if total[0] > total[1] or any(lo > hi for lo, hi in bounds):
                if s not in contradicted:
                    contradicted.append(s)
                continue
            for part, bound in zip(s.parts, bounds, strict=True):
                if bound != ranges[part]:
                    ranges[part] = bound
                    via[part] = s
                    changed = True
            if total != ranges[s.total]:
                ranges[s.total] = total
                via[s.total] = s
                changed = True
        if not changed:
            break
    return ranges, via, contradicted


def subtraction_attack(
    tables: dict[str, Rows], p: ReleaseParameters, window_cohorts: Iterable[str] = ()
) -> Attack:
    """Attack every set of published cells that adds up to a published total.

    Every cell starts from what it shows (:func:`initial_range`). When the
    figures of a set cannot add up with its ``[c]`` cells read as small groups,
    one of them is a complementary suppression (a larger group suppressed to
    protect a small one): a reader cannot tell which, so every ``[c]`` of that
    set is read as unknown (0 or more) and the attack starts again. A set that
    contradicts itself without any ``[c]`` is a fault of the release.
    """
    texts = _cell_texts(tables)
    sets = [
        s for s in sum_sets(tables, window_cohorts) if s.total in texts and all(c in texts for c in s.parts)
    ]
    sizes = {t.name: t.small_group_count for t in DATA_TABLES}
    confidential = p.symbols.confidential
    initial = {c: initial_range(t, p, group_size=sizes.get(c.table) == c.column) for c, t in texts.items()}
    contradictions: list[Finding] = []
    for _ in range(20):
        ranges, via, contradicted = _propagate(texts, sets, initial)
        widened = False
        for s in contradicted:
            for c in (s.total, *s.parts):
                if texts[c] == confidential and initial[c] != (0.0, math.inf):
                    initial[c] = (0.0, math.inf)
                    widened = True
        if not widened:
            for s in contradicted:
                contradictions.append(
                    Finding(
                        s.total, texts[s.total], 0, -1, f"the published figures of {s.what} cannot add up"
                    )
                )
            break

    def describe(target: Cell, s: SumSet) -> str:
        others = [c for c in s.parts if c != target]
        listed = " + ".join(f"{c} {texts[c]}" for c in others[:6])
        if len(others) > 6:
            listed += f" + {len(others) - 6} more"
        if target == s.total:
            return f"{s.what}: {target} = {' + '.join(f'{c} {texts[c]}' for c in s.parts[:6])}"
        total = f"{s.total} {texts[s.total]} (in [{_show(ranges[s.total][0])}, {_show(ranges[s.total][1])}])"
        return f"{s.what}: {total} - ({listed or 'nothing else'})"

    findings = [
        Finding(
            cell=c,
            shows=t,
            low=ranges[c][0],
            high=ranges[c][1],
            subtraction=describe(c, via[c]) if c in via else "no published total narrows it",
        )
        for c, t in sorted(texts.items(), key=lambda item: str(item[0]))
        if t == confidential and sizes.get(c.table) == c.column
    ]
    # the narrowed groups first: the gate shows the first few of each failed check
    findings.sort(key=lambda f: f.width > p.disclosure.min_suppressed_range_width or f.high == 0)
    return Attack(findings=findings + contradictions, via=via, sets=len(sets))


def rate_findings(tables: dict[str, Rows], p: ReleaseParameters) -> list[dict[str, str]]:
    """Every published rate against the rate its two published counts give."""
    out = []
    for table in DATA_TABLES:
        rates = [c for c in table.columns if c.kind == "rate"]
        for row in tables.get(table.name, []):
            for column in rates:
                numerator, denominator = table.rate_inputs(column)
                expected = dc.rate_cell(row[numerator], row[denominator], p)
                out.append(
                    {
                        "cell": f"{table.name}[{_key(table, row)}].{column.name}",
                        "published": row[column.name],
                        "from_counts": expected,
                        "finding": SAFE
                        if row[column.name] == expected
                        else f"{table.name}[{_key(table, row)}].{column.name} is {row[column.name]}, but "
                        f"{numerator} {row[numerator]} / {denominator} {row[denominator]} gives {expected}",
                    }
                )
    return out


def read_tables(folder: Path) -> dict[str, Rows]:
    return {
        t.name: read_csv_rows(folder / f"{t.name}.csv")
        for t in DATA_TABLES
        if (folder / f"{t.name}.csv").exists()
    }


def attack_frames(
    folder: Path, p: ReleaseParameters, window_cohorts: Iterable[str] = ()
) -> tuple[list[dict[str, object]], list[dict[str, str]]]:
    """(subtraction frame, rate frame) for the gate: one row per ``[c]`` count and per rate.

    A row's ``finding`` is ``safe``, or the message that names the cell and the subtraction.
    """
    tables = read_tables(folder)
    attack = subtraction_attack(tables, p, window_cohorts)
    findings, attacked = attack.findings, attack.sets
    width = p.disclosure.min_suppressed_range_width
    subtraction = [
        {
            "cell": str(f.cell),
            "shows": f.shows,
            "low": f.low,
            "high": _show(f.high),
            "finding": SAFE if (f.width > width or f.high == 0) else f.message(),
        }
        for f in findings
    ]
    if not subtraction:
        subtraction = [
            {
                "cell": f"no confidential count among the {attacked} sets attacked",
                "shows": "",
                "low": 0,
                "high": "",
                "finding": SAFE,
            }
        ]
    rates = rate_findings(tables, p) or [
        {"cell": "no rate", "published": "", "from_counts": "", "finding": SAFE}
    ]
    return subtraction, rates
