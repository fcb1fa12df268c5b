-- Verification steps 6 and 7, PENDING for evidence that cannot have arrived
-- yet, then NO_EVIDENCE: the person needs an employment spell starting within
-- the matching allowance (28 days) before or after the job start, inclusive,
-- and on or after the referral. Without one, the claim is PENDING while that
-- allowance still runs past the extract date (job start + 28 days after the
-- extract date: a spell starting after the extract cannot be in it yet), and
-- NO_EVIDENCE once the allowance has ended on or before it. The earliest
-- matching spell start is kept: it is when a job outcome's evidence completed.

-- Linted as Spark SQL (sqlfluff's DuckDB dialect cannot parse `* except (...)`, the
-- spelling both engines read; docs/scale.md):
-- sqlfluff:dialect:sparksql
with

claims as (
    select * from {{ ref('int_outcome_claims__duplicate_checks') }}
),

spells as (
    select person_key, spell_start from {{ ref('stg_lake__employment_spells') }}
),

parameters as (
    select evidence_match_days from {{ ref('int_measure_parameters') }}
),

extract_date as (
    select extract_date from {{ ref('int_employment__extract') }}
),

matching_spells as (
    select
        claims.ukprn,
        claims.claim_id,
        min(spells.spell_start) as evidence_spell_start
    from claims
    cross join parameters
    inner join spells
        on claims.person_key = spells.person_key
        and spells.spell_start >= {{ add_days('-1 * parameters.evidence_match_days', 'claims.job_start_date') }}
        and spells.spell_start <= {{ add_days('parameters.evidence_match_days', 'claims.job_start_date') }}
        and claims.referral_date <= spells.spell_start
    where claims.verification_status is null
    group by claims.ukprn, claims.claim_id
),

checked as (
    select
        claims.* except (verification_status),
        matching_spells.evidence_spell_start,
        case
            when claims.verification_status is not null then claims.verification_status
            when matching_spells.evidence_spell_start is not null then null
            when {{ add_days('parameters.evidence_match_days', 'claims.job_start_date') }} > extract_date.extract_date
                then 'PENDING'
            else 'NO_EVIDENCE'
        end as verification_status
    from claims
    cross join parameters
    cross join extract_date
    left join matching_spells
        on claims.ukprn = matching_spells.ukprn
        and claims.claim_id = matching_spells.claim_id
)

select * from checked
