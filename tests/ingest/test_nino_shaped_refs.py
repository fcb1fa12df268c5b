"""A participant_ref shaped like a NINO is an error in every return, and NINO-shaped echoes are masked.

Every NINO here is synthetic.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contracts_schema.checks import looks_like_nino, mask_nino_runs, mask_nino_text
from contracts_schema.registry import load_registry
from contracts_schema.spec_doc import render_spec
from ingest.submit import load_reference, submit_file
from tests.support.mi_files import (
    csv_bytes,
    file_name,
    filler_rows,
    findings_of,
    validate,
    write_reference_dir,
)

ROOT = Path(__file__).resolve().parents[2]
TWINS = {
    "participants": "PAR_PARTICIPANT_REF_NINO",
    "outcome_claims": "CLM_PARTICIPANT_REF_NINO",
    "customer_survey": "SRV_PARTICIPANT_REF_NINO",
}


@pytest.mark.parametrize(
    ("value", "shaped"),
    [
        ("QQ123456C", True),
        ("qq123456c", True),
        ("QQ123456", True),  # without the suffix letter
        ("QQ-12-34-56-C", True),  # hyphens and spaces are left out before matching
        ("QQ 12 34 56 C", True),
        ("ZZ999999D", True),  # never issued, but still the national identifier's shape
        ("P-000123", False),
        ("QQ123456E", False),  # E is no NINO suffix
        ("QQ12345C", False),
        ("QQQ123456C", False),
        ("AB1234567", False),
    ],
)
def test_the_shape_follows_the_specification(value, shaped):
    assert looks_like_nino(value) is shaped
    outcome = validate("participants", [{**filler_rows("participants", 1)[0], "participant_ref": value}])
    assert (findings_of(outcome, "PAR_PARTICIPANT_REF_NINO").height == 1) is shaped


@pytest.mark.parametrize(("dataset", "rule_id"), sorted(TWINS.items()))
def test_each_return_refuses_a_nino_as_participant_ref_and_masks_it(dataset, rule_id):
    rows = filler_rows(dataset, 3)
    rows[1]["participant_ref"] = "QQ123456C"
    outcome = validate(dataset, rows)
    found = findings_of(outcome, rule_id)
    assert found.height == 1
    assert found["row"].to_list() == [3] and found["severity"].to_list() == ["error"]
    assert found["value"].to_list() == ["QQ****56C"]
    assert outcome.rows_rejected == 1
    everywhere = outcome.findings.write_csv()
    assert "QQ123456C" not in everywhere and "123456" not in everywhere


def test_the_rules_are_in_the_single_definitions_and_the_generated_specification():
    registry = load_registry()
    spec = render_spec()
    for dataset, rule_id in TWINS.items():
        rule = registry.rule(rule_id)
        assert rule.dataset == dataset and rule.field == "participant_ref" and rule.severity == "error"
        assert f"| `{rule_id}` | `participant_ref` | error |" in spec
    with open(
        os.path.join(os.path.dirname(__file__), "../../docs/mi-specification.md"), encoding="utf-8"
    ) as f:
        committed = f.read()
    assert all(rule_id in committed for rule_id in TWINS.values())


def test_any_echoed_value_shaped_like_a_nino_is_masked(tmp_path):
    rows = filler_rows("participants", 2)
    rows[0]["la_code"] = "AB 12 34 56 C"  # a NINO in the wrong column: echoed by la_code's format rule
    header = [*rows[0].keys(), "QQ123456A"]  # and a NINO as a column name: echoed as an extra column
    outcome = validate("participants", rows, header=header)
    text = outcome.findings.write_csv()
    assert "AB****56C" in text and "QQ****56A" in text
    assert "123456" not in text


def test_a_nino_as_participant_ref_reaches_neither_the_lake_nor_the_feedback(mi_home, tmp_path):
    load_reference(write_reference_dir(tmp_path / "ref"))
    rows = filler_rows("participants", 3)
    rows[2]["participant_ref"] = "CE 65 43 21 A"
    path = tmp_path / file_name("participants")
    path.write_bytes(csv_bytes(rows))
    result = submit_file(path)
    assert result.status == "ACCEPTED_WITH_ERRORS"
    assert result.summary["rows_rejected"] == 1
    blob = b""
    for root, _dirs, files in os.walk(mi_home):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                blob += handle.read()
    for clear in (b"CE654321A", b"CE 65 43 21 A", b"654321"):
        assert clear not in blob, clear
    assert b"CE****21A" in (result.feedback_dir / "findings.csv").read_bytes()


def test_free_text_masking_leaves_ordinary_names_alone():
    assert mask_nino_text("qq 12 34 56 c") == "QQ****56C"
    text = "10004567_participants_2026Q2_20260705T101500.csv by alice"
    assert mask_nino_runs(text) == text
    assert mask_nino_runs("name QQ123456C here") == "name QQ****56C here"
