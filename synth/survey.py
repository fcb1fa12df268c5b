"""Customer survey responses: how a share of starters rate their provider.

A response comes some weeks after the start date. Overall satisfaction is
centred on the prime's profile (strong primes are rated higher, weak ones
lower) plus the delivery provider's own effect; the other scores follow the
overall one, and optional fields are sometimes left empty.

Not for: out-of-range scores or unknown codes (``synth.defects``).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synth import parameters as P
from synth.calendar import NO_DATE, iso_series, to_next_weekday
from synth.cohort import Cohort
from synth.reference import ReferenceWorld


def _score(values: np.ndarray) -> np.ndarray:
    return np.clip(np.round(values), 1, 5).astype(np.int64)


def _optional(rng: np.random.Generator, values: np.ndarray, empty_share: float) -> pl.Series:
    series = pl.Series(values).cast(pl.String)
    empty = np.flatnonzero(rng.random(len(values)) < empty_share)
    return series.scatter(empty, None) if len(empty) else series


def draw_survey(world: ReferenceWorld, cohort: Cohort, rng: np.random.Generator) -> pl.DataFrame:
    """Survey responses from this cohort up to the extract date, as file fields with prime and period."""
    started = cohort.start != NO_DATE
    responds = started & (rng.random(len(cohort)) < P.SURVEY_RESPONSE_SHARE)
    rows = np.flatnonzero(responds)
    day = cohort.start[rows].astype(np.int64) + rng.integers(*P.SURVEY_DELAY_DAYS, len(rows))
    day = to_next_weekday(np.minimum(day, NO_DATE).astype(np.int32))
    answered = day <= world.last_day  # in a return
    rows, day = rows[answered], day[answered]
    m = len(rows)

    centre = np.array([P.PROFILES[p.profile].satisfaction_mean for p in world.primes])[cohort.prime[rows]]
    latent = centre + 2.0 * world.provider_effect[cohort.delivery[rows]] + rng.normal(0, 0.85, m)
    overall = _score(latent)
    respect = _score(overall + rng.normal(0.3, 0.7, m))
    helpful = _score(overall + rng.normal(-0.1, 0.8, m))
    p_yes = np.select([overall >= 4, overall == 3], [0.92, 0.45], 0.08)
    recommend = np.where(rng.random(m) < p_yes, "Y", "N")
    empty = P.SURVEY_OPTIONAL_EMPTY
    return pl.DataFrame(
        [
            pl.Series("prime", cohort.prime[rows].astype(np.int32)),
            pl.Series("period", world.quarters.index_of(day)),
            pl.select(
                pl.concat_str([cohort.participant_ref.gather(pl.Series(rows)), pl.lit("-R1")]).alias(
                    "response_id"
                )
            ).to_series(),
            pl.Series(world.contracts.contract_id)
            .gather(pl.Series(cohort.contract[rows]))
            .alias("contract_id"),
            cohort.participant_ref.gather(pl.Series(rows)),
            iso_series("survey_date", day),
            pl.Series("overall_satisfaction", overall).cast(pl.String),
            _optional(rng, respect, empty["treated_with_respect"]).alias("treated_with_respect"),
            _optional(rng, helpful, empty["advice_helpful"]).alias("advice_helpful"),
            _optional(rng, recommend, empty["would_recommend"]).alias("would_recommend"),
        ]
    )
