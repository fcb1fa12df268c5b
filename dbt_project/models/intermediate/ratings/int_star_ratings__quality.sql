-- The quality domain of every rated unit and rating quarter. A contract takes
-- the latest inspection of its prime by the inspectorate of the contract's
-- own nation (contract -> contract package area -> nation -> the
-- nation_inspectorates seed) within inspection_lookback_years before the
-- quarter's end, scored by the inspection_grade_scores seed (Good = 1.00).
-- An inspection by another nation's inspectorate says nothing about delivery
-- here and is ignored. A prime's quality ratio is the mean of its contracts'
-- quality ratios weighted by their referrals in the window (contracts without
-- a ratio, or without referrals, carry no weight); null when no contract
-- carries weight. Rounded to 6 places.
with

units as (
    select rated_unit_type, rated_unit_id, prime_ukprn, rating_quarter_index, as_of_date, referrals_in_window
    from {{ ref('int_star_ratings__units') }}
),

contracts as (
    select contract_id, cpa_id from {{ ref('stg_lake__contracts') }}
),

areas as (
    select cpa_id, nation from {{ ref('stg_lake__contract_package_areas') }}
),

nation_inspectorates as (
    select nation, inspectorate from {{ ref('nation_inspectorates') }}
),

inspections as (
    select ukprn, inspectorate, inspection_date, grade from {{ ref('stg_lake__inspections') }}
),

grade_scores as (
    select grade, score from {{ ref('inspection_grade_scores') }}
),

parameters as (
    select inspection_lookback_years from {{ ref('int_measure_parameters') }}
),

contract_units as (
    select
        units.rated_unit_id as contract_id,
        units.prime_ukprn,
        units.rating_quarter_index,
        units.as_of_date,
        units.referrals_in_window,
        nation_inspectorates.inspectorate
    from units
    left join contracts
        on units.rated_unit_id = contracts.contract_id
    left join areas
        on contracts.cpa_id = areas.cpa_id
    left join nation_inspectorates
        on areas.nation = nation_inspectorates.nation
    where units.rated_unit_type = 'CONTRACT'
),

latest_inspections as (
    select
        contract_units.contract_id,
        contract_units.rating_quarter_index,
        inspections.inspection_date,
        inspections.grade
    from contract_units
    cross join parameters
    inner join inspections
        on contract_units.prime_ukprn = inspections.ukprn
        and contract_units.inspectorate = inspections.inspectorate
        and inspections.inspection_date
            between {{ add_months('-12 * parameters.inspection_lookback_years', 'contract_units.as_of_date') }}
            and contract_units.as_of_date
    qualify row_number() over (
        partition by contract_units.contract_id, contract_units.rating_quarter_index
        order by inspections.inspection_date desc, inspections.grade desc
    ) = 1
),

contract_quality as (
    select
        contract_units.contract_id,
        contract_units.prime_ukprn,
        contract_units.rating_quarter_index,
        contract_units.referrals_in_window,
        contract_units.inspectorate,
        latest_inspections.inspection_date,
        latest_inspections.grade,
        cast(grade_scores.score as double) as quality_ratio
    from contract_units
    left join latest_inspections
        on contract_units.contract_id = latest_inspections.contract_id
        and contract_units.rating_quarter_index = latest_inspections.rating_quarter_index
    left join grade_scores
        on latest_inspections.grade = grade_scores.grade
),

prime_quality as (
    select
        prime_ukprn,
        rating_quarter_index,
        sum(case when quality_ratio is not null then quality_ratio * referrals_in_window else 0 end)
            / nullif(sum(case when quality_ratio is not null then referrals_in_window else 0 end), 0)
            as quality_ratio
    from contract_quality
    group by prime_ukprn, rating_quarter_index
)

select
    units.rated_unit_type,
    units.rated_unit_id,
    units.rating_quarter_index,
    contract_quality.inspectorate,
    contract_quality.inspection_date,
    contract_quality.grade,
    cast(
        round(
            case
                when units.rated_unit_type = 'CONTRACT' then contract_quality.quality_ratio
                else prime_quality.quality_ratio
            end,
            6
        ) as double
    ) as quality_ratio
from units
left join contract_quality
    on units.rated_unit_type = 'CONTRACT'
    and units.rated_unit_id = contract_quality.contract_id
    and units.rating_quarter_index = contract_quality.rating_quarter_index
left join prime_quality
    on units.rated_unit_type = 'PRIME'
    and units.rated_unit_id = prime_quality.prime_ukprn
    and units.rating_quarter_index = prime_quality.rating_quarter_index
