"""The hand-built scenario gets exactly the results the measures' rules give.

Expected values come from warehouse_scenario.py, worked out by hand from the
rules as written, not from the SQL.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.warehouse_scenario import EXPECTED_STATUSES, EXPECTED_UNCLAIMED, HAND_PRIME

#: The fixed public columns first, in this order; columns added later come after them.
RATING_COLUMNS = [
    "referrals_in_window",
    "outcomes_ratio",
    "value_for_money_ratio",
    "quality_ratio",
    "customer_experience_ratio",
    "composite",
    "stars",
    "rating_status",
    "not_rated_reason",
    "rank",
    "previous_stars",
]
RATING_ADDED = [
    "cohorts_in_window",
    "expected_outcomes",
    "actual_outcomes",
    "domains_used",
    "published_stars",
    "published_release",
    "outcomes_lower",
    "outcomes_upper",
    "compared_with_national",
    "prime_name",
]
PUBLIC_COLUMNS = {
    "mart_star_ratings": ["contract_id", "prime_ukprn", "rating_quarter", *RATING_COLUMNS, *RATING_ADDED],
    "mart_prime_star_ratings": ["prime_ukprn", "rating_quarter", *RATING_COLUMNS, *RATING_ADDED],
    "mart_parking_indicators": [
        "contract_id",
        "rating_quarter",
        "group_dimension",
        "group_value",
        "participants",
        "actual_outcomes",
        "expected_outcomes",
        "group_index",
        "contract_index",
        "index_gap",
        "z_score",
        "parking_risk",
        "prime_ukprn",
        "prime_name",
    ],
}
#: The scenario's extract is 31 March 2026: 2025Q4 completes on 1 April 2026 (last day + 91 days).
LAST_COMPLETE_QUARTER = "2025Q3"
MARTS = [
    "fct_outcome_claims",
    "fct_unclaimed_outcomes",
    "fct_participants",
    "fct_cohort_performance",
    "fct_expected_outcomes",
    "mart_star_ratings",
    "mart_prime_star_ratings",
    "mart_contract_review",
    "mart_parking_indicators",
    "mart_supply_chain",
    "mart_market_share",
]


def rows(connection, sql: str, *params) -> list[tuple]:
    return connection.execute(sql, list(params)).fetchall()


def test_the_build_ran_every_model_test_and_unit_test_green(built_scenario):
    _, result = built_scenario
    counts = result.counts()
    assert result.ok and not result.failures
    assert counts["model"] >= 40 and counts["test"] >= 300 and counts["unit_test"] >= 10
    assert all(
        node.status in ("pass", "success") for node in result.nodes if node.resource_type == "unit_test"
    )


def test_every_hand_built_claim_gets_the_status_the_rules_give(analysts_db):
    statuses = dict(
        rows(
            analysts_db,
            "select claim_id, verification_status from marts.fct_outcome_claims where ukprn = ?",
            HAND_PRIME,
        )
    )
    assert statuses == EXPECTED_STATUSES


def test_every_status_of_the_spec_occurs_in_the_scenario():
    assert set(EXPECTED_STATUSES.values()) == {
        "WITHDRAWN",
        "UNKNOWN_PARTICIPANT",
        "CONTRACT_MISMATCH",
        "STARTED_BEFORE_REFERRAL",
        "DUPLICATE",
        "NO_EVIDENCE",
        "PENDING",
        "INSUFFICIENT_EMPLOYMENT",
        "VERIFIED",
    }


def test_overlapping_spells_count_a_day_once(analysts_db):
    days = dict(
        rows(
            analysts_db,
            "select claim_id, days_in_work from marts.fct_outcome_claims "
            "where claim_id in ('C-002', 'C-003', 'C-008', 'C-009')",
        )
    )
    # Bob's spells are 121 + 122 days long but cover 151 distinct days
    assert days == {"C-002": 210, "C-003": 151, "C-008": 173, "C-009": 203}


def test_verified_claims_carry_the_fee_and_the_day_the_evidence_completed(analysts_db):
    found = {
        claim: (verified_on, fee)
        for claim, verified_on, fee in rows(
            analysts_db,
            "select claim_id, verified_on, payable_fee_gbp from marts.fct_outcome_claims "
            "where ukprn = ? and verification_status = 'VERIFIED'",
            HAND_PRIME,
        )
    }
    assert found["C-001"] == (dt.date(2024, 3, 1), 1000.0)
    assert found["C-002"] == (dt.date(2024, 3, 1) + dt.timedelta(181), 2500.0)
    assert found["C-009"] == (dt.date(2026, 3, 10), 2500.0)
    assert found["C-014"] == (dt.date(2024, 3, 29), 1000.0)
    unpaid = rows(
        analysts_db,
        "select count(*) from marts.fct_outcome_claims "
        "where verification_status <> 'VERIFIED' and payable_fee_gbp is not null",
    )
    assert unpaid == [(0,)]


def test_unclaimed_outcomes_are_exactly_the_met_and_unclaimed_ones(analysts_db):
    found = {
        (contract, person, outcome): (ref, start, met, state)
        for contract, person, outcome, ref, start, met, state in rows(
            analysts_db,
            "select contract_id, person_key, outcome_type, participant_ref, evidence_job_start, "
            "requirement_met_on, claim_state from marts.fct_unclaimed_outcomes where prime_ukprn = ?",
            HAND_PRIME,
        )
    }
    assert found == EXPECTED_UNCLAIMED


def test_resubmissions_replace_earlier_files_and_ignored_files_never_count(analysts_db):
    claims = {claim for (claim,) in rows(analysts_db, "select claim_id from marts.fct_outcome_claims")}
    refs = {ref for (ref,) in rows(analysts_db, "select participant_ref from marts.fct_participants")}
    # C-098 was only in the first 2024Q2 file, which the resubmission replaced wholly
    assert "C-098" not in claims
    # a rejected file and a crash's debris folder have no current ledger row
    assert "P-REJ" not in refs and "P-666" not in refs and "C-666" not in claims
    bob = rows(
        analysts_db, "select customer_group from marts.fct_participants where participant_ref = 'P-002'"
    )
    assert bob == [("JSA_25_PLUS",)]
    # a later period's file carries only what changed: Alice's leaving
    alice = rows(
        analysts_db,
        "select leave_date, leave_reason, referral_date from marts.fct_participants "
        "where participant_ref = 'P-001'",
    )
    assert alice == [(dt.date(2024, 12, 31), "JOB", dt.date(2024, 1, 10))]
    # the superseded first load of contracts (value 1.0) is not the current one
    value = rows(
        analysts_db,
        "select live_contract_value_gbp from marts.mart_market_share where prime_ukprn = ?",
        HAND_PRIME,
    )
    assert value == [(40e6,)]


def test_participants_show_their_first_verified_outcomes(analysts_db):
    carol = rows(
        analysts_db,
        "select participant_ref, first_job_outcome_verified_on from marts.fct_participants "
        "where person_key = 'p03-carol' order by participant_ref",
    )
    # P-004's claim was the duplicate, so only P-003 has a verified job outcome
    assert carol == [("P-003", dt.date(2024, 2, 15)), ("P-004", None)]


def test_every_public_model_is_in_the_marts_schema(analysts_db):
    tables = {
        name
        for (name,) in rows(
            analysts_db, "select table_name from information_schema.tables where table_schema = 'marts'"
        )
    }
    assert set(MARTS) <= tables


@pytest.mark.parametrize("mart", sorted(PUBLIC_COLUMNS))
def test_public_marts_have_exactly_the_columns_of_the_spec(analysts_db, mart):
    columns = [
        name
        for (name,) in rows(
            analysts_db,
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = ? "
            "order by ordinal_position",
            mart,
        )
    ]
    assert columns == PUBLIC_COLUMNS[mart]


def test_the_strong_prime_rates_above_the_weak_one(analysts_db):
    stars = dict(
        rows(
            analysts_db,
            "select contract_id, stars from marts.mart_star_ratings "
            "where rating_quarter = ? and rating_status = 'RATED'",
            LAST_COMPLETE_QUARTER,
        )
    )
    assert stars["WPG00010"] > stars["WPG00011"]
    ranks = dict(
        rows(
            analysts_db,
            "select prime_ukprn, rank from marts.mart_prime_star_ratings "
            "where rating_quarter = ? and rating_status = 'RATED'",
            LAST_COMPLETE_QUARTER,
        )
    )
    assert ranks["10000010"] == 1
    # beside the rank, its uncertainty: the strong prime is above the national position beyond chance
    compared = dict(
        rows(
            analysts_db,
            "select contract_id, compared_with_national from marts.mart_star_ratings "
            "where rating_quarter = ?",
            LAST_COMPLETE_QUARTER,
        )
    )
    assert compared["WPG00010"] == "ABOVE" and compared["WPG00011"] == "BELOW"


def test_ratings_run_from_the_last_complete_quarter_back_as_far_as_the_data_allow(analysts_db):
    first, last = rows(
        analysts_db, "select min(rating_quarter), max(rating_quarter) from marts.mart_star_ratings"
    )[0]
    # the earliest cohort, 2022Q1, matures 18 months after 31 March 2022; the extract's
    # 2026Q1 and 2025Q4 are not complete (their claims may still come)
    assert (first, last) == ("2023Q3", LAST_COMPLETE_QUARTER)
    for mart in (
        "mart_prime_star_ratings",
        "fct_expected_outcomes",
        "mart_parking_indicators",
        "mart_long_term_no_outcome",
    ):
        assert rows(analysts_db, f"select max(rating_quarter) from marts.{mart}") == [
            (LAST_COMPLETE_QUARTER,)
        ], mart


def test_small_contracts_are_not_rated_with_a_reason_code(analysts_db):
    found = rows(
        analysts_db,
        "select rating_status, stars, not_rated_reason from marts.mart_star_ratings "
        "where contract_id = 'FND00001' and rating_quarter = ?",
        LAST_COMPLETE_QUARTER,
    )
    assert found == [("NOT_RATED", None, "FEW_REFERRALS")]
    # FND00002 had no referral in 2025Q2's window cohorts
    found = rows(
        analysts_db,
        "select cohorts_in_window, not_rated_reason from marts.mart_star_ratings "
        "where contract_id = 'FND00002' and rating_quarter = '2025Q2'",
    )
    assert found == [(0, "NO_MATURE_COHORT")]


def test_quality_comes_only_from_the_inspectorate_of_the_contracts_nation(analysts_db):
    quality = dict(
        rows(
            analysts_db,
            "select contract_id, quality_ratio from marts.mart_star_ratings where rating_quarter = ?",
            LAST_COMPLETE_QUARTER,
        )
    )
    # Alpha Employment was inspected by OFSTED only (grade 3): its English contract
    # scores 0.80, its Welsh one has no ESTYN inspection and so no quality ratio
    assert quality["FND00001"] == 0.8 and quality["FND00002"] is None
    # Weak Links' Welsh contract: ESTYN grade 4; Middle Way's Scottish inspection is over three years old
    assert quality["WPG00011"] == 0.5 and quality["WPG00012"] is None


def test_contract_review_shares_unclaimed_outcomes_of_everything_the_evidence_met(analysts_db):
    found = rows(
        analysts_db,
        "select period, unclaimed_sustained_outcomes, evidenced_sustained_outcomes, "
        "verified_sustained_outcomes, unclaimed_share from marts.mart_contract_review "
        "where contract_id = 'FND00001' and period in ('2024Q3', '2025Q4', '2026Q1') "
        "order by period",
    )
    assert found == [
        # met in 2024Q3, claimed or not: Carol's, Dan's and Grace's 26 weeks and Oscar's 78 weeks
        # (unclaimed), Alice's and Kate's 26 weeks (claimed); Alice's verified on 29 August
        ("2024Q3", 4, 6, 1, 4 / 6),
        # 31 December + 91 days is after the 31 March 2026 cut-off: Mia's 78 weeks may still be claimed
        ("2025Q4", None, 1, 0, None),
        # Frank's claimed 26 weeks and Tara's not yet due
        ("2026Q1", None, 2, 1, None),
    ]


def test_contract_review_puts_fees_in_the_quarter_they_fall_due_and_risk_in_complete_quarters(analysts_db):
    fees = dict(
        rows(
            analysts_db,
            "select period, outcome_fees_due_gbp from marts.mart_contract_review "
            "where contract_id = 'FND00001' and period in ('2024Q2', '2024Q3')",
        )
    )
    # Grace's job outcome (C-011) was evidenced on 1 April but claimed on 6 July: due in 2024Q3,
    # beside Alice's 26 weeks (C-002)
    assert fees == {"2024Q2": 0.0, "2024Q3": 3500.0}
    incomplete = rows(
        analysts_db,
        "select period, at_risk from marts.mart_contract_review "
        "where not is_complete_quarter group by all order by period",
    )
    assert {period for period, _ in incomplete} == {"2025Q4", "2026Q1"}
    assert not any(at_risk for _, at_risk in incomplete)


def test_every_model_and_column_in_the_warehouse_is_documented(built_scenario, analysts_db):
    import json

    paths, _ = built_scenario
    manifest = json.loads((paths.warehouse_dir / "build" / "target" / "manifest.json").read_text())
    documented = {
        (node["schema"], node["alias"]): node
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
    }
    tables = rows(
        analysts_db,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('staging', 'intermediate', 'marts', 'seeds')",
    )
    missing = []
    for schema, table, column in tables:
        node = documented.get((schema, table))
        if node is None or not node["description"].strip():
            missing.append(f"{schema}.{table}")
        elif not node["columns"].get(column, {}).get("description", "").strip():
            missing.append(f"{schema}.{table}.{column}")
    assert not missing
    for node in documented.values():
        if node["resource_type"] == "model":
            assert "grain" in node["description"].lower(), node["name"]
