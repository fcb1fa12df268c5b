"""The true figures of a release, read from the ``pub_*`` models of the analysts' copy.

Each data table of :mod:`publish.definitions` has one contracted dbt model in
the ``publication`` schema that holds its unrounded rows for every release
period, shaped in the warehouse (which contracts are covered, window totals,
national totals; ``dbt_project/models/publication``). A release reads one
period of each, plus the seeds its methodology prints. The figures come back
*unrounded*: disclosure control needs the true counts to decide what to
suppress, and applies itself later (:mod:`publish.release_tables`).

Not for: shaping, joining or summing anything (a release that needs a new
figure gets it from a ``pub_*`` model), rounding, symbols, formats or files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from publish.definitions import (
    CODE_LABELS,
    COHORT_PERFORMANCE,
    CONTRACT_PERFORMANCE,
    DATA_TABLES,
    ReleaseTable,
)

#: The schema of the pub_* models in the warehouse (dbt_project.yml).
SCHEMA = "publication"

#: The seeds methodology.md prints (and the release's coverage setting).
SEEDS = (
    "outcome_rules",
    "star_domain_weights",
    "star_bands",
    "inspection_grade_scores",
    "measure_thresholds",
    "age_bands",
    "release_coverage",
)


class PeriodNotAvailable(ValueError):
    """The warehouse holds no release figures for the period asked for."""


class PublicationModelsMissing(LookupError):
    """The analysts' copy has no ``pub_*`` model (or not the columns the release reads): it predates them."""


@dataclass
class Figures:
    """Unrounded rows per table, plus what the quality gate and the methodology read.

    Attributes:
        rows: per data table name, one dict per row of its ``pub_*`` model for the period,
            keyed by the model's column names (:attr:`ReleaseTable.model_columns`).
        warehouse_payments_gbp: payments due in the period to the covered contracts, as
            ``mart_contract_review`` has them (the gate reconciles the summary with it).
        seeds: every seed of :data:`SEEDS`, for methodology.md.
    """

    period: str
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    warehouse_payments_gbp: float = 0.0
    seeds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    build_info: dict[str, Any] = field(default_factory=dict)

    def warehouse_digest(self) -> str:
        """SHA-256 of everything read from the warehouse: the build identified by content, not time."""

        def rows(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
            # one line per row, sorted: the order a query returns rows in is not part of the data
            return {
                name: sorted(json.dumps(r, sort_keys=True, default=str) for r in table)
                for name, table in tables.items()
            }

        canonical = json.dumps(
            {"period": self.period, "rows": rows(self.rows), "seeds": rows(self.seeds)}, sort_keys=True
        )
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def contract_ids(self) -> list[str]:
        """The contracts the release covers."""
        return sorted(c["contract_id"] for c in self.rows[CONTRACT_PERFORMANCE.name])

    @property
    def window_cohorts(self) -> list[str]:
        """The referral cohorts of the period's rating window, oldest first."""
        rows = self.rows.get(COHORT_PERFORMANCE.name, [])
        return sorted({r["referral_quarter"] for r in rows if r["in_rating_window"]})

    @property
    def age_bands(self) -> list[str]:
        """The ``age_bands`` seed's bands, youngest first (a vocabulary of performance_by_group)."""
        return [r["age_band"] for r in sorted(self.seeds["age_bands"], key=lambda r: r["min_age"])]

    @property
    def coverage_months(self) -> int:
        """``recently_ended_months`` of the ``release_coverage`` seed, as the models applied it."""
        return int(self.seeds["release_coverage"][0]["recently_ended_months"])


def _rows(con, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _model_rows(con, table: ReleaseTable, period: str) -> list[dict[str, Any]]:
    columns = ", ".join(table.model_columns)
    if table.period_column is None:
        return _rows(con, f"select {columns} from {SCHEMA}.{table.model}", [])
    sql = f"select {columns} from {SCHEMA}.{table.model} where {table.period_column} = ?"
    return _rows(con, sql, [period])


def available_periods(con) -> list[str]:
    """Release periods the warehouse holds, oldest first: the periods a release can be prepared for."""
    sql = f"select distinct period from {SCHEMA}.{CONTRACT_PERFORMANCE.model} order by 1"
    return [r[0] for r in con.execute(sql).fetchall()]


def read_figures(con, period: str) -> Figures:
    """Every true figure of the release for ``period`` from an open (read-only) warehouse connection.

    Raises:
        PeriodNotAvailable: the warehouse has no release figures for ``period``.
        PublicationModelsMissing: the warehouse has no ``pub_*`` models, or not the columns read here.
    """
    import duckdb

    try:
        periods = available_periods(con)
        if period not in periods:
            span = f"{periods[0]} to {periods[-1]}" if periods else "none"
            raise PeriodNotAvailable(f"the warehouse holds no ratings for {period} (it holds {span})")
        figures = Figures(period=period)
        for table in (*DATA_TABLES, CODE_LABELS):
            figures.rows[table.name] = _model_rows(con, table, period)
        figures.warehouse_payments_gbp = float(
            con.execute(
                f"select coalesce(sum(payments_due_gbp), 0) from {SCHEMA}.{CONTRACT_PERFORMANCE.model} "
                "where period = ?",
                [period],
            ).fetchone()[0]
        )
        figures.seeds = {name: _rows(con, f"select * from seeds.{name}", []) for name in SEEDS}
        info = _rows(
            con,
            "select extract_date, latest_submission_received_at, last_complete_quarter "
            "from marts.mart_build_info",
            [],
        )
        figures.build_info = info[0] if info else {}
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        # an analysts' copy built before the publication models (or before a column of theirs)
        raise PublicationModelsMissing(
            f"the analysts' copy lacks a release model or column this code reads ({exc}); "
            "build the warehouse again to publish from it"
        ) from None
    return figures
