{#
    Cohort performance per contract x referral quarter, and by any
    further text columns given in `by`. One definition for
    fct_cohort_performance and its by-customer-group twin, so the two cannot
    drift apart.
#}
{% macro cohort_performance(by=[]) -%}
with

participants as (
    select * from {{ ref('int_participants__outcomes') }}
),

quarters as (
    select quarter_index, quarter_end from {{ ref('int_quarters') }}
),

extract_date as (
    select extract_date from {{ ref('int_employment__extract') }}
),

parameters as (
    select cohort_maturity_months from {{ ref('int_measure_parameters') }}
),

providers as (
    select ukprn, provider_name from {{ ref('stg_lake__providers') }}
),

cohorts as (
    select
        contract_id,
        prime_ukprn,
        programme,
        referral_quarter,
        referral_quarter_index,
        {%- for column in by %}
        {{ column }},
        {%- endfor %}
        count(*) as referrals,
        sum(case when start_date is not null then 1 else 0 end) as starts,
        sum(case when is_job_outcome_counted then 1 else 0 end) as job_outcomes,
        sum(case when is_sustained_outcome_counted then 1 else 0 end) as sustained_26w_outcomes
    from participants
    group by contract_id, prime_ukprn, programme, referral_quarter, referral_quarter_index
        {%- for column in by %}, {{ column }}{% endfor %}
)

select
    cast(cohorts.contract_id as {{ dbt.type_string() }}) as contract_id,
    cast(cohorts.prime_ukprn as {{ dbt.type_string() }}) as prime_ukprn,
    cast(providers.provider_name as {{ dbt.type_string() }}) as prime_name,
    cast(cohorts.programme as {{ dbt.type_string() }}) as programme,
    cast(cohorts.referral_quarter as {{ dbt.type_string() }}) as referral_quarter,
    {%- for column in by %}
    cast(cohorts.{{ column }} as {{ dbt.type_string() }}) as {{ column }},
    {%- endfor %}
    cast(cohorts.referrals as bigint) as referrals,
    cast(cohorts.starts as bigint) as starts,
    cast(cohorts.job_outcomes as bigint) as job_outcomes,
    cast(cohorts.sustained_26w_outcomes as bigint) as sustained_26w_outcomes,
    cast(cohorts.starts / nullif(cast(cohorts.referrals as double), 0) as double) as start_rate,
    cast(cohorts.job_outcomes / nullif(cast(cohorts.referrals as double), 0) as double) as job_outcome_rate,
    cast(cohorts.sustained_26w_outcomes / nullif(cast(cohorts.referrals as double), 0) as double)
        as sustained_outcome_rate,
    {{ add_months('parameters.cohort_maturity_months', 'quarters.quarter_end') }} <= extract_date.extract_date
        as is_mature
from cohorts
cross join extract_date
cross join parameters
inner join quarters
    on cohorts.referral_quarter_index = quarters.quarter_index
left join providers
    on cohorts.prime_ukprn = providers.ukprn
{%- endmacro %}
