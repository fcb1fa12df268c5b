"""The API routes of a provider's own performance: claims, payment statements, unclaimed outcomes.

Part of the stable ``/api/v1`` contract (bearer tokens, JSON but for the two
CSVs, errors as ``{"error": CODE, "message": TEXT}``), described in the same
OpenAPI document as the submission routes. Every answer is scoped to the
token's UKPRN; another provider's claim, statement or contract answers 404
with exactly the body a missing one gets. A warehouse that has not been built
yet answers 503 ``unavailable`` with ``Retry-After``.

Not for: what the figures are or who may see which row (``portal/performance.py``),
or web pages (``portal/performance_pages.py``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from core.periods import PERIOD_REGEX, Period
from ingest.feedback import inert_text
from portal import performance
from portal.accounts import User
from portal.api import PREFIX, ApiError, ErrorBody, api_caller
from portal.web import portal_of, record

_PERIOD = f"^{PERIOD_REGEX}$"
_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (401, 403, 404, 422, 429, 503)
}
_CSV = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "CSV, UTF-8, with a header row",
    },
    **_ERRORS,
}
#: The one answer for a claim, statement or contract that is missing or not the caller's.
NOT_FOUND = {
    "claim": "There is no claim with this reference.",
    "statement": "There is no payment statement for this quarter.",
    "contract": "There is no contract with this id.",
}

router = APIRouter(prefix=PREFIX, tags=["performance"])


# --- documented shapes ---------------------------------------------------------------------------


class Claim(BaseModel):
    """One current claim as the department decided it; never the evidence itself."""

    ukprn: str = Field(description="UKPRN that sent the claim (the prime)")
    claim_id: str = Field(description="The sender's own claim reference")
    contract_id: str
    prime_ukprn: str
    delivery_ukprn: str | None = Field(description="The delivery provider of the participant")
    participant_ref: str = Field(description="The prime's own reference for the participant")
    outcome_type: str = Field(description="JOB_OUTCOME, SUSTAINED_26W or SUSTAINED_78W")
    claim_status: str = Field(description="As sent: ACTIVE or WITHDRAWN")
    claim_date: str | None = Field(description="As sent, ISO 8601")
    period: str = Field(description="The return period (YYYYQn) of the claim's current version")
    verification_status: str = Field(
        description="WITHDRAWN, UNKNOWN_PARTICIPANT, CONTRACT_MISMATCH, STARTED_BEFORE_REFERRAL, DUPLICATE, "
        "PENDING, NO_EVIDENCE, INSUFFICIENT_EMPLOYMENT or VERIFIED"
    )
    reason: str | None = Field(description="The status in plain words (dim_code_labels)")
    reason_detail: str | None = Field(description="What the status means, in plain words")
    verified_on: str | None = Field(description="The date the evidence completed, for a verified claim")
    payable_fee_gbp: float | None = Field(
        description="The fee payable, for a verified claim; shown only to the prime (a delivery provider "
        "does not see its prime's tariffs)"
    )
    payment_due_on: str | None = Field(
        description="The later of claim_date and verified_on; puts the fee in a quarter"
    )
    seen_as: str = Field(
        description="PRIME when the caller sent the claim or holds its contract, else DELIVERY"
    )
    url: str


class ClaimPage(BaseModel):
    period: str
    status: str | None
    page: int
    page_size: int
    total: int = Field(description="Claims matching the query, over all pages")
    claims: list[Claim] = Field(description="Oldest claim_date first")
    next: str | None = Field(description="The next page, or null on the last")


class StatementLine(BaseModel):
    contract_id: str
    fee_type: str = Field(description="START, JOB_OUTCOME, SUSTAINED_26W or SUSTAINED_78W")
    fee: str = Field(description="The fee type in plain words")
    participant_ref: str
    claim_id: str | None = Field(description="The claim behind an outcome fee; null for a start fee")
    outcome_type: str | None
    claim_date: str | None
    verified_on: str | None
    start_date: str | None = Field(description="The participant's start, for a start fee")
    payment_due_on: str = Field(description="The date that puts the fee in the quarter")
    fee_gbp: float


class FeeGroup(BaseModel):
    count: int
    total_gbp: float
    lines: list[StatementLine]


class ContractStatement(BaseModel):
    contract_id: str
    programme: str
    is_complete_quarter: bool = Field(
        description="False while the quarter's claims and evidence may still arrive"
    )
    start_fees: FeeGroup = Field(description="Start fees: participants whose start date falls in the quarter")
    outcome_fees: FeeGroup = Field(
        description="Outcome fees: verified claims whose payment_due_on falls in it"
    )
    start_fees_due_gbp: float
    outcome_fees_due_gbp: float
    payments_due_gbp: float = Field(description="Equals mart_contract_review.payments_due_gbp")


class Statement(BaseModel):
    prime_ukprn: str
    prime_name: str | None
    period: str
    period_start: str
    period_end: str
    is_complete_quarter: bool
    contracts: list[ContractStatement]
    start_fees_due_gbp: float
    outcome_fees_due_gbp: float
    payments_due_gbp: float


class UnclaimedOutcome(BaseModel):
    """An outcome the evidence shows met, past its claiming grace, that nobody claimed."""

    contract_id: str
    prime_ukprn: str
    delivery_ukprn: str | None
    participant_ref: str = Field(description="The reference a claim must use")
    outcome_type: str
    outcome: str | None = Field(description="The outcome type in plain words")
    met_quarter: str = Field(description="The quarter (YYYYQn) the outcome was met")


class UnclaimedPage(BaseModel):
    quarter: str | None
    page: int
    page_size: int
    total: int
    unclaimed: list[UnclaimedOutcome] = Field(description="Oldest quarter first")
    next: str | None


# --- shared by the routes ------------------------------------------------------------------------


def provider_ukprn(user: User) -> str | None:
    """The UKPRN a user's questions are scoped to; None for users who are not bound to a provider."""
    return user.ukprn if user.is_provider and user.ukprn else None


@contextmanager
def _warehouse(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        with performance.reading(portal_of(request).paths.warehouse) as connection:
            yield connection
    except performance.WarehouseUnavailable:
        raise ApiError(
            503,
            "unavailable",
            "The figures are not available yet: the warehouse has not been built. Try again later.",
            {"Retry-After": "300"},
        ) from None


def _scope(request: Request, connection, user: User, action: str) -> performance.Scope:
    ukprn = provider_ukprn(user)
    if ukprn is None:
        record(request, action, "forbidden", user=user)
        raise ApiError(403, "forbidden", "Only a provider's users see its claims, statements and outcomes.")
    return performance.scope_of(connection, ukprn)


def _not_found(request: Request, action: str, user: User, kind: str, target: str) -> ApiError:
    record(request, action, "not_found", user=user, target=target[:200])
    return ApiError(404, "not_found", NOT_FOUND[kind])


def csv_text(fields: Sequence[str], rows: Iterable[dict]) -> str:
    """CSV with a header; text cells a spreadsheet would run as a formula get a leading ``'``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow(
            [
                "" if row.get(f) is None else inert_text(row[f]) if isinstance(row[f], str) else row[f]
                for f in fields
            ]
        )
    return out.getvalue()


def csv_response(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _claim_url(request: Request, row: dict) -> str:
    return f"{str(request.base_url).rstrip('/')}{PREFIX}/claims/{row['ukprn']}/{row['claim_id']}"


def _next(request: Request, page: int, page_size: int, total: int) -> str | None:
    return str(request.url.include_query_params(page=page + 1)) if page * page_size < total else None


def _status(connection, status: str | None) -> str | None:
    try:
        return performance.check_status(connection, status)
    except ValueError as error:
        raise ApiError(422, "invalid_field", f"Not valid: status. {error}.") from None


# --- routes --------------------------------------------------------------------------------------


def _claims_query(
    request: Request, user: User, action: str, period: str, status: str | None, page: int, size: int | None
):
    with _warehouse(request) as connection:
        scope = _scope(request, connection, user, action)
        code = _status(connection, status)
        offset = (page - 1) * size if size else 0
        total, rows = performance.claims(
            connection, scope, Period.parse(period), status=code, offset=offset, limit=size
        )
    record(request, action, "success", user=user, detail=f"{period} {code or 'all'}: {len(rows)} of {total}")
    return code, total, rows


@router.get(
    "/claims",
    response_model=ClaimPage,
    responses=_ERRORS,
    summary="Your claims of a return period, with the department's decision and its reason",
    description="Every current claim of the caller in the return period: a prime's own claims, and for a "
    "delivery provider the claims of participants it delivered (without the prime's fees). Paged.",
)
def list_claims(
    request: Request,
    period: str = Query(pattern=_PERIOD, description="The return period, YYYYQn"),
    status: str | None = Query(None, description="Only claims with this verification_status"),
    page: int = Query(1, ge=1),
    page_size: int = Query(performance.DEFAULT_PAGE_SIZE, ge=1, le=performance.MAX_PAGE_SIZE),
    user: User = Depends(api_caller),
) -> Response:
    code, total, rows = _claims_query(
        request, user, "api GET /api/v1/claims", period, status, page, page_size
    )
    return JSONResponse(
        {
            "period": period,
            "status": code,
            "page": page,
            "page_size": page_size,
            "total": total,
            "claims": [{**row, "url": _claim_url(request, row)} for row in rows],
            "next": _next(request, page, page_size, total),
        }
    )


@router.get(
    "/claims.csv",
    response_class=Response,
    responses=_CSV,
    summary="Your claims of a return period as CSV",
    description="The same claims as `/claims`, every page at once; header: "
    + ",".join(performance.CLAIM_FIELDS),
)
def claims_csv(
    request: Request,
    period: str = Query(pattern=_PERIOD, description="The return period, YYYYQn"),
    status: str | None = Query(None, description="Only claims with this verification_status"),
    user: User = Depends(api_caller),
) -> Response:
    code, _, rows = _claims_query(request, user, "api GET /api/v1/claims.csv", period, status, 1, None)
    name = f"claims_{period}{'_' + code if code else ''}.csv"
    return csv_response(csv_text(performance.CLAIM_FIELDS, rows), name)


def _one_claim(request: Request, user: User, ukprn: str, claim_id: str) -> dict:
    action = "api GET /api/v1/claims/{ukprn}/{claim_id}"
    with _warehouse(request) as connection:
        scope = _scope(request, connection, user, action)
        try:
            found = performance.claim(connection, scope, ukprn, claim_id)
        except performance.NotFound:
            raise _not_found(request, action, user, "claim", f"{ukprn}/{claim_id}") from None
    record(request, action, "success", user=user, target=f"{ukprn}/{claim_id}")
    return found


@router.get(
    "/claims/{ukprn}/{claim_id}",
    response_model=Claim,
    responses=_ERRORS,
    summary="One claim",
    description="A claim by the UKPRN that sent it and its claim_id. 404 for another provider's claim, "
    "exactly as for one that does not exist.",
)
def get_claim(request: Request, ukprn: str, claim_id: str, user: User = Depends(api_caller)) -> Response:
    found = _one_claim(request, user, ukprn, claim_id)
    return JSONResponse({**found, "url": _claim_url(request, found)})


def _statement(request: Request, user: User, action: str, period: str, contract_id: str | None) -> dict:
    with _warehouse(request) as connection:
        scope = _scope(request, connection, user, action)
        if contract_id is not None and contract_id not in scope.contracts:
            raise _not_found(request, action, user, "contract", contract_id)
        try:
            document = performance.statement(connection, scope, Period.parse(period), contract_id=contract_id)
        except performance.NotFound:
            raise _not_found(request, action, user, "statement", period) from None
    record(request, action, "success", user=user, target=period, detail=f"{document['payments_due_gbp']:.2f}")
    return document


_CONTRACT_QUERY = Query(None, description="Only this contract of yours (404 for any other)")


@router.get(
    "/statements/{period}.csv",
    response_class=Response,
    responses=_CSV,
    summary="Your payment statement of a quarter as CSV",
    description="One line per fee due in the quarter; header: " + ",".join(performance.STATEMENT_LINE_FIELDS),
)
def statement_csv(
    request: Request,
    period: str = Path(pattern=_PERIOD, description="YYYYQn"),
    contract_id: str | None = _CONTRACT_QUERY,
    user: User = Depends(api_caller),
) -> Response:
    document = _statement(request, user, "api GET /api/v1/statements/{period}.csv", period, contract_id)
    return csv_response(
        csv_text(performance.STATEMENT_LINE_FIELDS, performance.statement_lines(document)),
        f"statement_{user.ukprn}_{period}{'_' + contract_id if contract_id else ''}.csv",
    )


@router.get(
    "/statements/{period}",
    response_model=Statement,
    responses=_ERRORS,
    summary="Your payment statement of a quarter (primes only)",
    description="Per contract, the start fees and outcome fees falling due in the quarter (outcome fees by "
    "payment_due_on) and the participants and claims behind them; the totals equal mart_contract_review's. "
    "Primes only: a delivery provider, a quarter outside your contracts, or another provider's contract "
    "answers 404.",
)
def get_statement(
    request: Request,
    period: str = Path(pattern=_PERIOD, description="YYYYQn"),
    contract_id: str | None = _CONTRACT_QUERY,
    user: User = Depends(api_caller),
) -> Response:
    document = _statement(request, user, "api GET /api/v1/statements/{period}", period, contract_id)
    return JSONResponse(document)


def _unclaimed(request: Request, user: User, quarter: str | None, page: int, size: int) -> tuple[int, list]:
    action = "api GET /api/v1/unclaimed"
    with _warehouse(request) as connection:
        scope = _scope(request, connection, user, action)
        total, rows = performance.unclaimed(
            connection,
            scope,
            quarter=Period.parse(quarter) if quarter else None,
            offset=(page - 1) * size,
            limit=size,
        )
    record(request, action, "success", user=user, detail=f"{len(rows)} of {total}")
    return total, rows


@router.get(
    "/unclaimed",
    response_model=UnclaimedPage,
    responses=_ERRORS,
    summary="Outcomes you have not claimed",
    description="Sustained outcomes the employment evidence shows met, whose claiming grace has run out, "
    "that no claim covers: the participant_ref, the outcome type and the quarter it was met, never the "
    "evidence's dates. Paged.",
)
def list_unclaimed(
    request: Request,
    quarter: str | None = Query(None, pattern=_PERIOD, description="Only outcomes met in this quarter"),
    page: int = Query(1, ge=1),
    page_size: int = Query(performance.DEFAULT_PAGE_SIZE, ge=1, le=performance.MAX_PAGE_SIZE),
    user: User = Depends(api_caller),
) -> Response:
    total, rows = _unclaimed(request, user, quarter, page, page_size)
    return JSONResponse(
        {
            "quarter": quarter,
            "page": page,
            "page_size": page_size,
            "total": total,
            "unclaimed": rows,
            "next": _next(request, page, page_size, total),
        }
    )
