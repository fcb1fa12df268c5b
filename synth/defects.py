"""Clerks' mistakes: the controlled share of defects in provider files.

Real returns carry mistakes: a mistyped NINO, a date in UK order, a code from
an old list, a participant reference pasted twice, a sustained outcome
claimed a fortnight early, part-time hours on a job outcome. This module
plants such mistakes in a file's rows just before the file is written, a
deterministic share of rows per file, one mistake per affected row, and
reports what it planted so that tests and people can compare the
validator's findings with the truth.

Not for: wrong claims that are well-formed (an outcome without evidence, a
duplicate claim): those are behaviour of the prime, drawn in ``synth.claims``,
and pass file validation.

Notes:
    Lower-case codes are not mistakes: the specification matches codes
    case-insensitively. ``vary_code_case`` writes a few, and they are
    counted separately as ``lower_case_codes``.
    The share of planted defects is capped per file (``DEFECT_CAP_SHARE``), so
    no file comes near the 50% error rate that rejects a whole submission.
    Mistakes never fall on ``protected`` rows: the records of people whose
    sustained outcome the evidence could show (or who are claimed for one, or
    belong to the planted small group) and the claims of outcomes the evidence
    shows. A rejected row there would change what the warehouse finds unclaimed,
    and world.json states that exactly. The mistakes fall on everyone else's
    rows, job-outcome claims and the sustained claims the evidence does not
    support.
    A ``DUPLICATE_REF`` defect puts two rows in error (the copy and the row it
    copies): ``ROWS_PER_DEFECT`` in ``synth.parameters`` says so, and the
    files' ``error_rows`` in world.json count both.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from synth import parameters as P

_CODE_FIELDS = {
    "participants": ("customer_group", "sex", "ethnicity", "disability"),
    "outcome_claims": ("outcome_type",),
    "customer_survey": ("would_recommend",),
}
_UK_DATE_FIELDS = {
    "participants": ("referral_date", "date_of_birth"),
    "outcome_claims": ("claim_date", "job_start_date"),
    "customer_survey": ("survey_date",),
}


def uk_date(iso: str) -> str:
    """``2026-03-31`` written the way a UK clerk types it: ``31/03/2026``."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"


def _days_before(iso: str, days: int) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=days)).isoformat()


def vary_code_case(
    frame: pl.DataFrame, return_name: str, rng: np.random.Generator
) -> tuple[pl.DataFrame, int]:
    """Lower-case the first code field of a few rows (valid: codes match without regard to case)."""
    column = _CODE_FIELDS[return_name][0]
    rows = np.flatnonzero(
        (rng.random(len(frame)) < P.LOWER_CASE_CODE_SHARE) & frame[column].is_not_null().to_numpy()
    )
    if len(rows) == 0:
        return frame, 0
    values = frame[column].gather(rows).str.to_lowercase()
    return frame.with_columns(frame[column].scatter(rows, values)), len(rows)


def inject_defects(
    frame: pl.DataFrame,
    return_name: str,
    rng: np.random.Generator,
    share: float,
    protected: np.ndarray | None = None,
) -> tuple[pl.DataFrame, dict[str, int], np.ndarray]:
    """Plant about ``share`` of the rows' worth of defects, one per row.

    Args:
        protected: rows no mistake may fall on (see the module's notes).

    Returns:
        The damaged frame, the number of rows per defect kind, and the rows a
        validator must reject (every row an error-severity defect touched, both
        rows of a repeated reference).
    """
    n = len(frame)
    damaged = np.zeros(n, dtype=bool)
    wanted = int(np.floor(share * n + rng.random()))
    wanted = min(wanted, int(P.DEFECT_CAP_SHARE * n))
    if wanted == 0:
        return frame, {}, np.flatnonzero(damaged)
    kinds = P.DEFECT_KINDS[return_name]
    names = list(kinds)
    weights = np.array([kinds[k][0] for k in names], dtype=float)
    drawn = rng.choice(len(names), size=wanted, p=weights / weights.sum())
    patch = _Patch(frame, return_name)
    used = np.zeros(n, dtype=bool) if protected is None else np.asarray(protected, dtype=bool).copy()
    counts: dict[str, int] = {}
    for k in np.unique(drawn):
        kind = names[k]
        ok = _eligible(kind, frame) & ~used
        if kind == "DUPLICATE_REF":
            # The copy and the row it copies both break the rule; keep the source clean.
            ok[1:] &= ~used[:-1]
        eligible = np.flatnonzero(ok)
        take = min(int((drawn == k).sum()), len(eligible))
        if take == 0:
            continue
        rows = np.sort(rng.choice(eligible, size=take, replace=False))
        if kind == "DUPLICATE_REF":
            rows = rows[~np.isin(rows - 1, rows)]  # no chains of three rows sharing one reference
            used[rows - 1] = True
            damaged[rows - 1] = True
        used[rows] = True
        damaged[rows] |= kinds[kind][1] == "error"
        for row in rows:
            _damage(kind, patch, int(row), rng)
        counts[kind] = len(rows)
    return patch.apply(), dict(sorted(counts.items())), np.flatnonzero(damaged)


class _Patch:
    """Edits to a few cells of a frame, applied in one pass per column."""

    def __init__(self, frame: pl.DataFrame, return_name: str):
        self.frame = frame
        self.return_name = return_name
        self.edits: dict[str, dict[int, str | None]] = {}

    def get(self, column: str, row: int) -> str | None:
        edits = self.edits.get(column, {})
        return edits[row] if row in edits else self.frame[column][row]

    def set(self, column: str, row: int, value: str | None) -> None:
        self.edits.setdefault(column, {})[row] = value

    def apply(self) -> pl.DataFrame:
        changed = []
        for column, edits in self.edits.items():
            rows = np.array(sorted(edits), dtype=np.int64)
            values = pl.Series([edits[r] for r in rows.tolist()], dtype=pl.String)
            changed.append(self.frame[column].scatter(rows, values))
        return self.frame.with_columns(changed) if changed else self.frame


def _eligible(kind: str, frame: pl.DataFrame) -> np.ndarray:
    n = len(frame)

    def present(column: str) -> np.ndarray:
        return frame[column].is_not_null().to_numpy()

    if kind == "DUPLICATE_REF":
        return np.arange(n) >= 1
    if kind == "START_BEFORE_REFERRAL":
        return present("start_date")
    if kind == "IMPAIRMENT_WITHOUT_DISABILITY":
        return (frame["disability"] == "N").fill_null(False).to_numpy()
    if kind == "LEAVE_WITHOUT_REASON":
        return present("leave_date") & present("leave_reason")
    if kind == "PREMATURE_SUSTAINED":
        return (
            (frame["outcome_type"] == "SUSTAINED_26W").fill_null(False)
            & (frame["claim_status"] != "WITHDRAWN").fill_null(True)
        ).to_numpy()
    if kind == "PAYE_MALFORMED":
        return present("employer_paye_ref")
    return np.ones(n, dtype=bool)


def _pick(rng: np.random.Generator, options) -> str:
    return options[int(rng.integers(len(options)))]


def _damage(kind: str, patch: _Patch, row: int, rng: np.random.Generator) -> None:
    get, put = patch.get, patch.set
    if kind == "NINO_BAD_PREFIX":
        put("nino", row, _pick(rng, P.BAD_NINO_PREFIXES) + get("nino", row)[2:])
    elif kind == "NINO_BAD_SUFFIX":
        put("nino", row, get("nino", row)[:8] + _pick(rng, P.BAD_NINO_SUFFIXES))
    elif kind == "DATE_UK_FORMAT":
        field = _pick(rng, [f for f in _UK_DATE_FIELDS[patch.return_name] if get(f, row)])
        put(field, row, uk_date(get(field, row)))
    elif kind == "UNKNOWN_CODE":
        field = _pick(rng, _CODE_FIELDS[patch.return_name])
        put(field, row, _pick(rng, P.UNKNOWN_CODES[field]))
    elif kind == "DUPLICATE_REF":
        put("participant_ref", row, get("participant_ref", row - 1))
    elif kind == "START_BEFORE_REFERRAL":
        put("start_date", row, _days_before(get("referral_date", row), int(rng.integers(1, 21))))
    elif kind == "IMPAIRMENT_WITHOUT_DISABILITY":
        put("impairment_group", row, _pick(rng, P.IMPAIRMENT_GROUPS))
    elif kind == "LEAVE_WITHOUT_REASON":
        put("leave_reason", row, None)
    elif kind == "PREMATURE_SUSTAINED":
        put("job_start_date", row, _days_before(get("claim_date", row), int(rng.integers(60, 176))))
    elif kind == "HOURS_BELOW_16":
        put("hours_per_week", row, _pick(rng, ("8", "10", "12", "12.5", "15")))
    elif kind == "PAYE_MALFORMED":
        ref = get("employer_paye_ref", row)
        put("employer_paye_ref", row, ref.replace("/", "") if rng.random() < 0.5 else ref[1:])
    elif kind == "SATISFACTION_OUT_OF_RANGE":
        put("overall_satisfaction", row, _pick(rng, ("0", "6", "10")))
    else:
        raise ValueError(f"unknown defect kind {kind}")
