"""The audit log: who did what, when, from where, and how it ended.

Every portal action (sign-in and its failures, sign-out, uploads, page views
of submissions and feedback, findings downloads, API calls) and every user
change made with ``mi users`` is one row in the ops database, readable by
admins at ``/admin/audit``. Failed sign-ins are also what the sign-in rate
limit counts, so the limit and the evidence can never disagree.

Not for: file contents, NINOs or any other personal data from a return. A
row names a submission by its id; the ledger has the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.settings import Paths
from portal import opsdb

#: Longest text kept in a field, so a hostile client cannot bloat the log.
_MAX_TEXT = 200


@dataclass(frozen=True)
class AuditEntry:
    audit_id: int
    at: str
    actor: str
    role: str | None
    action: str
    target: str | None
    client: str
    outcome: str
    detail: str | None


def _clip(value: str | None) -> str | None:
    if value is None:
        return None
    # Control characters would let a crafted user name forge lines in an exported log.
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value))
    return text[:_MAX_TEXT]


def record(
    paths: Paths,
    *,
    actor: str,
    action: str,
    outcome: str,
    client: str,
    role: str | None = None,
    target: str | None = None,
    detail: str | None = None,
) -> None:
    """Append one entry. ``detail`` is for reasons and counts, never for file content."""
    with opsdb.connect(paths) as conn:
        conn.execute(
            "insert into audit (at, actor, role, action, target, client, outcome, detail) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                opsdb.timestamp(),
                _clip(actor) or "-",
                role,
                action,
                _clip(target),
                _clip(client) or "-",
                outcome,
                _clip(detail),
            ),
        )


def entries(paths: Paths, *, limit: int = 200, before: int | None = None) -> list[AuditEntry]:
    """The latest entries, newest first; ``before`` pages back from an audit id."""
    sql = "select * from audit"
    args: tuple = ()
    if before is not None:
        sql += " where audit_id < ?"
        args = (before,)
    sql += " order by audit_id desc limit ?"
    with opsdb.connect(paths) as conn:
        rows = conn.execute(sql, (*args, limit)).fetchall()
    return [AuditEntry(**dict(r)) for r in rows]


def recent_sign_in_failures(
    paths: Paths, *, actor: str, client: str, window: dt.timedelta
) -> tuple[int, str | None]:
    """Failed sign-ins for this user name from this address within the window, since their last success.

    Returns:
        The count, and the time of the oldest counted failure (when the block lifts).
    """
    since = opsdb.timestamp(opsdb.utc_now() - window)
    with opsdb.connect(paths) as conn:
        last_ok = conn.execute(
            "select max(at) from audit"
            " where action = 'sign_in' and actor = ? and client = ? and outcome = 'success'",
            (_clip(actor), _clip(client)),
        ).fetchone()[0]
        row = conn.execute(
            "select count(*), min(at) from audit where action = 'sign_in' and actor = ? and client = ? "
            "and outcome = 'failure' and at > ?",
            (_clip(actor), _clip(client), max(since, last_ok or "")),
        ).fetchone()
    return row[0], row[1]
