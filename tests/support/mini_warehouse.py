"""A hand-made analysts' copy of the warehouse: the release's models over a few marts, with known figures.

Small enough to read in one sitting and built in well under a second, so that
workflow tests (versions, revisions, approvals, crashes) do not wait for a dbt
build. The release reads the ``publication.pub_*`` models and the seeds; here
those models are views over hand-made marts (named and typed like the real
ones), written in plain DuckDB SQL to the same rules as the dbt models in
``dbt_project/models/publication`` (which contracts a release covers, window
totals, national totals), so that changing a mart (:func:`add_one_sustained_outcome`)
changes what the release reads. The seeds are the real seed files of
``dbt_project/seeds``. Person-level columns (``participant_ref``,
``person_key``, dates) are present in the marts on purpose: the release must
not leak them.

The world, period 2026Q2 (rating windows: 2026Q1 = cohort 2024Q3; 2026Q2 =
cohorts 2024Q3 and 2024Q4):

- ``FND00001`` England, prime ``10000001`` whose registered name starts with
  ``=`` (a formula); ``ESF00002`` Wales and ``WPG00003`` Scotland, prime
  ``10000002``; ``FND00004`` terminated early (planned end ahead: covered);
  ``FND00005`` ended in 2023 (not covered).
- every contract has a small ``LONE_PARENT`` group (4 referrals a cohort), whose
  rates must be ``[c]``;
- ``FND00001``'s 2024Q4 ``JSA_25_PLUS`` cohort has 12 sustained outcomes:
  :func:`add_one_sustained_outcome` makes it 13, which moves the rounded count
  from 10 to 15 (the "one claim changed" of the revisions test).

Not for: testing measures or the dbt models (the small world's release does, on a real
build); the numbers are chosen, not computed by the rules.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from core.periods import Period

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
PERIOD = "2026Q2"
FORMULA_NAME = '=HYPERLINK("http://evil.example","Bridge Jobs")'

PROVIDERS = [
    ("10000001", FORMULA_NAME, "PRIVATE"),
    ("10000002", "Harbour Skills Foundation", "THIRD_SECTOR"),
    ("10000003", "Old Partner Ltd", "PRIVATE"),
]
AREAS = [
    ("CPA01", "North East", "ENGLAND", "North East", False),
    ("CPA17", "North and Mid Wales", "WALES", "North and Mid Wales", True),
    ("CPA15", "West of Scotland", "SCOTLAND", "West of Scotland", False),
]
CONTRACTS = [
    # contract_id, programme, prime, cpa, start, end, value, status
    ("FND00001", "FND", "10000001", "CPA01", "2023-04-01", "2028-03-31", 2_000_000.0, "LIVE"),
    ("ESF00002", "ESF", "10000002", "CPA17", "2023-04-01", "2028-03-31", 1_500_000.0, "LIVE"),
    ("WPG00003", "WPG", "10000002", "CPA15", "2023-07-01", "2028-06-30", 1_200_000.0, "LIVE"),
    ("FND00004", "FND", "10000001", "CPA01", "2023-04-01", "2027-03-31", 900_000.0, "TERMINATED"),
    ("FND00005", "FND", "10000003", "CPA17", "2019-04-01", "2023-03-31", 800_000.0, "ENDED"),
]
COHORTS = ("2024Q3", "2024Q4")
WINDOWS = [("2026Q1", "2024Q3"), ("2026Q2", "2024Q3"), ("2026Q2", "2024Q4")]
# customer group: (referrals, starts, job outcomes, sustained outcomes) per contract cohort, scaled below
GROUPS = {
    "JSA_25_PLUS": (60, 55, 20, 12),
    "ESA_WRAG": (30, 27, 6, 3),
    "LONE_PARENT": (4, 4, 2, 1),
}
SCALE = {"FND00001": 1.0, "ESF00002": 0.7, "WPG00003": 0.5, "FND00004": 0.4, "FND00005": 0.3}


def _scaled(contract: str, values: tuple[int, ...], group: str) -> tuple[int, ...]:
    if group == "LONE_PARENT" or contract == "FND00001":
        return values  # the small group stays small; FND00001 keeps the numbers of the docstring
    return tuple(max(0, round(v * SCALE[contract])) for v in values)


def build(path: Path) -> Path:
    """Write the mini warehouse to ``path`` (a DuckDB file) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    with duckdb.connect(str(path)) as con:
        for schema in ("staging", "intermediate", "marts", "seeds", "publication"):
            con.execute(f"create schema {schema}")
        for seed in [*SEEDS.glob("*.csv"), *SEEDS.glob("generated/*.csv")]:
            con.execute(
                f"create table seeds.{seed.stem} as select * from read_csv_auto('{seed}', header=true)"
            )

        con.execute(
            "create table staging.stg_lake__providers (ukprn varchar, provider_name varchar, sector varchar)"
        )
        con.executemany("insert into staging.stg_lake__providers values (?, ?, ?)", PROVIDERS)
        con.execute(
            "create table staging.stg_lake__contract_package_areas (cpa_id varchar, cpa_name varchar, "
            "nation varchar, region varchar, is_rural boolean)"
        )
        con.executemany("insert into staging.stg_lake__contract_package_areas values (?, ?, ?, ?, ?)", AREAS)
        con.execute(
            "create table staging.stg_lake__contracts (contract_id varchar, programme varchar, "
            "prime_ukprn varchar, cpa_id varchar, start_date date, end_date date, "
            "contract_value_gbp double, status varchar)"
        )
        con.executemany("insert into staging.stg_lake__contracts values (?, ?, ?, ?, ?, ?, ?, ?)", CONTRACTS)
        con.execute(
            "create table intermediate.int_rating_windows (rating_quarter varchar, cohort_quarter varchar)"
        )
        con.executemany("insert into intermediate.int_rating_windows values (?, ?)", WINDOWS)

        con.execute("""create table marts.fct_cohort_performance_by_customer_group (
            contract_id varchar, prime_ukprn varchar, programme varchar, referral_quarter varchar,
            customer_group varchar, referrals bigint, starts bigint, job_outcomes bigint,
            sustained_26w_outcomes bigint, is_mature boolean)""")
        rows = []
        for contract_id, programme, prime, *_ in CONTRACTS:
            for cohort in COHORTS:
                for group, values in GROUPS.items():
                    r, s, j, su = _scaled(contract_id, values, group)
                    rows.append((contract_id, prime, programme, cohort, group, r, s, j, su, True))
        con.executemany(
            "insert into marts.fct_cohort_performance_by_customer_group values "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        con.execute("""create table marts.fct_cohort_performance as
            select contract_id, prime_ukprn, programme, referral_quarter, sum(referrals)::bigint as referrals,
                sum(starts)::bigint as starts, sum(job_outcomes)::bigint as job_outcomes,
                sum(sustained_26w_outcomes)::bigint as sustained_26w_outcomes,
                bool_and(is_mature) as is_mature
            from marts.fct_cohort_performance_by_customer_group
            group by all""")

        con.execute("""create table marts.fct_expected_outcomes as
            with windows as (select * from intermediate.int_rating_windows),
            totals as (
                select c.contract_id, c.prime_ukprn, w.rating_quarter,
                    sum(c.referrals)::bigint as participants,
                    sum(c.sustained_26w_outcomes)::bigint as actual_outcomes
                from marts.fct_cohort_performance c join windows w on c.referral_quarter = w.cohort_quarter
                group by all)
            select contract_id, prime_ukprn, rating_quarter, participants, actual_outcomes,
                participants * 0.15 as expected_outcomes,
                actual_outcomes / (participants * 0.15) as like_for_like_index
            from totals""")

        con.execute("""create table marts.mart_star_ratings as
            select contract_id, prime_ukprn, rating_quarter, participants as referrals_in_window,
                like_for_like_index as outcomes_ratio, 1.05 as value_for_money_ratio,
                case when prime_ukprn = '10000001' then 1.25 end as quality_ratio,
                cast(null as double) as customer_experience_ratio,
                case when participants >= 50 then like_for_like_index * 0.9 + 0.1 end as composite,
                case when participants >= 50 then 3 end::integer as stars,
                case when participants >= 50 then 'RATED' else 'NOT_RATED' end as rating_status,
                case when participants < 50 then 'FEW_REFERRALS' end as not_rated_reason,
                case when participants >= 50 then
                    rank() over (partition by rating_quarter,
                        participants >= 50 order by like_for_like_index desc)
                end::integer as rank,
                case when rating_quarter = '2026Q2' then 3 end::integer as previous_stars,
                1::integer as cohorts_in_window, expected_outcomes, actual_outcomes,
                case when participants >= 50 then 'outcomes,value_for_money,quality' end as domains_used,
                cast(null as integer) as published_stars, cast(null as varchar) as published_release,
                case when participants >= 50 then
                    case when like_for_like_index > 1.2 then 'ABOVE'
                        when like_for_like_index < 0.8 then 'BELOW'
                    else 'NOT_DIFFERENT' end end as compared_with_national
            from marts.fct_expected_outcomes""")
        con.execute("""create table marts.mart_prime_star_ratings as
            select prime_ukprn, rating_quarter, sum(referrals_in_window)::bigint as referrals_in_window,
                avg(outcomes_ratio) as outcomes_ratio, 1.02 as value_for_money_ratio,
                max(quality_ratio) as quality_ratio, cast(null as double) as customer_experience_ratio,
                avg(outcomes_ratio) as composite, 3::integer as stars, 'RATED' as rating_status,
                cast(null as varchar) as not_rated_reason,
                rank() over (partition by rating_quarter order by avg(outcomes_ratio) desc)::integer as rank,
                cast(null as integer) as previous_stars, max(cohorts_in_window)::integer as cohorts_in_window,
                'outcomes,value_for_money,quality' as domains_used, cast(null as integer) as published_stars,
                'NOT_DIFFERENT' as compared_with_national
            from marts.mart_star_ratings group by prime_ukprn, rating_quarter""")

        con.execute("""create table marts.mart_parking_indicators as
            with groups as (
                select c.contract_id, w.rating_quarter, 'customer_group' as group_dimension,
                    c.customer_group as group_value, sum(c.referrals)::bigint as participants,
                    sum(c.sustained_26w_outcomes)::bigint as actual_outcomes
                from marts.fct_cohort_performance_by_customer_group c
                join intermediate.int_rating_windows w on c.referral_quarter = w.cohort_quarter
                group by all
                -- the other characteristics are not recorded in this world: everyone is "not stated"
                union all
                select c.contract_id, w.rating_quarter, d.dimension, d.value, sum(c.referrals)::bigint,
                    sum(c.sustained_26w_outcomes)::bigint
                from marts.fct_cohort_performance_by_customer_group c
                join intermediate.int_rating_windows w on c.referral_quarter = w.cohort_quarter
                cross join (values ('impairment_group', 'NONE'), ('age_band', 'UNKNOWN'), ('sex', 'U'),
                    ('ethnicity', 'NOT_STATED')) d(dimension, value)
                group by all)
            select contract_id, rating_quarter, group_dimension, group_value, participants, actual_outcomes,
                participants * 0.15 as expected_outcomes,
                actual_outcomes / (participants * 0.15) as group_index,
                1.0 as contract_index, actual_outcomes / (participants * 0.15) - 1.0 as index_gap,
                false as parking_risk
            from groups""")

        con.execute("""create table marts.fct_participants (ukprn varchar, participant_ref varchar,
            person_key varchar, contract_id varchar, nation varchar, customer_group varchar,
            referral_date date, start_date date, start_fee_gbp double)""")
        con.execute("""create table marts.fct_outcome_claims (ukprn varchar, claim_id varchar,
            contract_id varchar, participant_ref varchar, person_key varchar, customer_group varchar,
            outcome_type varchar,
            verification_status varchar, verified_on date, payable_fee_gbp double, payment_due_on date)""")
        participants, claims = [], []
        for n, (contract_id, _programme, prime, *_rest) in enumerate(CONTRACTS):
            for i in range(6):
                start = dt.date(2026, 4, 1) + dt.timedelta(days=10 * i + n)
                group = ("JSA_25_PLUS", "ESA_WRAG", "JSA_25_PLUS")[i % 3]
                participants.append(
                    (
                        prime,
                        f"P{n}{i:03d}",
                        f"key{n}{i}",
                        contract_id,
                        None,
                        group,
                        start - dt.timedelta(days=20),
                        start,
                        300.0,
                    )
                )
                claims.append(
                    (
                        prime,
                        f"C{n}{i:03d}",
                        contract_id,
                        f"P{n}{i:03d}",
                        f"key{n}{i}",
                        group,
                        "JOB_OUTCOME",
                        "VERIFIED",
                        start,
                        1000.0,
                        start + dt.timedelta(days=5),
                    )
                )
        con.executemany("insert into marts.fct_participants values (?, ?, ?, ?, ?, ?, ?, ?, ?)", participants)
        con.executemany(
            "insert into marts.fct_outcome_claims values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", claims
        )
        con.execute("""create table marts.mart_contract_review as
            with fees as (
                select contract_id, start_fee_gbp as fee from marts.fct_participants
                where start_date between '2026-04-01' and '2026-06-30'
                union all
                select contract_id, payable_fee_gbp from marts.fct_outcome_claims
                where verification_status = 'VERIFIED'
                    and payment_due_on between '2026-04-01' and '2026-06-30')
            select contract_id, '2026Q2' as period, sum(fee) as payments_due_gbp
            from fees group by contract_id""")
        con.execute("create table marts.dim_code_labels as select * from seeds.code_labels")
        con.execute("""create table marts.mart_build_info as
            select date '2026-10-01' as extract_date,
                timestamp '2026-09-30 12:00:00' as latest_submission_received_at,
                '2026Q2' as last_complete_quarter""")
        # nothing published yet: the ratings in force as their own quarter's release published them
        con.execute("""create table intermediate.int_published_ratings__in_force (rated_unit_type varchar,
            rated_unit_id varchar, rating_quarter varchar, published_stars integer,
            published_rating_status varchar, published_composite double, published_release varchar)""")
        _publication_models(con)
    return path


def _publication_models(con) -> None:
    """The pub_* models as views over the marts above, for every rating quarter (release period)."""
    quarters = [Period.parse(q) for q in sorted({rating for rating, _ in WINDOWS})]
    con.execute(
        "create table intermediate.release_quarters (period varchar, quarter_start date, quarter_end date)"
    )
    con.executemany(
        "insert into intermediate.release_quarters values (?, ?, ?)",
        [(q.code, q.start, q.end) for q in quarters],
    )
    con.execute("""create view intermediate.int_release__coverage as
        select q.period as release_period, q.quarter_start as release_period_start,
            q.quarter_end as release_period_end, c.contract_id
        from intermediate.release_quarters q
        cross join seeds.release_coverage s
        join staging.stg_lake__contracts c
            on c.start_date <= q.quarter_end
            and (c.end_date is null or c.end_date >= q.quarter_start - to_months(s.recently_ended_months))""")
    con.execute("""create view publication.pub_contract_performance as
        with window_totals as (
            select w.rating_quarter, f.contract_id, sum(f.referrals) as referrals, sum(f.starts) as starts,
                sum(f.job_outcomes) as job_outcomes, sum(f.sustained_26w_outcomes) as sustained_26w_outcomes
            from marts.fct_cohort_performance f
            join intermediate.int_rating_windows w on f.referral_quarter = w.cohort_quarter
            group by all)
        select cov.release_period as period, c.contract_id, c.programme, c.prime_ukprn,
            p.provider_name as prime_name, c.cpa_id, a.cpa_name, a.nation,
            case a.nation when 'ENGLAND' then 'E92000001' when 'SCOTLAND' then 'S92000003'
                when 'WALES' then 'W92000004' end as nation_gss_code,
            coalesce(t.referrals, 0)::bigint as referrals, coalesce(t.starts, 0)::bigint as starts,
            coalesce(t.job_outcomes, 0)::bigint as job_outcomes,
            coalesce(t.sustained_26w_outcomes, 0)::bigint as sustained_26w_outcomes,
            e.like_for_like_index, r.stars as star_rating, r.previous_stars as star_rating_previous,
            e.participants as index_people, e.actual_outcomes as index_outcomes,
            e.expected_outcomes as index_expected, r.rating_status,
            review.payments_due_gbp
        from intermediate.int_release__coverage cov
        join staging.stg_lake__contracts c on cov.contract_id = c.contract_id
        left join staging.stg_lake__providers p on c.prime_ukprn = p.ukprn
        left join staging.stg_lake__contract_package_areas a on c.cpa_id = a.cpa_id
        left join window_totals t on t.contract_id = c.contract_id and t.rating_quarter = cov.release_period
        left join marts.fct_expected_outcomes e
            on e.contract_id = c.contract_id and e.rating_quarter = cov.release_period
        left join marts.mart_star_ratings r on r.contract_id = c.contract_id
            and r.rating_quarter = cov.release_period
        left join marts.mart_contract_review review
            on review.contract_id = c.contract_id and review.period = cov.release_period""")
    con.execute("""create view publication.pub_performance_by_group as
        with cells as (
            select cov.release_period, cov.contract_id, l.list as group_dimension, l.code as group_value
            from intermediate.int_release__coverage cov
            cross join marts.dim_code_labels l
            where l.list in ('customer_group', 'impairment_group', 'age_band', 'sex', 'ethnicity'))
        select cells.release_period as period, cells.contract_id, cells.group_dimension, cells.group_value,
            coalesce(g.participants, 0)::bigint as referrals,
            coalesce(g.actual_outcomes, 0)::bigint as sustained_26w_outcomes,
            g.group_index as like_for_like_index, g.expected_outcomes as index_expected
        from cells
        left join marts.mart_parking_indicators g
            on g.contract_id = cells.contract_id and g.rating_quarter = cells.release_period
            and g.group_dimension = cells.group_dimension and g.group_value = cells.group_value""")
    con.execute("""create view publication.pub_star_ratings as
        with covered_primes as (
            select distinct cov.release_period, c.prime_ukprn
            from intermediate.int_release__coverage cov
            join staging.stg_lake__contracts c on cov.contract_id = c.contract_id),
        prime_outcomes as (
            select prime_ukprn, rating_quarter, sum(participants)::bigint as participants,
                sum(actual_outcomes)::bigint as actual_outcomes, sum(expected_outcomes) as expected_outcomes
            from marts.fct_expected_outcomes group by all),
        units as (
            select cov.release_period, r.rating_quarter, 'CONTRACT' as unit_type, r.contract_id as unit_id,
                r.prime_ukprn, r.referrals_in_window, r.outcomes_ratio, r.value_for_money_ratio,
                r.quality_ratio, r.customer_experience_ratio, r.composite, r.stars, r.rating_status,
                r.not_rated_reason, r.rank, r.previous_stars, r.cohorts_in_window, r.domains_used,
                r.compared_with_national, r.published_stars,
                e.participants as index_people, e.actual_outcomes as index_outcomes,
                e.expected_outcomes as index_expected
            from intermediate.int_release__coverage cov
            join marts.mart_star_ratings r
                on r.contract_id = cov.contract_id and r.rating_quarter <= cov.release_period
            left join marts.fct_expected_outcomes e
                on e.contract_id = r.contract_id and e.rating_quarter = r.rating_quarter
            union all
            select cp.release_period, r.rating_quarter, 'PRIME', r.prime_ukprn, r.prime_ukprn,
                r.referrals_in_window, r.outcomes_ratio, r.value_for_money_ratio, r.quality_ratio,
                r.customer_experience_ratio, r.composite, r.stars, r.rating_status,
                r.not_rated_reason, r.rank, r.previous_stars, r.cohorts_in_window, r.domains_used,
                r.compared_with_national, r.published_stars, o.participants, o.actual_outcomes,
                o.expected_outcomes
            from covered_primes cp
            join marts.mart_prime_star_ratings r
                on r.prime_ukprn = cp.prime_ukprn and r.rating_quarter <= cp.release_period
            left join prime_outcomes o on o.prime_ukprn = r.prime_ukprn
                and o.rating_quarter = r.rating_quarter)
        select u.rating_quarter as period, u.unit_type, u.unit_id, u.prime_ukprn,
            p.provider_name as prime_name, u.referrals_in_window, u.cohorts_in_window, u.outcomes_ratio,
            u.value_for_money_ratio, u.quality_ratio, u.customer_experience_ratio, u.domains_used,
            u.composite,
            u.stars, u.rating_status, u.not_rated_reason, u.rank, u.compared_with_national, u.previous_stars,
            u.published_stars, u.release_period, u.index_people, u.index_outcomes, u.index_expected,
            pr.published_rating_status
        from units u left join staging.stg_lake__providers p on u.prime_ukprn = p.ukprn
        left join intermediate.int_published_ratings__in_force pr on pr.rated_unit_type = u.unit_type
            and pr.rated_unit_id = u.unit_id and pr.rating_quarter = u.rating_quarter""")
    con.execute("""create view publication.pub_national_summary as
        with contract_nations as (
            select cov.*, a.nation
            from intermediate.int_release__coverage cov
            join staging.stg_lake__contracts c on cov.contract_id = c.contract_id
            left join staging.stg_lake__contract_package_areas a on c.cpa_id = a.cpa_id),
        figures as (
            select n.release_period, n.nation, g.customer_group, g.referrals, g.starts, g.job_outcomes,
                g.sustained_26w_outcomes, 0.0::double as fee_gbp, 0 as payment
            from marts.fct_cohort_performance_by_customer_group g
            join intermediate.int_rating_windows w on g.referral_quarter = w.cohort_quarter
            join contract_nations n on g.contract_id = n.contract_id and w.rating_quarter = n.release_period
            union all
            select n.release_period, n.nation, f.customer_group, 0, 0, 0, 0, f.start_fee_gbp, 1
            from marts.fct_participants f join contract_nations n on f.contract_id = n.contract_id
            where f.start_fee_gbp is not null
                and f.start_date between n.release_period_start and n.release_period_end
            union all
            select n.release_period, n.nation, f.customer_group, 0, 0, 0, 0, f.payable_fee_gbp, 1
            from marts.fct_outcome_claims f join contract_nations n on f.contract_id = n.contract_id
            where f.verification_status = 'VERIFIED' and f.payable_fee_gbp is not null
                and f.payment_due_on between n.release_period_start and n.release_period_end)
        select release_period as period,
            case when grouping(nation) = 1 then 'ALL' else nation end as nation,
            case when grouping(nation) = 1 then 'K02000001' when nation = 'ENGLAND' then 'E92000001'
                when nation = 'SCOTLAND' then 'S92000003' when nation = 'WALES' then 'W92000004'
                end as nation_gss_code,
            case when grouping(customer_group) = 1 then 'ALL' else customer_group end as customer_group,
            sum(referrals)::bigint as referrals, sum(starts)::bigint as starts,
            sum(job_outcomes)::bigint as job_outcomes,
            sum(sustained_26w_outcomes)::bigint as sustained_26w_outcomes,
            sum(fee_gbp) as payments_made_gbp, sum(payment)::bigint as payments
        from figures
        group by grouping sets ((release_period, nation, customer_group), (release_period, nation),
            (release_period, customer_group), (release_period))""")
    _cohort_and_label_models(con)


def _cohort_and_label_models(con) -> None:
    """pub_cohort_performance and pub_code_labels, as the dbt models shape them."""
    con.execute("""create view publication.pub_cohort_performance as
        with cells as (
            select distinct cov.release_period, cov.contract_id, g.referral_quarter, l.code as customer_group
            from intermediate.int_release__coverage cov
            join marts.fct_cohort_performance_by_customer_group g
                on g.contract_id = cov.contract_id and g.referral_quarter <= cov.release_period
            cross join marts.dim_code_labels l where l.list = 'customer_group'),
        contract_groups as (
            select cells.*, coalesce(g.referrals, 0) as referrals, coalesce(g.starts, 0) as starts,
                coalesce(g.job_outcomes, 0) as job_outcomes,
                coalesce(g.sustained_26w_outcomes, 0) as sustained_26w_outcomes
            from cells left join marts.fct_cohort_performance_by_customer_group g
                on g.contract_id = cells.contract_id and g.referral_quarter = cells.referral_quarter
                and g.customer_group = cells.customer_group),
        totals as (
            select release_period, referral_quarter,
                case when grouping(contract_id) = 1 then 'ALL' else contract_id end as contract_id,
                case when grouping(customer_group) = 1 then 'ALL' else customer_group end as customer_group,
                sum(referrals) as referrals, sum(starts) as starts, sum(job_outcomes) as job_outcomes,
                sum(sustained_26w_outcomes) as sustained_26w_outcomes
            from contract_groups
            group by grouping sets ((release_period, referral_quarter, contract_id, customer_group),
                (release_period, referral_quarter, contract_id),
                (release_period, referral_quarter, customer_group),
                (release_period, referral_quarter))),
        latest as (select rating_quarter, max(cohort_quarter) as latest from intermediate.int_rating_windows
            group by all)
        select t.release_period as period, t.referral_quarter, t.contract_id, t.customer_group,
            t.referrals::bigint as referrals, t.starts::bigint as starts,
            t.job_outcomes::bigint as job_outcomes,
            t.sustained_26w_outcomes::bigint as sustained_26w_outcomes,
            case when t.referral_quarter <= l.latest then 'FINAL' else 'PROVISIONAL' end as cohort_status,
            w.cohort_quarter is not null as in_rating_window
        from totals t left join latest l on t.release_period = l.rating_quarter
        left join intermediate.int_rating_windows w
            on t.release_period = w.rating_quarter and t.referral_quarter = w.cohort_quarter""")
    con.execute(
        "create view publication.pub_code_labels as select list, code, label from marts.dim_code_labels"
    )


def add_one_sustained_outcome(
    path: Path, contract_id: str = "FND00001", cohort: str = "2024Q4", group: str = "JSA_25_PLUS"
) -> None:
    """One more verified sustained outcome in one cohort group: what one claim turning VERIFIED changes
    in the cohort marts the release sums and in the parking groups of every rating window that holds the
    cohort, as a build would (the rating and benchmark marts are left alone)."""
    with duckdb.connect(str(path)) as con:
        for table in ("fct_cohort_performance_by_customer_group", "fct_cohort_performance"):
            extra = f"and customer_group = '{group}'" if table.endswith("customer_group") else ""
            con.execute(
                f"update marts.{table} set sustained_26w_outcomes = sustained_26w_outcomes + 1 "
                f"where contract_id = ? and referral_quarter = ? {extra}",
                [contract_id, cohort],
            )
        # the person is in one group of every characteristic: the group's and the "not stated" ones
        con.execute(
            "update marts.mart_parking_indicators set actual_outcomes = actual_outcomes + 1 "
            "where contract_id = ? and rating_quarter in "
            "(select rating_quarter from intermediate.int_rating_windows where cohort_quarter = ?) "
            "and ((group_dimension = 'customer_group' and group_value = ?) "
            "or group_dimension <> 'customer_group')",
            [contract_id, cohort, group],
        )


def true_parking_groups(path: Path, period: str = PERIOD) -> list[dict]:
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute("select * from marts.mart_parking_indicators where rating_quarter = ?", [period])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=False)) for r in cursor.fetchall()]
