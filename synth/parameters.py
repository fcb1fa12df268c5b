"""Every parameter of the synthetic world, in one place.

What the world looks like (customer-group mixes, how age, disability, local
unemployment and the prime's profile move a person's chance of a job, how
honestly each kind of prime claims, how often clerks make which mistake, and
how big each scale is) is decided here and only here. The other modules of
``synth`` read these values; none of them hides a rate or a share of its own.

Not for: code that draws anything, or the rules the warehouse applies (windows,
thresholds, fees as the department's policy). The warehouse reads those from
``contracts_schema/`` and the dbt seeds; the values here only have to produce
data that exercises them.

Notes:
    The code lists below repeat the MI specification's on purpose: the
    generator must not depend on ``contracts_schema/`` (another stage), and a
    test compares the files it writes against the specification's field names.
    Changing a value here changes every world generated afterwards, so the
    byte-identical determinism test only compares two runs of the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ---------------------------------------------------------------------------
# Code lists and file layouts of the MI specification (docs/mi-specification.md)
# ---------------------------------------------------------------------------

CUSTOMER_GROUPS = (
    "JSA_18_24",
    "JSA_25_PLUS",
    "JSA_EARLY_ACCESS",
    "ESA_WRAG",
    "IB_ESA_EX_IB",
    "LONE_PARENT",
    "VOLUNTARY",
)
SEXES = ("F", "M", "U")
ETHNICITIES = ("WHITE", "MIXED", "ASIAN", "BLACK", "OTHER", "NOT_STATED")
DISABILITIES = ("Y", "N", "U")
IMPAIRMENT_GROUPS = (
    "MENTAL_HEALTH",
    "LEARNING_DISABILITY",
    "PHYSICAL",
    "SENSORY",
    "LONG_TERM_CONDITION",
    "OTHER",
)
LEAVE_REASONS = ("JOB", "END_OF_PROVISION", "MOVED_AWAY", "OTHER_PROVISION", "NO_LONGER_ELIGIBLE", "OTHER")
OUTCOME_TYPES = ("JOB_OUTCOME", "SUSTAINED_26W", "SUSTAINED_78W")
FEE_TYPES = ("START", "JOB_OUTCOME", "SUSTAINED_26W", "SUSTAINED_78W")
PROGRAMMES = ("FND", "ESF", "WPG")
NATIONS = ("ENGLAND", "SCOTLAND", "WALES")
INSPECTORATE_BY_NATION = {"ENGLAND": "OFSTED", "WALES": "ESTYN", "SCOTLAND": "EDUCATION_SCOTLAND"}
PRIME_SECTORS = ("PRIVATE", "THIRD_SECTOR", "PUBLIC", "FE_COLLEGE")

RETURNS = ("participants", "outcome_claims", "customer_survey")

RETURN_FIELDS = {
    "participants": (
        "contract_id",
        "participant_ref",
        "nino",
        "referral_date",
        "start_date",
        "customer_group",
        "date_of_birth",
        "sex",
        "ethnicity",
        "disability",
        "impairment_group",
        "la_code",
        "delivery_ukprn",
        "leave_date",
        "leave_reason",
    ),
    "outcome_claims": (
        "claim_id",
        "contract_id",
        "participant_ref",
        "outcome_type",
        "job_start_date",
        "claim_date",
        "hours_per_week",
        "employer_paye_ref",
        "claim_status",
        "delivery_ukprn",
    ),
    "customer_survey": (
        "response_id",
        "contract_id",
        "participant_ref",
        "survey_date",
        "overall_satisfaction",
        "treated_with_respect",
        "advice_helpful",
        "would_recommend",
    ),
}
RETURN_DATE_FIELDS = {
    "participants": ("referral_date", "start_date", "date_of_birth", "leave_date"),
    "outcome_claims": ("job_start_date", "claim_date"),
    "customer_survey": ("survey_date",),
}
RETURN_NUMBER_FIELDS = {
    "participants": (),
    "outcome_claims": ("hours_per_week",),
    "customer_survey": ("overall_satisfaction", "treated_with_respect", "advice_helpful"),
}

REFERENCE_FIELDS = {
    "providers": ("ukprn", "name", "sector"),
    "contract_package_areas": ("cpa_id", "name", "nation", "region", "is_rural"),
    "local_authorities": ("la_code", "name", "cpa_id"),
    "contracts": (
        "contract_id",
        "programme",
        "prime_ukprn",
        "cpa_id",
        "start_date",
        "end_date",
        "contract_value_gbp",
        "status",
    ),
    "supply_chain": ("contract_id", "delivery_ukprn", "valid_from", "valid_to"),
    "payment_rates": ("programme", "customer_group", "fee_type", "amount_gbp"),
    "performance_levels": ("programme", "customer_group", "minimum_sustained_rate"),
    "inspections": ("ukprn", "inspectorate", "inspection_date", "grade"),
    "labour_market": ("la_code", "period", "unemployment_rate"),
    "employment_spells": ("nino", "employer_paye_ref", "spell_start", "spell_end", "extract_date"),
}

# ---------------------------------------------------------------------------
# Places: contract package areas and their local authorities
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaProfile:
    """One contract package area as the world sees it.

    Attributes:
        name, nation, region, is_rural: the published reference fields.
        la_prefixes: GSS entity codes its local authorities are drawn from.
        n_local_authorities: how many local authorities it holds.
        population: relative size; sets how many contracts and referrals it gets.
        unemployment_rate: typical local unemployment (percent) at the start.
        hard_mix: multiplier on the shares of ESA and IB customers referred here.
        diverse: whether the ethnic mix is that of a big diverse city.
    """

    name: str
    nation: str
    region: str
    is_rural: bool
    la_prefixes: tuple[str, ...]
    n_local_authorities: int
    population: float
    unemployment_rate: float
    hard_mix: float
    diverse: bool = False


AREAS: tuple[AreaProfile, ...] = (
    AreaProfile("North East", "ENGLAND", "North East", False, ("E08", "E06"), 7, 1.1, 6.9, 1.35),
    AreaProfile("Cumbria and Lancashire", "ENGLAND", "North West", True, ("E07", "E06"), 7, 0.8, 4.7, 1.1),
    AreaProfile("Greater Manchester", "ENGLAND", "North West", False, ("E08",), 7, 1.3, 5.9, 1.2, True),
    AreaProfile(
        "Merseyside, Halton and Cheshire", "ENGLAND", "North West", False, ("E08", "E06"), 6, 1.0, 6.3, 1.3
    ),
    AreaProfile(
        "West Yorkshire", "ENGLAND", "Yorkshire and The Humber", False, ("E08",), 5, 1.1, 5.8, 1.1, True
    ),
    AreaProfile(
        "South Yorkshire and the Humber",
        "ENGLAND",
        "Yorkshire and The Humber",
        False,
        ("E08", "E06"),
        6,
        0.9,
        6.4,
        1.3,
    ),
    AreaProfile("East Midlands", "ENGLAND", "East Midlands", True, ("E06", "E07"), 7, 1.0, 4.9, 1.0),
    AreaProfile("West Midlands", "ENGLAND", "West Midlands", False, ("E08",), 7, 1.3, 6.9, 1.1, True),
    AreaProfile("East of England", "ENGLAND", "East of England", True, ("E07", "E06"), 7, 1.0, 4.1, 0.9),
    AreaProfile("London East", "ENGLAND", "London", False, ("E09",), 6, 1.3, 6.1, 0.85, True),
    AreaProfile("London West", "ENGLAND", "London", False, ("E09",), 6, 1.1, 5.2, 0.8, True),
    AreaProfile("Surrey, Sussex and Kent", "ENGLAND", "South East", False, ("E07", "E06"), 7, 1.0, 3.7, 0.8),
    AreaProfile(
        "Thames Valley, Hampshire and Isle of Wight",
        "ENGLAND",
        "South East",
        False,
        ("E06", "E07"),
        6,
        0.9,
        3.6,
        0.8,
    ),
    AreaProfile("South West", "ENGLAND", "South West", True, ("E06", "E07"), 7, 1.0, 3.9, 1.0),
    AreaProfile("West of Scotland", "SCOTLAND", "West of Scotland", False, ("S12",), 6, 0.9, 5.7, 1.3),
    AreaProfile(
        "Highlands, Islands and East of Scotland",
        "SCOTLAND",
        "Highlands and East",
        True,
        ("S12",),
        6,
        0.7,
        4.3,
        1.0,
    ),
    AreaProfile("North and Mid Wales", "WALES", "North and Mid Wales", True, ("W06",), 5, 0.6, 4.5, 1.2),
    AreaProfile(
        "South Wales Valleys and Coast", "WALES", "South East Wales", False, ("W06",), 6, 0.8, 6.2, 1.6
    ),
)

# Syllables for invented place and provider names: real names with invented
# GSS codes would mislead anyone who looked one up.
PLACE_STARTS = {
    "ENGLAND": (
        "Ash",
        "Bram",
        "Cold",
        "Dun",
        "East",
        "Fern",
        "Gold",
        "Hart",
        "Kings",
        "Lang",
        "Mill",
        "North",
        "Oak",
        "Pen",
        "Red",
        "Stan",
        "Thorn",
        "Wal",
        "West",
        "Wick",
        "Brad",
        "Ches",
        "Hal",
        "Marl",
        "Sel",
    ),
    "SCOTLAND": ("Kil", "Inver", "Glen", "Strath", "Auch", "Bal", "Dun", "Kin", "Loch", "Aber"),
    "WALES": ("Llan", "Aber", "Pont", "Caer", "Bryn", "Cwm", "Tre", "Pen", "Rhos", "Maes"),
}
PLACE_ENDS = {
    "ENGLAND": (
        "ford",
        "ley",
        "ton",
        "bury",
        "field",
        "ham",
        "worth",
        "by",
        "well",
        "stead",
        "borough",
        "chester",
        "mouth",
        "wick",
        "dale",
    ),
    "SCOTLAND": ("more", "ness", "lochy", "earn", "bride", "rossie", "allan", "tyre", "carron", "dee"),
    "WALES": ("dyfri", "gwyn", "teg", "fawr", "dulais", "mawr", "wen", "las", "nant", "cynon"),
}
PROVIDER_WORDS = (
    (
        "Pathway",
        "Northpoint",
        "Fresh Start",
        "Bridgework",
        "Horizon",
        "Kestrel",
        "Milestone",
        "Stepping Stones",
        "Working Futures",
        "Beacon",
        "Compass",
        "Clearview",
        "Keystone",
        "Springboard",
        "Threshold",
        "Lighthouse",
        "Ladder",
        "Anchor",
        "Trident",
        "Meridian",
        "Catalyst",
        "Harbour",
        "Summit",
        "Crossroads",
        "Aspire",
        "Evergreen",
        "Lantern",
        "Open Door",
        "New Leaf",
        "Riverside",
    ),
    (
        "Employment",
        "Skills",
        "Training",
        "Careers",
        "Jobs",
        "Learning",
        "Work",
        "Opportunities",
        "Enterprise",
        "Partnership",
    ),
    ("Ltd", "plc", "CIC", "Trust", "Group Ltd", "Services Ltd", "Foundation", "LLP"),
)

# ---------------------------------------------------------------------------
# People: who is referred, and how likely a job is for them
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupProfile:
    """How one customer group is referred and how it fares.

    Attributes:
        share: share of referrals before an area's ``hard_mix`` is applied.
        age_low, age_mode, age_high: triangular age at referral, in years.
        female_share: share of women (the rest men, a little ``U``).
        disability_share: share declaring a disability.
        mental_health_share: share of the disabled whose impairment is mental health.
        job_log_odds: log-odds of a job starting during provision, before any
            person, place or provider effect.
        sustain_probability: chance a first job lasts well past 26 weeks.
        fee_weight: how much more the department pays for this group's outcomes.
        minimum_sustained_rate: the minimum performance level (FND programme).
        hard_to_help: whether a parking prime neglects the group.
    """

    share: float
    age_low: int
    age_mode: int
    age_high: int
    female_share: float
    disability_share: float
    mental_health_share: float
    job_log_odds: float
    sustain_probability: float
    fee_weight: float
    minimum_sustained_rate: float
    hard_to_help: bool = False


GROUPS: dict[str, GroupProfile] = {
    "JSA_18_24": GroupProfile(0.21, 18, 20, 24, 0.36, 0.10, 0.45, -0.05, 0.60, 1.00, 0.18),
    "JSA_25_PLUS": GroupProfile(0.37, 25, 38, 66, 0.32, 0.14, 0.40, -0.25, 0.64, 1.10, 0.16),
    "JSA_EARLY_ACCESS": GroupProfile(0.10, 18, 30, 64, 0.35, 0.22, 0.50, -0.60, 0.56, 1.45, 0.11),
    "ESA_WRAG": GroupProfile(0.13, 18, 47, 64, 0.46, 0.88, 0.48, -0.85, 0.50, 2.60, 0.06, True),
    "IB_ESA_EX_IB": GroupProfile(0.07, 25, 52, 64, 0.44, 0.92, 0.42, -1.05, 0.48, 3.00, 0.05, True),
    "LONE_PARENT": GroupProfile(0.07, 18, 32, 58, 0.92, 0.11, 0.50, -0.35, 0.60, 1.25, 0.14),
    "VOLUNTARY": GroupProfile(0.05, 16, 35, 70, 0.48, 0.25, 0.45, -0.45, 0.58, 1.00, 0.12),
}

IMPAIRMENT_MIX_OTHER_THAN_MENTAL_HEALTH = {  # shares among the disabled without a mental-health impairment
    "LEARNING_DISABILITY": 0.14,
    "PHYSICAL": 0.38,
    "SENSORY": 0.08,
    "LONG_TERM_CONDITION": 0.30,
    "OTHER": 0.10,
}
SEX_NOT_STATED_SHARE = 0.01
DISABILITY_NOT_STATED_SHARE = 0.03
ETHNIC_MIX = {  # WHITE, MIXED, ASIAN, BLACK, OTHER, NOT_STATED
    "diverse": (0.55, 0.05, 0.17, 0.13, 0.05, 0.05),
    "ordinary": (0.88, 0.02, 0.04, 0.01, 0.01, 0.04),
}


@dataclass(frozen=True)
class PersonEffects:
    """Log-odds effects of a person's circumstances on getting a job."""

    age_16_17: float = -0.30
    age_50_59: float = -0.35
    age_60_plus: float = -0.85
    disabled: float = -0.45
    disability_not_stated: float = -0.10
    mental_health: float = -0.30
    per_point_of_unemployment: float = -0.15  # around the reference rate below
    reference_unemployment_rate: float = 5.5
    delivery_provider_spread: float = 0.20  # sd of a delivery provider's own effect
    non_starter_job_factor: float = 0.25  # people who never start still find work, less often


PERSON_EFFECTS = PersonEffects()


@dataclass(frozen=True)
class Lifecycle:
    """Timing of referral, start, job and leaving, in days."""

    non_start_share: float = 0.07
    non_starter_leaves_share: float = 0.6
    start_delay_shape: float = 2.0  # gamma; mean about 20 days
    start_delay_scale: float = 9.0
    late_start_share: float = 0.02  # starts more than 90 days after referral (a warning)
    provision_days: dict = field(default_factory=lambda: {"FND": 365, "ESF": 546, "WPG": 730})
    job_delay_shape: float = 1.6  # gamma; mean about 160 days after start
    job_delay_scale: float = 95.0
    job_leaver_share: float = 0.55  # those who find work and leave the programme for it
    early_leaver_share: float = 0.16  # leave before provision ends for another reason
    early_leave_reasons: dict = field(
        default_factory=lambda: {
            "MOVED_AWAY": 0.30,
            "OTHER_PROVISION": 0.25,
            "NO_LONGER_ELIGIBLE": 0.30,
            "OTHER": 0.15,
        }
    )
    non_starter_leave_reasons: dict = field(
        default_factory=lambda: {"NO_LONGER_ELIGIBLE": 0.45, "MOVED_AWAY": 0.25, "OTHER": 0.30}
    )
    short_job_days: tuple[int, int] = (10, 175)  # a job that ends before 26 weeks
    long_job_min_days: int = 200
    long_job_mean_extra_days: float = 700.0
    second_job_share: float = 0.35  # after a short job, another after a gap
    second_job_gap_days: tuple[int, int] = (4, 60)
    overlapping_job_share: float = 0.06  # a second employer at the same time
    post_provision_job_share: float = 0.12  # leavers without a job who find one later
    repeat_referral_share: float = 0.03  # referrals of people referred before
    repeat_same_contract_share: float = 0.6
    part_time_job_share: float = 0.03  # under 16 hours: not a job outcome


LIFECYCLE = Lifecycle()

HOURS_FULL = (16.0, 18.0, 20.0, 22.5, 24.0, 25.0, 30.0, 35.0, 37.0, 37.5, 40.0)
HOURS_FULL_WEIGHTS = (0.10, 0.05, 0.10, 0.05, 0.07, 0.08, 0.12, 0.10, 0.10, 0.15, 0.08)
HOURS_PART = (8.0, 10.0, 12.0, 15.0)


@dataclass(frozen=True)
class Background:
    """Employment spells that are not programme outcomes."""

    pre_referral_share: float = 0.70  # participants with a past job before referral
    second_pre_referral_share: float = 0.30
    unrelated_people_per_participant: float = 1.7
    unrelated_spells_mean: float = 2.4


BACKGROUND = Background()

# ---------------------------------------------------------------------------
# Primes: built-in profiles
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PrimeProfile:
    """How a kind of prime performs and claims.

    Attributes:
        name: the profile's name, recorded in world.json.
        description: one sentence for people reading world.json.
        job_log_odds: added to every participant's log-odds of a job.
        hard_to_help_log_odds: added on top for hard-to-help participants
            (ESA_WRAG, IB_ESA_EX_IB, or disabled with a mental-health impairment).
        sustain_shift: added to the chance a job lasts.
        job_claim_share: share of evidenced job outcomes it claims.
        sustained_claim_share: share of the sustained outcomes it is due (met by the
            evidence, 16+ hours, a fee for the type) that it claims; the rest it leaves
            unclaimed on purpose, and world.json counts them.
        false_job_claim_share: share of its job-less starters for whom it
            claims a job outcome anyway (no evidence).
        false_sustained_claim_share: share of its early-ended jobs it claims as sustained.
        duplicate_claim_share: share of claims it sends twice under a new claim id.
        withdrawal_share: share of claims it withdraws in a later quarter.
        satisfaction_mean: centre of its customers' overall satisfaction (1-5).
        inspection_grades: probabilities of grades 1..4.
    """

    name: str
    description: str
    job_log_odds: float = 0.0
    hard_to_help_log_odds: float = 0.0
    sustain_shift: float = 0.0
    job_claim_share: float = 0.93
    sustained_claim_share: float = 0.99
    false_job_claim_share: float = 0.01
    false_sustained_claim_share: float = 0.02
    duplicate_claim_share: float = 0.005
    withdrawal_share: float = 0.012
    satisfaction_mean: float = 3.9
    inspection_grades: tuple[float, float, float, float] = (0.15, 0.55, 0.25, 0.05)


PROFILES: dict[str, PrimeProfile] = {
    "STRONG": PrimeProfile(
        "STRONG",
        "High outcome rates for every customer group; honest claims.",
        job_log_odds=0.75,
        sustain_shift=0.12,
        job_claim_share=0.97,
        sustained_claim_share=0.99,
        false_job_claim_share=0.004,
        false_sustained_claim_share=0.01,
        satisfaction_mean=4.35,
        inspection_grades=(0.65, 0.33, 0.02, 0.0),
    ),
    "ORDINARY": PrimeProfile("ORDINARY", "Around the national position on every measure."),
    "WEAK": PrimeProfile(
        "WEAK",
        "Low outcome rates for every customer group.",
        job_log_odds=-0.75,
        sustain_shift=-0.12,
        job_claim_share=0.9,
        sustained_claim_share=0.98,
        false_sustained_claim_share=0.03,
        satisfaction_mean=3.25,
        inspection_grades=(0.0, 0.15, 0.5, 0.35),
    ),
    "PARKER": PrimeProfile(
        "PARKER",
        "Ordinary for easier groups, near-zero outcomes for hard-to-help "
        "participants (ESA_WRAG, IB_ESA_EX_IB, mental-health impairment): parks them.",
        job_log_odds=0.15,
        hard_to_help_log_odds=-4.0,
        satisfaction_mean=3.6,
        inspection_grades=(0.1, 0.6, 0.3, 0.0),
    ),
    "OVER_CLAIMER": PrimeProfile(
        "OVER_CLAIMER",
        "Claims a visible share of outcomes the evidence does not support: "
        "job outcomes without a spell, sustained outcomes for jobs that ended early.",
        job_claim_share=0.97,
        sustained_claim_share=0.99,
        false_job_claim_share=0.15,
        false_sustained_claim_share=0.55,
        duplicate_claim_share=0.03,
        withdrawal_share=0.03,
        satisfaction_mean=3.7,
        inspection_grades=(0.05, 0.45, 0.4, 0.1),
    ),
    "UNDER_CLAIMER": PrimeProfile(
        "UNDER_CLAIMER",
        "Good delivery, weak tracking: leaves a visible share of the "
        "sustained outcomes its participants' evidence shows unclaimed.",
        job_log_odds=0.1,
        job_claim_share=0.72,
        sustained_claim_share=0.45,
        satisfaction_mean=3.85,
        inspection_grades=(0.1, 0.5, 0.35, 0.05),
    ),
}

SURVEY_RESPONSE_SHARE = 0.45  # of starters
SURVEY_DELAY_DAYS = (21, 150)  # after the start date
SURVEY_OPTIONAL_EMPTY = {"treated_with_respect": 0.12, "advice_helpful": 0.15, "would_recommend": 0.10}

CLAIM_LAG_DAYS = (5, 63)  # job outcome claimed this long after the job start
# A sustained outcome is claimed in the next quarterly return after the quarter in which it
# was met: its claim_date is a weekday of the following quarter (``claims.next_return_day``).
JOB_START_NOISE_SHARE = 0.08  # claims whose job start date differs a few days from the spell
CONTRACT_MISMATCH_SHARE = 0.003  # clerical: the prime's other contract on the claim
UNKNOWN_PARTICIPANT_SHARE = 0.002  # clerical: a participant_ref nobody holds
STARTED_BEFORE_REFERRAL_SHARE = 0.002  # clerical: a job that began before the referral

# ---------------------------------------------------------------------------
# Money and policy levels (reference data)
# ---------------------------------------------------------------------------

FEE_BASE_GBP = {  # per programme, for a customer group with fee_weight 1.0
    "FND": {"START": 400.0, "JOB_OUTCOME": 1200.0, "SUSTAINED_26W": 2400.0, "SUSTAINED_78W": 1800.0},
    "ESF": {"START": 300.0, "JOB_OUTCOME": 1000.0, "SUSTAINED_26W": 2200.0, "SUSTAINED_78W": 2600.0},
    "WPG": {"START": 350.0, "JOB_OUTCOME": 1100.0, "SUSTAINED_26W": 2500.0, "SUSTAINED_78W": 2000.0},
}
START_FEE_WEIGHT_POWER = 0.3  # start fees rise with disadvantage, but gently
PROGRAMME_MPL_FACTOR = {"FND": 1.0, "ESF": 0.9, "WPG": 1.05}
PROGRAMME_SHARES = {"FND": 0.6, "ESF": 0.2, "WPG": 0.2}
# The 78-week trial: only these programmes pay (and primes claim) SUSTAINED_78W;
# the others carry a 0.00 rate in payment_rates so the reference data says so.
LONG_OUTCOME_PROGRAMMES = ("ESF",)
CONTRACT_COST_PER_REFERRAL_GBP = 2300.0
CONTRACT_YEARS = (5, 7)

# ---------------------------------------------------------------------------
# Clerks' mistakes (defects) in provider files
# ---------------------------------------------------------------------------

DEFECT_SHARE = {"participants": 0.02, "outcome_claims": 0.015, "customer_survey": 0.01}
DEFECT_CAP_SHARE = 0.2  # never more than this share of a file's rows, so no file nears 50%
RESUBMITTED_EXTRA_DEFECT_SHARE = 0.06  # the first file of a resubmitted pair carries these too
LOWER_CASE_CODE_SHARE = 0.01  # valid (codes match case-insensitively), not a defect

# kind -> (relative weight, severity the validator should give)
DEFECT_KINDS = {
    "participants": {
        "NINO_BAD_PREFIX": (3, "error"),
        "NINO_BAD_SUFFIX": (2, "error"),
        "DATE_UK_FORMAT": (2, "error"),
        "UNKNOWN_CODE": (2, "error"),
        "DUPLICATE_REF": (1, "error"),
        "START_BEFORE_REFERRAL": (1, "error"),
        "IMPAIRMENT_WITHOUT_DISABILITY": (1, "warning"),
        "LEAVE_WITHOUT_REASON": (1, "error"),
    },
    "outcome_claims": {
        "PREMATURE_SUSTAINED": (3, "error"),
        "HOURS_BELOW_16": (2, "error"),
        "DATE_UK_FORMAT": (2, "error"),
        "UNKNOWN_CODE": (1, "error"),
        "PAYE_MALFORMED": (1, "warning"),
    },
    "customer_survey": {
        "DATE_UK_FORMAT": (2, "error"),
        "SATISFACTION_OUT_OF_RANGE": (2, "error"),
        "UNKNOWN_CODE": (1, "error"),
    },
}
ROWS_PER_DEFECT = {"DUPLICATE_REF": 2}  # both rows sharing the reference are in error
BAD_NINO_PREFIXES = ("QQ", "GB", "BG", "NK", "TN", "ZZ", "DA", "AO", "FY")
BAD_NINO_SUFFIXES = ("E", "F", "X", "Z")
UNKNOWN_CODES = {
    "customer_group": ("JSA", "ESA_SUPPORT", "UC_FULL"),
    "sex": ("X", "MALE"),
    "ethnicity": ("WHITE_BRITISH", "ASIAN_OTHER"),
    "disability": ("YES", "9"),
    "outcome_type": ("JOB_START", "SUSTAINED_13W"),
    "would_recommend": ("MAYBE", "YES"),
}

# ---------------------------------------------------------------------------
# Scales
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """The size and time span of a world.

    Attributes:
        name: ``small``, ``national`` or ``history``.
        first_period: the first quarter with provider returns.
        n_periods: number of quarters; the employment extract is dated a few weeks
            after the last one's last day (``EVIDENCE_LAG_DAYS``).
        referrals_per_quarter: mean referrals per quarter over all contracts.
        prime_profiles: one profile name per prime.
        contracts_per_prime: first-round contracts per prime, same order.
        contract_slots: the CPA of each first-round contract; empty means two
            per area plus the extras in ``extra_slots``.
        extra_slots: areas that get a third contract when slots are derived.
        contract_starts: first-round start dates are drawn from these.
        successor_contracts: when a contract ends inside the world, the area
            is re-let (a new contract, often to another prime).
        terminate_one_weak_contract: one WEAK contract is terminated early.
        n_delivery_providers: size of the sub-contractor pool.
        n_employers: size of the employer pool (PAYE references).
        big_prime_volume: volume multiplier for the PARKER's contracts, so its
            hard-to-help caseload passes the 30-participant threshold.
    """

    name: str
    first_period: str
    n_periods: int
    referrals_per_quarter: int
    prime_profiles: tuple[str, ...]
    contracts_per_prime: tuple[int, ...]
    contract_slots: tuple[str, ...]
    contract_starts: tuple[str, ...]
    n_delivery_providers: int
    n_employers: int
    extra_slots: tuple[str, ...] = ()
    successor_contracts: bool = False
    terminate_one_weak_contract: bool = False
    big_prime_volume: float = 1.6


_NATIONAL_PROFILES = ("STRONG", "STRONG", "WEAK", "WEAK", "PARKER", "OVER_CLAIMER", "UNDER_CLAIMER") + (
    "ORDINARY",
) * 13
_NATIONAL_CONTRACTS = (3, 2, 2, 2, 3, 2, 2, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1)

SCALES: dict[str, Scale] = {
    # small and national begin ten quarters before the last complete one, so that
    # its rating window holds four mature cohorts.
    "small": Scale(
        name="small",
        first_period="2023Q4",
        n_periods=11,
        referrals_per_quarter=1000,
        prime_profiles=("STRONG", "WEAK", "PARKER", "OVER_CLAIMER", "UNDER_CLAIMER", "ORDINARY", "ORDINARY"),
        contracts_per_prime=(2, 2, 2, 2, 2, 2, 2),
        contract_slots=(
            "CPA01",
            "CPA01",
            "CPA03",
            "CPA03",
            "CPA08",
            "CPA08",
            "CPA10",
            "CPA10",
            "CPA18",
            "CPA18",
            "CPA15",
            "CPA05",
            "CPA14",
            "CPA17",
        ),
        contract_starts=("2022-10-01", "2023-01-01", "2023-04-01", "2023-07-01"),
        n_delivery_providers=24,
        n_employers=3_000,
        big_prime_volume=2.6,
    ),
    "national": Scale(
        name="national",
        first_period="2023Q4",
        n_periods=11,
        referrals_per_quarter=150_000,
        prime_profiles=_NATIONAL_PROFILES,
        contracts_per_prime=_NATIONAL_CONTRACTS,
        contract_slots=(),
        extra_slots=("CPA03", "CPA08", "CPA10", "CPA05"),
        contract_starts=("2022-04-01", "2022-10-01", "2023-04-01", "2023-10-01"),
        n_delivery_providers=90,
        n_employers=60_000,
        terminate_one_weak_contract=True,
    ),
    "history": Scale(
        name="history",
        first_period="2016Q3",
        n_periods=40,
        referrals_per_quarter=125_000,
        prime_profiles=_NATIONAL_PROFILES,
        contracts_per_prime=_NATIONAL_CONTRACTS,
        contract_slots=(),
        extra_slots=("CPA03", "CPA08", "CPA10", "CPA05"),
        contract_starts=("2015-10-01", "2016-01-01", "2016-04-01"),
        n_delivery_providers=110,
        n_employers=150_000,
        successor_contracts=True,
        terminate_one_weak_contract=True,
    ),
}

INCUMBENT_REWIN_SHARE = 0.5  # history: a re-let area goes back to its prime this often
LABOUR_MARKET_PERIODS_BEFORE = 2  # unemployment rates also for this many quarters before the world
SUPPLY_CHAIN_JOIN_SHARE = 0.35  # contracts where a delivery provider joins mid-contract
SUPPLY_CHAIN_LEAVE_SHARE = 0.35  # contracts where one leaves mid-contract
PRIME_SELF_DELIVERY_SHARE = 0.6  # contracts on which the prime also delivers itself
SUBMISSION_DELAY_DAYS = 5  # returns arrive this long after the quarter ends, 10:15
RESUBMISSION_DELAY_DAYS = 12  # a corrected file arrives this long after, 14:30
# HMRC evidence lags the provider returns: the employment extract is dated this many
# days (inclusive) after the last return's period end, one date for the whole file.
EVIDENCE_LAG_DAYS = (21, 42)

# ---------------------------------------------------------------------------
# Effects planted for particular measures
# ---------------------------------------------------------------------------

# One prime works in England and Wales, and the two nations' inspectorates grade it
# differently (quality is judged by the inspectorate of the contract's nation).
TWO_NATION_NATIONS = ("ENGLAND", "WALES")
TWO_NATION_GRADES = {"OFSTED": 3, "ESTYN": 1}


@dataclass(frozen=True)
class SmallGroup:
    """A small group on one contract that does badly by chance, not by parking.

    In the rating window of the last complete quarter, ``members_per_cohort``
    referrals of each cohort of one contract (a WEAK prime's where there is
    one) carry the group's value; the group's people have the same chances as
    everyone else. Only who carries the value is chosen: mostly people without
    a job, and ``outcomes`` with a verified 26-week outcome, so that the group's
    index is well below half the contract's while its shortfall is no more than
    chance produces (z above the flagging threshold): the z-score rule must keep
    it unflagged. ``target_lambda`` is the outcomes the group would be expected
    to achieve at the contract's own rate (the warehouse's lambda), aimed for
    when members are chosen: 1 outcome against 2 to 4.9 expected is below half
    and z > -1.96.
    """

    dimension: str = "sex"
    value: str = "U"
    members_per_cohort: int = 8
    outcomes: int = 1
    target_lambda: float = 3.2


SMALL_GROUP = SmallGroup()

# ---------------------------------------------------------------------------
# The warehouse's rules (dbt_project: its seeds and models), repeated here only so that
# world.json can state what the warehouse must find. The warehouse reads its
# own seeds; a change there must be made here too.
# ---------------------------------------------------------------------------

SUSTAINED_RULES = {"SUSTAINED_26W": (182, 210), "SUSTAINED_78W": (546, 630)}  # days required, window
EVIDENCE_MATCH_DAYS = 28  # a spell may start up to this long after the leave date
PROGRAMME_DURATION_DAYS = 728  # an evidence job start no later than this after the start date
CLAIM_GRACE_DAYS = 91  # an outcome is UNCLAIMED once met + this is on or before the cut-off
RATING_WINDOW_QUARTERS = (6, 9)  # cohorts 6 to 9 quarters before a rating quarter make its window
