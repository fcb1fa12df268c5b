-- Composite score and rating status of every rated unit and quarter (spec
-- §4): the weighted mean of the available domains, weights renormalised over
-- them. The outcomes domain is mandatory: no mature cohort, too few referrals
-- in the window, or no national benchmark means NOT_RATED with the reason.
with

domains as (
    select * from {{ ref('int_star_ratings__domains') }}
),

weights as (
    select
        max(case when domain = 'outcomes' then weight end) as outcomes_weight,
        max(case when domain = 'value_for_money' then weight end) as value_for_money_weight,
        max(case when domain = 'quality' then weight end) as quality_weight,
        max(case when domain = 'customer_experience' then weight end) as customer_experience_weight
    from {{ ref('star_domain_weights') }}
),

parameters as (
    select min_referrals_rated from {{ ref('int_measure_parameters') }}
),

statused as (
    select
        domains.*,
        case
            when domains.referrals_in_window = 0 then 'no mature referral cohort in the rating window'
            when domains.referrals_in_window < parameters.min_referrals_rated
                then concat('fewer than ', cast(parameters.min_referrals_rated as {{ dbt.type_string() }}), ' referrals in the rating window')
            when domains.outcomes_ratio is null then 'no national benchmark for the rating window'
        end as not_rated_reason
    from domains
    cross join parameters
),

weighted as (
    select
        statused.*,
        weights.outcomes_weight * statused.outcomes_ratio
            + coalesce(weights.value_for_money_weight * statused.value_for_money_ratio, 0)
            + coalesce(weights.quality_weight * statused.quality_ratio, 0)
            + coalesce(weights.customer_experience_weight * statused.customer_experience_ratio, 0)
            as weighted_sum,
        weights.outcomes_weight
            + case when statused.value_for_money_ratio is not null then weights.value_for_money_weight else 0 end
            + case when statused.quality_ratio is not null then weights.quality_weight else 0 end
            + case when statused.customer_experience_ratio is not null then weights.customer_experience_weight else 0 end
            as available_weight
    from statused
    cross join weights
)

select
    rated_unit_type,
    rated_unit_id,
    prime_ukprn,
    rating_quarter_index,
    rating_quarter,
    referrals_in_window,
    actual_outcomes,
    expected_outcomes,
    survey_responses,
    outcomes_ratio,
    value_for_money_ratio,
    quality_ratio,
    customer_experience_ratio,
    cast(case when not_rated_reason is null then weighted_sum / nullif(available_weight, 0) end as double)
        as composite,
    case when not_rated_reason is null then 'RATED' else 'NOT_RATED' end as rating_status,
    not_rated_reason
from weighted
