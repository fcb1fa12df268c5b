"""Participants as a prime reports them, quarter by quarter.

A participant's record is sent in the quarter of their referral, and again in
each later quarter in which it changed (they started, or they left), since a
period's file need only carry records that are new or changed in that
period. Each row shows the record as the prime knew it at the end of that
quarter, so a start or leave date never lies after the period's end.

Not for: writing files or making mistakes in them (``synth.writers``,
``synth.defects``). Rows here are clean.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synth import parameters as P
from synth.calendar import NO_DATE, iso_series
from synth.cohort import Cohort
from synth.reference import ReferenceWorld


def _codes(name: str, values: tuple[str, ...], index: np.ndarray) -> pl.Series:
    """Code strings from code indices; -1 becomes null."""
    series = pl.Series(name, list(values)).gather(pl.Series(np.maximum(index, 0).astype(np.int64)))
    missing = np.flatnonzero(index < 0)
    return series.scatter(missing, None) if len(missing) else series


def participant_rows(
    world: ReferenceWorld, cohort: Cohort, snapshot: int | None = None, protect: np.ndarray | None = None
) -> pl.DataFrame:
    """Participants file rows (strings) with the prime and period index of each.

    Args:
        world: the reference world.
        cohort: the people.
        snapshot: when given, one row per participant as known at the end of
            that quarter (the benchmark file), instead of one row per change.
        protect: per participant, whether clerks' mistakes must spare their rows;
            when given, the rows also carry ``person`` and ``protect`` (never written).
    """
    quarters = world.quarters
    n = len(cohort)
    if snapshot is None:
        n_q = len(quarters)
        event_quarters = [quarters.index_of(d) for d in (cohort.referral, cohort.start, cohort.leave)]
        index = np.tile(np.arange(n, dtype=np.int64), 3)
        period = np.concatenate(event_quarters).astype(np.int64)
        keep = (period >= 0) & (period < n_q)
        key = np.unique(index[keep] * (n_q + 1) + period[keep])
        index, period = key // (n_q + 1), key % (n_q + 1)
    else:
        index = np.arange(n, dtype=np.int64)
        period = np.full(n, snapshot, dtype=np.int64)
    period_end = quarters.ends[period]

    start = cohort.start[index]
    leave = cohort.leave[index]
    started = start <= period_end
    left = leave <= period_end
    reason = np.where(left, cohort.leave_reason[index], -1)
    contracts = world.contracts
    take = pl.Series(index)
    extra = (
        []
        if protect is None
        else [
            pl.Series("person", cohort.person[index].astype(np.int64)),
            pl.Series("protect", protect[index]),
        ]
    )
    return pl.DataFrame(
        [
            pl.Series("prime", cohort.prime[index].astype(np.int32)),
            pl.Series("period", period.astype(np.int32)),
            *extra,
            pl.Series(contracts.contract_id).gather(pl.Series(cohort.contract[index])).alias("contract_id"),
            cohort.participant_ref.gather(take),
            world.ninos.ninos(cohort.person[index]),
            iso_series("referral_date", cohort.referral[index]),
            iso_series("start_date", np.where(started, start, NO_DATE)),
            _codes("customer_group", P.CUSTOMER_GROUPS, cohort.group[index]),
            iso_series("date_of_birth", cohort.dob[index]),
            _codes("sex", P.SEXES, cohort.sex[index]),
            _codes("ethnicity", P.ETHNICITIES, cohort.ethnicity[index]),
            _codes("disability", P.DISABILITIES, cohort.disability[index]),
            _codes("impairment_group", P.IMPAIRMENT_GROUPS, cohort.impairment[index]),
            pl.Series("la_code", world.la_codes).gather(pl.Series(cohort.la[index])),
            pl.Series("delivery_ukprn", world.provider_ukprn).gather(pl.Series(cohort.delivery[index])),
            iso_series("leave_date", np.where(left, leave, NO_DATE)),
            _codes("leave_reason", P.LEAVE_REASONS, reason),
        ]
    )
