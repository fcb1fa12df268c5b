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
        ("5", "15", "[c]"),  # rounded denominator below 20
        ("[low]", "500", "[c]"),  # a true numerator of 1 or 2
        ("0", "20", "0.0"),  # a true zero over enough people is published
        ("5", "20", "25.0"),
        ("20", "20", "100.0"),
        ("0", "0", "[z]"),  # a rate over nobody cannot exist
        ("5", "[low]", "[c]"),
        ("[c]", "[c]", "[c]"),  # a small group's row
        ("[x]", "40", "[x]"),
    ],
)
def test_rates_are_percentages_of_the_published_counts(numerator, denominator, shown):
    assert dc.rate_cell(numerator, denominator, P) == shown


def test_a_rate_adds_nothing_to_its_rounded_counts():
    # 80 referrals and 21 outcomes are published as 80 and 20: the rate says 25.0, not 26.25
    true_referrals, true_outcomes = 80, 21
    shown = dc.rate_cell(dc.round_count(true_outcomes, P), dc.round_count(true_referrals, P), P)
    assert shown == "25.0"
    # every pair of true counts behind the same published counts gives the same rate
    rates = {
        dc.rate_cell(dc.round_count(o, P), dc.round_count(r, P), P)
        for r in range(78, 83)
        for o in range(18, 23)
    }
    assert rates == {"25.0"}


def test_rates_round_half_up_from_the_exact_fraction():
    # 100 x 5/160 = 3.125 exactly: half up gives 3.1, 100 x 35/200 = 17.5
    assert dc.rate_cell("5", "160", P) == "3.1"
    assert dc.rate_cell("35", "200", P) == "17.5"
    assert dc.rate_cell("5", "40", P) == "12.5"
    assert dc.rate_cell("15", "40", P) == "37.5"
    assert dc.rate_cell("1", "80", P) == "1.3"  # 1.25 half up


@pytest.mark.parametrize(
    "value, actual, expected, people, shown",
    [
        (1.005, 10, 12.0, 100, "1.01"),  # half up on the decimal the warehouse holds
        (0.994, 10, 12.0, 100, "0.99"),
        (1.5, 2, 12.0, 100, "[c]"),  # a true actual count of 1 or 2
        (1.5, 15, 9.9, 100, "[c]"),  # expected below 10
        (None, 10, 12.0, 100, "[x]"),
        (None, 0, 0.0, 0, "[z]"),
        (1.25, None, None, None, "1.25"),  # a ratio not built on counts (an inspection grade)
    ],
)
def test_indices_come_from_true_figures_and_are_suppressed_where_they_rest_on_too_little(
    value, actual, expected, people, shown
):
    assert dc.index_cell(value, actual, expected, P, people=people) == shown


def test_money_is_rounded_to_ten_thousand_pounds_and_suppressed_for_one_or_two_payments():
    assert dc.money_cell(1271720.0, 1325, P) == "1270000"
    assert dc.money_cell(4999.0, 10, P) == "0"
    assert dc.money_cell(5000.0, 10, P) == "10000"
    assert dc.money_cell(2500.0, 2, P) == "[c]"


@pytest.mark.parametrize("true, small", [(0, False), (1, True), (9, True), (10, False), (None, False)])
def test_a_group_of_one_to_nine_people_is_small(true, small):
    assert dc.is_small_group(true, P) is small


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
    assert pattern.match("[low]") and pattern.match("[x]") and pattern.match("[c]")
    assert not pattern.match("[z]") and not pattern.match("05") and not pattern.match("5.0")


def test_the_gate_pattern_of_a_rate_accepts_percentages_at_one_decimal():
    pattern = re.compile(cell_pattern(Column("r", "rate", derived=True), P))
    for good in ("0.0", "5.5", "12.3", "99.9", "100.0", "[c]", "[z]", "[x]"):
        assert pattern.match(good), good
    for bad in ("100.1", "0.12", "150.0", "-0.1", "[low]", "05.0", "7"):
        assert not pattern.match(bad), bad


def test_every_kind_has_a_schema_type_and_a_parquet_type():
    for name, kind in KINDS.items():
        assert kind.schema_type in {"integer", "number", "string"}, name
        assert kind.parquet in {"int64", "string", "rate", "index"}, name
