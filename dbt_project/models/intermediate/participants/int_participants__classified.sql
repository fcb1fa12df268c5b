-- Each current participant with the attributes every measure groups by: the
-- contract's programme, prime and area, the age band, the labour-market band
-- of the referral quarter, and the start fee the participant earns.
with

participants as (
    select * from {{ ref('stg_lake__participants') }}
),

contracts as (
    select contract_id, programme, prime_ukprn, cpa_id from {{ ref('stg_lake__contracts') }}
),

areas as (
    select cpa_id, nation from {{ ref('stg_lake__contract_package_areas') }}
),

age_bands as (
    select age_band, min_age, max_age from {{ ref('age_bands') }}
),

labour_market_bands as (
    select la_code, quarter_index, labour_market_band from {{ ref('int_labour_market__bands') }}
),

start_fees as (
    select programme, customer_group, amount_gbp
    from {{ ref('stg_lake__payment_rates') }}
    where fee_type = 'START'
),

dated as (
    select
        participants.*,
        {{ quarter_label('participants.referral_date') }} as referral_quarter,
        {{ quarter_index('participants.referral_date') }} as referral_quarter_index,
        {{ quarter_label('participants.start_date') }} as start_quarter
    from participants
),

classified as (
    select
        dated.ukprn,
        dated.participant_ref,
        dated.person_key,
        dated.contract_id,
        contracts.programme,
        contracts.prime_ukprn,
        contracts.cpa_id,
        areas.nation,
        dated.delivery_ukprn,
        dated.customer_group,
        dated.age_at_referral,
        coalesce(age_bands.age_band, 'UNKNOWN') as age_band,
        dated.sex,
        dated.ethnicity,
        dated.disability,
        dated.impairment_group,
        dated.la_code,
        coalesce(labour_market_bands.labour_market_band, 'UNKNOWN') as labour_market_band,
        dated.referral_date,
        dated.referral_quarter,
        dated.referral_quarter_index,
        dated.start_date,
        dated.start_quarter,
        dated.leave_date,
        dated.leave_reason,
        -- a start fee is payable once per participant with a start
        case when dated.start_date is not null then start_fees.amount_gbp end as start_fee_gbp
    from dated
    left join contracts
        on dated.contract_id = contracts.contract_id
    left join areas
        on contracts.cpa_id = areas.cpa_id
    left join age_bands
        on dated.age_at_referral >= age_bands.min_age
        and (age_bands.max_age is null or dated.age_at_referral <= age_bands.max_age)
    left join labour_market_bands
        on dated.la_code = labour_market_bands.la_code
        and dated.referral_quarter_index = labour_market_bands.quarter_index
    left join start_fees
        on contracts.programme = start_fees.programme
        and dated.customer_group = start_fees.customer_group
)

select * from classified
