"""Outcome claims: what each prime claims for a cohort, honestly or not.

From the true jobs of a cohort (``synth.cohort``) this module draws the
``outcome_claims`` a prime sends: job outcomes shortly after a job of 16+
hours starts, ``SUSTAINED_26W`` once the person has 182 days in work,
``SUSTAINED_78W`` (the long-outcome trial programmes only) once 546 days are
reached, each sustained outcome in the next quarterly return after the
quarter in which the evidence met it (so outcomes met in the last quarter
are not claimed yet). The prime's profile decides how many of the sustained
outcomes it is due it leaves unclaimed on purpose (the UNDER_CLAIMER many,
the others almost none), how many job outcomes it misses, and how many it
invents (the OVER_CLAIMER: job outcomes with no employment behind them,
sustained outcomes for jobs that ended early).
Every prime also makes a few clerical slips (a duplicate claim, the wrong
contract, a participant reference nobody holds, a job that began before the
referral) and withdraws a few claims
in a later quarter by re-sending their ``claim_id`` as ``WITHDRAWN``.

Not for: format defects such as a premature claim date or hours below 16
(``synth.defects`` makes those in the file, not in the truth).

Notes:
    Each claim carries a ``truth`` label (``honest``, ``no_evidence``,
    ``insufficient``, ``duplicate``, ``contract_mismatch``,
    ``unknown_participant``, ``started_before_referral``, ``withdrawal``) for the world's ground-truth
    counts; it is never written to a provider file. A label is the intent:
    the warehouse may see another status when a clerk's defect gets the
    participant's row rejected.
    A claim is only made by the last return's period end; its quarter is the
    quarter of its ``claim_date``, so every claim falls inside the period of
    its file. ``draw_claims`` also returns the prime's ``Intent`` (which due
    sustained outcomes it meant to claim, and when), from which world.json
    says why an outcome is unclaimed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from synth import parameters as P
from synth.calendar import NO_DATE, iso_series, to_next_weekday, weekday_within
from synth.cohort import Cohort
from synth.reference import ReferenceWorld

TRUTHS = (
    "honest",
    "no_evidence",
    "insufficient",
    "duplicate",
    "contract_mismatch",
    "unknown_participant",
    "started_before_referral",
    "withdrawal",
)
_SUFFIX = {"JOB_OUTCOME": "J", "SUSTAINED_26W": "S26", "SUSTAINED_78W": "S78"}


def _profile_array(world: ReferenceWorld, attribute: str) -> np.ndarray:
    return np.array([getattr(P.PROFILES[p.profile], attribute) for p in world.primes])


def _lag(rng: np.random.Generator, n: int, bounds: tuple[int, int]) -> np.ndarray:
    return rng.integers(bounds[0], bounds[1] + 1, n)


def next_return_day(world: ReferenceWorld, rng: np.random.Generator, met: np.ndarray) -> np.ndarray:
    """The claim date of an outcome met on ``met``: a weekday of the quarter after the met one.

    A prime's clerk collects the quarter's outcomes and claims them in the next
    quarterly return (whose period the claim date falls in). ``NO_DATE`` when
    that quarter is after the last return.
    """
    quarters = world.quarters
    nxt = quarters.index_of(np.minimum(met, NO_DATE).astype(np.int32)).astype(np.int64) + 1
    inside = (nxt >= 0) & (nxt < len(quarters))
    k = np.clip(nxt, 0, len(quarters) - 1)
    first, last = quarters.starts[k].astype(np.int64), quarters.ends[k].astype(np.int64)
    day = first + np.floor(rng.random(len(met)) * (last - first + 1)).astype(np.int64)
    return np.where(inside, weekday_within(day, first), NO_DATE).astype(np.int32)


@dataclass
class Intent:
    """What a prime meant to claim of a cohort's sustained outcomes (for world.json).

    Per outcome type, one entry per participant: ``due`` (met by the evidence,
    16+ hours, a fee for the type), ``intended`` (the prime decided to claim it)
    and ``planned`` (the claim date, ``NO_DATE`` when after the last return).
    """

    due: dict[str, np.ndarray]
    intended: dict[str, np.ndarray]
    planned: dict[str, np.ndarray]


def draw_claims(
    world: ReferenceWorld, cohort: Cohort, rng: np.random.Generator
) -> tuple[pl.DataFrame, Intent]:
    """Every claim the primes make about this cohort in their returns, and what they meant to claim."""
    n = len(cohort)
    last_day = world.last_day
    prime = cohort.prime
    started = cohort.start != NO_DATE
    has_job = cohort.job1_start != NO_DATE
    js = cohort.job1_start.astype(np.int64)
    in_programme = (cohort.leave == NO_DATE) | (js <= cohort.leave)
    claimable = started & has_job & (js >= cohort.start) & in_programme & (cohort.job1_hours >= 16)

    job_share = _profile_array(world, "job_claim_share")[prime]
    sustained_share = _profile_array(world, "sustained_claim_share")[prime]
    false_job_share = _profile_array(world, "false_job_claim_share")[prime]
    false_sustained_share = _profile_array(world, "false_sustained_claim_share")[prime]

    batches: list[dict] = []

    def add(
        rows: np.ndarray,
        outcome: str,
        job_start: np.ndarray,
        claim_date: np.ndarray,
        hours: np.ndarray,
        employer: np.ndarray,
        truth: str,
    ) -> None:
        claim_date = to_next_weekday(np.minimum(claim_date, NO_DATE).astype(np.int32))
        made = claim_date <= last_day  # a claim is in a return, and the last return ends here
        batches.append(
            dict(
                row=rows[made],
                outcome=np.full(made.sum(), outcome),
                job_start=job_start[made].astype(np.int32),
                claim_date=claim_date[made],
                hours=hours[made],
                employer=employer[made],
                truth=np.full(made.sum(), truth, dtype=object),
            )
        )

    # Honest claims of true outcomes.
    rows = np.flatnonzero(claimable & (rng.random(n) < job_share))
    reported = js[rows] + np.where(
        rng.random(len(rows)) < P.JOB_START_NOISE_SHARE, rng.integers(-5, 6, len(rows)), 0
    )
    reported = np.maximum(reported, cohort.start[rows])
    claim_date = reported + _lag(rng, len(rows), P.CLAIM_LAG_DAYS)
    add(
        rows,
        "JOB_OUTCOME",
        reported,
        claim_date,
        cohort.job1_hours[rows],
        cohort.job1_employer[rows],
        "honest",
    )
    # Sustained outcomes: due when the evidence shows them met (the warehouse's rule, from
    # the evidence job start, which is the first job), the job is 16+ hours and the
    # programme pays for the type; claimed in the next return after the quarter met.
    intent = Intent({}, {}, {})
    for outcome, met in (("SUSTAINED_26W", cohort.met26), ("SUSTAINED_78W", cohort.met78)):
        due = (
            (met != NO_DATE)
            & (cohort.evidence_start == cohort.job1_start)
            & (cohort.job1_hours >= 16)
            & world.fee_paid(cohort.contract, cohort.group, outcome)
        )
        intended = due & (rng.random(n) < sustained_share)
        planned = np.where(intended, next_return_day(world, rng, met), NO_DATE).astype(np.int32)
        intent.due[outcome], intent.intended[outcome], intent.planned[outcome] = due, intended, planned
        rows = np.flatnonzero(intended)
        add(
            rows,
            outcome,
            js[rows],
            planned[rows],
            cohort.job1_hours[rows],
            cohort.job1_employer[rows],
            "honest",
        )

    # Invented job outcomes: a job start and an employer that no record supports.
    rows = np.flatnonzero(started & ~has_job & (rng.random(n) < false_job_share))
    fake_start = cohort.start[rows].astype(np.int64) + rng.integers(20, 300, len(rows))
    fake_start = to_next_weekday(
        np.minimum(fake_start, np.minimum(cohort.leave[rows], NO_DATE)).astype(np.int32)
    ).astype(np.int64)
    fake_hours = rng.choice(P.HOURS_FULL, len(rows))
    fake_employer = rng.integers(0, world.scale.n_employers, len(rows))
    add(
        rows,
        "JOB_OUTCOME",
        fake_start,
        fake_start + _lag(rng, len(rows), P.CLAIM_LAG_DAYS),
        fake_hours,
        fake_employer,
        "no_evidence",
    )
    also = rng.random(len(rows)) < 0.3
    add(
        rows[also],
        "SUSTAINED_26W",
        fake_start[also],
        next_return_day(world, rng, fake_start[also] + 181),
        fake_hours[also],
        fake_employer[also],
        "no_evidence",
    )

    # Sustained outcomes claimed for jobs that ended before 26 weeks.
    rows = np.flatnonzero(claimable & (cohort.met26 == NO_DATE) & (rng.random(n) < false_sustained_share))
    add(
        rows,
        "SUSTAINED_26W",
        js[rows],
        next_return_day(world, rng, js[rows] + 181),
        cohort.job1_hours[rows],
        cohort.job1_employer[rows],
        "insufficient",
    )

    claims = {k: np.concatenate([b[k] for b in batches]) for k in batches[0]}
    return _claims_frame(world, cohort, rng, claims), intent


def _claims_frame(
    world: ReferenceWorld, cohort: Cohort, rng: np.random.Generator, claims: dict
) -> pl.DataFrame:
    extract = world.last_day  # no claim is dated after the last return's period
    row = claims["row"]
    m = len(row)
    prime = cohort.prime[row]
    suffix = pl.Series(claims["outcome"], dtype=pl.String).replace_strict(_SUFFIX)
    contract = cohort.contract[row].copy()
    ref = cohort.participant_ref.gather(pl.Series(row))
    truth = claims["truth"].copy()

    # Clerical slips: the prime's other contract, or a reference nobody holds.
    owns = [np.flatnonzero(world.contracts.prime == p) for p in range(len(world.primes))]
    slip = rng.random(m)
    mismatch = (slip < P.CONTRACT_MISMATCH_SHARE) & (truth == "honest")
    for i in np.flatnonzero(mismatch):
        others = owns[prime[i]][owns[prime[i]] != contract[i]]
        if len(others):
            contract[i] = others[int(rng.integers(len(others)))]
            truth[i] = "contract_mismatch"
    unknown = (
        (slip >= P.CONTRACT_MISMATCH_SHARE)
        & (slip < P.CONTRACT_MISMATCH_SHARE + P.UNKNOWN_PARTICIPANT_SHARE)
        & (truth == "honest")
    )
    truth[unknown] = "unknown_participant"
    # A job the person already had before the referral, claimed as if the programme found it.
    low = P.CONTRACT_MISMATCH_SHARE + P.UNKNOWN_PARTICIPANT_SHARE
    before = (
        (slip >= low)
        & (slip < low + P.STARTED_BEFORE_REFERRAL_SHARE)
        & (truth == "honest")
        & (claims["outcome"] == "JOB_OUTCOME")
    )
    truth[before] = "started_before_referral"
    job_start = np.where(before, cohort.referral[row] - rng.integers(3, 61, m), claims["job_start"]).astype(
        np.int32
    )
    claim_id = pl.select(pl.concat_str([ref, pl.lit("-"), suffix])).to_series()
    ref = pl.select(
        pl.when(pl.Series(unknown)).then(pl.concat_str([ref, pl.lit("X")])).otherwise(ref)
    ).to_series()

    frame = pl.DataFrame(
        {
            "row": row.astype(np.int64),
            "prime": prime.astype(np.int32),
            "claim_id": claim_id,
            "contract": contract.astype(np.int32),
            "participant_ref": ref,
            "outcome_type": claims["outcome"],
            "job_start": job_start,
            "claim_day": claims["claim_date"],
            "hours": claims["hours"].astype(np.float64),
            "employer": claims["employer"].astype(np.int32),
            "withdrawn": np.zeros(m, dtype=bool),
            "delivery": cohort.delivery[row].astype(np.int32),
            "truth": truth,
            # never written: who the claim is about, whether its reference names them, and whether
            # a clerk's mistake may fall on it (not when it claims an outcome the evidence shows:
            # world.json's unclaimed counts must be exactly what the warehouse finds)
            "person": cohort.person[row].astype(np.int64),
            "resolves": ~unknown,
            "protect": _claims_a_met_outcome(cohort, row, claims["outcome"]),
        }
    )

    # The same outcome claimed again under a new claim id: only the first may be paid.
    duplicate_share = _profile_array(world, "duplicate_claim_share")[prime]
    twice = np.flatnonzero(rng.random(m) < duplicate_share)
    again = frame.select(pl.all().gather(twice)).with_columns(
        (pl.col("claim_id") + "B"),
        pl.Series(
            "claim_day",
            to_next_weekday((claims["claim_date"][twice] + rng.integers(0, 41, len(twice))).astype(np.int32)),
        ),
        pl.lit("duplicate").alias("truth"),
    )
    frame = pl.concat([frame, again.filter(pl.col("claim_day") <= extract)])

    # Withdrawals: the claim id re-sent in a later quarter, claim_status WITHDRAWN.
    days = frame["claim_day"].to_numpy()
    quarter = world.quarters.index_of(days)
    share = _profile_array(world, "withdrawal_share")[frame["prime"].to_numpy()]
    share = np.where(frame["truth"].to_numpy() == "honest", share, 3 * share)
    pick = np.flatnonzero((rng.random(len(frame)) < share) & (quarter < len(world.quarters) - 1))
    later = days[pick].astype(np.int64) + rng.integers(30, 200, len(pick))
    next_quarter = world.quarters.starts[np.minimum(quarter[pick] + 1, len(world.quarters) - 1)]
    later = to_next_weekday(np.maximum(later, next_quarter + rng.integers(0, 20, len(pick))).astype(np.int32))
    withdrawals = frame.select(pl.all().gather(pick)).with_columns(
        pl.Series("claim_day", later), pl.lit(True).alias("withdrawn"), pl.lit("withdrawal").alias("truth")
    )
    frame = pl.concat([frame, withdrawals.filter(pl.col("claim_day") <= extract)])
    frame = frame.with_columns(pl.Series("period", world.quarters.index_of(frame["claim_day"].to_numpy())))
    return frame.with_columns(pl.Series("delivery", _deliverer_on(world, frame)))


def _claims_a_met_outcome(cohort: Cohort, row: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    met26 = cohort.met26[row] != NO_DATE
    met78 = cohort.met78[row] != NO_DATE
    return ((outcome == "SUSTAINED_26W") & met26) | ((outcome == "SUSTAINED_78W") & met78)


def _deliverer_on(world: ReferenceWorld, frame: pl.DataFrame) -> np.ndarray:
    """The participant's delivery provider, or the prime where that provider is not in the chain.

    A sub-contractor that leaves a supply chain hands its caseload back to the
    prime, so a claim dated after it left names the prime; so does a claim
    put on the prime's other contract by mistake.
    """
    c = world.contracts
    contract = frame["contract"].to_numpy()
    delivery = frame["delivery"].to_numpy().copy()
    day = frame["claim_day"].to_numpy()
    valid = delivery == c.prime[contract]
    for k in np.unique(contract):
        for provider, valid_from, valid_to in zip(
            c.chain_provider[k], c.chain_from[k], c.chain_to[k], strict=False
        ):
            valid |= (contract == k) & (delivery == provider) & (valid_from <= day) & (day < valid_to)
    return np.where(valid, delivery, c.prime[contract]).astype(np.int32)


def claim_rows(world: ReferenceWorld, frame: pl.DataFrame) -> pl.DataFrame:
    """Claims as the fields of an ``outcome_claims`` file (strings), with prime, period, person and
    protect."""
    writes_status = np.array([p.writes_claim_status for p in world.primes])[frame["prime"].to_numpy()]
    withdrawn = frame["withdrawn"].to_numpy()
    status = np.where(withdrawn, "WITHDRAWN", np.where(writes_status, "ACTIVE", None))
    hours = frame["hours"]
    return pl.DataFrame(
        [
            frame["prime"],
            frame["period"],
            frame["person"],
            frame["protect"],
            frame["claim_id"],
            pl.Series(world.contracts.contract_id).gather(frame["contract"]).alias("contract_id"),
            frame["participant_ref"],
            frame["outcome_type"],
            iso_series("job_start_date", frame["job_start"].to_numpy()),
            iso_series("claim_date", frame["claim_day"].to_numpy()),
            pl.select(
                pl.when(hours == hours.floor())
                .then(hours.cast(pl.Int64).cast(pl.String))
                .otherwise(hours.cast(pl.String))
                .alias("hours_per_week")
            ).to_series(),
            world.employers.gather(frame["employer"]).alias("employer_paye_ref"),
            pl.Series(
                "claim_status", status.tolist(), dtype=pl.String
            ),  # (an all-None object array will not cast)
            pl.Series(world.provider_ukprn).gather(frame["delivery"]).alias("delivery_ukprn"),
        ]
    )
