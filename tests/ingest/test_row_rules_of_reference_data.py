"""Every rule of the DWP reference datasets (MI spec §3) fires on a violating row.

The violating value for each rule is chosen here from the rule's kind and
parameters (a blank for ``required``, an out-of-range number for ``range``, …),
independently of how the engine evaluates it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from contracts_schema.registry import Rule, load_registry
from tests.support.mi_files import BASE_ROWS, filler_rows, findings_of, validate

REFERENCE_RULES = [r for d in load_registry().reference for r in d.all_rules]


def _violation(rule: Rule, row: dict) -> dict:
    p = rule.params
    field = rule.field
    if rule.check == "required":
        return {field: ""}
    if rule.check == "pattern":
        return {field: "!!"}
    if rule.check == "code":
        return {field: "NOT_A_CODE"}
    if rule.check in ("date", "decimal", "integer", "boolean"):
        return {
            field: {"date": "31/12/2025", "decimal": "12,5", "integer": "1.5", "boolean": "maybe"}[rule.check]
        }
    if rule.check == "nino":
        return {field: "QQ123456Z"}
    if rule.check == "range":
        if "max" in p:
            return {field: str(p["max"] + 1)}
        return {field: str(p["min"] - 1)}
    if rule.check == "compare":
        right = dt.date.fromisoformat(row[p["right"]])
        return {field: (right - dt.timedelta(days=1)).isoformat()}
    if rule.check == "single_value":  # the other rows carry the base value
        return {field: (dt.date.fromisoformat(row[field]) + dt.timedelta(days=7)).isoformat()}
    raise AssertionError(f"no violation recipe for {rule.check}")


@pytest.mark.parametrize("rule", [r for r in REFERENCE_RULES if r.check != "unique"], ids=lambda r: r.id)
def test_reference_row_breaking_a_rule_gets_its_finding(rule):
    before, base, after = filler_rows(rule.dataset, 3)
    bad = {**base, **_violation(rule, base)}
    outcome = validate(rule.dataset, [before, bad, after])
    hits = findings_of(outcome, rule.id)
    assert hits["row"].to_list() == [3], outcome.findings
    assert hits["severity"].to_list() == [rule.severity]


@pytest.mark.parametrize("rule", [r for r in REFERENCE_RULES if r.check == "unique"], ids=lambda r: r.id)
def test_reference_key_repeated_rejects_both_rows(rule):
    rows = filler_rows(rule.dataset, 3)
    keys = rule.params.get("fields", [rule.field])
    for k in keys:
        rows[2][k] = rows[0][k]
    outcome = validate(rule.dataset, rows)
    assert sorted(findings_of(outcome, rule.id)["row"].to_list()) == [2, 4]


@pytest.mark.parametrize("dataset", [d.name for d in load_registry().reference])
def test_valid_reference_rows_pass(dataset):
    outcome = validate(dataset, filler_rows(dataset, 3))
    assert outcome.findings.height == 0, outcome.findings
    assert BASE_ROWS[dataset]


def test_contract_end_before_start_is_an_error():
    rows = filler_rows("contracts", 2)
    rows[1]["end_date"] = "2024-01-01"
    outcome = validate("contracts", rows)
    assert findings_of(outcome, "CON_END_DATE_03")["row"].to_list() == [3]
