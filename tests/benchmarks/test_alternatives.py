"""The benchmark's alternatives (pandera on pandas, Great Expectations) do the same work as ``mi validate``.

A comparison of speed only means something if the alternatives find the same
failing rows, rule by rule. A small file with a defect for every rule that
``mi validate`` runs without reference data is checked by all three.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from benchmarks.alternatives import gx_findings, pandera_findings, prepare, read_text, rules_to_run
from contracts_schema.registry import load_registry
from tests.support.mi_files import BASE_ROWS, PERIOD, csv_bytes, file_name, filler_rows

# pandera and GX import pyspark's pandas layer when pyspark is installed; it warns about pandas 3
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")

# (changes to the base participant row, the rule it must break)
DEFECTS = [
    ({"contract_id": ""}, "PAR_CONTRACT_ID_01"),
    ({"contract_id": "fnd12"}, "PAR_CONTRACT_ID_02"),
    ({"participant_ref": ""}, "PAR_PARTICIPANT_REF_01"),
    ({"participant_ref": "P 1!"}, "PAR_PARTICIPANT_REF_02"),
    ({"participant_ref": "DUP"}, "PAR_PARTICIPANT_REF_03"),
    ({"participant_ref": "DUP"}, "PAR_PARTICIPANT_REF_03"),
    ({"participant_ref": "QQ123456C"}, "PAR_PARTICIPANT_REF_NINO"),
    ({"participant_ref": "qq-12-34-56"}, "PAR_PARTICIPANT_REF_NINO"),
    ({"nino": ""}, "PAR_NINO_01"),
    ({"nino": "BG123456C"}, "PAR_NINO_02"),
    ({"nino": "AB123456E"}, "PAR_NINO_02"),
    ({"referral_date": ""}, "PAR_REFERRAL_DATE_01"),
    ({"referral_date": "14/04/2026"}, "PAR_REFERRAL_DATE_02"),
    ({"referral_date": "2026-07-15", "start_date": ""}, "PAR_REFERRAL_DATE_03"),
    ({"start_date": "2026-02-30"}, "PAR_START_DATE_02"),
    ({"start_date": "2026-04-01"}, "PAR_START_DATE_03"),
    ({"start_date": "2026-07-01"}, "PAR_START_DATE_04"),
    ({"referral_date": "2026-01-02", "start_date": "2026-06-01"}, "PAR_START_DATE_05"),
    ({"customer_group": ""}, "PAR_CUSTOMER_GROUP_01"),
    ({"customer_group": "JSA_99"}, "PAR_CUSTOMER_GROUP_02"),
    ({"date_of_birth": ""}, "PAR_DATE_OF_BIRTH_01"),
    ({"date_of_birth": "1990-2-17"}, "PAR_DATE_OF_BIRTH_02"),
    ({"date_of_birth": "2015-01-01"}, "PAR_DATE_OF_BIRTH_03"),
    ({"sex": ""}, "PAR_SEX_01"),
    ({"sex": "X"}, "PAR_SEX_02"),
    ({"ethnicity": ""}, "PAR_ETHNICITY_01"),
    ({"ethnicity": "GREEN"}, "PAR_ETHNICITY_02"),
    ({"disability": ""}, "PAR_DISABILITY_01"),
    ({"disability": "MAYBE"}, "PAR_DISABILITY_02"),
    ({"disability": "Y", "impairment_group": ""}, "PAR_IMPAIRMENT_GROUP_01"),
    ({"disability": "Y", "impairment_group": "BROKEN"}, "PAR_IMPAIRMENT_GROUP_02"),
    ({"disability": "N", "impairment_group": "PHYSICAL"}, "PAR_IMPAIRMENT_GROUP_03"),
    ({"la_code": ""}, "PAR_LA_CODE_01"),
    ({"la_code": "X123"}, "PAR_LA_CODE_02"),
    ({"delivery_ukprn": ""}, "PAR_DELIVERY_UKPRN_01"),
    ({"delivery_ukprn": "999"}, "PAR_DELIVERY_UKPRN_02"),
    ({"leave_date": "2026/05/01", "leave_reason": "JOB"}, "PAR_LEAVE_DATE_02"),
    ({"leave_date": "2026-04-20", "leave_reason": "JOB"}, "PAR_LEAVE_DATE_03"),
    ({"start_date": "", "leave_date": "2026-04-01", "leave_reason": "JOB"}, "PAR_LEAVE_DATE_03"),
    ({"leave_date": "2026-07-10", "leave_reason": "JOB"}, "PAR_LEAVE_DATE_04"),
    ({"leave_date": "2026-05-20", "leave_reason": ""}, "PAR_LEAVE_REASON_01"),
    ({"leave_date": "2026-05-20", "leave_reason": "FIRED"}, "PAR_LEAVE_REASON_02"),
    ({"leave_reason": "JOB"}, "PAR_LEAVE_REASON_03"),
    # values that must pass everywhere: lower-case codes, a NINO with spaces
    (
        {
            "customer_group": "jsa_25_plus",
            "nino": "ce 11 11 11 a",
            "disability": "y",
            "impairment_group": "mental_health",
        },
        None,
    ),
]


@pytest.fixture(scope="module")
def participants_file(tmp_path_factory) -> Path:
    rows = filler_rows("participants", 60)
    for i, (changes, _rule) in enumerate(DEFECTS):
        rows.append({**BASE_ROWS["participants"], "participant_ref": f"D-{i}", **changes})
    path = tmp_path_factory.mktemp("alternatives") / file_name("participants")
    path.write_bytes(csv_bytes(rows))
    return path


@pytest.fixture(scope="module")
def ours(participants_file) -> dict[str, set[int]]:
    from ingest.submit import check_file

    findings = check_file(participants_file).findings.filter(pl.col("row").is_not_null())
    return _by_rule(findings.select("row", "rule_id").rows())


def _by_rule(pairs) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for row, rule_id in pairs:
        found.setdefault(rule_id, set()).add(int(row))
    return found


def _theirs(engine, path: Path) -> tuple[dict[str, set[int]], list[str]]:
    dataset = load_registry().dataset("participants")
    rules, _skipped = rules_to_run(dataset, PERIOD)
    prepared = prepare(read_text(path, dataset), dataset)
    found: pd.DataFrame = engine(prepared, dataset, rules, PERIOD)
    return _by_rule(found[["row", "rule_id"]].itertuples(index=False)), [r.id for r in rules]


def test_every_rule_the_benchmark_runs_is_broken_by_the_file(ours):
    dataset = load_registry().dataset("participants")
    rules, skipped = rules_to_run(dataset, PERIOD)
    assert {rule for _changes, rule in DEFECTS if rule} == {r.id for r in rules}
    assert set(ours) == {r.id for r in rules}
    assert all(r.check.startswith("ref_") for r in dataset.all_rules if r.id in skipped)


@pytest.mark.parametrize(
    "engine", [pandera_findings, gx_findings], ids=["pandera-pandas", "great-expectations"]
)
def test_the_alternative_finds_the_same_rows_as_mi_validate(engine, participants_file, ours):
    theirs, rule_ids = _theirs(engine, participants_file)
    for rule_id in rule_ids:
        assert theirs.get(rule_id, set()) == ours.get(rule_id, set()), rule_id
