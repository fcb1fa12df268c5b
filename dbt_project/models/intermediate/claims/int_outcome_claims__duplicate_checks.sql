-- Verification step 5, DUPLICATE: among the claims of one person on
-- one contract for one outcome type that are not withdrawn and passed steps
-- 1-4, only the first by claim_date then claim_id can be paid. What happens
-- to that first claim later (no evidence, say) does not matter: a provider who
-- claimed wrongly withdraws it and claims again.

-- Linted as Spark SQL (sqlfluff's DuckDB dialect cannot parse `* except (...)`, the
-- spelling both engines read; docs/scale.md):
-- sqlfluff:dialect:sparksql
with

claims as (
    select * from {{ ref('int_outcome_claims__participant_checks') }}
),

ordered as (
    select
        *,
        -- claims already decided form partitions of their own and are never counted
        row_number() over (
            partition by person_key, contract_id, outcome_type, verification_status is null
            order by claim_date, claim_id, ukprn
        ) as position_among_eligible
    from claims
),

checked as (
    select
        * except (verification_status, position_among_eligible),
        case
            when verification_status is not null then verification_status
            when position_among_eligible > 1 then 'DUPLICATE'
        end as verification_status
    from ordered
)

select * from checked
