"""The HTTP API for providers' own systems, ``/api/v1`` (a stable, versioned contract).

Bearer-token authentication (``mi users token NAME``), JSON everywhere but the
findings CSV, and every error as ``{"error": CODE, "message": TEXT}`` (see
:data:`ERROR_CODES`); no answer ever echoes file content. Uploads go through
the same receiving, checks and ``submit_file`` call as the web form.

Not for: web pages or sessions (``portal/pages.py``), and no new routes or
changed answers without a new version prefix: providers' systems depend on
these.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from contracts_schema.registry import RETURN_NAMES
from ingest.ledger import LedgerEntry
from portal import accounts
from portal.accounts import User
from portal.returns import (
    findings_csv,
    may_list,
    submit_upload,
    summary_of,
    uploads_folder,
    visible_submission,
    visible_submissions,
)
from portal.uploads import ReceivedUpload, UploadRefused, receive_upload, validation_slot
from portal.web import portal_of, record

PREFIX = "/api/v1"

#: Every error code the API answers with, by HTTP status.
ERROR_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "missing_field / invalid_field / invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "busy (with Retry-After: the portal is at its cap of validations or password checks)",
}


class ApiError(Exception):
    """An API refusal; the app's handler turns it into the JSON error body."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


class ErrorBody(BaseModel):
    error: str = Field(description="A stable code: " + "; ".join(f"{k} {v}" for k, v in ERROR_CODES.items()))
    message: str = Field(description="What went wrong, for a person; never contains file content")


class Summary(BaseModel):
    """The feedback summary a submitter gets, plus where to find the submission and its findings."""

    model_config = {"populate_by_name": True, "extra": "allow"}

    id: str
    submission_id: str
    status: str = Field(description="ACCEPTED, ACCEPTED_WITH_ERRORS, REJECTED or DUPLICATE")
    ukprn: str | None
    return_: str | None = Field(
        alias="return", description=", ".join(RETURN_NAMES[:-1]) + " or " + RETURN_NAMES[-1]
    )
    period: str | None = Field(description="YYYYQn")
    sha256: str
    file_name: str
    received_at: str = Field(description="UTC, ISO 8601")
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    warnings: int
    errors: int
    reference_checked: bool
    superseded_by: str | None = None
    url: str
    findings_url: str = Field(description="The findings CSV (row,field,value,rule_id,severity,message)")


class SubmissionItem(BaseModel):
    model_config = {"populate_by_name": True}

    id: str
    status: str
    ukprn: str | None
    return_: str = Field(alias="return")
    period: str | None
    file_name: str
    received_at: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    warnings: int
    superseded_by: str | None
    url: str
    findings_url: str


class SubmissionList(BaseModel):
    submissions: list[SubmissionItem] = Field(description="Newest first")


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (401, 403, 404, 413, 415, 422, 429, 503)
}
_bearer = HTTPBearer(
    auto_error=False, description="An API token from `mi users token NAME`: mi_<id>_<secret>"
)
router = APIRouter(prefix=PREFIX, tags=["submissions"])


def _urls(request: Request, submission_id: str) -> dict:
    base = str(request.base_url).rstrip("/")
    url = f"{base}{PREFIX}/submissions/{submission_id}"
    return {"url": url, "findings_url": f"{url}/findings.csv"}


def _item(request: Request, entry: LedgerEntry) -> dict:
    return {
        "id": entry.submission_id,
        "status": entry.status,
        "ukprn": entry.ukprn,
        "return": entry.dataset,
        "period": entry.period,
        "file_name": entry.file_name,
        "received_at": entry.received_at,
        "rows_read": entry.rows_read,
        "rows_accepted": entry.rows_accepted,
        "rows_rejected": entry.rows_rejected,
        "warnings": entry.warnings,
        "superseded_by": entry.superseded_by,
        **_urls(request, entry.submission_id),
    }


def _summary(request: Request, summary: dict) -> dict:
    submission_id = summary["submission_id"]
    return {"id": submission_id, **summary, **_urls(request, submission_id)}


async def api_caller(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> User:
    """The active user behind the bearer token, after the per-token rate limit."""
    portal = portal_of(request)
    action = f"api {request.method} {request.url.path}"
    unauthorized = ApiError(
        401,
        "unauthorized",
        "Send a valid API token: Authorization: Bearer mi_<id>_<secret>.",
        {"WWW-Authenticate": "Bearer"},
    )
    if credentials is None:
        record(request, action, "unauthenticated")
        raise unauthorized
    token_id = accounts.token_id_of(credentials.credentials)
    if token_id is None:
        record(request, action, "unauthenticated", detail="malformed token")
        raise unauthorized
    # Counted before the (deliberately slow) hash check, so a flood costs us little.
    allowed, retry_after = portal.api_calls.allow(token_id)
    if not allowed:
        record(request, action, "rate_limited", detail=f"token {token_id}")
        raise ApiError(
            429,
            "rate_limited",
            f"Too many requests with this token. Try again in {retry_after} seconds.",
            {"Retry-After": str(retry_after)},
        )
    with portal.password_checks.held() as free:
        if not free:  # the token's secret is an argon2 check too: the same cap as sign-ins
            record(request, action, "busy", detail=f"token {token_id}")
            raise ApiError(503, "busy", "The service is busy. Try again in a moment.", {"Retry-After": "1"})
        user = await run_in_threadpool(accounts.authenticate_token, portal.paths, credentials.credentials)
    if user is None:
        record(request, action, "unauthenticated", detail=f"token {token_id}")
        raise unauthorized
    request.state.api_user = user
    return user


def _not_found() -> ApiError:
    # One body for "does not exist" and "not yours": nothing tells a provider which it was.
    return ApiError(404, "not_found", "There is no submission with this id.")


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The return: CSV (UTF-8) or XLSX. "
                            "Its name is recorded as text only.",
                        },
                        "return": {
                            "type": "string",
                            "enum": list(RETURN_NAMES),
                            "description": "Needed when the file name does not carry it",
                        },
                        "period": {
                            "type": "string",
                            "pattern": "^[0-9]{4}Q[1-4]$",
                            "description": "YYYYQn; needed when the file name does not carry it",
                        },
                    },
                }
            }
        },
    },
}


@router.post(
    "/submissions",
    status_code=201,
    response_model=Summary,
    openapi_extra=_UPLOAD_BODY,
    responses=_ERRORS,
    summary="Submit a return",
    description="Validates the file exactly as `mi submit` does and records it in the same ledger. "
    "Answers 201 with the feedback summary whatever the outcome of validation "
    "(see `status`); refusals before validation are 403, 413, 415 and 422, and 503 with "
    "`Retry-After` when the portal is validating as many files as it can at once (nothing kept).",
)
async def create_submission(request: Request, user: User = Depends(api_caller)) -> Response:
    portal = portal_of(request)
    action = "api POST /api/v1/submissions"
    received: ReceivedUpload | None = None
    try:
        received = await receive_upload(
            request, folder=uploads_folder(portal.paths), limit=portal.upload_limit
        )
        with validation_slot(portal.validations):
            result = await run_in_threadpool(
                submit_upload, portal.paths, user, received, channel="api", limit=portal.upload_limit
            )
    except UploadRefused as refusal:
        record(request, action, "refused", user=user, detail=f"{refusal.status} {refusal.code}")
        raise ApiError(refusal.status, refusal.code, refusal.message, refusal.headers) from None
    finally:
        if received is not None:
            received.discard()
    record(
        request,
        action,
        "success",
        user=user,
        target=result.submission_id,
        detail=f"{result.status}; rows read {result.summary.get('rows_read')}",
    )
    body = _summary(request, {**result.summary, "superseded_by": None})
    return JSONResponse(body, status_code=201, headers={"Location": body["url"]})


@router.get(
    "/submissions",
    response_model=SubmissionList,
    responses=_ERRORS,
    summary="List your submissions",
    description="The caller's own submissions (an admin's token: everyone's), newest first.",
)
def list_submissions(request: Request, user: User = Depends(api_caller)) -> Response:
    action = "api GET /api/v1/submissions"
    if not may_list(user):
        record(request, action, "forbidden", user=user)
        raise ApiError(403, "forbidden", "Your role has no access to submissions.")
    entries = visible_submissions(portal_of(request).paths, user)
    record(request, action, "success", user=user, detail=f"{len(entries)} listed")
    return JSONResponse({"submissions": [_item(request, e) for e in entries]})


@router.get(
    "/submissions/{submission_id}",
    response_model=Summary,
    responses=_ERRORS,
    summary="One submission's feedback summary",
    description="404 for another provider's submission, exactly as for one that does not exist.",
)
def get_submission(request: Request, submission_id: str, user: User = Depends(api_caller)) -> Response:
    action = "api GET /api/v1/submissions/{id}"
    paths = portal_of(request).paths
    entry = visible_submission(paths, user, submission_id)
    try:
        summary = summary_of(paths, entry) if entry is not None else None
    except FileNotFoundError:
        summary = None
    if entry is None or summary is None:
        record(request, action, "not_found", user=user, target=submission_id)
        raise _not_found()
    record(request, action, "success", user=user, target=entry.submission_id)
    return JSONResponse(_summary(request, summary))


@router.get(
    "/submissions/{submission_id}/findings.csv",
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "Header row,field,value,rule_id,severity,message",
        },
        **_ERRORS,
    },
    response_class=Response,
    summary="One submission's findings as CSV",
)
def get_findings(request: Request, submission_id: str, user: User = Depends(api_caller)) -> Response:
    action = "api GET /api/v1/submissions/{id}/findings.csv"
    paths = portal_of(request).paths
    entry = visible_submission(paths, user, submission_id)
    if entry is None or not findings_csv(paths, entry).is_file():
        record(request, action, "not_found", user=user, target=submission_id)
        raise _not_found()
    record(request, action, "success", user=user, target=entry.submission_id)
    return FileResponse(
        findings_csv(paths, entry),
        media_type="text/csv; charset=utf-8",
        filename=f"findings_{entry.submission_id}.csv",
    )
