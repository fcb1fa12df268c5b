"""The portal's sub-commands of ``mi``: ``mi serve`` and ``mi users add|token|revoke-token|list|disable``.

``mi.cli`` finds this module and calls :func:`register`. Exit statuses are those
of every ``mi`` command: 0 done, 1 refused, 2 usage error (a provider without ``--ukprn``,
a malformed UKPRN, an unknown user, a short password). Every user change is
written to the audit log as ``cli:<os user>`` from ``local``.

Not for: heavy imports at module level. ``mi --help`` imports this file, so
FastAPI, uvicorn and argon2 are imported inside the handlers.
"""

from __future__ import annotations

import argparse
import logging
import sys

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
ROLES = ("provider", "analyst", "publisher", "admin")  # kept equal to portal.accounts.ROLES by a test


def _operator() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli:unknown"


def _audit(paths, action: str, outcome: str, target: str, detail: str | None = None) -> None:
    from portal import audit

    audit.record(
        paths, actor=_operator(), action=action, outcome=outcome, client="local", target=target, detail=detail
    )


def _read_password(args: argparse.Namespace) -> str | None:
    """The new password from stdin (first line) or, at a terminal, a prompt typed twice."""
    import getpass

    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Same password again: ") != first:
        print("mi users add: the passwords differ", file=sys.stderr)
        return None
    return first


def cmd_users_add(args: argparse.Namespace) -> int:
    from core.settings import paths as default_paths
    from portal import accounts

    paths = default_paths()
    try:
        # Check name, role and UKPRN before asking for a password nobody will use.
        accounts.check_new_user(args.name, args.role, args.ukprn)
    except accounts.AccountError as exc:
        print(f"mi users add: {exc}", file=sys.stderr)
        return EXIT_USAGE
    password = _read_password(args)
    if password is None:
        print(
            "mi users add: give the password with --password-stdin, or run at a terminal to be asked",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        user = accounts.add_user(paths, args.name, role=args.role, ukprn=args.ukprn, password=password)
    except accounts.AccountError as exc:
        print(f"mi users add: {exc}", file=sys.stderr)
        _audit(paths, "user_add", "refused", accounts.normalise_name(args.name), str(exc))
        return EXIT_USAGE
    _audit(
        paths,
        "user_add",
        "success",
        user.name,
        f"role {user.role}" + (f", UKPRN {user.ukprn}" if user.ukprn else ""),
    )
    print(f"added {user.name} ({user.role}{', UKPRN ' + user.ukprn if user.ukprn else ''})")
    return EXIT_OK


def cmd_users_token(args: argparse.Namespace) -> int:
    from core.settings import api_token_days
    from core.settings import paths as default_paths
    from portal import accounts

    paths = default_paths()
    try:
        token = accounts.issue_token(paths, args.name, replace=args.replace, days=args.days)
    except accounts.AccountError as exc:
        print(f"mi users token: {exc}", file=sys.stderr)
        _audit(paths, "user_token", "refused", accounts.normalise_name(args.name), str(exc))
        return EXIT_USAGE
    _audit(
        paths,
        "user_token",
        "success",
        accounts.normalise_name(args.name),
        f"token {accounts.token_id_of(token)}" + ("; earlier tokens revoked" if args.replace else ""),
    )
    print(token)
    print(
        "This token is shown once; only its hash is kept. Send it as: Authorization: Bearer <token>. "
        f"It works for {args.days or api_token_days()} days; revoke it with: "
        f"mi users revoke-token {accounts.token_id_of(token)}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_users_revoke_token(args: argparse.Namespace) -> int:
    from core.settings import paths as default_paths
    from portal import accounts

    paths = default_paths()
    try:
        token_id, name = accounts.revoke_token(paths, args.token)
    except accounts.AccountError as exc:
        print(f"mi users revoke-token: {exc}", file=sys.stderr)
        # The id only: a whole token pasted here is a secret, and it goes in no log.
        given = accounts.token_id_of(args.token.strip()) or "-"
        _audit(paths, "user_revoke_token", "refused", "-", f"token {given}")
        return EXIT_USAGE
    _audit(paths, "user_revoke_token", "success", name, f"token {token_id}")
    print(f"revoked token {token_id} of {name}: it no longer works")
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace) -> int:
    from core.settings import paths as default_paths
    from portal import accounts

    paths = default_paths()
    users = accounts.list_users(paths)
    _audit(paths, "user_list", "success", "-", f"{len(users)} users")
    if not users:
        print("no users yet; add one with: mi users add NAME --role ROLE [--ukprn N] --password-stdin")
        return EXIT_OK
    print(f"{'name':<24} {'role':<10} {'ukprn':<9} {'state':<9} {'tokens':>6}  created (UTC)")
    for user, tokens in users:
        state = "active" if user.active else "disabled"
        ukprn = user.ukprn or "-"
        print(f"{user.name:<24} {user.role:<10} {ukprn:<9} {state:<9} {tokens:>6}  {user.created_at[:19]}")
    return EXIT_OK


def cmd_users_disable(args: argparse.Namespace) -> int:
    from core.settings import paths as default_paths
    from portal import accounts

    paths = default_paths()
    try:
        user = accounts.disable_user(paths, args.name)
    except accounts.AccountError as exc:
        print(f"mi users disable: {exc}", file=sys.stderr)
        _audit(paths, "user_disable", "refused", accounts.normalise_name(args.name), str(exc))
        return EXIT_USAGE
    _audit(paths, "user_disable", "success", user.name)
    print(f"disabled {user.name}: their sessions ended and their API tokens are revoked for good")
    return EXIT_OK


class WithoutExceptionDetail(logging.Filter):
    """Keeps an exception's type in uvicorn's error log, never its message or traceback.

    The portal answers every error itself and logs it by type and frames
    (``portal.app.log_unhandled``); this is the second line: whatever still
    reaches uvicorn (a cancelled request, a protocol error) is logged without
    text that may quote what the request carried.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.getMessage().rstrip()} ({record.exc_info[0].__name__})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def server_config(app, *, host: str, port: int, forwarded_allow_ips: str, log_level: str = "info"):
    """uvicorn's settings for the portal (``mi serve``; tests serve the portal with the same).

    The client address is taken from ``X-Forwarded-For`` only when the request
    comes from one of ``forwarded_allow_ips``, so a client cannot pick its own
    address to dodge the per-address sign-in limit. uvicorn's access log is
    off: it would write each request's path and query as sent, and the audit
    log already records every action (cleaned, clipped, NINO-shaped text masked);
    its error log keeps an exception's type only (:class:`WithoutExceptionDetail`).
    """
    import uvicorn

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
        log_level=log_level,
        access_log=False,
    )
    # After the Config: making it (re)configures uvicorn's loggers.
    errors = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, WithoutExceptionDetail) for f in errors.filters):
        errors.addFilter(WithoutExceptionDetail())
    return config


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from portal.app import create_app

    secure = {"auto": None, "on": True, "off": False}[args.secure_cookies]
    app = create_app(secure_cookies=secure)
    print(
        f"MI returns portal on http://{args.host}:{args.port}/"
        "  (API: /api/v1, OpenAPI: /api/v1/openapi.json)",
        file=sys.stderr,
        flush=True,
    )
    config = server_config(app, host=args.host, port=args.port, forwarded_allow_ips=args.forwarded_allow_ips)
    uvicorn.Server(config).run()
    return EXIT_OK


def register(subparsers) -> None:
    """Add ``serve`` and ``users`` to the ``mi`` parser."""
    p = subparsers.add_parser("serve", help="run the provider portal (web pages and the HTTP API)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--secure-cookies",
        choices=["auto", "on", "off"],
        default="auto",
        help="mark cookies Secure: auto = when the request came over https (default)",
    )
    p.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        metavar="IPS",
        help="proxies trusted for X-Forwarded-For/-Proto (default 127.0.0.1)",
    )
    p.set_defaults(func=cmd_serve)

    users = subparsers.add_parser("users", help="manage portal users and API tokens")
    commands = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    p = commands.add_parser("add", help="add a user")
    p.add_argument("name", help="user name (lower-case letters, digits, . _ @ -)")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--ukprn", help="for a provider user: the one UKPRN it submits for (8 digits, starting 1)")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (else asked at a terminal)",
    )
    p.set_defaults(func=cmd_users_add)

    p = commands.add_parser("token", help="issue a new API token for a user (printed once)")
    p.add_argument("name")
    p.add_argument("--replace", action="store_true", help="revoke the user's earlier tokens")
    p.add_argument(
        "--days",
        type=int,
        metavar="N",
        help="how long the token works for (default MI_API_TOKEN_DAYS, 365)",
    )
    p.set_defaults(func=cmd_users_token)

    p = commands.add_parser("revoke-token", help="revoke one API token: it stops working at once")
    p.add_argument("token", help="the token's id (the 16 hex digits after mi_) or the whole token")
    p.set_defaults(func=cmd_users_revoke_token)

    p = commands.add_parser("list", help="list users, roles, UKPRNs and whether they are active")
    p.set_defaults(func=cmd_users_list)

    p = commands.add_parser("disable", help="disable a user: sessions and tokens stop working at once")
    p.add_argument("name")
    p.set_defaults(func=cmd_users_disable)
