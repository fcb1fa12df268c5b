"""Each number and list of the definitions has one home, and the copies that must stay are held to it.

The registry (``contracts_schema/definitions/``) is the home of: the age range
at referral, the evidence each outcome type needs (182 and 546 days, the
30- and 90-week windows), the share of rows in error that rejects a file, the
names of the provider returns and the columns that identify a person. What
the warehouse needs as a number is a dbt seed held equal to the registry
here; the synthetic worlds keep their own copies on purpose (the generator
does not depend on ``contracts_schema``) and are held equal here too.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from contracts_schema.registry import DEFINITIONS, RETURN_NAMES, RegistryError, load_registry

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "dbt_project" / "seeds"
REGISTRY = load_registry()


def seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_outcome_rules_seed_holds_the_definitions_numbers():
    rows = {
        r["outcome_type"]: (int(r["days_required"]), int(r["window_days"]) if r["window_days"] else None)
        for r in seed("outcome_rules")
    }
    assert rows == {
        name: (rule.days_required, rule.window_days) for name, rule in REGISTRY.outcome_rules.items()
    }, "dbt_project/seeds/outcome_rules.csv differs from contracts_schema/definitions/outcome_rules.yaml"


def test_a_premature_claim_waits_as_long_as_its_outcome_needs_and_says_so():
    premature = [r for r in REGISTRY.dataset("outcome_claims").rules if r.id.startswith("CLM_PREMATURE")]
    assert len(premature) == 2
    for rule in premature:
        days = REGISTRY.outcome_rules[rule.params["when"]["equals"]].days_required
        assert rule.params["offset_days"] == days
        assert f"before {days} days" in rule.message, rule.id


def test_the_outcome_types_words_state_the_same_days_and_weeks():
    descriptions = REGISTRY.code_lists["outcome_type"].descriptions
    for name, rule in REGISTRY.outcome_rules.items():
        if rule.window_days is None:
            continue
        assert rule.window_days % 7 == 0
        assert f"{rule.days_required} days in work within {rule.window_days // 7} weeks" in descriptions[name]


def test_a_premature_claim_rule_that_waits_otherwise_is_refused(tmp_path: Path):
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    rules = folder / "outcome_rules.yaml"
    rules.write_text(rules.read_text().replace("days_required: 182", "days_required: 183"))
    with pytest.raises(RegistryError, match="CLM_PREMATURE_01 waits 182 days; SUSTAINED_26W needs 183"):
        load_registry(folder)


def test_the_age_bands_cover_exactly_the_ages_a_participant_may_have():
    age_rule = next(r for r in REGISTRY.dataset("participants").all_rules if r.check == "age_between")
    bands = sorted(seed("age_bands"), key=lambda b: int(b["min_age"]))
    assert int(bands[0]["min_age"]) == age_rule.params["min"]
    assert all(not b["max_age"] or int(b["max_age"]) <= age_rule.params["max"] for b in bands)
    assert not bands[-1]["max_age"], "the oldest band is open: it runs to the oldest age accepted"


def test_the_share_of_rows_in_error_is_the_rules_own_and_its_message_says_it():
    assert REGISTRY.max_error_share == 0.5
    assert REGISTRY.file_rules["FILE_ERROR_RATE"].message.startswith("More than half of the rows")


def test_the_returns_are_named_once():
    assert [d.name for d in REGISTRY.returns] == list(RETURN_NAMES)
    from ingest.submit import RETURN_NAMES as ingest_names

    assert ingest_names is RETURN_NAMES


def test_the_synthetic_worlds_copies_agree_with_the_definitions():
    from synth import parameters as P

    assert P.RETURNS == RETURN_NAMES
    assert P.SUSTAINED_RULES == {
        name: (rule.days_required, rule.window_days)
        for name, rule in REGISTRY.outcome_rules.items()
        if rule.window_days is not None
    }


def test_the_columns_never_published_are_the_definitions_identifying_ones():
    from publish import disclosure_control as dc

    assert dc.PERSONAL_COLUMNS == REGISTRY.identifying_columns
    assert {"nino", "person_key", "date_of_birth", "age_at_referral", "participant_ref", "claim_id"} <= (
        dc.PERSONAL_COLUMNS
    )
    assert {"response_id", "employer_paye_ref", "la_code"} <= dc.PERSONAL_COLUMNS
    assert not dc.PERSONAL_COLUMNS & {"contract_id", "ukprn", "customer_group", "period"}


def test_no_shipped_python_lists_the_returns_by_hand():
    literal = re.compile(r"""["']participants["'],\s*["']outcome_claims["'],\s*["']customer_survey["']""")
    allowed = {
        "contracts_schema/registry.py",  # the home
        "synth/parameters.py",  # the generator's own copy, held equal above
    }
    found = []
    shipped = [
        top for top in ROOT.iterdir() if top.is_dir() and top.name[0] not in "._" and top.name != "tests"
    ]
    for path in (path for top in shipped for path in top.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative not in allowed and literal.search(path.read_text(encoding="utf-8")):
            found.append(relative)
    assert not found, f"take the returns' names from contracts_schema.registry.RETURN_NAMES: {found}"
