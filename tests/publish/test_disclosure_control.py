"""Disclosure control, cell by cell (publication spec §2, §3), on values chosen by hand."""

from __future__ import annotations

import re

import pytest

from publish import disclosure_control as dc
from publish.definitions import KINDS, Column, cell_pattern
from publish.parameters import release_parameters

P = release_parameters()


@pytest.mark.parametrize(
    "true, shown",
    [
        (0, "0"),
        (1, "[low]"),
        (2, "[low]"),
        (3, "5"),
        (7, "5"),
        (8, "10"),
        (12, "10"),
        (13, "15"),
        (1234, "1235"),
        (None, "[x]"),
    ],
)
def test_counts_are_rounded_to_the_nearest_five_and_one_or_two_show_low(true, shown):
    assert dc.round_count(true, P) == shown


def test_a_published_zero_is_a_true_zero():
    assert [n for n in range(0, 50) if dc.round_count(n, P) == "0"] == [0]


@pytest.mark.parametrize(
    "numerator, denominator, shown",
    [
        (5, 19, "[c]"),  # denominator below 20
        (1, 500, "[c]"),  # numerator 1
        (2, 500, "[c]"),  # numerator 2
        (0, 20, "0.0000"),  # a true zero over enough people is published
        (3, 20, "0.1500"),
        (1, 8, "[c]"),
        (20, 20, "1.0000"),
        (0, 0, "[z]"),  # a rate over nobody cannot exist
        (None, 40, "[x]"),
    ],
)
def test_rates_are_suppressed_on_unrounded_counts(numerator, denominator, shown):
    assert dc.rate_cell(numerator, denominator, P) == shown


def test_rates_round_half_up_from_the_exact_fraction():
    # 1/32 = 0.03125 exactly: binary rounding would give 0.0312, half up gives 0.0313
    assert dc.rate_cell(5, 160, P) == "0.0313"
    assert dc.rate_cell(7, 21, P) == "0.3333"


def test_suppression_is_decided_before_rounding():
    # 22 people round to 20 and 18 people round to 20: only the true 18 is suppressed
    assert dc.rate_cell(5, 22, P) != "[c]"
    assert dc.rate_cell(5, 18, P) == "[c]"


@pytest.mark.parametrize(
    "value, numerator, denominator, shown",
    [
        (1.005, 10, 100, "1.01"),  # half up on the decimal the warehouse holds
        (0.994, 10, 100, "0.99"),
        (1.5, 2, 100, "[c]"),
        (1.5, 10, 19, "[c]"),
        (None, 10, 100, "[x]"),
        (None, 0, 0, "[z]"),
        (1.25, None, None, "1.25"),  # a ratio not built on counts (an inspection grade)
    ],
)
def test_indices_have_two_decimals_and_follow_the_rate_rule(value, numerator, denominator, shown):
    assert dc.index_cell(value, numerator, denominator, P) == shown


def test_money_is_rounded_to_the_money_base_and_suppressed_for_one_or_two_payments():
    assert dc.money_cell(1271720.0, 1325, P) == "1272000"
    assert dc.money_cell(499.0, 10, P) == "0"
    assert dc.money_cell(2500.0, 2, P) == "[c]"


@pytest.mark.parametrize(
    "text, shown",
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+44", "'+44"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Plain Ltd", "Plain Ltd"),
        ("A=B", "A=B"),
        ("", ""),
    ],
)
def test_text_a_spreadsheet_would_run_is_made_inert(text, shown):
    assert dc.inert_text(text) == shown


@pytest.mark.parametrize(
    "name",
    [
        "nino",
        "person_key",
        "participant_ref",
        "claim_id",
        "response_id",
        "date_of_birth",
        "referral_date",
        "verified_on",
        "spell_start",
        "NINO",
    ],
)
def test_personal_columns_are_recognised(name):
    assert dc.is_personal_column(name)


@pytest.mark.parametrize(
    "name",
    [
        "period",
        "contract_id",
        "referrals",
        "starts",
        "sustained_outcome_rate",
        "like_for_like_index",
        "star_rating_previous",
        "unit_id",
        "nation",
    ],
)
def test_published_columns_are_not_personal(name):
    assert not dc.is_personal_column(name)


def test_the_gate_pattern_of_a_count_accepts_exactly_multiples_of_five_and_its_symbols():
    pattern = re.compile(cell_pattern(Column("n", "count", description="x"), P))
    accepted = [str(n) for n in range(0, 200) if pattern.match(str(n))]
    assert accepted == [str(n) for n in range(0, 200, 5)]
    assert pattern.match("[low]") and pattern.match("[x]")
    assert not pattern.match("[c]") and not pattern.match("05") and not pattern.match("5.0")


def test_the_gate_pattern_of_a_rate_accepts_zero_to_one_at_four_decimals():
    pattern = re.compile(cell_pattern(Column("r", "rate", description="x"), P))
    for good in ("0.0000", "0.1234", "1.0000", "[c]", "[z]", "[x]"):
        assert pattern.match(good), good
    for bad in ("1.0001", "0.123", "1.5000", "-0.1000", "[low]", "0.12345"):
        assert not pattern.match(bad), bad


def test_every_kind_has_a_schema_type_and_a_parquet_type():
    for name, kind in KINDS.items():
        assert kind.schema_type in {"integer", "number", "string"}, name
        assert kind.parquet in {"int64", "string", "rate", "index"}, name
