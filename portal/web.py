"""What the page routes and the API routes share: the portal's settings, who is asking, and from where.

:class:`Portal` is the one object a running app carries (``app.state.portal``):
where ``MI_HOME`` is, the upload limit, the rate limits and the cookie policy.
The helpers here read the client's address and session, write audit rows with
both filled in, and render templates with the page furniture (navigation,
the sign-out form's CSRF token).

Not for: routes (``portal/pages.py``, ``portal/api.py``) or rules about
accounts and returns (``portal/accounts.py``, ``portal/returns.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from contracts_schema.checks import looks_like_nino, mask_nino_text
from core.settings import Paths
from portal import accounts, audit
from portal.accounts import Session, User
from portal.ratelimit import RateLimits, SlidingWindow, Slots

SESSION_COOKIE = "mi_session"
SIGN_IN_CSRF_COOKIE = "mi_sign_in_csrf"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def _masked(value):
    """Every value a page prints passes here: one shaped like a NINO is shown masked (``QQ****56C``),
    whatever page, whatever it came from (a typed field echoed back, a reference read from the
    warehouse)."""
    if isinstance(value, str) and len(value) <= 32 and looks_like_nino(value):
        return mask_nino_text(value)
    return value


# Set before any template is compiled: Jinja applies it to every {{ expression }} of every page.
TEMPLATES.env.finalize = _masked


@dataclass
class Portal:
    """Settings and shared state of one running portal.

    Attributes:
        secure_cookies: mark cookies ``Secure``; None decides per request
            (https, including behind a proxy that says so, gets Secure cookies).
        max_validations: uploads validated at once (``validations``).
        password_checks: the cap on argon2 checks running at once.
        validations: the cap on uploads being validated at once.
    """

    paths: Paths
    upload_limit: int
    rate_limits: RateLimits
    secure_cookies: bool | None = None
    max_validations: int = 2
    api_calls: SlidingWindow = field(init=False)
    password_checks: Slots = field(init=False)
    validations: Slots = field(init=False)

    def __post_init__(self) -> None:
        self.api_calls = SlidingWindow(self.rate_limits.api_calls, self.rate_limits.api_window)
        self.password_checks = Slots(self.rate_limits.password_checks)
        self.validations = Slots(self.max_validations)


def portal_of(request: Request) -> Portal:
    return request.app.state.portal


def client_address(request: Request) -> str:
    """The client's IP address (uvicorn has already applied trusted proxy headers)."""
    return request.client.host if request.client else "-"


def cookies_secure(request: Request) -> bool:
    setting = portal_of(request).secure_cookies
    return setting if setting is not None else request.url.scheme == "https"


def set_cookie(response, request: Request, name: str, value: str, *, samesite: str = "lax") -> None:
    """A session-lifetime cookie that scripts cannot read and other sites cannot send along."""
    response.set_cookie(
        name, value, httponly=True, samesite=samesite, secure=cookies_secure(request), path="/"
    )


def clear_cookie(response, request: Request, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=cookies_secure(request))


def current_session(request: Request) -> Session | None:
    """The signed-in session of this request, looked up once per request."""
    if not hasattr(request.state, "session"):
        request.state.session = accounts.find_session(
            portal_of(request).paths, request.cookies.get(SESSION_COOKIE)
        )
    return request.state.session


def record(
    request: Request,
    action: str,
    outcome: str,
    *,
    user: User | None = None,
    actor: str | None = None,
    target: str | None = None,
    detail: str | None = None,
) -> None:
    """Write one audit row for this request (who, what, when, from where, outcome)."""
    audit.record(
        portal_of(request).paths,
        actor=user.name if user else (actor or "-"),
        role=user.role if user else None,
        action=action,
        target=target,
        client=client_address(request),
        outcome=outcome,
        detail=detail,
    )


def navigation(user: User | None, current: str) -> list[dict]:
    if user is None:
        return []
    items = []
    if user.is_provider:
        items.append(("/upload", "Upload a return"))
    if user.is_provider or user.is_admin:
        items.append(("/submissions", "Submissions"))
    if user.is_provider:
        items += [
            ("/claims", "Claims"),
            ("/statements", "Payment statements"),
            ("/unclaimed", "Unclaimed outcomes"),
            ("/performance", "Your performance"),
        ]
    items.append(("/specification", "MI specification"))
    if user.is_admin:
        items.append(("/admin/audit", "Audit log"))
    return [{"href": href, "label": label, "current": current == href} for href, label in items]


def render(
    request: Request,
    template: str,
    *,
    title: str,
    status_code: int = 200,
    headers: dict | None = None,
    **context,
) -> HTMLResponse:
    """A page with the common furniture; ``errors`` (list of {field, text}) drives the error summary."""
    session = current_session(request)
    user = session.user if session else None
    context.setdefault("errors", [])
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "title": title,
            "user": user,
            "csrf_token": session.csrf_token if session else "",
            "nav": navigation(user, request.url.path),
            **context,
        },
        status_code=status_code,
        headers=headers,
    )


def error_page(
    request: Request, status_code: int, title: str, message: str, headers: dict | None = None
) -> HTMLResponse:
    return render(
        request, "error.html", title=title, message=message, status_code=status_code, headers=headers
    )
