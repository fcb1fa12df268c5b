"""Ground truth tallies for ``world.json``: what the warehouse should be able to find.

While the world is generated cohort by cohort, ``Truth`` counts, per prime
and per contract, what really happened (referrals, mature cohorts,
hard-to-help caseloads, jobs, sustained outcomes met by the evidence) and
what was claimed (by intended truth label). Tests and people reading the
world compare the warehouse's findings with these numbers.

Not for: anything person-level. ``world.json`` never holds a NINO, a
participant reference or a date of birth; only counts.

Notes:
    Counts of claims are by intent (``synth.claims`` labels). Verification
    statuses in the warehouse can differ for individual claims: a clerk's
    defect may get a participant's row rejected, and a withdrawn claim
    leaves its outcome unclaimed.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import polars as pl

from synth.calendar import NO_DATE
from synth.cohort import MENTAL_HEALTH, Cohort
from synth.reference import ReferenceWorld

MATURE_QUARTERS = 6  # a cohort is mature once 18 months have passed since its quarter ended


class Truth:
    def __init__(self, world: ReferenceWorld):
        self.world = world
        n_q = len(world.quarters)
        self.last_mature_quarter = n_q - 1 - MATURE_QUARTERS
        self.prime: dict[int, dict] = defaultdict(lambda: defaultdict(int))
        self.contract: dict[int, dict] = defaultdict(lambda: defaultdict(int))
        self.claims: dict[int, dict] = defaultdict(lambda: defaultdict(int))
        self.satisfaction: dict[int, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, cohort: Cohort, claims: pl.DataFrame, survey: pl.DataFrame) -> None:
        has_job = cohort.job1_start != NO_DATE
        evidence = has_job & ((cohort.leave == NO_DATE)
                              | (cohort.job1_start.astype(np.int64) <= cohort.leave.astype(np.int64) + 28))
        met26 = evidence & (cohort.met26 != NO_DATE)
        sustained_claims = claims.filter((pl.col("outcome_type") == "SUSTAINED_26W")
                                         & ~pl.col("withdrawn"))["row"].to_numpy()
        claimed26 = np.zeros(len(cohort), dtype=bool)
        claimed26[sustained_claims] = True
        mature = cohort.quarter <= self.last_mature_quarter
        for p in np.unique(cohort.prime):
            m = cohort.prime == p
            t = self.prime[int(p)]
            t["participants"] += int(m.sum())
            t["repeat_referrals"] += int((m & cohort.is_repeat).sum())
            t["starts"] += int((m & (cohort.start != NO_DATE)).sum())
            t["with_job"] += int((m & has_job).sum())
            t["hard_to_help"] += int((m & cohort.hard_to_help).sum())
            t["hard_to_help_with_job"] += int((m & cohort.hard_to_help & has_job).sum())
            t["other_with_job"] += int((m & ~cohort.hard_to_help & has_job).sum())
            t["sustained_26w_met"] += int((m & met26).sum())
            t["sustained_26w_met_unclaimed"] += int((m & met26 & ~claimed26).sum())
        for c in np.unique(cohort.contract):
            m = cohort.contract == c
            t = self.contract[int(c)]
            t["referrals"] += int(m.sum())
            if mature:
                t["mature_referrals"] += int(m.sum())
                t["mature_hard_to_help"] += int((m & cohort.hard_to_help).sum())
                t["mature_mental_health"] += int((m & (cohort.impairment == MENTAL_HEALTH)).sum())
        counted = claims.group_by("prime", "outcome_type", "truth").len().sort("prime", "outcome_type", "truth")
        for prime, outcome, truth, n in counted.iter_rows():
            self.claims[int(prime)][f"{outcome}:{truth}"] += int(n)
        scores = survey.select("prime", pl.col("overall_satisfaction").cast(pl.Int64))
        for prime, total, n in scores.group_by("prime").agg(pl.col("overall_satisfaction").sum(), pl.len()) \
                .sort("prime").iter_rows():
            self.satisfaction[int(prime)][0] += int(total)
            self.satisfaction[int(prime)][1] += int(n)

    def for_prime(self, p: int) -> dict:
        t = dict(sorted(self.prime[p].items()))
        total, n = self.satisfaction[p]
        t["survey_responses"] = n
        t["mean_satisfaction"] = round(total / n, 3) if n else None
        t["claims"] = dict(sorted(self.claims[p].items()))
        return t

    def for_contract(self, c: int) -> dict:
        return dict(sorted(self.contract[c].items()))
