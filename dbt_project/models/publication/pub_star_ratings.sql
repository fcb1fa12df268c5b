-- The open-data release's star_ratings table, unrounded: for every release
-- period, the ratings of every rating quarter up to it, of each contract the
-- release covers and of each prime provider holding one (over all the prime's
-- contracts), as the rating marts have them. A release shows the history of
-- the units it covers, so one unit's rating of one quarter appears in the
-- release of that quarter and of each later one that covers the unit. The
-- published columns come first, named as in the file; then the release period
-- the row belongs to and the true counts the ratios rest on (for disclosure
-- control; never published).
-- Not for: rounding, suppression or symbols (publish/), or rating anything
-- (the rating marts).
with

coverage as (
    select release_period, contract_id from {{ ref('int_release__coverage') }}
),

contracts as (
    select contract_id, prime_ukprn from {{ ref('stg_lake__contracts') }}
),

covered_primes as (
    select distinct
        coverage.release_period,
        contracts.prime_ukprn
    from coverage
    inner join contracts
        on coverage.contract_id = contracts.contract_id
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
),

contract_ratings as (
    select
        contract_id,
        prime_ukprn,
        rating_quarter,
        referrals_in_window,
        outcomes_ratio,
        value_for_money_ratio,
        quality_ratio,
        customer_experience_ratio,
        composite,
        stars,
        rating_status,
        not_rated_reason,
        rank,
        previous_stars,
        cohorts_in_window,
        domains_used,
        compared_with_national,
        published_stars
    from {{ ref('mart_star_ratings') }}
),

prime_ratings as (
    select
        prime_ukprn,
        rating_quarter,
        referrals_in_window,
        outcomes_ratio,
        value_for_money_ratio,
        quality_ratio,
        customer_experience_ratio,
        composite,
        stars,
        rating_status,
        not_rated_reason,
        rank,
        previous_stars,
        cohorts_in_window,
        domains_used,
        compared_with_national,
        published_stars
    from {{ ref('mart_prime_star_ratings') }}
),

contract_outcomes as (
    select contract_id, prime_ukprn, rating_quarter, participants, actual_outcomes, expected_outcomes
    from {{ ref('fct_expected_outcomes') }}
),

-- the rating each unit's quarter had as its own release published it (none before one was approved)
published as (
    select rated_unit_type, rated_unit_id, rating_quarter, published_rating_status
    from {{ ref('int_published_ratings__in_force') }}
),

-- a prime's index rests on all its contracts' people and outcomes
prime_outcomes as (
    select
        prime_ukprn,
        rating_quarter,
        sum(participants) as participants,
        sum(actual_outcomes) as actual_outcomes,
        sum(expected_outcomes) as expected_outcomes
    from contract_outcomes
    group by prime_ukprn, rating_quarter
),

units as (
    select
        coverage.release_period,
        contract_ratings.rating_quarter,
        'CONTRACT' as unit_type,
        contract_ratings.contract_id as unit_id,
        contract_ratings.prime_ukprn,
        contract_ratings.referrals_in_window,
        contract_ratings.outcomes_ratio,
        contract_ratings.value_for_money_ratio,
        contract_ratings.quality_ratio,
        contract_ratings.customer_experience_ratio,
        contract_ratings.composite,
        contract_ratings.stars,
        contract_ratings.rating_status,
        contract_ratings.not_rated_reason,
        contract_ratings.rank,
        contract_ratings.previous_stars,
        contract_ratings.cohorts_in_window,
        contract_ratings.domains_used,
        contract_ratings.compared_with_national,
        contract_ratings.published_stars,
        contract_outcomes.participants as index_people,
        contract_outcomes.actual_outcomes as index_outcomes,
        contract_outcomes.expected_outcomes as index_expected
    from coverage
    inner join contract_ratings
        on
            coverage.contract_id = contract_ratings.contract_id
            and coverage.release_period >= contract_ratings.rating_quarter
    left join contract_outcomes
        on
            contract_ratings.contract_id = contract_outcomes.contract_id
            and contract_ratings.rating_quarter = contract_outcomes.rating_quarter

    union all

    select
        covered_primes.release_period,
        prime_ratings.rating_quarter,
        'PRIME' as unit_type,
        prime_ratings.prime_ukprn as unit_id,
        prime_ratings.prime_ukprn,
        prime_ratings.referrals_in_window,
        prime_ratings.outcomes_ratio,
        prime_ratings.value_for_money_ratio,
        prime_ratings.quality_ratio,
        prime_ratings.customer_experience_ratio,
        prime_ratings.composite,
        prime_ratings.stars,
        prime_ratings.rating_status,
        prime_ratings.not_rated_reason,
        prime_ratings.rank,
        prime_ratings.previous_stars,
        prime_ratings.cohorts_in_window,
        prime_ratings.domains_used,
        prime_ratings.compared_with_national,
        prime_ratings.published_stars,
        prime_outcomes.participants as index_people,
        prime_outcomes.actual_outcomes as index_outcomes,
        prime_outcomes.expected_outcomes as index_expected
    from covered_primes
    inner join prime_ratings
        on
            covered_primes.prime_ukprn = prime_ratings.prime_ukprn
            and covered_primes.release_period >= prime_ratings.rating_quarter
    left join prime_outcomes
        on
            prime_ratings.prime_ukprn = prime_outcomes.prime_ukprn
            and prime_ratings.rating_quarter = prime_outcomes.rating_quarter
)

select
    cast(units.rating_quarter as {{ dbt.type_string() }}) as period,
    cast(units.unit_type as {{ dbt.type_string() }}) as unit_type,
    cast(units.unit_id as {{ dbt.type_string() }}) as unit_id,
    cast(units.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(providers.provider_name as {{ dbt.type_string() }}) as prime_name,
    cast(units.referrals_in_window as bigint) as referrals_in_window,
    cast(units.cohorts_in_window as int) as cohorts_in_window,
    cast(units.outcomes_ratio as double) as outcomes_ratio,
    cast(units.value_for_money_ratio as double) as value_for_money_ratio,
    cast(units.quality_ratio as double) as quality_ratio,
    cast(units.customer_experience_ratio as double) as customer_experience_ratio,
    cast(units.domains_used as {{ dbt.type_string() }}) as domains_used,
    cast(units.composite as double) as composite,
    cast(units.stars as int) as stars,
    cast(units.rating_status as {{ dbt.type_string() }}) as rating_status,
    cast(units.not_rated_reason as {{ dbt.type_string() }}) as not_rated_reason,
    cast(units.rank as int) as rank,
    cast(units.compared_with_national as {{ dbt.type_string() }}) as compared_with_national,
    cast(units.previous_stars as int) as previous_stars,
    cast(units.published_stars as int) as published_stars,
    -- not published: the release the row belongs to, and what disclosure control reads
    cast(units.release_period as {{ dbt.type_string() }}) as release_period,
    cast(units.index_people as bigint) as index_people,
    cast(units.index_outcomes as bigint) as index_outcomes,
    cast(units.index_expected as double) as index_expected,
    cast(published.published_rating_status as {{ dbt.type_string() }}) as published_rating_status
from units
left join providers
    on units.prime_ukprn = providers.ukprn
left join published
    on
        units.unit_type = published.rated_unit_type
        and units.unit_id = published.rated_unit_id
        and units.rating_quarter = published.rating_quarter
