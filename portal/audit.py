"""The audit log: who did what, when, from where, and how it ended.

Every portal action (sign-in and its failures, sign-out, uploads, page views
of submissions and feedback, findings downloads, API calls) and every user
change made with ``mi users`` is one row in the ops database, readable by
admins at ``/admin/audit``. Every field is cleaned on the way in
(:func:`clean`): clipped, control characters removed, anything shaped like a
NINO masked. A failed sign-in names a known user, or the keyed hash of a typed
name that is no account (``portal.accounts.sign_in_identity``), never the
typed text.

Not for: file contents, NINOs or any other personal data from a return. A
row names a submission by its id; the ledger has the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts_schema.checks import mask_nino_runs
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


def clean(value: str | None) -> str | None:
    """A field as it may be kept: control characters removed, NINO-shaped runs masked, clipped.

    Control characters would let a crafted user name forge lines in an exported
    log; a NINO has no place in the audit log at all.
    """
    if value is None:
        return None
    # Masked first, while a control character still ends a NINO-shaped run.
    text = mask_nino_runs(str(value)[: _MAX_TEXT * 4])
    return "".join(ch for ch in text if ch.isprintable())[:_MAX_TEXT]


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
                clean(actor) or "-",
                clean(role),
                clean(action) or "-",
                clean(target),
                clean(client) or "-",
                clean(outcome) or "-",
                clean(detail),
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
