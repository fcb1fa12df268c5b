"""The web pages of a provider's own performance: *Claims*, *Payment statements*, *Outcomes you have
not claimed* and *Your performance*.

Server-rendered like the rest of the portal, no script: the charts on *Your
performance* are inline SVG drawn here (``portal/charts.py``), each with a
table of the same figures beside it. Every page needs a provider user's
session and shows only that provider's rows; another provider's statement or
contract answers the same 404 page as a missing one. Every view is audited.

Not for: what the figures are or who may see which row (``portal/performance.py``),
or the API (``portal/performance_api.py``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from core.periods import Period, is_period
from portal import performance
from portal.accounts import User
from portal.charts import IndexPoint, OutcomesPoint, actual_expected_chart, index_chart
from portal.performance_api import csv_response, csv_text, provider_ukprn
from portal.web import current_session, error_page, portal_of, record, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


class _Refusal(Exception):
    def __init__(self, response: Response):
        self.response = response


def _signed_in(request: Request, action: str) -> User:
    """The signed-in provider user, or a refusal (to sign-in; 403 for users of no provider)."""
    session = current_session(request)
    if session is None:
        record(request, action, "unauthenticated")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise _Refusal(RedirectResponse("/sign-in?" + urlencode({"next": target}), status_code=303))
    if provider_ukprn(session.user) is None:
        record(request, action, "forbidden", user=session.user)
        raise _Refusal(
            error_page(
                request,
                403,
                "You cannot see this page",
                "Claims, payments and ratings are shown to the provider they belong to. Analysts read them "
                "in the warehouse.",
            )
        )
    return session.user


def _not_found(request: Request, action: str, user: User, target: str) -> Response:
    record(request, action, "not_found", user=user, target=target[:200])
    return error_page(
        request,
        404,
        "Page not found",
        "There is nothing at this address that you can see. Check the address, "
        "or go back to your account page.",
    )


def _unavailable(request: Request) -> Response:
    return error_page(
        request,
        503,
        "The figures are not available yet",
        "The warehouse has not been built yet, so there are no claims, payments or ratings to show. "
        "Try again later.",
        headers={"Retry-After": "300"},
    )


def _page(request: Request, action: str, build) -> Response:
    """Run ``build(user, connection, scope)`` for a signed-in provider, with the common refusals."""
    try:
        user = _signed_in(request, action)
        with performance.reading(portal_of(request).paths.warehouse) as connection:
            scope = performance.scope_of(connection, user.ukprn or "")
            return build(user, connection, scope)
    except _Refusal as refusal:
        return refusal.response
    except performance.WarehouseUnavailable:
        return _unavailable(request)


def _int(value: str | None, default: int = 1) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) < 10**6 else default


# --- claims --------------------------------------------------------------------------------------


def _claims_selection(request: Request, connection, scope) -> tuple[list[str], str | None, str | None, list]:
    periods = performance.claim_periods(connection, scope)
    period = request.query_params.get("period") or (periods[0] if periods else None)
    errors = []
    if period is not None and not is_period(period):
        errors.append({"field": "period", "text": "Choose a period of the form YYYYQn, for example 2026Q1"})
        period = periods[0] if periods else None
    try:
        status = performance.check_status(connection, request.query_params.get("status"))
    except ValueError:
        errors.append({"field": "status", "text": "Choose a decision from the list"})
        status = None
    return periods, period, status, errors


@router.get("/claims")
def claims_page(request: Request) -> Response:
    action = "view_claims"

    def build(user, connection, scope):
        periods, period, status, errors = _claims_selection(request, connection, scope)
        page = _int(request.query_params.get("page"))
        total, rows = 0, list[dict]()
        if period is not None:
            total, rows = performance.claims(
                connection,
                scope,
                Period.parse(period),
                status=status,
                offset=(page - 1) * PAGE_SIZE,
                limit=PAGE_SIZE,
            )
        record(
            request,
            action,
            "success",
            user=user,
            detail=f"{period} {status or 'all'}: {len(rows)} of {total}",
        )
        query = {"period": period or "", **({"status": status} if status else {})}
        return render(
            request,
            "claims.html",
            title="Your claims",
            status_code=422 if errors else 200,
            errors=errors,
            periods=periods,
            period=period,
            status=status,
            statuses=performance.labels(connection, "verification_status"),
            outcomes=performance.labels(connection, "outcome_type"),
            rows=rows,
            total=total,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            query=query,
            csv_url="/claims.csv?" + urlencode(query),
            scope=scope,
        )

    return _page(request, action, build)


@router.get("/claims.csv")
def claims_csv_page(request: Request) -> Response:
    action = "download_claims"

    def build(user, connection, scope):
        _, period, status, errors = _claims_selection(request, connection, scope)
        if errors or period is None:
            return _not_found(request, action, user, request.url.query)
        _, rows = performance.claims(connection, scope, Period.parse(period), status=status)
        record(request, action, "success", user=user, detail=f"{period} {status or 'all'}: {len(rows)}")
        name = f"claims_{period}{'_' + status if status else ''}.csv"
        return csv_response(csv_text(performance.CLAIM_FIELDS, rows), name)

    return _page(request, action, build)


# --- payment statements --------------------------------------------------------------------------


@router.get("/statements")
def statements_page(request: Request) -> Response:
    action = "view_statements"

    def build(user, connection, scope):
        periods = performance.statement_periods(connection, scope)
        record(request, action, "success", user=user, detail=f"{len(periods)} quarters")
        return render(request, "statements.html", title="Payment statements", periods=periods, scope=scope)

    return _page(request, action, build)


def _statement_of(connection, scope, period: str) -> dict | None:
    if not is_period(period):
        return None
    try:
        return performance.statement(connection, scope, Period.parse(period))
    except performance.NotFound:
        return None


@router.get("/statements/{period}.csv")
def statement_csv_page(request: Request, period: str) -> Response:
    action = "download_statement"

    def build(user, connection, scope):
        document = _statement_of(connection, scope, period)
        if document is None:
            return _not_found(request, action, user, period)
        record(request, action, "success", user=user, target=period)
        lines = performance.statement_lines(document)
        return csv_response(
            csv_text(performance.STATEMENT_LINE_FIELDS, lines), f"statement_{scope.ukprn}_{period}.csv"
        )

    return _page(request, action, build)


@router.get("/statements/{period}")
def statement_page(request: Request, period: str) -> Response:
    action = "view_statement"

    def build(user, connection, scope):
        document = _statement_of(connection, scope, period)
        if document is None:
            return _not_found(request, action, user, period)
        record(request, action, "success", user=user, target=period)
        return render(
            request,
            "statement.html",
            title=f"Payment statement for {period}",
            statement=document,
            csv_url=f"/statements/{period}.csv",
        )

    return _page(request, action, build)


# --- unclaimed outcomes --------------------------------------------------------------------------


@router.get("/unclaimed")
def unclaimed_page(request: Request) -> Response:
    action = "view_unclaimed"

    def build(user, connection, scope):
        page = _int(request.query_params.get("page"))
        total, rows = performance.unclaimed(connection, scope, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        record(request, action, "success", user=user, detail=f"{len(rows)} of {total}")
        return render(
            request,
            "unclaimed.html",
            title="Outcomes you have not claimed",
            rows=rows,
            total=total,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            scope=scope,
        )

    return _page(request, action, build)


# --- your performance ----------------------------------------------------------------------------


def _charts(contract: dict) -> dict:
    ratings = contract["ratings"]
    key = contract["contract_id"]
    return {
        "index": index_chart(
            f"index-{key}",
            [
                IndexPoint(r["rating_quarter"], r["like_for_like_index"], r["index_lower"], r["index_upper"])
                for r in ratings
            ],
            title=f"Like-for-like index of {key} by rating quarter, with its 95% interval",
        ),
        "outcomes": actual_expected_chart(
            f"outcomes-{key}",
            [
                OutcomesPoint(r["rating_quarter"], r["actual_outcomes"], r["expected_outcomes"])
                for r in ratings
            ],
            title=f"Actual against expected sustained outcomes of {key}",
        ),
    }


def _performance(request: Request, contract_id: str | None) -> Response:
    action = "view_performance"
    preview = getattr(request.app.state, "ratings_preview", True)

    def build(user, connection, scope):
        try:
            figures = performance.performance(
                connection, scope, portal_of(request).paths, preview=preview, contract_id=contract_id
            )
        except performance.NotFound:
            return _not_found(request, action, user, contract_id or "")
        ratings = figures["prime_ratings"] + [r for c in figures["contracts"] for r in c["ratings"]]
        for contract in figures["contracts"]:
            contract["charts"] = _charts(contract) if contract["ratings"] else None
        record(request, action, "success", user=user, target=contract_id)
        title = f"Your performance: contract {contract_id}" if contract_id else "Your performance"
        return render(
            request,
            "performance.html",
            title=title,
            figures=figures,
            scope=scope,
            single=contract_id is not None,
            has_provisional=any(r["publication"] == "PROVISIONAL" for r in ratings),
            info=performance.build_info(connection),
            warning=performance.PROVISIONAL_WARNING,
        )

    return _page(request, action, build)


@router.get("/performance")
def performance_page(request: Request) -> Response:
    return _performance(request, None)


@router.get("/performance/{contract_id}")
def contract_performance_page(request: Request, contract_id: str) -> Response:
    return _performance(request, contract_id)
