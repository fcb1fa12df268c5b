"""A small group that does badly by chance: what the parking z-score exists for.

Parking flags need statistical evidence (``mart_parking_indicators``): a group's index below
half the contract's is flagged only when its shortfall is more than chance
would produce (z <= -1.96). The world therefore holds one small group (30 to
60 people in the rating window of the last complete quarter) on one contract
whose index is well below half the contract's, but whose shortfall chance
could explain, so that the warehouse must leave it unflagged, while the
PARKER's groups, large and far below, are flagged.

How: in each referral cohort of that window, ``members_per_cohort`` of the
contract's referrals carry the group's value (``sex`` not stated, which
moves nobody's chances: the people's jobs were drawn like everyone else's).
Who carries it is chosen after their fates are drawn: people without work,
and ``outcomes`` of them with a verified 26-week outcome, chosen so that the
outcomes the group would be expected to achieve at the contract's rate (the
warehouse's lambda) come near ``target_lambda``. Everyone else on the
contract in those cohorts is given a stated sex. The expected outcomes are
estimated from the world drawn so far (national rates per customer group,
age band and disability), close to but not exactly the warehouse's benchmark;
world.json records the estimate.

Not for: the PARKER (``synth.parameters`` profiles), or any rule of the warehouse.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from synth import parameters as P
from synth.calendar import NO_DATE
from synth.cohort import Cohort
from synth.reference import ReferenceWorld

_EIGHTEEN_MONTHS = 547  # evidence completed within 18 months of referral, as days (approximately)
_CLEARLY_WITHIN = 500  # a member counted as an outcome completes well inside it
_FEMALE_SHARE = 0.4  # a stated sex for the contract's other people in the window


def last_complete_quarter(world: ReferenceWorld) -> int:
    """Index of the last quarter whose end + the claim grace is on or before the extract date."""
    complete = np.flatnonzero(world.quarters.ends.astype(np.int64) + P.CLAIM_GRACE_DAYS <= world.extract_date)
    return int(complete[-1]) if len(complete) else -1


class SmallGroup:
    def __init__(self, world: ReferenceWorld):
        self.world = world
        self.spec = P.SMALL_GROUP
        if self.spec.dimension != "sex":
            raise ValueError("the small group is drawn on the sex dimension only")
        self.rating_quarter = last_complete_quarter(world)
        near, far = P.RATING_WINDOW_QUARTERS
        self.window = list(range(self.rating_quarter - far, self.rating_quarter - near + 1))
        self.contract = self._choose_contract() if self.window and self.window[0] >= 0 else None
        shape = (len(P.CUSTOMER_GROUPS), 3, len(P.DISABILITIES))
        self.cell_n = np.zeros(shape)
        self.cell_outcomes = np.zeros(shape)
        self.members = self.outcomes = 0
        self.expected = 0.0  # sum of the members' estimated rates
        self.contract_actual = 0  # the contract's outcomes in the window so far
        self.contract_expected = 0.0

    def _choose_contract(self) -> int | None:
        """A contract open for referrals through the window: a WEAK prime's, else an ORDINARY one's."""
        c = self.world.contracts
        first, last = (
            int(self.world.quarters.starts[self.window[0]]),
            int(self.world.quarters.ends[self.window[-1]]),
        )
        open_through = (c.start <= first) & (c.last_referral >= last)
        profile = np.array([self.world.primes[p].profile for p in c.prime])
        for wanted in ("WEAK", "ORDINARY"):
            options = np.flatnonzero(open_through & (profile == wanted))
            live = [k for k in options if c.status[k] == "LIVE"]
            if live or len(options):
                return int((live or list(options))[0])
        return None

    def _cells(self, cohort: Cohort) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        age_band = np.where(cohort.age < 25, 0, np.where(cohort.age < 50, 1, 2))
        return cohort.group.astype(np.int64), age_band, cohort.disability.astype(np.int64)

    def _rates(self, cells) -> np.ndarray:
        """Estimated benchmark rate of each person: their cell's, or their group's in a thin cell."""
        n, k = self.cell_n[cells], self.cell_outcomes[cells]
        group_n = self.cell_n.sum(axis=(1, 2))[cells[0]]
        group_k = self.cell_outcomes.sum(axis=(1, 2))[cells[0]]
        overall = self.cell_outcomes.sum() / max(self.cell_n.sum(), 1.0)
        group_rate = np.where(group_n > 0, group_k / np.maximum(group_n, 1), overall)
        return np.where(n >= 30, k / np.maximum(n, 1), group_rate)

    def label(self, cohort: Cohort, claims: pl.DataFrame, rng: np.random.Generator) -> np.ndarray:
        """Tally the cohort's outcomes; in a window cohort, give the group's value to its members.

        Returns a mask of the cohort's group members (all False outside the window).
        """
        n = len(cohort)
        members = np.zeros(n, dtype=bool)
        sustained = claims.filter(pl.col("outcome_type") == "SUSTAINED_26W")
        withdrawn = sustained.filter(pl.col("withdrawn")).select("prime", "claim_id")
        live = sustained.filter(~pl.col("withdrawn") & pl.col("resolves")).join(
            withdrawn, on=["prime", "claim_id"], how="anti"
        )
        claimed = np.zeros(n, dtype=bool)
        rows = live["row"].to_numpy()
        own = live["contract"].to_numpy() == cohort.contract[rows]
        claimed[rows[own]] = True
        any_sustained = np.zeros(n, dtype=bool)
        any_sustained[claims.filter(pl.col("outcome_type") != "JOB_OUTCOME")["row"].to_numpy()] = True
        met = cohort.met26.astype(np.int64)
        referral = cohort.referral.astype(np.int64)
        success = claimed & (met != NO_DATE) & (met <= referral + _EIGHTEEN_MONTHS)
        cells = self._cells(cohort)
        np.add.at(self.cell_n, cells, 1)
        np.add.at(self.cell_outcomes, cells, success.astype(float))
        if self.contract is None or cohort.quarter not in self.window:
            return members

        mine = cohort.contract == self.contract
        rates = self._rates(cells)
        self.contract_actual += int((mine & success).sum())
        self.contract_expected += float(rates[mine].sum())
        index = self.contract_actual / self.contract_expected if self.contract_expected > 0 else 1.0
        index = max(index, 0.1)
        wanted = self.spec.members_per_cohort
        total_members = wanted * len(self.window)
        chosen: list[int] = []
        if self.outcomes < self.spec.outcomes:
            winners = np.flatnonzero(mine & success & (met <= referral + _CLEARLY_WITHIN))
            if len(winners):
                pick = int(winners[np.argmin(rates[winners])])
                chosen.append(pick)
                self.outcomes += 1
        losers = np.flatnonzero(
            mine & (cohort.job1_start == NO_DATE) & (cohort.post_start == NO_DATE) & ~any_sustained
        )
        order = rng.permutation(len(losers))
        losers = losers[order]
        # Aim the members' summed rate at target_lambda / index over the whole window.
        aim = self.spec.target_lambda / index
        while len(chosen) < wanted and len(losers):
            left = total_members - self.members - len(chosen)
            per_member = max(aim - self.expected - rates[chosen].sum(), 0.0) / max(left, 1)
            best = int(np.argmin(np.abs(rates[losers] - per_member)))
            chosen.append(int(losers[best]))
            losers = np.delete(losers, best)
        members[chosen] = True
        self.members += len(chosen)
        self.expected += float(rates[chosen].sum())

        not_stated = P.SEXES.index(self.spec.value)
        others = mine & ~members & (cohort.sex == not_stated)
        stated = np.where(rng.random(n) < _FEMALE_SHARE, P.SEXES.index("F"), P.SEXES.index("M"))
        cohort.sex = np.where(members, not_stated, np.where(others, stated, cohort.sex)).astype(
            cohort.sex.dtype
        )
        return members

    def record(self) -> dict:
        """The group as world.json states it, with the generator's estimate of the warehouse's figures."""
        world = self.world
        if self.contract is None:
            return {"contract_id": None, "why_none": "no contract is open through a complete rating window"}
        index = self.contract_actual / self.contract_expected if self.contract_expected > 0 else None
        lam = self.expected * index if index else None
        return {
            "contract_id": world.contracts.contract_id[self.contract],
            "prime_ukprn": world.primes[int(world.contracts.prime[self.contract])].ukprn,
            "group_dimension": self.spec.dimension,
            "group_value": self.spec.value,
            "rating_quarter": world.quarters.names[self.rating_quarter],
            "window_cohorts": [world.quarters.names[q] for q in self.window],
            "participants": self.members,
            "actual_outcomes": self.outcomes,
            "estimate": {
                "expected_outcomes": round(self.expected, 2),
                "contract_index": round(index, 3) if index else None,
                "lambda": round(lam, 2) if lam else None,
                "z_score": round((self.outcomes - lam) / math.sqrt(lam), 2) if lam else None,
            },
        }
