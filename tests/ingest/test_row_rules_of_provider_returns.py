"""Every row rule of the provider returns (MI spec §2 and §5) fires on a violating row, and only there.

Each case puts one violating row between two valid ones (rows 2 and 4 of the
file; the violating row is row 3) and asserts the rule id, severity and row.
A last test walks the registry so that a rule added without a case fails here.
"""

from __future__ import annotations

import polars as pl
import pytest

from contracts_schema.registry import load_registry
from tests.support.mi_files import DELIVERY_D, PRIME_B, filler_rows, findings_of, reference_data, validate

# (rule id, dataset, overrides of the base row that break exactly that rule)
CASES: list[tuple[str, str, dict]] = [
    ("PAR_CONTRACT_ID_01", "participants", {"contract_id": ""}),
    ("PAR_CONTRACT_ID_02", "participants", {"contract_id": "fnd12"}),
    ("PAR_CONTRACT_ID_03", "participants", {"contract_id": "FND99999"}),
    ("PAR_CONTRACT_ID_04", "participants", {"contract_id": "WPG00034", "la_code": "E08000026"}),
    ("PAR_PARTICIPANT_REF_01", "participants", {"participant_ref": ""}),
    ("PAR_PARTICIPANT_REF_02", "participants", {"participant_ref": "P_1!"}),
    ("PAR_PARTICIPANT_REF_02", "participants", {"participant_ref": "P" * 21}),
    ("PAR_PARTICIPANT_REF_NINO", "participants", {"participant_ref": "QQ123456C"}),
    ("PAR_PARTICIPANT_REF_NINO", "participants", {"participant_ref": "qq-12-34-56"}),
    ("PAR_NINO_01", "participants", {"nino": ""}),
    ("PAR_NINO_02", "participants", {"nino": "DA123456A"}),  # first letter D never used
    ("PAR_NINO_02", "participants", {"nino": "AO123456A"}),  # second letter O never used
    ("PAR_NINO_02", "participants", {"nino": "GB123456A"}),  # prefix never issued
    ("PAR_NINO_02", "participants", {"nino": "AB123456E"}),  # suffix beyond D
    ("PAR_NINO_02", "participants", {"nino": "AB12345C"}),  # five digits
    ("PAR_REFERRAL_DATE_01", "participants", {"referral_date": ""}),
    ("PAR_REFERRAL_DATE_02", "participants", {"referral_date": "14/04/2026"}),
    ("PAR_REFERRAL_DATE_02", "participants", {"referral_date": "2026-02-30"}),
    ("PAR_REFERRAL_DATE_03", "participants", {"referral_date": "2026-07-01", "start_date": ""}),
    ("PAR_REFERRAL_DATE_04", "participants", {"referral_date": "2024-03-01", "start_date": ""}),
    ("PAR_START_DATE_02", "participants", {"start_date": "28/04/2026"}),
    ("PAR_START_DATE_03", "participants", {"start_date": "2026-04-10"}),
    ("PAR_START_DATE_04", "participants", {"start_date": "2026-07-02"}),
    ("PAR_START_DATE_05", "participants", {"referral_date": "2026-03-20", "start_date": "2026-06-25"}),
    ("PAR_CUSTOMER_GROUP_01", "participants", {"customer_group": ""}),
    ("PAR_CUSTOMER_GROUP_02", "participants", {"customer_group": "JSA"}),
    ("PAR_DATE_OF_BIRTH_01", "participants", {"date_of_birth": ""}),
    ("PAR_DATE_OF_BIRTH_02", "participants", {"date_of_birth": "17/02/1990"}),
    ("PAR_DATE_OF_BIRTH_03", "participants", {"date_of_birth": "2015-01-01"}),
    ("PAR_DATE_OF_BIRTH_03", "participants", {"date_of_birth": "1955-04-13"}),  # 71 at referral
    ("PAR_SEX_01", "participants", {"sex": ""}),
    ("PAR_SEX_02", "participants", {"sex": "X"}),
    ("PAR_ETHNICITY_01", "participants", {"ethnicity": ""}),
    ("PAR_ETHNICITY_02", "participants", {"ethnicity": "GREEN"}),
    ("PAR_DISABILITY_01", "participants", {"disability": ""}),
    ("PAR_DISABILITY_02", "participants", {"disability": "MAYBE"}),
    ("PAR_IMPAIRMENT_GROUP_01", "participants", {"disability": "Y", "impairment_group": ""}),
    ("PAR_IMPAIRMENT_GROUP_02", "participants", {"disability": "Y", "impairment_group": "BROKEN"}),
    ("PAR_IMPAIRMENT_GROUP_03", "participants", {"disability": "N", "impairment_group": "PHYSICAL"}),
    ("PAR_LA_CODE_01", "participants", {"la_code": ""}),
    ("PAR_LA_CODE_02", "participants", {"la_code": "X1234567"}),
    ("PAR_LA_CODE_03", "participants", {"la_code": "E08000026"}),
    ("PAR_DELIVERY_UKPRN_01", "participants", {"delivery_ukprn": ""}),
    ("PAR_DELIVERY_UKPRN_02", "participants", {"delivery_ukprn": "20004567"}),
    ("PAR_DELIVERY_UKPRN_03", "participants", {"delivery_ukprn": DELIVERY_D}),  # left the chain 2026-03-31
    ("PAR_DELIVERY_UKPRN_03", "participants", {"delivery_ukprn": PRIME_B}),
    ("PAR_LEAVE_DATE_02", "participants", {"leave_date": "soon", "leave_reason": "JOB"}),
    ("PAR_LEAVE_DATE_03", "participants", {"leave_date": "2026-04-20", "leave_reason": "JOB"}),
    (
        "PAR_LEAVE_DATE_03",
        "participants",
        {"start_date": "", "leave_date": "2026-04-01", "leave_reason": "JOB"},
    ),
    ("PAR_LEAVE_DATE_04", "participants", {"leave_date": "2026-07-05", "leave_reason": "JOB"}),
    ("PAR_LEAVE_REASON_01", "participants", {"leave_date": "2026-05-01"}),
    ("PAR_LEAVE_REASON_02", "participants", {"leave_date": "2026-05-01", "leave_reason": "FIRED"}),
    ("PAR_LEAVE_REASON_03", "participants", {"leave_reason": "JOB"}),
    ("CLM_CLAIM_ID_01", "outcome_claims", {"claim_id": ""}),
    ("CLM_CLAIM_ID_02", "outcome_claims", {"claim_id": "C 1"}),
    ("CLM_CONTRACT_ID_01", "outcome_claims", {"contract_id": ""}),
    ("CLM_CONTRACT_ID_02", "outcome_claims", {"contract_id": "F0012"}),
    ("CLM_CONTRACT_ID_03", "outcome_claims", {"contract_id": "FND99999"}),
    ("CLM_CONTRACT_ID_04", "outcome_claims", {"contract_id": "WPG00034"}),
    ("CLM_PARTICIPANT_REF_01", "outcome_claims", {"participant_ref": ""}),
    ("CLM_PARTICIPANT_REF_02", "outcome_claims", {"participant_ref": "P/1"}),
    ("CLM_PARTICIPANT_REF_NINO", "outcome_claims", {"participant_ref": "ZZ999999D"}),
    ("CLM_OUTCOME_TYPE_01", "outcome_claims", {"outcome_type": ""}),
    ("CLM_OUTCOME_TYPE_02", "outcome_claims", {"outcome_type": "JOB"}),
    ("CLM_JOB_START_DATE_01", "outcome_claims", {"job_start_date": ""}),
    ("CLM_JOB_START_DATE_02", "outcome_claims", {"job_start_date": "20.04.2026"}),
    ("CLM_JOB_START_DATE_03", "outcome_claims", {"job_start_date": "2026-05-20"}),
    ("CLM_CLAIM_DATE_01", "outcome_claims", {"claim_date": ""}),
    ("CLM_CLAIM_DATE_02", "outcome_claims", {"claim_date": "10/05/2026"}),
    ("CLM_CLAIM_DATE_03", "outcome_claims", {"job_start_date": "2026-03-01", "claim_date": "2026-03-31"}),
    ("CLM_CLAIM_DATE_03", "outcome_claims", {"claim_date": "2026-07-01"}),
    ("CLM_HOURS_PER_WEEK_01", "outcome_claims", {"hours_per_week": ""}),
    ("CLM_HOURS_PER_WEEK_02", "outcome_claims", {"hours_per_week": "twenty"}),
    ("CLM_HOURS_PER_WEEK_03", "outcome_claims", {"hours_per_week": "0"}),
    ("CLM_HOURS_PER_WEEK_03", "outcome_claims", {"hours_per_week": "80.5"}),
    ("CLM_HOURS_PER_WEEK_04", "outcome_claims", {"hours_per_week": "15.5"}),
    ("CLM_EMPLOYER_PAYE_REF_02", "outcome_claims", {"employer_paye_ref": "ABC"}),
    ("CLM_CLAIM_STATUS_02", "outcome_claims", {"claim_status": "CANCELLED"}),
    ("CLM_DELIVERY_UKPRN_01", "outcome_claims", {"delivery_ukprn": ""}),
    ("CLM_DELIVERY_UKPRN_02", "outcome_claims", {"delivery_ukprn": "1234"}),
    ("CLM_DELIVERY_UKPRN_03", "outcome_claims", {"delivery_ukprn": DELIVERY_D}),
    ("CLM_PREMATURE_01", "outcome_claims", {"outcome_type": "SUSTAINED_26W", "job_start_date": "2026-01-01"}),
    (
        "CLM_PREMATURE_01",
        "outcome_claims",
        {"outcome_type": "SUSTAINED_26W", "job_start_date": "2025-11-10"},
    ),  # 181 days
    ("CLM_PREMATURE_02", "outcome_claims", {"outcome_type": "SUSTAINED_78W", "job_start_date": "2025-01-01"}),
    ("SRV_RESPONSE_ID_01", "customer_survey", {"response_id": ""}),
    ("SRV_RESPONSE_ID_02", "customer_survey", {"response_id": "R" * 31}),
    ("SRV_CONTRACT_ID_01", "customer_survey", {"contract_id": ""}),
    ("SRV_CONTRACT_ID_02", "customer_survey", {"contract_id": "12345678"}),
    ("SRV_CONTRACT_ID_03", "customer_survey", {"contract_id": "FND99999"}),
    ("SRV_CONTRACT_ID_04", "customer_survey", {"contract_id": "WPG00034"}),
    ("SRV_PARTICIPANT_REF_01", "customer_survey", {"participant_ref": ""}),
    ("SRV_PARTICIPANT_REF_02", "customer_survey", {"participant_ref": "P 1"}),
    ("SRV_PARTICIPANT_REF_NINO", "customer_survey", {"participant_ref": "CE654321"}),
    ("SRV_SURVEY_DATE_01", "customer_survey", {"survey_date": ""}),
    ("SRV_SURVEY_DATE_02", "customer_survey", {"survey_date": "May 3rd"}),
    ("SRV_SURVEY_DATE_03", "customer_survey", {"survey_date": "2026-03-31"}),
    ("SRV_OVERALL_SATISFACTION_01", "customer_survey", {"overall_satisfaction": ""}),
    ("SRV_OVERALL_SATISFACTION_02", "customer_survey", {"overall_satisfaction": "4.5"}),
    ("SRV_OVERALL_SATISFACTION_03", "customer_survey", {"overall_satisfaction": "6"}),
    ("SRV_TREATED_WITH_RESPECT_02", "customer_survey", {"treated_with_respect": "yes"}),
    ("SRV_TREATED_WITH_RESPECT_03", "customer_survey", {"treated_with_respect": "0"}),
    ("SRV_ADVICE_HELPFUL_02", "customer_survey", {"advice_helpful": "n/a"}),
    ("SRV_ADVICE_HELPFUL_03", "customer_survey", {"advice_helpful": "9"}),
    ("SRV_WOULD_RECOMMEND_02", "customer_survey", {"would_recommend": "MAYBE"}),
]
UNIQUENESS = {
    "PAR_PARTICIPANT_REF_03": ("participants", "participant_ref"),
    "CLM_CLAIM_ID_03": ("outcome_claims", "claim_id"),
    "SRV_RESPONSE_ID_03": ("customer_survey", "response_id"),
}


@pytest.fixture(scope="module")
def reference():
    return reference_data()


def _three_rows(dataset: str, overrides: dict) -> list[dict]:
    before, after = filler_rows(dataset, 2)
    bad = {**before, **overrides}
    key = {"participants": "participant_ref", "outcome_claims": "claim_id", "customer_survey": "response_id"}[
        dataset
    ]
    if key not in overrides:
        bad[key] = "BAD-1"
    bad["nino"] = overrides.get("nino", "HJ777777C") if dataset == "participants" else None
    if dataset != "participants":
        bad.pop("nino")
    return [before, bad, after]


@pytest.mark.parametrize(
    ("rule_id", "dataset", "overrides"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_violating_row_gets_the_rule_finding_on_its_row(rule_id, dataset, overrides, reference):
    outcome = validate(dataset, _three_rows(dataset, overrides), reference=reference)
    rule = load_registry().rule(rule_id)
    hits = findings_of(outcome, rule_id)
    assert hits["row"].to_list() == [3], outcome.findings
    assert hits["severity"].to_list() == [rule.severity]
    assert hits["field"].to_list() == [rule.field]
    assert hits["message"].to_list() == [rule.message]


@pytest.mark.parametrize("dataset", ["participants", "outcome_claims", "customer_survey"])
def test_valid_rows_pass_every_rule(dataset, reference):
    outcome = validate(dataset, filler_rows(dataset, 3), reference=reference)
    assert outcome.findings.height == 0, outcome.findings
    assert outcome.status == "ACCEPTED"


@pytest.mark.parametrize("rule_id", sorted(UNIQUENESS))
def test_a_key_repeated_within_the_file_rejects_every_row_that_carries_it(rule_id, reference):
    dataset, key = UNIQUENESS[rule_id]
    rows = filler_rows(dataset, 4)
    rows[2][key] = rows[0][key]
    outcome = validate(dataset, rows, reference=reference)
    assert sorted(findings_of(outcome, rule_id)["row"].to_list()) == [2, 4]
    assert findings_of(outcome, rule_id)["severity"].unique().to_list() == ["error"]


def test_sustained_claim_exactly_182_days_after_the_job_start_is_not_premature(reference):
    rows = filler_rows("outcome_claims", 1)
    rows[0].update(outcome_type="SUSTAINED_26W", job_start_date="2025-11-09", claim_date="2026-05-10")
    outcome = validate("outcome_claims", rows, reference=reference)
    assert findings_of(outcome, "CLM_PREMATURE_01").height == 0


def test_delivery_provider_inside_its_supply_chain_dates_is_accepted(reference):
    rows = filler_rows("participants", 1)
    rows[0].update(delivery_ukprn=DELIVERY_D, referral_date="2026-03-01", start_date="2026-03-10")
    outcome = validate("participants", rows, reference=reference)
    assert findings_of(outcome, "PAR_DELIVERY_UKPRN_03").height == 0


def test_codes_match_whatever_their_case(reference):
    rows = filler_rows("participants", 1)
    rows[0].update(customer_group="jsa_25_plus", sex="f", ethnicity="White")
    outcome = validate("participants", rows, reference=reference)
    assert outcome.findings.height == 0
    assert outcome.prepared["customer_group"].to_list() == ["JSA_25_PLUS"]


def test_age_is_judged_on_the_referral_date_not_today(reference):
    rows = filler_rows("participants", 2)
    rows[0].update(date_of_birth="2010-04-14")  # 16 on the day of referral: allowed
    rows[1].update(date_of_birth="2010-04-15")  # one day short of 16
    outcome = validate("participants", rows, reference=reference)
    assert findings_of(outcome, "PAR_DATE_OF_BIRTH_03")["row"].to_list() == [3]


def test_a_row_error_rejects_the_row_and_keeps_the_others(reference):
    outcome = validate("participants", _three_rows("participants", {"sex": "X"}), reference=reference)
    assert outcome.status == "ACCEPTED_WITH_ERRORS"
    assert (outcome.rows_read, outcome.rows_rejected, outcome.rows_accepted) == (3, 1, 2)


def test_a_warning_keeps_the_row(reference):
    outcome = validate(
        "participants", _three_rows("participants", {"la_code": "E08000026"}), reference=reference
    )
    assert outcome.status == "ACCEPTED"
    assert outcome.rows_accepted == 3 and outcome.warnings == 1


def test_reference_rules_are_skipped_and_said_so_without_reference_data():
    outcome = validate(
        "participants", _three_rows("participants", {"contract_id": "FND99999"}), reference=None
    )
    assert findings_of(outcome, "PAR_CONTRACT_ID_03").height == 0
    skipped = findings_of(outcome, "FILE_REFERENCE_SKIPPED")
    assert skipped.height == 1 and skipped["row"].to_list() == [None]


def test_every_rule_of_the_provider_returns_has_a_case():
    registry = load_registry()
    covered = {c[0] for c in CASES} | set(UNIQUENESS)
    rules = {r.id for d in registry.returns for r in d.all_rules}
    assert rules - covered == set(), "rules without a violating case"
    assert covered - rules == set(), "cases for rules that do not exist"


def test_pandera_value_checks_really_run_on_polars():
    """pandera on polars checks only dtypes by default; a bad value must still be caught."""
    outcome = validate(
        "customer_survey",
        filler_rows("customer_survey", 2)
        + [{**filler_rows("customer_survey", 3)[2], "overall_satisfaction": "7"}],
    )
    assert findings_of(outcome, "SRV_OVERALL_SATISFACTION_03")["row"].to_list() == [4]
    assert isinstance(outcome.findings, pl.DataFrame)
