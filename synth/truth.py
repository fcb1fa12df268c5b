"""Ground truth tallies for ``world.json``: what the warehouse should be able to find.

While the world is generated cohort by cohort, ``Truth`` counts, per prime
and per contract, what really happened (referrals, mature cohorts,
hard-to-help caseloads, jobs, sustained outcomes met by the evidence) and
what was claimed (by intended truth label). Tests and people reading the
world compare the warehouse's findings with these numbers.

It also keeps every sustained outcome the evidence shows met (by the
warehouse's revision-2 rule, only where the programme pays for the type) and
why it is or is not claimed, so that world.json can state, per contract,
outcome type and quarter met, how many outcomes the warehouse must find
``UNCLAIMED`` and ``NOT_YET_DUE`` (``unclaimed_record``), and how many of
them the prime left unclaimed on purpose.

Not for: anything person-level. ``world.json`` never holds a NINO, a
participant reference or a date of birth; only counts.

Notes:
    Counts of claims are by intent (``synth.claims`` labels). Verification
    statuses in the warehouse can differ for individual claims: a clerk's
    defect may get a participant's row rejected (never the row of someone
    whose sustained outcome the evidence could show: ``synth.defects``), and
    a withdrawn claim leaves its outcome unclaimed.
    A person's outcomes and the claims that cover them always come from one
    cohort: people are referred again only if they never worked and were
    never claimed for a sustained outcome, so the unclaimed outcomes can be
    judged cohort by cohort.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import polars as pl

from synth import parameters as P
from synth.calendar import NO_DATE, iso, quarter_labels
from synth.claims import Intent
from synth.cohort import MENTAL_HEALTH, Cohort
from synth.reference import ReferenceWorld

MATURE_QUARTERS = 6  # a cohort is mature once 18 months have passed since its quarter ended
SUSTAINED = ("SUSTAINED_26W", "SUSTAINED_78W")
#: Why a met outcome has no claim, in the order they are judged.
WHY_NOT_CLAIMED = {
    "on_purpose": "the prime decided not to claim it (its profile's sustained_claim_share)",
    "part_time": "the job is under 16 hours: not an outcome a prime may claim",
    "not_yet_claimed": "the prime will claim it in the return after the last one",
    "claim_slipped": "claimed, but the claim was withdrawn, put on the prime's other contract "
    "or given a participant reference nobody holds",
}


class Truth:
    def __init__(self, world: ReferenceWorld):
        self.world = world
        n_q = len(world.quarters)
        self.last_mature_quarter = n_q - 1 - MATURE_QUARTERS
        self.prime: dict[int, dict] = defaultdict(lambda: defaultdict(int))
        self.contract: dict[int, dict] = defaultdict(lambda: defaultdict(int))
        self.claims: dict[int, dict] = defaultdict(lambda: defaultdict(int))
        self.satisfaction: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        self.outcomes: list[pl.DataFrame] = []

    def add(self, cohort: Cohort, claims: pl.DataFrame, intent: Intent, survey: pl.DataFrame) -> None:
        has_job = cohort.job1_start != NO_DATE
        met = self._met_outcomes(cohort, claims, intent)
        self.outcomes.append(met)
        met26 = met.filter(pl.col("outcome_type") == "SUSTAINED_26W")
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
            mine = met26.filter(pl.col("prime") == int(p))
            t["sustained_26w_met"] += len(mine)
            t["sustained_26w_met_unclaimed"] += int((mine["why"] != "claimed").sum())
            t["sustained_26w_unclaimed_on_purpose"] += int((mine["why"] == "on_purpose").sum())
        for c in np.unique(cohort.contract):
            m = cohort.contract == c
            t = self.contract[int(c)]
            t["referrals"] += int(m.sum())
            if mature:
                t["mature_referrals"] += int(m.sum())
                t["mature_hard_to_help"] += int((m & cohort.hard_to_help).sum())
                t["mature_mental_health"] += int((m & (cohort.impairment == MENTAL_HEALTH)).sum())
        counted = (
            claims.group_by("prime", "outcome_type", "truth").len().sort("prime", "outcome_type", "truth")
        )
        for prime, outcome, truth, n in counted.iter_rows():
            self.claims[int(prime)][f"{outcome}:{truth}"] += int(n)
        scores = survey.select("prime", pl.col("overall_satisfaction").cast(pl.Int64))
        for prime, total, n in (
            scores.group_by("prime")
            .agg(pl.col("overall_satisfaction").sum(), pl.len())
            .sort("prime")
            .iter_rows()
        ):
            self.satisfaction[int(prime)][0] += int(total)
            self.satisfaction[int(prime)][1] += int(n)

    def _met_outcomes(self, cohort: Cohort, claims: pl.DataFrame, intent: Intent) -> pl.DataFrame:
        """Every sustained outcome of the cohort the evidence shows met, and why it is (not) claimed.

        An outcome is claimed, as the warehouse judges it, when a claim of its type
        names the contract and the same person and is not withdrawn, whatever
        else is wrong with it.
        """
        sustained = claims.filter(pl.col("outcome_type").is_in(SUSTAINED))
        withdrawn = sustained.filter(pl.col("withdrawn")).select("prime", "claim_id")
        covering = (
            sustained.filter(~pl.col("withdrawn") & pl.col("resolves"))
            .join(withdrawn, on=["prime", "claim_id"], how="anti")
            .select(pl.col("contract").cast(pl.Int32), "person", "outcome_type")
            .unique()
            .with_columns(pl.lit(True).alias("claimed"))
        )
        parts = []
        for outcome, met in (("SUSTAINED_26W", cohort.met26), ("SUSTAINED_78W", cohort.met78)):
            rows = np.flatnonzero(
                (met != NO_DATE) & self.world.fee_paid(cohort.contract, cohort.group, outcome)
            )
            parts.append(
                pl.DataFrame(
                    {
                        "contract": cohort.contract[rows].astype(np.int32),
                        "prime": cohort.prime[rows].astype(np.int32),
                        "person": cohort.person[rows].astype(np.int64),
                        "outcome_type": np.full(len(rows), outcome),
                        "met_day": met[rows].astype(np.int32),
                        "part_time": cohort.job1_hours[rows] < 16,
                        "due": intent.due[outcome][rows],
                        "intended": intent.intended[outcome][rows],
                        "sent": intent.planned[outcome][rows] != NO_DATE,
                    }
                )
            )
        frame = pl.concat(parts).join(covering, on=["contract", "person", "outcome_type"], how="left")
        why = (
            pl.when(pl.col("claimed").fill_null(False))
            .then(pl.lit("claimed"))
            .when(pl.col("part_time"))
            .then(pl.lit("part_time"))
            .when(~pl.col("due"))
            .then(pl.lit("not_claimable"))
            .when(~pl.col("intended"))
            .then(pl.lit("on_purpose"))
            .when(~pl.col("sent"))
            .then(pl.lit("not_yet_claimed"))
            .otherwise(pl.lit("claim_slipped"))
        )
        return frame.select("contract", "prime", "outcome_type", "met_day", why.alias("why"))

    def unclaimed_record(self, cut_off: dict[int, int]) -> dict:
        """The world.json record of sustained outcomes met, claimed and unclaimed.

        Args:
            cut_off: per prime index, the warehouse's cut-off: the earlier of the
                extract date and the last day of the prime's latest claims return.
        """
        world = self.world
        outcomes = (
            pl.concat(self.outcomes)
            if self.outcomes
            else pl.DataFrame(
                schema={
                    "contract": pl.Int32,
                    "prime": pl.Int32,
                    "outcome_type": pl.String,
                    "met_day": pl.Int32,
                    "why": pl.String,
                }
            )
        )
        prime_cut = pl.DataFrame(
            {"prime": list(cut_off), "cut_off": list(cut_off.values())},
            schema={"prime": pl.Int32, "cut_off": pl.Int64},
        )
        outcomes = outcomes.with_columns(quarter_labels(outcomes["met_day"].to_numpy()).alias("met_quarter"))
        outcomes = outcomes.join(prime_cut, on="prime", how="left").with_columns(
            (pl.col("met_day").cast(pl.Int64) + P.CLAIM_GRACE_DAYS <= pl.col("cut_off")).alias(
                "due_by_cut_off"
            )
        )
        open_ = pl.col("why") != "claimed"
        cells = (
            outcomes.group_by("contract", "outcome_type", "met_quarter")
            .agg(
                pl.len().alias("met"),
                (~open_).sum().alias("claimed"),
                (open_ & pl.col("due_by_cut_off")).sum().alias("unclaimed"),
                (open_ & ~pl.col("due_by_cut_off")).sum().alias("not_yet_due"),
                *[(pl.col("why") == why).sum().alias(why) for why in (*WHY_NOT_CLAIMED, "not_claimable")],
            )
            .sort("contract", "outcome_type", "met_quarter")
        )
        contract_id = world.contracts.contract_id
        prime_of = world.contracts.prime
        rows = [
            {
                "contract_id": contract_id[r["contract"]],
                "prime_ukprn": world.primes[int(prime_of[r["contract"]])].ukprn,
                **{k: v for k, v in r.items() if k != "contract"},
            }
            for r in cells.iter_rows(named=True)
        ]
        for row in rows:
            if not row["not_claimable"]:
                del row["not_claimable"]  # never in practice; kept out of the record unless it happens
        return {
            "rule": "the warehouse's unclaimed outcomes (fct_unclaimed_outcomes): starters only; "
            "evidence job start = the earliest spell starting on or after the start date and no later "
            "than leave_date + 28 days and start_date + 728 days; "
            "days in work counted from spells starting on or after the referral, to the extract date; "
            "only outcome types with a fee above 0 for the contract's programme and the participant's "
            "customer group; claimed = a claim of the type, not withdrawn, naming the contract and "
            "the same person",
            "claim_grace_days": P.CLAIM_GRACE_DAYS,
            "cut_off": {world.primes[p].ukprn: iso(day) for p, day in sorted(cut_off.items())},
            "fields": {
                "met": "outcomes the evidence shows met in met_quarter (the quarter of requirement_met_on)",
                "claimed": "of those, covered by a claim",
                "unclaimed": "not claimed, and met + claim_grace_days on or before the prime's cut-off: "
                "fct_unclaimed_outcomes rows with claim_state UNCLAIMED",
                "not_yet_due": "not claimed, still within the grace: claim_state NOT_YET_DUE",
                **WHY_NOT_CLAIMED,
            },
            "identities": [
                "met = claimed + unclaimed + not_yet_due",
                "unclaimed + not_yet_due = on_purpose + part_time + not_yet_claimed + claim_slipped",
            ],
            "contracts": rows,
        }

    def for_prime(self, p: int) -> dict:
        t = dict(sorted(self.prime[p].items()))
        total, n = self.satisfaction[p]
        t["survey_responses"] = n
        t["mean_satisfaction"] = round(total / n, 3) if n else None
        t["claims"] = dict(sorted(self.claims[p].items()))
        return t

    def for_contract(self, c: int) -> dict:
        return dict(sorted(self.contract[c].items()))
