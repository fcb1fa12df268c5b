"""The portal's web pages: sign-in and sign-out, upload, submissions, feedback, the specification,
the audit log.

Server-rendered HTML (Jinja2 templates in ``portal/templates``), no
JavaScript. Every page but sign-in needs a session, and without one sends the
browser to sign-in. Every form carries a CSRF token: the session's own once
signed in, a double-submit cookie on the sign-in form itself. Every action is
audited, including refusals.

Not for: the machine API (``portal/api.py``), or deciding what a user may
see or send (``portal/returns.py`` decides; these routes only ask).
"""

from __future__ import annotations

import functools
import secrets
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portal import accounts, audit, ratelimit
from portal.returns import (
    RETURN_LABELS,
    findings_csv,
    may_list,
    may_submit,
    report_html,
    submit_upload,
    uploads_folder,
    visible_submission,
    visible_submissions,
)
from portal.uploads import ReceivedUpload, UploadRefused, receive_upload, validation_slot
from portal.web import (
    SESSION_COOKIE,
    SIGN_IN_CSRF_COOKIE,
    clear_cookie,
    client_address,
    current_session,
    error_page,
    portal_of,
    record,
    render,
    set_cookie,
)

router = APIRouter(include_in_schema=False)

AUDIT_PAGE = 200


def _not_found(request: Request) -> Response:
    # One wording for every missing or forbidden submission: the answer must not tell
    # a provider whether another provider's id exists.
    return error_page(
        request,
        404,
        "Page not found",
        "There is nothing at this address that you can see. Check the address, "
        "or go to the list of submissions.",
    )


def _to_sign_in(request: Request, action: str) -> Response:
    record(request, action, "unauthenticated")
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/sign-in?" + urlencode({"next": target}), status_code=303)
    return RedirectResponse("/sign-in", status_code=303)


def _safe_next(value: str | None) -> str:
    """Only a path on this site: an open redirect would help phishing."""
    if (
        value
        and value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and not any(ch in value for ch in "\r\n\t")
    ):
        return value
    return "/"


def _text(form, name: str, limit: int = 1024) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


# --- sign-in and sign-out ---------------------------------------------------------------


def _sign_in_page(
    request: Request,
    *,
    status_code: int = 200,
    errors: list | None = None,
    username: str = "",
    next_path: str = "/",
    notice: str | None = None,
    headers: dict | None = None,
) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "sign_in.html",
        title="Sign in",
        status_code=status_code,
        errors=errors or [],
        username=username,
        next_path=_safe_next(next_path),
        notice=notice,
        sign_in_csrf=token,
        headers=headers,
    )
    # Strict: the cookie only ever goes back to our own sign-in form.
    set_cookie(response, request, SIGN_IN_CSRF_COOKIE, token, samesite="strict")
    return response


@router.get("/sign-in")
def sign_in_form(request: Request, next: str = "/", signed_out: str | None = None) -> Response:
    return _sign_in_page(request, next_path=next, notice="You have signed out." if signed_out else None)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    portal = portal_of(request)
    form = await request.form(max_files=0, max_fields=10)
    username = accounts.normalise_name(_text(form, "username", 200))
    password = _text(form, "password", accounts.MAX_PASSWORD_LENGTH + 1)
    next_path = _safe_next(_text(form, "next"))
    # A typed name that is no account may be a password in the wrong box: only its keyed hash is kept.
    who = await run_in_threadpool(accounts.sign_in_identity, portal.paths, username)
    if not accounts.tokens_match(request.cookies.get(SIGN_IN_CSRF_COOKIE, ""), _text(form, "csrf_token")):
        record(request, "sign_in", "csrf_failed", actor=who.actor)
        return _sign_in_page(
            request,
            status_code=403,
            username=username,
            next_path=next_path,
            errors=[{"field": "username", "text": "The sign-in form had expired. Enter your details again."}],
        )
    errors = []
    if not username:
        errors.append({"field": "username", "text": "Enter your user name"})
    if not password:
        errors.append({"field": "password", "text": "Enter your password"})
    if errors:
        record(request, "sign_in", "incomplete", actor=who.actor)
        return _sign_in_page(request, status_code=422, errors=errors, username=username, next_path=next_path)

    with portal.password_checks.held() as free:
        if not free:
            # A flood of sign-ins gets this at once, without a thread or a hash: the rest of the
            # portal keeps its threads and cores.
            record(request, "sign_in", "busy", actor=who.actor)
            return _sign_in_page(
                request,
                status_code=503,
                username=username,
                next_path=next_path,
                headers={"Retry-After": "1"},
                errors=[{"field": "username", "text": "The service is busy. Try again in a moment."}],
            )
        # Checked and counted in one step, before the password: while blocked, even the right
        # password is not tried, and parallel attempts cannot slip past the limit together.
        attempt, seconds = await run_in_threadpool(
            ratelimit.begin_sign_in,
            portal.paths,
            portal.rate_limits,
            account=who.account,
            source=client_address(request),
        )
        if attempt is None:
            record(request, "sign_in", "rate_limited", actor=who.actor)
            return _sign_in_page(
                request,
                status_code=429,
                username=username,
                next_path=next_path,
                headers={"Retry-After": str(seconds)},
                errors=[
                    {
                        "field": "username",
                        "text": "There have been too many failed attempts to sign in as this user "
                        f"or from your address. Try again in {-(-seconds // 60)} minutes.",
                    }
                ],
            )
        user = None
        try:
            user = await run_in_threadpool(accounts.authenticate_password, portal.paths, username, password)
        finally:
            await run_in_threadpool(ratelimit.end_sign_in, portal.paths, attempt, success=user is not None)
    if user is None:
        record(request, "sign_in", "failure", actor=who.actor)
        return _sign_in_page(
            request,
            status_code=401,
            username=username,
            next_path=next_path,
            errors=[{"field": "username", "text": "The user name or password is not right"}],
        )
    # Whatever session this browser had before is ended, not left to linger beside the new one.
    await run_in_threadpool(accounts.end_session, portal.paths, request.cookies.get(SESSION_COOKIE))
    session_id = await run_in_threadpool(accounts.start_session, portal.paths, user)
    record(request, "sign_in", "success", user=user)
    response = RedirectResponse(next_path, status_code=303)
    set_cookie(response, request, SESSION_COOKIE, session_id)
    clear_cookie(response, request, SIGN_IN_CSRF_COOKIE)
    return response


@router.get("/sign-out")
def sign_out_form(request: Request) -> Response:
    if current_session(request) is None:
        return RedirectResponse("/sign-in", status_code=303)
    return render(request, "sign_out.html", title="Sign out")


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    session = current_session(request)
    if session is None:
        return RedirectResponse("/sign-in", status_code=303)
    form = await request.form(max_files=0, max_fields=10)
    if not accounts.tokens_match(session.csrf_token, _text(form, "csrf_token")):
        record(request, "sign_out", "csrf_failed", user=session.user)
        return error_page(
            request, 403, "The form had expired", "Nothing was done. Go back, reload the page and try again."
        )
    await run_in_threadpool(
        accounts.end_session, portal_of(request).paths, request.cookies.get(SESSION_COOKIE)
    )
    record(request, "sign_out", "success", user=session.user)
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    clear_cookie(response, request, SESSION_COOKIE)
    return response


# --- pages for signed-in users -----------------------------------------------------------


@router.get("/")
def home(request: Request) -> Response:
    session = current_session(request)
    if session is None:
        return RedirectResponse("/sign-in", status_code=303)
    record(request, "view_home", "success", user=session.user)
    return render(request, "home.html", title="Your account")


def _upload_page(
    request: Request, *, status_code: int = 200, errors: list | None = None, form: dict | None = None
) -> Response:
    limit_mb = f"{portal_of(request).upload_limit / (1024 * 1024):g}"
    return render(
        request,
        "upload.html",
        title="Upload a return",
        status_code=status_code,
        errors=errors or [],
        form=form or {},
        returns=RETURN_LABELS,
        limit_mb=limit_mb,
    )


@router.get("/upload")
def upload_form(request: Request) -> Response:
    session = current_session(request)
    if session is None:
        return _to_sign_in(request, "view_upload_form")
    if not may_submit(session.user):
        record(request, "view_upload_form", "forbidden", user=session.user)
        return error_page(request, 403, "You cannot upload returns", "Only provider users upload returns.")
    record(request, "view_upload_form", "success", user=session.user)
    return _upload_page(request)


@router.post("/upload")
async def upload(request: Request) -> Response:
    session = current_session(request)
    if session is None:
        return _to_sign_in(request, "upload")
    user = session.user
    portal = portal_of(request)
    if not may_submit(user):
        record(request, "upload", "forbidden", user=user)
        return error_page(request, 403, "You cannot upload returns", "Only provider users upload returns.")

    def check_csrf(fields: dict[str, str]) -> None:
        if not accounts.tokens_match(session.csrf_token, fields.get("csrf_token")):
            raise UploadRefused(403, "csrf_failed", "The form had expired.")

    received: ReceivedUpload | None = None
    try:
        received = await receive_upload(
            request, folder=uploads_folder(portal.paths), limit=portal.upload_limit, before_file=check_csrf
        )
        check_csrf(received.fields)
        with validation_slot(portal.validations):
            result = await run_in_threadpool(
                submit_upload, portal.paths, user, received, channel="portal", limit=portal.upload_limit
            )
    except UploadRefused as refusal:
        record(request, "upload", "refused", user=user, detail=f"{refusal.status} {refusal.code}")
        if refusal.code == "csrf_failed":
            return error_page(
                request,
                403,
                "The form had expired",
                "Nothing was uploaded. Go back, reload the page and choose the file again.",
            )
        form = {k: v for k, v in (received.fields.items() if received else ()) if k in ("return", "period")}
        response = _upload_page(
            request,
            status_code=refusal.status,
            form=form,
            errors=[{"field": refusal.field, "text": refusal.message}],
        )
        response.headers.update(refusal.headers)
        return response
    finally:
        if received is not None:
            received.discard()
    record(
        request,
        "upload",
        "success",
        user=user,
        target=result.submission_id,
        detail=f"{result.status}; rows read {result.summary.get('rows_read')}",
    )
    return RedirectResponse(f"/submissions/{result.submission_id}", status_code=303)


@router.get("/submissions")
def submissions(request: Request) -> Response:
    session = current_session(request)
    if session is None:
        return _to_sign_in(request, "view_submissions")
    user = session.user
    if not may_list(user):
        record(request, "view_submissions", "forbidden", user=user)
        return error_page(
            request,
            403,
            "You cannot see submissions",
            "Submissions are seen by the provider that sent them and by administrators.",
        )
    entries = visible_submissions(portal_of(request).paths, user)
    record(request, "view_submissions", "success", user=user, detail=f"{len(entries)} listed")
    title = "All submissions" if user.is_admin else "Your submissions"
    return render(request, "submissions.html", title=title, entries=entries, returns=RETURN_LABELS)


@router.get("/submissions/{submission_id}")
def feedback(request: Request, submission_id: str) -> Response:
    session = current_session(request)
    if session is None:
        return _to_sign_in(request, "view_feedback")
    paths = portal_of(request).paths
    entry = visible_submission(paths, session.user, submission_id)
    try:
        report = report_html(paths, entry) if entry is not None else None
    except FileNotFoundError:
        report = None
    if entry is None or report is None:
        record(request, "view_feedback", "not_found", user=session.user, target=submission_id)
        return _not_found(request)
    record(request, "view_feedback", "success", user=session.user, target=entry.submission_id)
    return render(
        request, "feedback.html", title=f"Feedback on {entry.file_name}", report=report, entry=entry
    )


@router.get("/submissions/{submission_id}/findings.csv")
def findings_download(request: Request, submission_id: str) -> Response:
    session = current_session(request)
    if session is None:
        return _to_sign_in(request, "download_findings")
    paths = portal_of(request).paths
    entry = visible_submission(paths, session.user, submission_id)
    if entry is None or not findings_csv(paths, entry).is_file():
        record(request, "download_findings", "not_found", user=session.user, target=submission_id)
        return _not_found(request)
    record(request, "download_findings", "success", user=session.user, target=entry.submission_id)
    return FileResponse(
        findings_csv(paths, entry),
        media_type="text/csv; charset=utf-8",
        filename=f"findings_{entry.submission_id}.csv",
    )


@functools.cache
def _specification_html() -> str:
    import markdown

    from contracts_schema.spec_doc import render_spec

    # The Markdown is our own, rendered from the definitions, so its HTML is trusted.
    return markdown.markdown(render_spec(), extensions=["tables", "fenced_code"], output_format="html")


@router.get("/specification")
def specification(request: Request) -> Response:
    session = current_session(request)
    if session is None:
        return _to_sign_in(request, "view_specification")
    record(request, "view_specification", "success", user=session.user)
    return render(request, "specification.html", title="MI specification", spec=_specification_html())


@router.get("/admin/audit")
def audit_log(request: Request, before: int | None = None) -> Response:
    session = current_session(request)
    if session is None:
        return _to_sign_in(request, "view_audit")
    if not session.user.is_admin:
        record(request, "view_audit", "forbidden", user=session.user)
        return error_page(
            request, 403, "You cannot see the audit log", "The audit log is for administrators."
        )
    record(request, "view_audit", "success", user=session.user)
    entries = audit.entries(portal_of(request).paths, limit=AUDIT_PAGE, before=before)
    older = entries[-1].audit_id if len(entries) == AUDIT_PAGE else None
    return render(request, "audit.html", title="Audit log", entries=entries, older=older)
