"""The portal's ops database: users, API tokens, sessions and the audit log, in one SQLite file.

The file is ``MI_HOME/ops/portal.sqlite``. SQLite is enough: the portal is one
process (or a few sharing a disk), writes are tiny, and WAL mode lets page
views read while a sign-in writes. Every caller opens its own short-lived
connection, so the module is safe to use from FastAPI's thread pool and from
the CLI at the same time.

Not for: submissions (the ingest ledger, ``MI_HOME/ledger``, is their only
record) or any personal data from providers' files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from core.settings import Paths

_SCHEMA = """
create table if not exists users (
    user_id        integer primary key,
    name           text not null unique,
    role           text not null check (role in ('provider', 'analyst', 'publisher', 'admin')),
    ukprn          text,
    password_hash  text not null,
    created_at     text not null,
    disabled_at    text,
    check ((role = 'provider') = (ukprn is not null))
);
create table if not exists api_tokens (
    token_id     text primary key,           -- the public lookup part of mi_<token_id>_<secret>
    user_id      integer not null references users (user_id),
    secret_hash  text not null,              -- argon2 hash of the secret part; the token itself is never kept
    created_at   text not null,
    revoked_at   text,
    last_used_at text,
    expires_at   text                        -- refused from this moment on
);
create table if not exists sessions (
    -- sha256 of the cookie value: a copied database yields no live session
    session_hash text primary key,
    user_id      integer not null references users (user_id),
    csrf_token   text not null,
    created_at   text not null,
    last_seen_at text not null
);
create table if not exists audit (
    audit_id  integer primary key autoincrement,
    at        text not null,
    -- user name, '-' when nobody is signed in, 'cli:<os user>' for mi users
    actor     text not null,
    role      text,
    action    text not null,
    target    text,
    client    text not null,                 -- client IP address, or 'local' for the CLI
    outcome   text not null,
    detail    text
);
create index if not exists audit_sign_in on audit (action, actor, client, at);
create table if not exists sign_in_attempts (
    -- what the sign-in limits count (portal/ratelimit.py); rows older than the window are swept
    attempt_id integer primary key autoincrement,
    account    text not null,                -- 'user:<user_id>', or 'name:<keyed hash>' of a typed name
    source     text not null,                -- client address
    at         text not null,
    outcome    text not null check (outcome in ('pending', 'failure', 'success'))
);
create index if not exists sign_in_attempts_account on sign_in_attempts (account, source, at);
create index if not exists sign_in_attempts_source on sign_in_attempts (source, at);
create index if not exists sign_in_attempts_at on sign_in_attempts (at);
create table if not exists portal_keys (
    -- random keys the portal makes for itself (the keyed hash of typed user names)
    name  text primary key,
    value blob not null
);
"""


def portal_key(conn: sqlite3.Connection, name: str) -> bytes:
    """A random 32-byte key kept in the database under ``name``, made on first use (race-free)."""
    row = conn.execute("select value from portal_keys where name = ?", (name,)).fetchone()
    if row is None:  # written once; every later call only reads
        conn.execute("insert or ignore into portal_keys (name, value) values (?, ?)", (name, os.urandom(32)))
        row = conn.execute("select value from portal_keys where name = ?", (name,)).fetchone()
    return bytes(row[0])


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def timestamp(moment: dt.datetime | None = None) -> str:
    """UTC time as ISO text, the one format stored (it sorts as time does)."""
    return (moment or utc_now()).isoformat(timespec="microseconds")


def database_path(paths: Paths) -> Path:
    return paths.ops / "portal.sqlite"


_initialised: set[Path] = set()


def _add_token_expiry(conn: sqlite3.Connection) -> None:
    """Databases made before tokens expired: add the column, and give old tokens a year from issue."""
    columns = {row[1] for row in conn.execute("pragma table_info(api_tokens)")}
    if "expires_at" not in columns:
        conn.execute("alter table api_tokens add column expires_at text")
    for token_id, created_at in conn.execute(
        "select token_id, created_at from api_tokens where expires_at is null"
    ).fetchall():
        expires = dt.datetime.fromisoformat(created_at) + dt.timedelta(days=365)
        conn.execute(
            "update api_tokens set expires_at = ? where token_id = ?", (timestamp(expires), token_id)
        )


@contextlib.contextmanager
def connect(paths: Paths) -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode; use ``with conn:`` blocks for transactions.

    The schema is created on first use per process, and the folder and file
    are kept private to the owner (the audit log names people and addresses).
    """
    path = database_path(paths)
    fresh = path not in _initialised or not path.exists()
    if fresh:
        paths.ensure_home()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Create it private before SQLite does, so there is no moment it is world-readable.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("pragma foreign_keys = on")
        if fresh:
            conn.execute("pragma journal_mode = wal")
            conn.executescript(_SCHEMA)
            _add_token_expiry(conn)
            _initialised.add(path)
        yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """An immediate write transaction (takes the write lock at once, so read-then-write cannot race)."""
    conn.execute("begin immediate")
    try:
        yield conn
    except BaseException:
        conn.execute("rollback")
        raise
    else:
        conn.execute("commit")
