"""A referral cohort: the people referred in one quarter and everything that happens to them.

``draw_cohort`` draws, for one quarter, who is referred to which contract
(customer group, age, sex, ethnicity, disability, local authority, delivery
provider), whether and when they start, whether they find work (depending on
their group, age, disability, local unemployment, delivery provider and the
prime's profile), how long their jobs last, and when and why they leave. The
whole future of each person is drawn at once; later modules only reveal it
quarter by quarter, the way providers' returns and the evidence would.

Not for: turning people into file rows (``synth.returns``), claims
(``synth.claims``), survey answers (``synth.survey``), or clerks' mistakes
(``synth.defects``). Values here are always clean and true.

Notes:
    A small share of referrals are people referred before (same NINO, a new
    participant_ref), drawn from a pool of earlier leavers who never worked.
    Only such people are re-referred, and only 30+ days after they left, so
    the second referral's jobs can never count as evidence for the first
    (the warehouse only looks 28 days past a leave date).
    Delivery providers are assigned from the supply chain valid on the
    referral date, inclusive of ``valid_from`` and exclusive of ``valid_to``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import polars as pl

from synth import parameters as P
from synth.calendar import NO_DATE, to_next_weekday, weekdays_between
from synth.employment import evidence_job_start, requirement_met_on
from synth.reference import ReferenceWorld

GROUP_INDEX = {g: i for i, g in enumerate(P.CUSTOMER_GROUPS)}
MENTAL_HEALTH = P.IMPAIRMENT_GROUPS.index("MENTAL_HEALTH")
REASON_INDEX = {r: i for i, r in enumerate(P.LEAVE_REASONS)}
NONE = -1  # missing code


@dataclass
class Cohort:
    """People referred in one quarter, as parallel arrays (one entry per participant record)."""

    quarter: int
    contract: np.ndarray
    prime: np.ndarray
    person: np.ndarray
    is_repeat: np.ndarray
    referral: np.ndarray
    group: np.ndarray
    dob: np.ndarray
    age: np.ndarray
    sex: np.ndarray
    ethnicity: np.ndarray
    disability: np.ndarray
    impairment: np.ndarray
    la: np.ndarray
    delivery: np.ndarray
    hard_to_help: np.ndarray
    start: np.ndarray = field(default=None)
    leave: np.ndarray = field(default=None)
    leave_reason: np.ndarray = field(default=None)
    job1_start: np.ndarray = field(default=None)
    job1_end: np.ndarray = field(default=None)
    job1_hours: np.ndarray = field(default=None)
    job1_employer: np.ndarray = field(default=None)
    job2_start: np.ndarray = field(default=None)
    job2_end: np.ndarray = field(default=None)
    job2_employer: np.ndarray = field(default=None)
    job3_start: np.ndarray = field(default=None)
    job3_end: np.ndarray = field(default=None)
    job3_employer: np.ndarray = field(default=None)
    post_start: np.ndarray = field(default=None)
    post_end: np.ndarray = field(default=None)
    post_employer: np.ndarray = field(default=None)
    evidence_start: np.ndarray = field(default=None)  # the warehouse's evidence job start
    met26: np.ndarray = field(default=None)  # day the 26-week requirement is met, as the warehouse finds it
    met78: np.ndarray = field(default=None)
    participant_ref: pl.Series = field(default=None)

    def __len__(self) -> int:
        return len(self.contract)

    def take(self, index: np.ndarray) -> Cohort:
        values = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                v = v[index]
            elif isinstance(v, pl.Series):
                v = v.gather(index)
            values[f.name] = v
        return Cohort(**values)

    @property
    def job_intervals(self):
        return [
            (self.job1_start, self.job1_end),
            (self.job2_start, self.job2_end),
            (self.job3_start, self.job3_end),
        ]

    @property
    def spell_intervals(self):
        """Every spell that began on or after the referral (the only ones that count)."""
        return self.job_intervals + [(self.post_start, self.post_end)]


_DEMOGRAPHIC_FIELDS = (
    "contract",
    "person",
    "is_repeat",
    "referral",
    "group",
    "dob",
    "sex",
    "ethnicity",
    "disability",
    "impairment",
    "la",
)


class DonorPool:
    """Earlier leavers who never worked: the people who come back for a second referral."""

    def __init__(self):
        self.columns: dict[str, np.ndarray] = {}
        self.leave = np.zeros(0, dtype=np.int32)

    def __len__(self) -> int:
        return len(self.leave)

    def add(self, cohort: Cohort, exclude: np.ndarray | None = None) -> None:
        """Add the cohort's leavers who never worked (not those ``exclude`` marks)."""
        never_worked = (cohort.job1_start == NO_DATE) & (cohort.post_start == NO_DATE)
        left = (cohort.leave != NO_DATE) & (cohort.leave_reason != REASON_INDEX["JOB"])
        keep = np.flatnonzero(never_worked & left & (True if exclude is None else ~exclude))
        for name in _DEMOGRAPHIC_FIELDS:
            value = getattr(cohort, name)[keep]
            self.columns[name] = (
                np.concatenate([self.columns[name], value]) if name in self.columns else value
            )
        self.leave = np.concatenate([self.leave, cohort.leave[keep]])

    def discard(self, persons: np.ndarray) -> None:
        """Never refer these people again (a clerk's mistake got one of their records rejected)."""
        if len(self.leave) == 0 or len(persons) == 0:
            return
        keep = ~np.isin(self.columns["person"], persons)
        for name in self.columns:
            self.columns[name] = self.columns[name][keep]
        self.leave = self.leave[keep]

    def draw(self, rng: np.random.Generator, n: int, latest_leave: int, oldest_leave: int) -> dict:
        """Remove and return up to ``n`` donors who left between the two days."""
        eligible = np.flatnonzero((self.leave <= latest_leave) & (self.leave >= oldest_leave))
        picked = (
            np.sort(rng.choice(eligible, size=min(n, len(eligible)), replace=False))
            if len(eligible)
            else eligible
        )
        out = {name: col[picked] for name, col in self.columns.items()}
        out["leave"] = self.leave[picked]
        stale = self.leave < oldest_leave
        drop = np.zeros(len(self.leave), dtype=bool)
        drop[picked] = True
        drop |= stale
        for name in self.columns:
            self.columns[name] = self.columns[name][~drop]
        self.leave = self.leave[~drop]
        return out


class Registers:
    """Running counters shared across cohorts: person numbers and participant_ref sequences."""

    def __init__(self, n_contracts: int):
        self.next_person = 0
        self.next_sequence = np.ones(n_contracts, dtype=np.int64)
        self.pool = DonorPool()


def quarter_volumes(world: ReferenceWorld, q: int, rng: np.random.Generator) -> np.ndarray:
    """New referrals per contract in quarter ``q`` (Poisson around the scale's volume)."""
    c = world.contracts
    first, last = int(world.quarters.starts[q]), int(world.quarters.ends[q])
    open_days = np.clip(np.minimum(c.last_referral, last) - np.maximum(c.start, first) + 1, 0, None)
    weight = c.volume * open_days / (last - first + 1)
    if weight.sum() == 0:
        return np.zeros(len(c), dtype=np.int64)
    seasonal = (1.08, 1.0, 0.95, 0.97)[int(world.quarters.names[q][-1]) - 1]
    mean = world.scale.referrals_per_quarter * seasonal * weight / weight.sum()
    return rng.poisson(mean)


def draw_cohort(
    world: ReferenceWorld,
    q: int,
    rng: np.random.Generator,
    registers: Registers,
    volumes: np.ndarray | None = None,
    repeats: bool = True,
) -> Cohort:
    """Draw everyone referred in quarter ``q`` and their whole future.

    Args:
        world: the reference world.
        q: index of the referral quarter in ``world.quarters``.
        rng: this cohort's own random stream.
        registers: person and reference counters, and the pool of earlier leavers
            (the caller adds the cohort to the pool once its claims are drawn).
        volumes: new referrals per contract; drawn when not given.
        repeats: whether earlier leavers may be referred again.
    """
    if volumes is None:
        volumes = quarter_volumes(world, q, rng)
    new = _new_people(world, q, rng, registers, volumes)
    parts = [new]
    if repeats:
        back = _returning_people(
            world,
            q,
            rng,
            registers,
            int(rng.binomial(len(new["contract"]), P.LIFECYCLE.repeat_referral_share)),
        )
        if back is not None:
            parts.append(back)
    people = {k: np.concatenate([p[k] for p in parts]) for k in new}
    cohort = _describe(world, q, rng, people)
    _live(world, cohort, rng)
    _assign_references(world, cohort, rng, registers)
    return cohort


def _new_people(
    world: ReferenceWorld, q: int, rng: np.random.Generator, registers: Registers, volumes: np.ndarray
) -> dict:
    c = world.contracts
    first, last = int(world.quarters.starts[q]), int(world.quarters.ends[q])
    contract_parts, referral_parts = [], []
    for k in np.flatnonzero(volumes):
        days = weekdays_between(max(first, int(c.start[k])), min(last, int(c.last_referral[k])))
        if len(days) == 0:
            continue
        contract_parts.append(np.full(volumes[k], k, dtype=np.int32))
        referral_parts.append(np.sort(rng.choice(days, size=volumes[k])))
    contract = np.concatenate(contract_parts) if contract_parts else np.zeros(0, dtype=np.int32)
    referral = np.concatenate(referral_parts).astype(np.int32) if referral_parts else np.zeros(0, np.int32)
    n = len(contract)

    group_share = np.array([P.GROUPS[g].share for g in P.CUSTOMER_GROUPS])
    hard = np.array([P.GROUPS[g].hard_to_help for g in P.CUSTOMER_GROUPS])
    shares = group_share[None, :] * np.where(hard[None, :], c.hard_mix[:, None], 1.0)
    cumulative = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)
    group = (rng.random(n)[:, None] > cumulative[contract]).sum(axis=1).astype(np.int8)

    spec = [P.GROUPS[g] for g in P.CUSTOMER_GROUPS]
    low = np.array([g.age_low for g in spec])[group]
    mode = np.array([g.age_mode for g in spec])[group]
    high = np.array([g.age_high for g in spec])[group] + 1
    age = np.clip(np.floor(rng.triangular(low, mode, high)), low, high - 1)
    dob = (referral - np.round((age + rng.uniform(0.03, 0.96, n)) * 365.2425)).astype(np.int32)

    female = np.array([g.female_share for g in spec])[group]
    u = rng.random(n)
    sex = np.where(
        u < P.SEX_NOT_STATED_SHARE,
        2,
        np.where(u < P.SEX_NOT_STATED_SHARE + (1 - P.SEX_NOT_STATED_SHARE) * female, 0, 1),
    )

    u = rng.random(n)
    disabled_share = np.array([g.disability_share for g in spec])[group]
    disability = np.where(
        u < P.DISABILITY_NOT_STATED_SHARE,
        2,
        np.where(u < P.DISABILITY_NOT_STATED_SHARE + disabled_share, 0, 1),
    )
    others = list(P.IMPAIRMENT_MIX_OTHER_THAN_MENTAL_HEALTH)
    other_p = np.array(list(P.IMPAIRMENT_MIX_OTHER_THAN_MENTAL_HEALTH.values()))
    other = np.array([P.IMPAIRMENT_GROUPS.index(i) for i in others])[
        rng.choice(len(others), size=n, p=other_p / other_p.sum())
    ]
    mh = rng.random(n) < np.array([g.mental_health_share for g in spec])[group]
    impairment = np.where(disability == 0, np.where(mh, MENTAL_HEALTH, other), NONE)

    area = c.area[contract]
    diverse = np.array([a.diverse for a in P.AREAS])[area]
    ethnicity = np.where(
        diverse,
        rng.choice(6, size=n, p=P.ETHNIC_MIX["diverse"]),
        rng.choice(6, size=n, p=P.ETHNIC_MIX["ordinary"]),
    )

    la = _local_authorities(world, rng, area)
    person = registers.next_person + np.arange(n, dtype=np.int64)
    registers.next_person += n
    return dict(
        contract=contract,
        person=person,
        is_repeat=np.zeros(n, dtype=bool),
        referral=referral,
        group=group,
        dob=dob,
        sex=sex.astype(np.int8),
        ethnicity=ethnicity.astype(np.int8),
        disability=disability.astype(np.int8),
        impairment=impairment.astype(np.int8),
        la=la,
    )


def _local_authorities(world: ReferenceWorld, rng: np.random.Generator, area: np.ndarray) -> np.ndarray:
    """Each person's local authority: one of the area's, rarely a neighbouring area's (a warning)."""
    la = np.zeros(len(area), dtype=np.int32)
    nation_of_area = np.array([a.nation for a in P.AREAS])
    outside = rng.random(len(area)) < 0.01
    for a in np.unique(area):
        rows = np.flatnonzero(area == a)
        inside_las = np.flatnonzero(world.la_area == a)
        w = world.la_weight[inside_las]
        la[rows] = inside_las[rng.choice(len(inside_las), size=len(rows), p=w / w.sum())]
        away = rows[outside[rows]]
        neighbours = np.flatnonzero(
            (nation_of_area[world.la_area] == nation_of_area[a]) & (world.la_area != a)
        )
        if len(away) and len(neighbours):
            la[away] = rng.choice(neighbours, size=len(away))
    return la


def _returning_people(
    world: ReferenceWorld, q: int, rng: np.random.Generator, registers: Registers, n: int
) -> dict | None:
    first, last = int(world.quarters.starts[q]), int(world.quarters.ends[q])
    # Only people who left before this quarter: their records are all in files already
    # written, so one a clerk's mistake got rejected has been discarded from the pool.
    donors = registers.pool.draw(rng, n, latest_leave=min(last - 30, first - 1), oldest_leave=first - 730)
    if len(donors["leave"]) == 0:
        return None
    c = world.contracts
    contract = donors["contract"].copy()
    open_now = (c.start <= last) & (c.last_referral >= first)
    # Contracts open this quarter, by area: a returning person who moves (or whose
    # contract has closed) goes to one of these in their area, or is not referred.
    n_areas = len(P.AREAS)
    open_in_area = [np.flatnonzero(open_now & (c.area == a)) for a in range(n_areas)]
    count = np.array([len(o) for o in open_in_area])
    table = np.full((n_areas, max(1, count.max())), -1, dtype=np.int32)
    for a, options in enumerate(open_in_area):
        table[a, : len(options)] = options
    move = (rng.random(len(contract)) >= P.LIFECYCLE.repeat_same_contract_share) | ~open_now[contract]
    area = c.area[contract]
    pick = np.floor(rng.random(len(contract)) * np.maximum(count[area], 1)).astype(np.int64)
    contract = np.where(move, np.where(count[area] > 0, table[area, pick], -1), contract)
    lo = np.maximum(np.maximum(donors["leave"] + 30, first), c.start[np.maximum(contract, 0)])
    hi = np.minimum(last, c.last_referral[np.maximum(contract, 0)])
    referral = (lo + np.floor(rng.random(len(lo)) * (hi - lo + 1))).astype(np.int32)
    referral = np.minimum(to_next_weekday(referral), hi)
    age_ok = (referral - donors["dob"]) / 365.2425 < 70.5
    keep = (contract >= 0) & (lo <= hi) & age_ok
    out = {k: v[keep] for k, v in donors.items() if k != "leave"}
    out["contract"] = contract[keep].astype(np.int32)
    out["referral"] = referral[keep]
    out["is_repeat"] = np.ones(int(keep.sum()), dtype=bool)
    return out


def _describe(world: ReferenceWorld, q: int, rng: np.random.Generator, people: dict) -> Cohort:
    c = world.contracts
    contract = people["contract"]
    referral = people["referral"]
    age = np.floor((referral - people["dob"]) / 365.2425).astype(np.int16)
    # A young jobseeker referred again after turning 25 is referred as a 25-plus.
    group = np.where(
        (people["group"] == GROUP_INDEX["JSA_18_24"]) & (age >= 25),
        GROUP_INDEX["JSA_25_PLUS"],
        people["group"],
    ).astype(np.int8)
    people = dict(people, group=group)
    hard = np.array([P.GROUPS[g].hard_to_help for g in P.CUSTOMER_GROUPS])[people["group"]] | (
        (people["disability"] == 0) & (people["impairment"] == MENTAL_HEALTH)
    )
    delivery = np.zeros(len(contract), dtype=np.int32)
    for k in np.unique(contract):
        rows = np.flatnonzero(contract == k)
        r = referral[rows][:, None]
        valid = (c.chain_from[k][None, :] <= r) & (r < c.chain_to[k][None, :])
        weight = valid * c.chain_weight[k][None, :]
        total = weight.sum(axis=1)
        pick = (rng.random(len(rows))[:, None] * total[:, None] > np.cumsum(weight, axis=1)).sum(axis=1)
        chosen = c.chain_provider[k][np.minimum(pick, len(c.chain_provider[k]) - 1)]
        # The prime itself may always deliver: delivery_ukprn may be the prime's own.
        delivery[rows] = np.where(total > 0, chosen, c.prime[k])
    return Cohort(
        quarter=q,
        contract=contract,
        prime=c.prime[contract],
        person=people["person"],
        is_repeat=people["is_repeat"],
        referral=referral,
        group=people["group"],
        dob=people["dob"],
        age=age,
        sex=people["sex"],
        ethnicity=people["ethnicity"],
        disability=people["disability"],
        impairment=people["impairment"],
        la=people["la"],
        delivery=delivery,
        hard_to_help=hard,
    )


def job_log_odds(world: ReferenceWorld, cohort: Cohort) -> np.ndarray:
    """Each participant's log-odds of a job during provision."""
    e = P.PERSON_EFFECTS
    spec = [P.GROUPS[g] for g in P.CUSTOMER_GROUPS]
    profile = [P.PROFILES[world.primes[p].profile] for p in range(len(world.primes))]
    age = cohort.age
    logit = (
        np.array([g.job_log_odds for g in spec])[cohort.group]
        + np.where(age < 18, e.age_16_17, 0.0)
        + np.where((age >= 50) & (age < 60), e.age_50_59, 0.0)
        + np.where(age >= 60, e.age_60_plus, 0.0)
        + np.where(
            cohort.disability == 0, e.disabled, np.where(cohort.disability == 2, e.disability_not_stated, 0.0)
        )
        + np.where(cohort.impairment == MENTAL_HEALTH, e.mental_health, 0.0)
    )
    rate = world.unemployment[cohort.la, cohort.quarter]
    logit += e.per_point_of_unemployment * (rate - e.reference_unemployment_rate)
    logit += np.array([p.job_log_odds for p in profile])[cohort.prime]
    logit += np.where(
        cohort.hard_to_help, np.array([p.hard_to_help_log_odds for p in profile])[cohort.prime], 0.0
    )
    logit += world.provider_effect[cohort.delivery]
    return logit


def _job_length(rng: np.random.Generator, sustains: np.ndarray) -> np.ndarray:
    life = P.LIFECYCLE
    long_days = life.long_job_min_days + rng.exponential(life.long_job_mean_extra_days, len(sustains))
    short_days = rng.integers(life.short_job_days[0], life.short_job_days[1] + 1, len(sustains))
    return np.where(sustains, long_days, short_days).astype(np.int64)


def _live(world: ReferenceWorld, cohort: Cohort, rng: np.random.Generator) -> None:
    """Draw starts, jobs and leaving for everyone in the cohort."""
    life = P.LIFECYCLE
    n = len(cohort)
    extract = world.extract_date
    c = world.contracts
    ref = cohort.referral.astype(np.int64)

    starts = rng.random(n) >= life.non_start_share
    delay = 1 + np.round(rng.gamma(life.start_delay_shape, life.start_delay_scale, n))
    delay = np.where(rng.random(n) < life.late_start_share, rng.integers(91, 150, n), delay)
    start = np.where(starts, to_next_weekday((ref + delay).astype(np.int32)), NO_DATE).astype(np.int64)

    programme = np.array(c.programme)[cohort.contract]
    provision = np.select(
        [programme == k for k in life.provision_days], list(life.provision_days.values()), 365
    )
    anchor = np.where(starts, start, ref + 14)

    p_job = 1.0 / (1.0 + np.exp(-job_log_odds(world, cohort)))
    p_job = np.where(starts, p_job, p_job * P.PERSON_EFFECTS.non_starter_job_factor)
    has_job = rng.random(n) < p_job
    job_delay = 5 + np.round(rng.gamma(life.job_delay_shape, life.job_delay_scale, n))
    job1_start = np.where(has_job, to_next_weekday((anchor + job_delay).astype(np.int32)), NO_DATE).astype(
        np.int64
    )

    profile = [P.PROFILES[world.primes[p].profile] for p in range(len(world.primes))]
    sustain_p = np.clip(
        np.array([P.GROUPS[g].sustain_probability for g in P.CUSTOMER_GROUPS])[cohort.group]
        + np.array([p.sustain_shift for p in profile])[cohort.prime],
        0.05,
        0.95,
    )
    sustains = rng.random(n) < sustain_p
    job1_end = job1_start + _job_length(rng, sustains) - 1
    part_time = rng.random(n) < life.part_time_job_share
    hours = np.where(
        part_time,
        rng.choice(P.HOURS_PART, n),
        rng.choice(P.HOURS_FULL, n, p=np.array(P.HOURS_FULL_WEIGHTS) / sum(P.HOURS_FULL_WEIGHTS)),
    )

    n_employers = world.scale.n_employers
    employer1 = rng.integers(0, n_employers, n)
    second = has_job & ~sustains & (rng.random(n) < life.second_job_share)
    job2_start = np.where(second, job1_end + rng.integers(*life.second_job_gap_days, n), NO_DATE)
    job2_end = np.where(second, job2_start + _job_length(rng, rng.random(n) < sustain_p) - 1, NO_DATE)
    employer2 = (employer1 + rng.integers(1, n_employers // 2, n)) % n_employers
    overlap = has_job & (rng.random(n) < life.overlapping_job_share)
    job3_start = np.where(overlap, job1_start + rng.integers(5, 120, n), NO_DATE)
    job3_end = np.where(overlap, job3_start + rng.integers(20, 400, n) - 1, NO_DATE)
    employer3 = (employer1 + rng.integers(n_employers // 2, n_employers, n)) % n_employers

    # Leaving. Those who find work during provision often leave for it; the
    # rest leave early for another reason or stay to the end of provision.
    provision_end = start + provision
    reasons_early = list(life.early_leave_reasons)
    p_early = np.array(list(life.early_leave_reasons.values()))
    reasons_ns = list(life.non_starter_leave_reasons)
    p_ns = np.array(list(life.non_starter_leave_reasons.values()))
    working_in_provision = has_job & starts & (job1_start < provision_end)
    leaves_for_job = working_in_provision & (rng.random(n) < life.job_leaver_share)
    leaves_early = starts & ~leaves_for_job & (rng.random(n) < life.early_leaver_share)
    early_day = start + np.floor(rng.random(n) * (provision - 20)).astype(np.int64) + 20
    ns_leaves = ~starts & (rng.random(n) < life.non_starter_leaves_share)
    leave = np.select(
        [leaves_for_job, leaves_early, starts, ns_leaves],
        [job1_start + rng.integers(0, 22, n), early_day, provision_end, ref + rng.integers(14, 121, n)],
        NO_DATE,
    )
    reason = np.select(
        [leaves_for_job, leaves_early, starts, ns_leaves],
        [
            np.full(n, REASON_INDEX["JOB"]),
            np.array([REASON_INDEX[r] for r in reasons_early])[rng.choice(len(reasons_early), n, p=p_early)],
            np.full(n, REASON_INDEX["END_OF_PROVISION"]),
            np.array([REASON_INDEX[r] for r in reasons_ns])[rng.choice(len(reasons_ns), n, p=p_ns)],
        ],
        NONE,
    )
    leave = to_next_weekday(_clip_dates(leave))

    # Some who leave without work find a job later, too late to be an outcome.
    post = (leave != NO_DATE) & ~has_job & (rng.random(n) < life.post_provision_job_share)
    post_start = np.where(post, leave.astype(np.int64) + rng.integers(35, 300, n), NO_DATE)
    post_end = np.where(post, post_start + _job_length(rng, rng.random(n) < 0.5) - 1, NO_DATE)
    post_employer = rng.integers(0, n_employers, n)

    cohort.start = start.astype(np.int32)
    cohort.leave = leave
    cohort.leave_reason = reason.astype(np.int8)
    cohort.job1_start, cohort.job1_end = _clip_dates(job1_start), _clip_dates(job1_end)
    cohort.job2_start, cohort.job2_end = _clip_dates(job2_start), _clip_dates(job2_end)
    cohort.job3_start, cohort.job3_end = _clip_dates(job3_start), _clip_dates(job3_end)
    cohort.post_start, cohort.post_end = _clip_dates(post_start), _clip_dates(post_end)
    cohort.job1_hours = hours
    cohort.job1_employer = employer1.astype(np.int32)
    cohort.job2_employer = employer2.astype(np.int32)
    cohort.job3_employer = employer3.astype(np.int32)
    cohort.post_employer = post_employer.astype(np.int32)
    # Outcomes as the warehouse will judge them (fct_unclaimed_outcomes): only what the
    # returns report (a start or leave after the last period is not known) and the
    # evidence shows by the extract date.
    last = world.last_day
    start_seen = np.where(cohort.start <= last, cohort.start, NO_DATE)
    leave_seen = np.where(cohort.leave <= last, cohort.leave, NO_DATE)
    intervals = cohort.spell_intervals
    cohort.evidence_start = evidence_job_start([s for s, _ in intervals], start_seen, leave_seen)
    (req26, win26), (req78, win78) = P.SUSTAINED_RULES["SUSTAINED_26W"], P.SUSTAINED_RULES["SUSTAINED_78W"]
    cohort.met26 = requirement_met_on(intervals, cohort.evidence_start, win26, req26, extract)
    cohort.met78 = requirement_met_on(intervals, cohort.evidence_start, win78, req78, extract)


def _clip_dates(days: np.ndarray) -> np.ndarray:
    """Dates as int32, keeping NO_DATE (and anything past it) as NO_DATE."""
    days = np.asarray(days, dtype=np.int64)
    return np.where((days >= NO_DATE) | (days < 0), NO_DATE, days).astype(np.int32)


def _assign_references(
    world: ReferenceWorld, cohort: Cohort, rng: np.random.Generator, registers: Registers
) -> None:
    """Number participants per contract in order of referral: ``{contract_id}-{0000001}``."""
    order = np.lexsort((rng.random(len(cohort)), cohort.referral, cohort.contract))
    sorted_cohort = cohort.take(order)
    for f in fields(cohort):
        setattr(cohort, f.name, getattr(sorted_cohort, f.name))
    contract = cohort.contract
    first_of = np.searchsorted(contract, contract, side="left")
    sequence = registers.next_sequence[contract] + (np.arange(len(contract)) - first_of)
    np.add.at(registers.next_sequence, contract, 1)
    ids = pl.Series(world.contracts.contract_id).gather(pl.Series(contract))
    cohort.participant_ref = pl.select(
        pl.concat_str([ids, pl.lit("-"), pl.Series(sequence).cast(pl.String).str.zfill(7)]).alias(
            "participant_ref"
        )
    ).to_series()
