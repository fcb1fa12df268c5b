"""The true figures of a release, read from the analysts' copy of the warehouse.

One query per published table, against the marts (and the staging reference
views for names and areas), for one release period. The figures come back
*unrounded*: disclosure control needs the true counts to decide what to
suppress, and applies itself later (:mod:`publish.release_tables`).

Which contracts a release covers is decided here, once, and every table uses
the same set: a contract that started by the end of the period and whose end
date is no earlier than ``recently_ended_months`` before the period began
(live contracts, terminated ones whose planned end is still ahead, and those
that ended within the last year).

Not for: rounding, symbols, formats or file writing; and no measure is
computed here that the warehouse already computes: the release sums the
marts' counts over the rating window and never re-derives a rate's inputs.

Notes:
    The rating window of a quarter (which referral cohorts it holds) is read
    from ``intermediate.int_rating_windows``, the one definition the star
    ratings use; the marts carry window totals but not the window's cohorts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

PERIOD_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


class PeriodNotAvailable(ValueError):
    """The warehouse holds no ratings for the period asked for."""


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter ``YYYYQn``."""
    match = PERIOD_PATTERN.match(period)
    if not match:
        raise ValueError(f"{period!r} is not a quarter of the form YYYYQn")
    year, quarter = int(match.group(1)), int(match.group(2))
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


@dataclass
class Figures:
    """Unrounded rows per table, plus what the quality gate checks the files against.

    Attributes:
        contracts: one dict per contract of the release (coverage), with its window figures.
        groups: one dict per contract x group_dimension x group_value.
        ratings: one dict per unit (contract or prime) x rating quarter up to the period.
        national: one dict per (nation, customer_group), totals included (``ALL``).
        warehouse_payments_gbp: payments due in the period to the covered contracts,
            as ``mart_contract_review`` has them (the gate reconciles the summary with it).
        seeds: every seed table of the build, for methodology.md.
        age_bands: the ``age_bands`` seed's bands (a vocabulary of performance_by_group).
    """

    period: str
    contracts: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    national: list[dict[str, Any]] = field(default_factory=list)
    warehouse_payments_gbp: float = 0.0
    seeds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    age_bands: list[str] = field(default_factory=list)

    @property
    def contract_ids(self) -> list[str]:
        return sorted(c["contract_id"] for c in self.contracts)


def _rows(con, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]


_COVERED_CONTRACTS = """
    select contract_id
    from staging.stg_lake__contracts
    where start_date <= $period_end
        and (end_date is null or end_date >= $period_start - to_months($recently_ended_months))
"""

_WINDOW_COHORTS = """
    select cohort_quarter from intermediate.int_rating_windows where rating_quarter = $period
"""

CONTRACTS_SQL = f"""
with covered as ({_COVERED_CONTRACTS}),
window_cohorts as ({_WINDOW_COHORTS}),
window_totals as (
    select
        cohorts.contract_id,
        sum(cohorts.referrals) as referrals,
        sum(cohorts.starts) as starts,
        sum(cohorts.job_outcomes) as job_outcomes,
        sum(cohorts.sustained_26w_outcomes) as sustained_26w_outcomes
    from marts.fct_cohort_performance as cohorts
    inner join window_cohorts on cohorts.referral_quarter = window_cohorts.cohort_quarter
    group by cohorts.contract_id
)
select
    contracts.contract_id,
    contracts.programme,
    contracts.prime_ukprn,
    providers.provider_name as prime_name,
    contracts.cpa_id,
    areas.cpa_name,
    areas.nation,
    coalesce(window_totals.referrals, 0)::bigint as referrals,
    coalesce(window_totals.starts, 0)::bigint as starts,
    coalesce(window_totals.job_outcomes, 0)::bigint as job_outcomes,
    coalesce(window_totals.sustained_26w_outcomes, 0)::bigint as sustained_26w_outcomes,
    expected.participants as index_people,
    expected.actual_outcomes as index_outcomes,
    expected.like_for_like_index,
    ratings.stars,
    ratings.rating_status,
    ratings.previous_stars,
    ratings.contract_id is not null as has_rating
from staging.stg_lake__contracts as contracts
inner join covered on contracts.contract_id = covered.contract_id
left join staging.stg_lake__providers as providers on contracts.prime_ukprn = providers.ukprn
left join staging.stg_lake__contract_package_areas as areas on contracts.cpa_id = areas.cpa_id
left join window_totals on contracts.contract_id = window_totals.contract_id
left join marts.fct_expected_outcomes as expected
    on contracts.contract_id = expected.contract_id and expected.rating_quarter = $period
left join marts.mart_star_ratings as ratings
    on contracts.contract_id = ratings.contract_id and ratings.rating_quarter = $period
order by contracts.contract_id
"""

GROUPS_SQL = f"""
with covered as ({_COVERED_CONTRACTS})
select
    groups.contract_id,
    groups.group_dimension,
    groups.group_value,
    groups.participants,
    groups.actual_outcomes,
    groups.group_index
from marts.mart_parking_indicators as groups
inner join covered on groups.contract_id = covered.contract_id
where groups.rating_quarter = $period
order by groups.contract_id, groups.group_dimension, groups.group_value
"""

RATINGS_SQL = f"""
with covered as ({_COVERED_CONTRACTS}),
covered_primes as (
    select distinct contracts.prime_ukprn
    from staging.stg_lake__contracts as contracts
    inner join covered on contracts.contract_id = covered.contract_id
),
contract_outcomes as (
    select contract_id, prime_ukprn, rating_quarter, participants, actual_outcomes
    from marts.fct_expected_outcomes
),
prime_outcomes as (
    select prime_ukprn, rating_quarter, sum(participants) as participants, sum(actual_outcomes) as actual_outcomes
    from contract_outcomes
    group by prime_ukprn, rating_quarter
),
units as (
    select
        ratings.rating_quarter as period,
        'CONTRACT' as unit_type,
        ratings.contract_id as unit_id,
        ratings.prime_ukprn,
        ratings.referrals_in_window,
        ratings.outcomes_ratio, ratings.value_for_money_ratio, ratings.quality_ratio,
        ratings.customer_experience_ratio, ratings.composite, ratings.stars, ratings.rating_status,
        ratings.not_rated_reason, ratings.rank, ratings.previous_stars,
        contract_outcomes.participants as index_people,
        contract_outcomes.actual_outcomes as index_outcomes
    from marts.mart_star_ratings as ratings
    inner join covered on ratings.contract_id = covered.contract_id
    left join contract_outcomes
        on ratings.contract_id = contract_outcomes.contract_id
        and ratings.rating_quarter = contract_outcomes.rating_quarter
    where ratings.rating_quarter <= $period
    union all
    select
        ratings.rating_quarter,
        'PRIME',
        ratings.prime_ukprn,
        ratings.prime_ukprn,
        ratings.referrals_in_window,
        ratings.outcomes_ratio, ratings.value_for_money_ratio, ratings.quality_ratio,
        ratings.customer_experience_ratio, ratings.composite, ratings.stars, ratings.rating_status,
        ratings.not_rated_reason, ratings.rank, ratings.previous_stars,
        prime_outcomes.participants,
        prime_outcomes.actual_outcomes
    from marts.mart_prime_star_ratings as ratings
    inner join covered_primes on ratings.prime_ukprn = covered_primes.prime_ukprn
    left join prime_outcomes
        on ratings.prime_ukprn = prime_outcomes.prime_ukprn
        and ratings.rating_quarter = prime_outcomes.rating_quarter
    where ratings.rating_quarter <= $period
)
select units.*, providers.provider_name as prime_name
from units
left join staging.stg_lake__providers as providers on units.prime_ukprn = providers.ukprn
order by units.period, units.unit_type, units.unit_id
"""

NATIONAL_SQL = f"""
with covered as ({_COVERED_CONTRACTS}),
window_cohorts as ({_WINDOW_COHORTS}),
contract_nations as (
    select contracts.contract_id, areas.nation
    from staging.stg_lake__contracts as contracts
    inner join covered on contracts.contract_id = covered.contract_id
    left join staging.stg_lake__contract_package_areas as areas on contracts.cpa_id = areas.cpa_id
),
cohorts as (
    select contract_nations.nation, cohorts.customer_group, cohorts.referrals, cohorts.starts,
        cohorts.job_outcomes, cohorts.sustained_26w_outcomes
    from marts.fct_cohort_performance_by_customer_group as cohorts
    inner join window_cohorts on cohorts.referral_quarter = window_cohorts.cohort_quarter
    inner join contract_nations on cohorts.contract_id = contract_nations.contract_id
),
payments as (
    select contract_nations.nation, participants.customer_group, participants.start_fee_gbp as fee_gbp
    from marts.fct_participants as participants
    inner join contract_nations on participants.contract_id = contract_nations.contract_id
    where participants.start_date between $period_start and $period_end
        and participants.start_fee_gbp is not null
    union all
    select contract_nations.nation, claims.customer_group, claims.payable_fee_gbp
    from marts.fct_outcome_claims as claims
    inner join contract_nations on claims.contract_id = contract_nations.contract_id
    where claims.verification_status = 'VERIFIED'
        and claims.payment_due_on between $period_start and $period_end
        and claims.payable_fee_gbp is not null
),
cohort_totals as (
    select
        -- grouping(), not coalesce: a contract without a known nation must not join the total row
        case when grouping(nation) = 1 then 'ALL' else nation end as nation,
        case when grouping(customer_group) = 1 then 'ALL' else customer_group end as customer_group,
        sum(referrals)::bigint as referrals, sum(starts)::bigint as starts,
        sum(job_outcomes)::bigint as job_outcomes, sum(sustained_26w_outcomes)::bigint as sustained_26w_outcomes
    from cohorts
    group by cube (nation, customer_group)
),
payment_totals as (
    select
        -- grouping(), not coalesce: a contract without a known nation must not join the total row
        case when grouping(nation) = 1 then 'ALL' else nation end as nation,
        case when grouping(customer_group) = 1 then 'ALL' else customer_group end as customer_group,
        sum(fee_gbp) as payments_gbp, count(*)::bigint as payments
    from payments
    group by cube (nation, customer_group)
),
cells as (
    select nation, customer_group from cohort_totals
    union
    select nation, customer_group from payment_totals
)
select
    cells.nation,
    cells.customer_group,
    coalesce(cohort_totals.referrals, 0) as referrals,
    coalesce(cohort_totals.starts, 0) as starts,
    coalesce(cohort_totals.job_outcomes, 0) as job_outcomes,
    coalesce(cohort_totals.sustained_26w_outcomes, 0) as sustained_26w_outcomes,
    coalesce(payment_totals.payments_gbp, 0) as payments_gbp,
    coalesce(payment_totals.payments, 0) as payments
from cells
left join cohort_totals using (nation, customer_group)
left join payment_totals using (nation, customer_group)
order by cells.nation, cells.customer_group
"""

WAREHOUSE_PAYMENTS_SQL = f"""
with covered as ({_COVERED_CONTRACTS})
select coalesce(sum(review.payments_due_gbp), 0) as payments_gbp
from marts.mart_contract_review as review
inner join covered on review.contract_id = covered.contract_id
where review.period = $period
"""

SEEDS = (
    "outcome_rules",
    "star_domain_weights",
    "star_bands",
    "inspection_grade_scores",
    "measure_thresholds",
    "age_bands",
)


def available_periods(con) -> list[str]:
    """Rating quarters the warehouse holds, oldest first: the periods a release can be prepared for."""
    return [
        r[0]
        for r in con.execute(
            "select distinct rating_quarter from marts.mart_star_ratings order by 1"
        ).fetchall()
    ]


def read_figures(con, period: str, *, recently_ended_months: int) -> Figures:
    """Every true figure of the release for ``period`` from an open (read-only) warehouse connection.

    Raises:
        PeriodNotAvailable: the warehouse has no star ratings for ``period``.
    """
    if period not in available_periods(con):
        periods = available_periods(con)
        span = f"{periods[0]} to {periods[-1]}" if periods else "none"
        raise PeriodNotAvailable(f"the warehouse holds no ratings for {period} (it holds {span})")
    start, end = period_bounds(period)
    params = {
        "period": period,
        "period_start": start,
        "period_end": end,
        "recently_ended_months": recently_ended_months,
    }
    figures = Figures(period=period)
    figures.contracts = _rows(con, CONTRACTS_SQL, params)
    figures.groups = _rows(con, GROUPS_SQL, params)
    figures.ratings = _rows(con, RATINGS_SQL, params)
    figures.national = _rows(con, NATIONAL_SQL, params)
    figures.warehouse_payments_gbp = float(_rows(con, WAREHOUSE_PAYMENTS_SQL, params)[0]["payments_gbp"])
    figures.seeds = {name: _rows(con, f"select * from seeds.{name}", {}) for name in SEEDS}
    figures.age_bands = [
        r["age_band"] for r in sorted(figures.seeds["age_bands"], key=lambda r: r["min_age"])
    ]
    return figures
