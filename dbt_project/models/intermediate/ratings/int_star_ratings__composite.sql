-- Composite score, rating status and reason, and the uncertainty of the
-- outcomes ratio for every rated unit and quarter.
--
-- The outcomes domain is mandatory. A unit is NOT_RATED, with the first
-- reason that applies as a code: NO_MATURE_COHORT (none of the window's
-- cohort quarters holds a referral of the unit), FEW_REFERRALS (fewer than
-- min_referrals_rated referrals in the window), FEW_EXPECTED_OUTCOMES (fewer
-- than min_expected_outcomes expected outcomes: below that one outcome more
-- or less moves the ratio by a tenth or more). Otherwise the composite is the
-- weighted mean of the available domains, weights renormalised over them,
-- rounded to 6 places; domains_used lists them in the order outcomes,
-- value_for_money, quality, customer_experience.
--
-- outcomes_lower and outcomes_upper are the 95% interval of the outcomes
-- ratio by Byar's approximation on the actual count (macros/outcome_intervals),
-- and compared_with_national says whether the interval lies above 1.00,
-- below it, or spans it.
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
    select min_referrals_rated, min_expected_outcomes from {{ ref('int_measure_parameters') }}
),

statused as (
    select
        domains.*,
        case
            when domains.cohorts_in_window = 0 or domains.referrals_in_window = 0 then 'NO_MATURE_COHORT'
            when domains.referrals_in_window < parameters.min_referrals_rated then 'FEW_REFERRALS'
            -- no expected outcome at all leaves no outcomes ratio, whatever the threshold
            when domains.outcomes_ratio is null
                or round(domains.expected_outcomes, 6) < parameters.min_expected_outcomes
                then 'FEW_EXPECTED_OUTCOMES'
        end as not_rated_reason,
        {{ byar_lower('domains.actual_outcomes', 'domains.expected_outcomes') }} as outcomes_lower,
        {{ byar_upper('domains.actual_outcomes', 'domains.expected_outcomes') }} as outcomes_upper
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
    cohorts_in_window,
    actual_outcomes,
    expected_outcomes,
    survey_responses,
    outcomes_ratio,
    value_for_money_ratio,
    quality_ratio,
    customer_experience_ratio,
    cast(outcomes_lower as double) as outcomes_lower,
    cast(outcomes_upper as double) as outcomes_upper,
    {{ compared_with_national('outcomes_lower', 'outcomes_upper') }} as compared_with_national,
    cast(
        case when not_rated_reason is null then round(weighted_sum / nullif(available_weight, 0), 6) end
        as double
    ) as composite,
    case
        when not_rated_reason is null then concat_ws(
            ',',
            'outcomes',
            case when value_for_money_ratio is not null then 'value_for_money' end,
            case when quality_ratio is not null then 'quality' end,
            case when customer_experience_ratio is not null then 'customer_experience' end
        )
    end as domains_used,
    case when not_rated_reason is null then 'RATED' else 'NOT_RATED' end as rating_status,
    not_rated_reason
from weighted
