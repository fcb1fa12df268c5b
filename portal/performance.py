"""A provider's own performance, read from the analysts' copy of the warehouse.

What the *Claims*, *Payment statement*, *Outcomes you have not claimed* and
*Your performance* pages and their API routes show, as plain Python values.
Every question is asked for one UKPRN (:class:`Scope`):

- a prime sees the claims it sent and everything about the contracts it holds;
- a delivery provider in a supply chain sees the claims and unclaimed outcomes
  of the participants it delivered, but never its prime's tariffs: no fee on a
  claim, no payment statement.

A row another provider owns is simply not found, exactly as a row that does not
exist. Reasons come in plain words from ``dim_code_labels``. Nothing returned
carries the evidence behind a decision (no employer, no employment spell or job
dates, no days counted, no date an outcome was met) or a person key: a
provider matches a row to its own records by ``participant_ref`` and
``claim_id``, both its own references.

Ratings are shown as published once the quarter's own release is approved
(the warehouse's ``published_stars``, or the published-ratings dataset in the
lake when the warehouse has not been rebuilt since the approval) and as
provisional until then; ``MI_RATINGS_PREVIEW`` (on by default) decides whether
provisional quarters are shown at all.

The warehouse file is opened read-only for each question, so a build swapped in
by the pipeline is seen at the next request; the portal never writes it.

Not for: HTTP (``portal/performance_api.py``, ``portal/performance_pages.py``),
charts (``portal/charts.py``), or computing any figure: every number is the
warehouse's.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from contracts_schema import published_ratings as published_dataset
from core.periods import Period
from core.settings import Paths
from publish.release import published_versions

#: The setting that lets a rated prime see its ratings before they are published.
PREVIEW_VARIABLE = "MI_RATINGS_PREVIEW"
#: The words every provisional rating carries.
PROVISIONAL_WARNING = "provisional management information, not published; do not share"

#: A claim as a provider sees it, in this order (also the claims CSV's header).
CLAIM_FIELDS = (
    "ukprn",
    "claim_id",
    "contract_id",
    "prime_ukprn",
    "delivery_ukprn",
    "participant_ref",
    "outcome_type",
    "claim_status",
    "claim_date",
    "period",
    "verification_status",
    "reason",
    "reason_detail",
    "verified_on",
    "payable_fee_gbp",
    "payment_due_on",
    "seen_as",
)
#: An unclaimed outcome as a provider sees it: what it needs to find the person, nothing of the evidence.
UNCLAIMED_FIELDS = (
    "contract_id",
    "prime_ukprn",
    "delivery_ukprn",
    "participant_ref",
    "outcome_type",
    "outcome",
    "met_quarter",
)
#: One line of a payment statement (also the statement CSV's header).
STATEMENT_LINE_FIELDS = (
    "contract_id",
    "fee_type",
    "participant_ref",
    "claim_id",
    "outcome_type",
    "claim_date",
    "verified_on",
    "start_date",
    "payment_due_on",
    "fee_gbp",
)
#: The rating domains in the order of ``domains_used``, with their ratio columns.
DOMAINS = (
    ("outcomes", "outcomes_ratio"),
    ("value_for_money", "value_for_money_ratio"),
    ("quality", "quality_ratio"),
    ("customer_experience", "customer_experience_ratio"),
)
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100

_TRUE = {"1", "on", "true", "yes"}
_FALSE = {"0", "off", "false", "no"}


class WarehouseUnavailable(RuntimeError):
    """The analysts' copy is not there (nothing built yet) or cannot be opened."""


class NotFound(LookupError):
    """Nothing the caller may see answers this question (missing and not yours alike)."""


def ratings_preview_from_env(environ: dict[str, str] | None = None) -> bool:
    """``MI_RATINGS_PREVIEW``: on unless set to 0/off/false/no; anything else is a clear error."""
    value = (environ if environ is not None else os.environ).get(PREVIEW_VARIABLE, "on").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{PREVIEW_VARIABLE} must be on or off (1/0, true/false, yes/no), not {value!r}")


@contextmanager
def reading(database: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the analysts' copy, closed afterwards."""
    if not database.is_file():
        raise WarehouseUnavailable("the warehouse has not been built yet")
    try:
        connection = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        raise WarehouseUnavailable("the warehouse cannot be opened") from error
    try:
        yield connection
    finally:
        connection.close()


def _rows(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()
) -> list[dict]:
    cursor = connection.execute(sql, parameters if isinstance(parameters, dict) else list(parameters))
    names = [column[0] for column in cursor.description]
    return [_plain(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _plain(row: dict) -> dict:
    """Dates as ISO text and money rounded to pence, ready for JSON, CSV and templates."""
    for key, value in row.items():
        if isinstance(value, dt.date):
            row[key] = value.isoformat()
        elif key.endswith("_gbp") and isinstance(value, float):
            row[key] = round(value, 2)
    return row


@dataclass(frozen=True)
class Scope:
    """Who is asking: a UKPRN and the contracts it holds as a prime (none for a delivery provider)."""

    ukprn: str
    contracts: tuple[str, ...]
    name: str | None

    @property
    def is_prime(self) -> bool:
        return bool(self.contracts)


def scope_of(connection: duckdb.DuckDBPyConnection, ukprn: str) -> Scope:
    found = _rows(
        connection,
        "select distinct contract_id, prime_name from marts.mart_contract_review "
        "where prime_ukprn = ? order by contract_id",
        [ukprn],
    )
    name = found[0]["prime_name"] if found else None
    if name is None:
        named = _rows(
            connection,
            "select max(delivery_name) as name from marts.fct_participants where delivery_ukprn = ?",
            [ukprn],
        )
        name = named[0]["name"] if named else None
    return Scope(ukprn, tuple(row["contract_id"] for row in found), name)


def labels(connection: duckdb.DuckDBPyConnection, code_list: str) -> dict[str, dict]:
    """``{code: {label, description}}`` of one code list of ``dim_code_labels``, in its order."""
    found = _rows(
        connection,
        "select code, label, description from marts.dim_code_labels where list = ? order by sort_order, code",
        [code_list],
    )
    return {row["code"]: {"label": row["label"], "description": row["description"]} for row in found}


def build_info(connection: duckdb.DuckDBPyConnection) -> dict:
    found = _rows(
        connection,
        "select extract_date, last_complete_quarter, first_rating_quarter, last_rating_quarter, built_at "
        "from marts.mart_build_info",
    )
    return found[0] if found else {}


# --- claims --------------------------------------------------------------------------------------

_CLAIMS_FROM = """
from marts.fct_outcome_claims as claims
left join marts.dim_code_labels as reasons
    on reasons.list = 'verification_status' and reasons.code = claims.verification_status
where (claims.ukprn = $ukprn or claims.prime_ukprn = $ukprn or claims.delivery_ukprn = $ukprn)
"""
# A delivery provider does not see its prime's tariffs: the fee shows only to the prime.
_CLAIMS_SELECT = """
select
    claims.ukprn, claims.claim_id, claims.contract_id, claims.prime_ukprn, claims.delivery_ukprn,
    claims.participant_ref, claims.outcome_type, claims.claim_status, claims.claim_date, claims.period,
    claims.verification_status, reasons.label as reason, reasons.description as reason_detail,
    claims.verified_on,
    case when claims.ukprn = $ukprn or claims.prime_ukprn = $ukprn then claims.payable_fee_gbp end
        as payable_fee_gbp,
    claims.payment_due_on,
    case when claims.ukprn = $ukprn or claims.prime_ukprn = $ukprn then 'PRIME' else 'DELIVERY' end
        as seen_as
"""


def claim_periods(connection: duckdb.DuckDBPyConnection, scope: Scope) -> list[str]:
    """The return periods that carry the caller's claims, newest first."""
    found = _rows(
        connection,
        f"select distinct claims.period {_CLAIMS_FROM} order by claims.period desc",
        {"ukprn": scope.ukprn},
    )
    return [row["period"] for row in found]


def check_status(connection: duckdb.DuckDBPyConnection, status: str | None) -> str | None:
    """A verification status code (upper-cased), or a ValueError naming the allowed ones."""
    if status is None or status == "":
        return None
    allowed = labels(connection, "verification_status")
    code = status.strip().upper()
    if code not in allowed:
        raise ValueError("status must be one of " + ", ".join(allowed))
    return code


def claims(
    connection: duckdb.DuckDBPyConnection,
    scope: Scope,
    period: Period,
    *,
    status: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[int, list[dict]]:
    """``(total, rows)``: the caller's current claims of one return period, oldest claim first."""
    where = " and claims.period = $period" + (" and claims.verification_status = $status" if status else "")
    parameters: dict[str, Any] = {"ukprn": scope.ukprn, "period": period.code}
    if status:
        parameters["status"] = status
    total = connection.execute(f"select count(*) {_CLAIMS_FROM}{where}", parameters).fetchone()
    page = f" limit {int(limit)} offset {int(offset)}" if limit is not None else ""
    rows = _rows(
        connection,
        f"{_CLAIMS_SELECT}{_CLAIMS_FROM}{where} "
        f"order by claims.claim_date, claims.ukprn, claims.claim_id{page}",
        parameters,
    )
    return (int(total[0]) if total else 0), rows


def claim(connection: duckdb.DuckDBPyConnection, scope: Scope, ukprn: str, claim_id: str) -> dict:
    """One claim by its key (the sending UKPRN and the claim id), or :class:`NotFound`."""
    rows = _rows(
        connection,
        f"{_CLAIMS_SELECT}{_CLAIMS_FROM} and claims.ukprn = $sender and claims.claim_id = $claim_id",
        {"ukprn": scope.ukprn, "sender": ukprn, "claim_id": claim_id},
    )
    if not rows:
        raise NotFound
    return rows[0]


# --- payment statement ---------------------------------------------------------------------------


def statement_periods(connection: duckdb.DuckDBPyConnection, scope: Scope) -> list[dict]:
    """Quarters with a statement for this prime, newest first, with their totals (empty for others)."""
    if not scope.is_prime:
        return []
    return _rows(
        connection,
        "select period, bool_and(is_complete_quarter) as is_complete_quarter, "
        "sum(start_fees_due_gbp) as start_fees_due_gbp, sum(outcome_fees_due_gbp) as outcome_fees_due_gbp, "
        "sum(payments_due_gbp) as payments_due_gbp "
        "from marts.mart_contract_review where prime_ukprn = ? group by period order by period desc",
        [scope.ukprn],
    )


def statement(
    connection: duckdb.DuckDBPyConnection, scope: Scope, period: Period, *, contract_id: str | None = None
) -> dict:
    """The prime's payment statement for a quarter: per contract, the fees due in it and the rows behind them.

    Start fees fall due in the quarter of the participant's start date, outcome
    fees in the quarter of ``payment_due_on``, as in ``mart_contract_review``,
    whose ``start_fees_due_gbp``, ``outcome_fees_due_gbp`` and
    ``payments_due_gbp`` the totals equal. :class:`NotFound` for a delivery
    provider, a quarter outside the prime's contracts, or a contract that is
    not the prime's.
    """
    contracts = scope.contracts
    if contract_id is not None:
        contracts = (contract_id,) if contract_id in scope.contracts else ()
    if not contracts:
        raise NotFound
    reviewed = _rows(
        connection,
        "select contract_id, programme, is_complete_quarter from marts.mart_contract_review "
        "where prime_ukprn = ? and period = ? and list_contains(?, contract_id) order by contract_id",
        [scope.ukprn, period.code, list(contracts)],
    )
    if not reviewed:
        raise NotFound
    held = [row["contract_id"] for row in reviewed]
    start_lines = _rows(
        connection,
        "select contract_id, 'START' as fee_type, participant_ref, null as claim_id, null as outcome_type, "
        "null as claim_date, null as verified_on, start_date, start_date as payment_due_on, "
        "start_fee_gbp as fee_gbp from marts.fct_participants "
        "where list_contains(?, contract_id) and start_date between ? and ? and start_fee_gbp > 0 "
        "order by contract_id, start_date, participant_ref",
        [held, period.start, period.end],
    )
    outcome_lines = _rows(
        connection,
        "select contract_id, outcome_type as fee_type, participant_ref, claim_id, outcome_type, claim_date, "
        "verified_on, null as start_date, payment_due_on, payable_fee_gbp as fee_gbp "
        "from marts.fct_outcome_claims where verification_status = 'VERIFIED' "
        "and list_contains(?, contract_id) and payment_due_on between ? and ? "
        "order by contract_id, payment_due_on, ukprn, claim_id",
        [held, period.start, period.end],
    )
    fee_labels = labels(connection, "fee_type")
    per_contract = []
    for review in reviewed:
        starts = [line for line in start_lines if line["contract_id"] == review["contract_id"]]
        outcomes = [line for line in outcome_lines if line["contract_id"] == review["contract_id"]]
        for line in starts + outcomes:
            line["fee"] = fee_labels.get(line["fee_type"], {}).get("label", line["fee_type"])
        start_total = _money(line["fee_gbp"] for line in starts)
        outcome_total = _money(line["fee_gbp"] for line in outcomes)
        per_contract.append(
            {
                **review,
                "start_fees": {"count": len(starts), "total_gbp": start_total, "lines": starts},
                "outcome_fees": {"count": len(outcomes), "total_gbp": outcome_total, "lines": outcomes},
                "start_fees_due_gbp": start_total,
                "outcome_fees_due_gbp": outcome_total,
                "payments_due_gbp": _money([start_total, outcome_total]),
            }
        )
    return {
        "prime_ukprn": scope.ukprn,
        "prime_name": scope.name,
        "period": period.code,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "is_complete_quarter": all(row["is_complete_quarter"] for row in reviewed),
        "contracts": per_contract,
        "start_fees_due_gbp": _money(c["start_fees_due_gbp"] for c in per_contract),
        "outcome_fees_due_gbp": _money(c["outcome_fees_due_gbp"] for c in per_contract),
        "payments_due_gbp": _money(c["payments_due_gbp"] for c in per_contract),
    }


def statement_lines(document: dict) -> list[dict]:
    """Every line of a statement, contract by contract, start fees first (the CSV's rows)."""
    return [
        {field: line[field] for field in STATEMENT_LINE_FIELDS}
        for contract in document["contracts"]
        for line in contract["start_fees"]["lines"] + contract["outcome_fees"]["lines"]
    ]


def _money(values) -> float:
    return round(sum(value or 0.0 for value in values), 2)


# --- unclaimed outcomes --------------------------------------------------------------------------

_UNCLAIMED_FROM = """
from marts.fct_unclaimed_outcomes as unclaimed
left join marts.fct_participants as participants
    on participants.ukprn = unclaimed.ukprn and participants.participant_ref = unclaimed.participant_ref
left join marts.dim_code_labels as outcomes
    on outcomes.list = 'outcome_type' and outcomes.code = unclaimed.outcome_type
where unclaimed.claim_state = 'UNCLAIMED'
    and (unclaimed.prime_ukprn = $ukprn or unclaimed.ukprn = $ukprn or participants.delivery_ukprn = $ukprn)
"""


def unclaimed(
    connection: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    quarter: Period | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[int, list[dict]]:
    """``(total, rows)``: the caller's UNCLAIMED outcomes (quarter met, participant_ref, outcome type)."""
    where = " and unclaimed.met_quarter = $quarter" if quarter else ""
    parameters: dict[str, Any] = {"ukprn": scope.ukprn}
    if quarter:
        parameters["quarter"] = quarter.code
    total = connection.execute(f"select count(*) {_UNCLAIMED_FROM}{where}", parameters).fetchone()
    page = f" limit {int(limit)} offset {int(offset)}" if limit is not None else ""
    rows = _rows(
        connection,
        "select unclaimed.contract_id, unclaimed.prime_ukprn, participants.delivery_ukprn, "
        "unclaimed.participant_ref, unclaimed.outcome_type, outcomes.label as outcome, unclaimed.met_quarter "
        f"{_UNCLAIMED_FROM}{where} "
        f"order by unclaimed.met_quarter, unclaimed.contract_id, unclaimed.participant_ref, "
        f"unclaimed.outcome_type{page}",
        parameters,
    )
    return (int(total[0]) if total else 0), rows


# --- ratings and performance ---------------------------------------------------------------------

_RATING_COLUMNS = (
    "rating_quarter, referrals_in_window, cohorts_in_window, outcomes_ratio, value_for_money_ratio, "
    "quality_ratio, customer_experience_ratio, composite, stars, rating_status, not_rated_reason, rank, "
    "previous_stars, expected_outcomes, actual_outcomes, domains_used, published_stars, published_release, "
    "outcomes_lower, outcomes_upper, compared_with_national"
)


def _published_in_lake(connection: duckdb.DuckDBPyConnection, paths: Paths, quarters: set[str]) -> dict:
    """``{(unit_type, unit_id, quarter): (rating_status, stars, release)}`` from each quarter's own
    latest approved release in the published-ratings dataset (approved: its release folder exists)."""
    found: dict[tuple[str, str, str], tuple[str, int | None, str]] = {}
    for quarter in sorted(quarters):
        versions = published_versions(quarter, paths)
        if not versions:
            continue
        version = versions[-1]
        folder = paths.lake / published_dataset.FOLDER / published_dataset.folder_name(quarter, version)
        files = sorted(str(p) for p in folder.glob("*.parquet"))
        if not files:
            continue
        for row in _rows(
            connection,
            "select rated_unit_type, rated_unit_id, rating_status, stars from read_parquet(?) "
            "where rating_quarter = ?",
            [files, quarter],
        ):
            found[(row["rated_unit_type"], row["rated_unit_id"], quarter)] = (
                row["rating_status"],
                row["stars"],
                f"{quarter} v{version}",
            )
    return found


def _rating(
    row: dict, unit: tuple[str, str], lake: dict, domain_labels: dict, compared_labels: dict, reasons: dict
) -> dict:
    quarter = row["rating_quarter"]
    if row["published_release"] is not None:
        publication = "PUBLISHED"
        shown_stars, release = row["published_stars"], row["published_release"]
    elif (unit[0], unit[1], quarter) in lake:
        publication = "PUBLISHED"
        _, shown_stars, release = lake[(unit[0], unit[1], quarter)]
    else:
        publication, shown_stars, release = "PROVISIONAL", row["stars"], None
    used = set((row["domains_used"] or "").split(","))
    domains = [
        {
            "domain": name,
            "label": domain_labels.get(name, {}).get("label", name),
            "ratio": row[column],
            "used": name in used,
        }
        for name, column in DOMAINS
    ]
    compared = row["compared_with_national"]
    reason = row["not_rated_reason"]
    return {
        "rating_quarter": quarter,
        "publication": publication,
        "notice": PROVISIONAL_WARNING if publication == "PROVISIONAL" else f"published in release {release}",
        "stars": shown_stars,
        "recomputed_stars": row["stars"],
        "published_release": release,
        "rating_status": row["rating_status"],
        "not_rated_reason": reason,
        "not_rated_reason_label": reasons.get(reason, {}).get("label") if reason else None,
        "composite": row["composite"],
        "rank": row["rank"],
        "previous_stars": row["previous_stars"],
        "referrals_in_window": row["referrals_in_window"],
        "cohorts_in_window": row["cohorts_in_window"],
        "domains": domains,
        "like_for_like_index": row["outcomes_ratio"],
        "index_lower": row["outcomes_lower"],
        "index_upper": row["outcomes_upper"],
        "compared_with_national": compared,
        "compared_with_national_label": compared_labels.get(compared, {}).get("label") if compared else None,
        "actual_outcomes": row["actual_outcomes"],
        "expected_outcomes": row["expected_outcomes"],
    }


def performance(
    connection: duckdb.DuckDBPyConnection,
    scope: Scope,
    paths: Paths,
    *,
    preview: bool,
    contract_id: str | None = None,
) -> dict:
    """Ratings per quarter (with domains, index and interval), minimum performance level and
    ``at_risk``, parking flags: per contract of the prime, plus the prime's own rating.

    With ``preview`` off, quarters whose ratings are not yet published are left
    out. :class:`NotFound` for a contract that is not the caller's.
    """
    if contract_id is not None and contract_id not in scope.contracts:
        raise NotFound
    contracts = (contract_id,) if contract_id is not None else scope.contracts
    contract_rows = _rows(
        connection,
        f"select contract_id, {_RATING_COLUMNS} from marts.mart_star_ratings "
        "where prime_ukprn = ? and list_contains(?, contract_id) order by contract_id, rating_quarter",
        [scope.ukprn, list(contracts)],
    )
    prime_rows = _rows(
        connection,
        f"select {_RATING_COLUMNS} from marts.mart_prime_star_ratings where prime_ukprn = ? "
        "order by rating_quarter",
        [scope.ukprn],
    )
    quarters = {row["rating_quarter"] for row in contract_rows + prime_rows}
    lake = _published_in_lake(connection, paths, quarters)
    words = (labels(connection, "rating_domain"), labels(connection, "compared_with_national"))
    reasons = labels(connection, "not_rated_reason")

    def visible(rating: dict) -> bool:
        return preview or rating["publication"] == "PUBLISHED"

    prime_ratings = [
        rating
        for row in prime_rows
        if visible(rating := _rating(row, ("PRIME", scope.ukprn), lake, *words, reasons))
    ]
    review = _rows(
        connection,
        "select contract_id, programme, period, is_complete_quarter, actual_sustained_rate, "
        "minimum_performance_level, below_mpl, at_risk, participants_without_mpl, "
        "unclaimed_sustained_outcomes, unclaimed_share from marts.mart_contract_review "
        "where prime_ukprn = ? and list_contains(?, contract_id) and is_complete_quarter "
        "and minimum_performance_level is not null order by contract_id, period",
        [scope.ukprn, list(contracts)],
    )
    parking = _rows(
        connection,
        "select contract_id, rating_quarter, group_dimension, group_value, participants, actual_outcomes, "
        "expected_outcomes, group_index, contract_index, index_gap, z_score "
        "from marts.mart_parking_indicators where prime_ukprn = ? and list_contains(?, contract_id) "
        "and parking_risk order by contract_id, rating_quarter, group_dimension, group_value",
        [scope.ukprn, list(contracts)],
    )
    dimension_labels = labels(connection, "group_dimension")
    for flag in parking:
        dimension = flag["group_dimension"]
        flag["group"] = dimension_labels.get(dimension, {}).get("label", dimension)
        flag["value"] = (
            labels(connection, dimension).get(flag["group_value"], {}).get("label", flag["group_value"])
        )
    per_contract = []
    for contract in contracts:
        ratings = [
            rating
            for row in contract_rows
            if row["contract_id"] == contract
            and visible(rating := _rating(row, ("CONTRACT", contract), lake, *words, reasons))
        ]
        shown = {r["rating_quarter"] for r in ratings}
        per_contract.append(
            {
                "contract_id": contract,
                "ratings": ratings,
                "review": [row for row in review if row["contract_id"] == contract],
                "parking_flags": [
                    flag
                    for flag in parking
                    if flag["contract_id"] == contract and (preview or flag["rating_quarter"] in shown)
                ],
            }
        )
    return {
        "prime_ukprn": scope.ukprn,
        "prime_name": scope.name,
        "preview": preview,
        "prime_ratings": prime_ratings,
        "contracts": per_contract,
    }
