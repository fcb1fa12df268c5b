"""The release's attack on itself, on tables written by hand: what subtraction from a total gives away."""

from __future__ import annotations

import math

from publish.disclosure_attack import initial_range, rate_findings, subtraction_attack
from publish.parameters import release_parameters
from publish.release_tables import suppress_complements

P = release_parameters()
PERIOD = "2026Q2"


def _contract(contract_id: str, referrals: str, sustained: str = "0") -> dict[str, str]:
    return {
        "period": PERIOD,
        "contract_id": contract_id,
        "nation": "ENGLAND",
        "referrals": referrals,
        "starts": referrals,
        "job_outcomes": "0",
        "sustained_26w_outcomes": sustained,
        "job_outcome_rate": "[z]",
        "sustained_outcome_rate": "[z]",
        "like_for_like_index": "[x]",
    }


def _group(contract_id: str, value: str, referrals: str, sustained: str = "0") -> dict[str, str]:
    return {
        "period": PERIOD,
        "contract_id": contract_id,
        "group_dimension": "sex",
        "group_value": value,
        "referrals": referrals,
        "sustained_26w_outcomes": sustained,
        "sustained_outcome_rate": "[z]",
        "like_for_like_index": "[x]",
    }


def _tables(groups: list[dict[str, str]], contract_referrals: str = "10") -> dict[str, list[dict[str, str]]]:
    return {"contract_performance": [_contract("C1", contract_referrals)], "performance_by_group": groups}


def test_what_a_published_cell_says_about_its_true_value():
    assert initial_range("15", P) == (13, 17)
    assert initial_range("0", P) == (0, 0)  # 1 or 2 would show [low]
    assert initial_range("[low]", P) == (1, 2)
    assert initial_range("[c]", P) == (1, 9)  # a small group's size
    assert initial_range("[c]", P, group_size=False) == (0, 9)  # another count of its row
    assert initial_range("[x]", P) == (0, math.inf)


def test_a_small_group_that_subtraction_pins_down_is_found_and_named_with_the_subtraction():
    # 10 people in the contract, nobody female or of unknown sex: the [c] group of men is 8 to 9
    tables = _tables([_group("C1", "F", "0"), _group("C1", "M", "[c]"), _group("C1", "U", "0")])
    exposed = subtraction_attack(tables, P).disclosures(P)
    assert len(exposed) == 1
    finding = exposed[0]
    assert str(finding.cell) == (
        "performance_by_group[period=2026Q2; contract_id=C1; group_dimension=sex; group_value=M].referrals"
    )
    assert (finding.low, finding.high) == (8, 9)
    message = finding.message()
    assert "shows [c] but must lie in [8, 9] (width 1)" in message
    assert "the sex groups of C1: contract_performance[period=2026Q2; contract_id=C1].referrals 10" in message
    assert "group_value=F].referrals 0 + " in message and "group_value=U].referrals 0" in message


def test_two_small_groups_of_one_total_hide_each_other():
    tables = _tables([_group("C1", "F", "[c]"), _group("C1", "M", "[c]"), _group("C1", "U", "0")])
    attack = subtraction_attack(tables, P)
    assert attack.disclosures(P) == []
    assert {(f.low, f.high) for f in attack.findings} == {(1, 9)}


def test_a_large_enough_remainder_leaves_the_small_group_its_range():
    tables = _tables([_group("C1", "F", "40"), _group("C1", "M", "[c]"), _group("C1", "U", "0")], "45")
    (finding,) = subtraction_attack(tables, P).findings
    assert (finding.low, finding.high) == (1, 9) and finding.width > 4


def test_complementary_suppression_protects_a_group_the_attack_would_pin_down():
    # 10 people, all men: the [c] group of men would be 8 or 9, so another group is suppressed too
    # (a group of nobody, since no other shows a number)
    tables = _tables([_group("C1", "F", "0"), _group("C1", "M", "[c]"), _group("C1", "U", "0")])
    assert suppress_complements(tables, P, []) == 1
    shown = {g["group_value"]: g for g in tables["performance_by_group"]}
    assert shown["F"]["referrals"] == "[c]" and shown["F"]["sustained_outcome_rate"] == "[c]"
    assert shown["U"]["referrals"] == "0"
    assert subtraction_attack(tables, P).disclosures(P) == []


def test_complementary_suppression_prefers_a_group_that_shows_a_number_to_an_empty_one():
    # the age bands pin the total 60 to [58, 59]; then 60 - (50 + 0) leaves the [c] men 6 to 9
    tables = _tables([_group("C1", "F", "50"), _group("C1", "M", "[c]"), _group("C1", "U", "0")], "60")
    tables["performance_by_group"] += [
        {**_group("C1", "A", "20"), "group_dimension": "age_band"},
        {**_group("C1", "B", "35"), "group_dimension": "age_band"},
    ]
    exposed = subtraction_attack(tables, P).disclosures(P)
    assert [(str(f.cell).split("group_value=")[1], f.low, f.high) for f in exposed] == [
        ("M].referrals", 6, 9)
    ]
    assert suppress_complements(tables, P, []) == 1
    shown = {(g["group_dimension"], g["group_value"]): g["referrals"] for g in tables["performance_by_group"]}
    assert shown[("sex", "F")] == "[c]" and shown[("sex", "U")] == "0"
    assert subtraction_attack(tables, P).disclosures(P) == []


def test_figures_that_cannot_add_up_are_a_fault_of_the_release():
    tables = _tables([_group("C1", "F", "40"), _group("C1", "M", "0"), _group("C1", "U", "0")], "10")
    findings = [f for f in subtraction_attack(tables, P).findings if f.width < 0]
    assert findings and "cannot add up" in findings[0].message()


def test_a_rate_its_published_counts_do_not_give_is_found():
    row = _contract("C1", "190", "30")
    row["sustained_outcome_rate"] = "16.3"  # 31 / 190 from a true count; 30 / 190 is 15.8
    row["job_outcome_rate"] = "0.0"
    found = {f["cell"]: f["finding"] for f in rate_findings({"contract_performance": [row]}, P)}
    assert found["contract_performance[period=2026Q2; contract_id=C1].job_outcome_rate"] == "safe"
    assert found["contract_performance[period=2026Q2; contract_id=C1].sustained_outcome_rate"] == (
        "contract_performance[period=2026Q2; contract_id=C1].sustained_outcome_rate is 16.3, but "
        "sustained_26w_outcomes 30 / referrals 190 gives 15.8"
    )
