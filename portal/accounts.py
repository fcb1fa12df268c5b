"""Portal users, their passwords, API tokens and browser sessions.

A user has a role (``provider``, ``analyst``, ``publisher``, ``admin``); a
provider user is bound to exactly one UKPRN and can see and submit only for
it. Passwords and token secrets are kept only as argon2 hashes. A token is
``mi_<token_id>_<secret>``: the id finds the row without scanning, the secret
is checked against its hash. A token expires (``MI_API_TOKEN_DAYS``, 365
days by default) and can be revoked on its own (``mi users revoke-token``).
Sessions are random ids kept server-side (the database stores their SHA-256).
Every lookup joins the user and checks that they are not disabled, so
disabling someone ends their sessions and tokens at once, on the very next
request; their tokens are revoked as well, for good, and a disabled account
is re-enabled by nothing here.

Not for: HTTP (cookies, forms, status codes are ``portal/pages.py`` and
``portal/api.py``) or the audit log (``portal/audit.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.settings import Paths, api_token_days
from portal import opsdb

ROLES = ("provider", "analyst", "publisher", "admin")
UKPRN_PATTERN = re.compile(r"^1[0-9]{7}$")
USER_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
MIN_PASSWORD_LENGTH = 8  # NCSC guidance: length over composition rules
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte "password" is a cheap denial of service
TOKEN_PREFIX = "mi"
#: A session ends after this long without a request, and in any case after SESSION_MAX_AGE.
SESSION_IDLE = dt.timedelta(minutes=60)
SESSION_MAX_AGE = dt.timedelta(hours=12)

# argon2-cffi's defaults are the RFC 9106 low-memory profile (argon2id, 64 MiB, t=3).
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist.

    Spending the same time either way means response times do not reveal
    which user names exist. Made on first use, not at import (it costs ~0.1 s).
    """
    return _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A request about accounts that cannot be done as asked (a usage error at the CLI)."""


@dataclass(frozen=True)
class User:
    user_id: int
    name: str
    role: str
    ukprn: str | None
    created_at: str
    disabled_at: str | None

    @property
    def is_provider(self) -> bool:
        return self.role == "provider"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def active(self) -> bool:
        return self.disabled_at is None


@dataclass(frozen=True)
class Session:
    """A signed-in browser: who, and the CSRF token its forms must carry."""

    user: User
    csrf_token: str


def _user(row) -> User:
    return User(row["user_id"], row["name"], row["role"], row["ukprn"], row["created_at"], row["disabled_at"])


def normalise_name(name: str) -> str:
    return name.strip().lower()


def check_new_user(name: str, role: str, ukprn: str | None) -> tuple[str, str, str | None]:
    """Validate a new user's name, role and UKPRN; returns them normalised.

    Raises:
        AccountError: with a message saying what is wrong.
    """
    name = normalise_name(name)
    if not USER_NAME_PATTERN.match(name):
        raise AccountError(
            "a user name is 1-64 characters: lower-case letters, digits and . _ @ -, "
            "starting with a letter or digit"
        )
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if role == "provider":
        if not ukprn:
            raise AccountError("a provider user needs --ukprn (the organisation it submits for)")
        if not UKPRN_PATTERN.match(ukprn):
            raise AccountError("a UKPRN is 8 digits starting with 1, for example 10004567")
    elif ukprn:
        raise AccountError(f"only provider users are bound to a UKPRN, not a {role}")
    return name, role, ukprn or None


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at most {MAX_PASSWORD_LENGTH} characters")


def add_user(paths: Paths, name: str, *, role: str, password: str, ukprn: str | None = None) -> User:
    """Create a user. Raises AccountError for a bad name, role, UKPRN, password or a taken name."""
    name, role, ukprn = check_new_user(name, role, ukprn)
    check_password(password)
    password_hash = _hasher.hash(password)
    with opsdb.connect(paths) as conn, opsdb.transaction(conn):
        if conn.execute("select 1 from users where name = ?", (name,)).fetchone():
            raise AccountError(f"there is already a user called {name!r}")
        conn.execute(
            "insert into users (name, role, ukprn, password_hash, created_at) values (?, ?, ?, ?, ?)",
            (name, role, ukprn, password_hash, opsdb.timestamp()),
        )
        return _user(conn.execute("select * from users where name = ?", (name,)).fetchone())


def ensure_user(paths: Paths, name: str, *, role: str, password: str, ukprn: str | None = None) -> User:
    """Create the user, or make an existing one match: role, UKPRN, password.

    For set-up scripts such as the demo, which must be able to print a
    sign-in that works however often they run. Not for people: use
    :func:`add_user`, which refuses a taken name.

    Raises:
        AccountError: the user exists and is disabled. Someone disabled it on
            purpose (a leaked password, say): a set-up script never undoes that.
    """
    name, role, ukprn = check_new_user(name, role, ukprn)
    check_password(password)
    password_hash = _hasher.hash(password)
    with opsdb.connect(paths) as conn, opsdb.transaction(conn):
        existing = conn.execute("select disabled_at from users where name = ?", (name,)).fetchone()
        if existing is not None and existing["disabled_at"] is not None:
            raise AccountError(f"{name} is disabled, and stays disabled: add another user instead")
        if existing is not None:
            conn.execute(
                "update users set role = ?, ukprn = ?, password_hash = ? where name = ?",
                (role, ukprn, password_hash, name),
            )
        else:
            conn.execute(
                "insert into users (name, role, ukprn, password_hash, created_at) values (?, ?, ?, ?, ?)",
                (name, role, ukprn, password_hash, opsdb.timestamp()),
            )
        return _user(conn.execute("select * from users where name = ?", (name,)).fetchone())


def get_user(paths: Paths, name: str) -> User | None:
    with opsdb.connect(paths) as conn:
        row = conn.execute("select * from users where name = ?", (normalise_name(name),)).fetchone()
    return _user(row) if row else None


def list_users(paths: Paths) -> list[tuple[User, int]]:
    """Every user with the number of live (unrevoked, unexpired) API tokens they hold, by name."""
    with opsdb.connect(paths) as conn:
        rows = conn.execute(
            "select u.*, (select count(*) from api_tokens t where t.user_id = u.user_id "
            "and t.revoked_at is null and t.expires_at > ?) as tokens from users u order by u.name",
            (opsdb.timestamp(),),
        ).fetchall()
    return [(_user(r), r["tokens"]) for r in rows]


def disable_user(paths: Paths, name: str) -> User:
    """Disable a user: their sessions are deleted and their tokens revoked, for good."""
    with opsdb.connect(paths) as conn, opsdb.transaction(conn):
        row = conn.execute("select * from users where name = ?", (normalise_name(name),)).fetchone()
        if row is None:
            raise AccountError(f"there is no user called {normalise_name(name)!r}")
        if row["disabled_at"] is None:
            conn.execute(
                "update users set disabled_at = ? where user_id = ?", (opsdb.timestamp(), row["user_id"])
            )
        conn.execute("delete from sessions where user_id = ?", (row["user_id"],))
        conn.execute(
            "update api_tokens set revoked_at = ? where user_id = ? and revoked_at is null",
            (opsdb.timestamp(), row["user_id"]),
        )
        return _user(conn.execute("select * from users where user_id = ?", (row["user_id"],)).fetchone())


@dataclass(frozen=True)
class SignInIdentity:
    """Who a sign-in claims to be, in the forms that may be kept.

    Attributes:
        account: the key the sign-in limits count on: ``user:<id>`` for a
            user that exists, else ``name:<keyed hash>`` of the typed name.
        actor: what the audit log records: a known user's name (their
            identity here), else ``unknown:<keyed hash>``. A typed name that
            is no account may be a password typed in the wrong box, so it is
            never written down as typed.
    """

    account: str
    actor: str


def sign_in_identity(paths: Paths, typed_name: str) -> SignInIdentity:
    """The :class:`SignInIdentity` of a typed user name (an empty one is ``-``)."""
    name = normalise_name(typed_name)
    if not name:
        return SignInIdentity("name:-", "-")
    with opsdb.connect(paths) as conn:
        row = conn.execute("select user_id, name from users where name = ?", (name,)).fetchone()
        if row is not None:
            return SignInIdentity(f"user:{row['user_id']}", row["name"])
        key = opsdb.portal_key(conn, "typed_user_names")
    digest = hmac.digest(key, name.encode("utf-8"), hashlib.sha256).hex()[:16]
    return SignInIdentity(f"name:{digest}", f"unknown:{digest}")


def authenticate_password(paths: Paths, name: str, password: str) -> User | None:
    """The active user with this name and password, else None (same cost either way)."""
    name = normalise_name(name)
    with opsdb.connect(paths) as conn:
        row = conn.execute("select * from users where name = ?", (name,)).fetchone()
    if len(password) > MAX_PASSWORD_LENGTH:
        return None
    stored = row["password_hash"] if row else _dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or row["disabled_at"] is not None:
        return None
    if _hasher.check_needs_rehash(stored):
        # Hash parameters were raised since this password was set: upgrade it now we know it.
        with opsdb.connect(paths) as conn:
            conn.execute(
                "update users set password_hash = ? where user_id = ?",
                (_hasher.hash(password), row["user_id"]),
            )
    return _user(row)


# --- API tokens -------------------------------------------------------------------------


def issue_token(paths: Paths, name: str, *, replace: bool = False, days: int | None = None) -> str:
    """A new API token for an active user, returned once; only its hash is kept.

    Args:
        replace: revoke the user's earlier tokens (rotation after a leak).
        days: how long it works for (default ``MI_API_TOKEN_DAYS``, 365).
    """
    days = days if days is not None else api_token_days()
    if days < 1:
        raise AccountError("a token must work for at least one day")
    if get_user(paths, name) is None:  # fail fast, before the deliberately slow hash
        raise AccountError(f"there is no user called {normalise_name(name)!r}")
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    secret_hash = _hasher.hash(secret)
    with opsdb.connect(paths) as conn, opsdb.transaction(conn):
        row = conn.execute("select * from users where name = ?", (normalise_name(name),)).fetchone()
        if row is None:
            raise AccountError(f"there is no user called {normalise_name(name)!r}")
        if row["disabled_at"] is not None:
            raise AccountError(f"{row['name']} is disabled; a disabled user gets no token")
        moment = opsdb.utc_now()
        now = opsdb.timestamp(moment)
        if replace:
            conn.execute(
                "update api_tokens set revoked_at = ? where user_id = ? and revoked_at is null",
                (now, row["user_id"]),
            )
        conn.execute(
            "insert into api_tokens (token_id, user_id, secret_hash, created_at, expires_at) "
            "values (?, ?, ?, ?, ?)",
            (token_id, row["user_id"], secret_hash, now, opsdb.timestamp(moment + dt.timedelta(days=days))),
        )
    return f"{TOKEN_PREFIX}_{token_id}_{secret}"


def revoke_token(paths: Paths, token: str) -> tuple[str, str]:
    """Revoke one API token, given its id (the part after ``mi_``) or the whole token.

    Returns:
        (token id, the name of the user it belonged to).

    Raises:
        AccountError: no such token, or it was revoked already.
    """
    token = token.strip()
    token_id = token_id_of(token) or (token if re.fullmatch(r"[0-9a-f]{16}", token) else None)
    if token_id is None:
        raise AccountError("give the token's id (16 hex digits, as in mi_<id>_...) or the whole token")
    with opsdb.connect(paths) as conn, opsdb.transaction(conn):
        row = conn.execute(
            "select t.revoked_at, u.name from api_tokens t join users u on u.user_id = t.user_id "
            "where t.token_id = ?",
            (token_id,),
        ).fetchone()
        if row is None:
            raise AccountError(f"there is no token {token_id}")
        if row["revoked_at"] is not None:
            raise AccountError(f"token {token_id} was revoked already")
        conn.execute("update api_tokens set revoked_at = ? where token_id = ?", (opsdb.timestamp(), token_id))
    return token_id, row["name"]


def token_id_of(token: str) -> str | None:
    """The lookup id of a well-formed token (unverified), else None."""
    parts = token.split("_", 2)
    if (
        len(parts) != 3
        or parts[0] != TOKEN_PREFIX
        or not re.fullmatch(r"[0-9a-f]{16}", parts[1])
        or not parts[2]
    ):
        return None
    return parts[1]


def authenticate_token(paths: Paths, token: str) -> User | None:
    """The active user owning this token, else None (unknown, revoked, expired, wrong secret, disabled)."""
    token_id = token_id_of(token)
    if token_id is None or len(token) > 256:
        return None
    secret = token.split("_", 2)[2]
    with opsdb.connect(paths) as conn:
        row = conn.execute(
            "select u.*, t.secret_hash from api_tokens t join users u on u.user_id = t.user_id "
            "where t.token_id = ? and t.revoked_at is null and t.expires_at > ?",
            (token_id, opsdb.timestamp()),
        ).fetchone()
    if row is None:
        return None
    try:
        _hasher.verify(row["secret_hash"], secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row["disabled_at"] is not None:
        return None
    with opsdb.connect(paths) as conn:
        conn.execute(
            "update api_tokens set last_used_at = ? where token_id = ?", (opsdb.timestamp(), token_id)
        )
    return _user(row)


# --- sessions ---------------------------------------------------------------------------


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def start_session(paths: Paths, user: User) -> str:
    """A new session for a user who just signed in; returns the id for the cookie.

    A fresh id at every sign-in means an id planted before sign-in (session
    fixation) is worthless.
    """
    session_id = secrets.token_urlsafe(32)
    moment = opsdb.utc_now()
    now = opsdb.timestamp(moment)
    with opsdb.connect(paths) as conn:
        # Sweep sessions that can no longer be used, so the table does not grow without end.
        conn.execute(
            "delete from sessions where created_at < ? or last_seen_at < ?",
            (opsdb.timestamp(moment - SESSION_MAX_AGE), opsdb.timestamp(moment - SESSION_IDLE)),
        )
        conn.execute(
            "insert into sessions (session_hash, user_id, csrf_token, created_at, last_seen_at) "
            "values (?, ?, ?, ?, ?)",
            (_session_hash(session_id), user.user_id, secrets.token_urlsafe(32), now, now),
        )
    return session_id


def find_session(paths: Paths, session_id: str | None) -> Session | None:
    """The live session for a cookie value, else None; refreshes its idle timer."""
    if not session_id or len(session_id) > 128:
        return None
    key = _session_hash(session_id)
    now = opsdb.utc_now()
    with opsdb.connect(paths) as conn:
        row = conn.execute(
            "select u.*, s.csrf_token, s.created_at as session_created, s.last_seen_at from sessions s "
            "join users u on u.user_id = s.user_id where s.session_hash = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        expired = (
            now - dt.datetime.fromisoformat(row["last_seen_at"]) > SESSION_IDLE
            or now - dt.datetime.fromisoformat(row["session_created"]) > SESSION_MAX_AGE
        )
        if expired or row["disabled_at"] is not None:
            conn.execute("delete from sessions where session_hash = ?", (key,))
            return None
        # Touch at most once a minute: a write per page view would serialise every reader.
        if now - dt.datetime.fromisoformat(row["last_seen_at"]) > dt.timedelta(minutes=1):
            conn.execute(
                "update sessions set last_seen_at = ? where session_hash = ?", (opsdb.timestamp(now), key)
            )
    return Session(_user(row), row["csrf_token"])


def end_session(paths: Paths, session_id: str | None) -> None:
    if session_id:
        with opsdb.connect(paths) as conn:
            conn.execute("delete from sessions where session_hash = ?", (_session_hash(session_id),))


def tokens_match(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token."""
    if not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))
