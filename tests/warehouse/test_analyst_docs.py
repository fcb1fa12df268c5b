"""What analysts get, checked on the small synthetic world (the demo's world): the README examples
run and return rows, every code in the marts has a label, the descriptions are comments in the
analysts' copy, names stand beside ids, and mart_build_info says how current the build is.

The small world is built once per session (``small_world`` in tests/conftest.py);
nothing here changes it. The static docs page is generated on a private MI_HOME
holding a copy of its analysts' copy.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from contracts_schema.code_labels import code_columns, code_labels
from core.settings import Paths
from warehouse.docs import Example, check_examples, generate_docs, offline_problems, readme_examples

EXAMPLES = readme_examples()

#: id column -> the name column every mart carrying it must carry as well
NAMES_BESIDE_IDS = {"prime_ukprn": "prime_name", "delivery_ukprn": "delivery_name", "cpa_id": "cpa_name"}


@pytest.fixture()
def analysts_copy(small_world):
    connection = duckdb.connect(str(Paths(small_world).warehouse), read_only=True)
    yield connection
    connection.close()


def mart_columns(connection) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for table, column in connection.execute(
        "select table_name, column_name from duckdb_columns() where schema_name = 'marts' "
        "order by table_name, column_index"
    ).fetchall():
        found.setdefault(table, []).append(column)
    return found


def test_the_readmes_have_examples_for_the_common_questions():
    text = " ".join(e.sql for e in EXAMPLES)
    for needed in (
        "marts.mart_star_ratings",
        "outcomes_lower",
        "compared_with_national",
        "fct_expected_outcomes",
        "mart_parking_indicators",
        "z_score",
        "fct_outcome_claims",
        "dim_code_labels",
        "at_risk",
        "payments_due_gbp",
        "fct_unclaimed_outcomes",
        "mart_build_info",
    ):
        assert needed in text, f"no README example uses {needed}"
    assert "staging." not in text, "an example reads staging: the marts carry names beside ids"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_every_readme_example_runs_and_returns_rows(small_world, example: Example):
    [result] = check_examples(Paths(small_world).warehouse, [example])
    assert result.ok, result.describe() + "\n" + example.sql


def test_an_example_is_named_by_its_comment_or_the_paragraph_before_it(tmp_path: Path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "Intro.\n\nThe busiest contracts\nby referrals:\n\n```sql\nselect 1;\n\n-- Second one\n"
        "select 2 as x;\n```\n",
        encoding="utf-8",
    )
    first, second = readme_examples([readme])
    assert (first.title, first.sql, first.line) == ("The busiest contracts by referrals", "select 1", 7)
    assert (second.title, second.sql.splitlines()[-1], second.line) == ("Second one", "select 2 as x", 9)


def test_a_failing_or_empty_example_is_reported_by_name(small_world):
    broken = Example("README.md", 1, "broken", "select quarter from marts.mart_contract_review")
    empty = Example("README.md", 2, "empty", "select * from marts.dim_code_labels where false")
    results = check_examples(Paths(small_world).warehouse, [broken, empty])
    assert [r.ok for r in results] == [False, False]
    assert "README.md:1 broken" in results[0].describe() and "quarter" in results[0].describe()
    assert results[1].describe() == "FAILED README.md:2 empty: returned no rows"


def test_dim_code_labels_holds_every_generated_label(analysts_copy):
    rows = analysts_copy.execute(
        "select list, code, label, description, sort_order from marts.dim_code_labels"
    ).fetchall()
    assert sorted(rows) == sorted(
        (r.list, r.code, r.label, r.description, r.sort_order) for r in code_labels()
    )


def test_every_code_in_the_marts_has_a_label(analysts_copy):
    labels = {
        (lst, code)
        for lst, code in analysts_copy.execute("select list, code from marts.dim_code_labels").fetchall()
    }
    carried = code_columns()
    missing: set[str] = set()
    checked = 0
    for table, columns in mart_columns(analysts_copy).items():
        if table == "dim_code_labels":
            continue
        for column in columns:
            if column in carried:
                values = analysts_copy.execute(
                    f"select distinct cast({column} as varchar) from marts.{table} where {column} is not null"
                ).fetchall()
                checked += 1
                missing |= {
                    f"{table}.{column} = {v!r}" for (v,) in values if (carried[column], v) not in labels
                }
        if "group_dimension" in columns and "group_value" in columns:
            pairs = analysts_copy.execute(
                f"select distinct group_dimension, group_value from marts.{table}"
            ).fetchall()
            missing |= {f"{table}.group_value = {v!r} ({d})" for d, v in pairs if (d, v) not in labels}
        if "domains_used" in columns:
            for (used,) in analysts_copy.execute(
                f"select distinct domains_used from marts.{table} where domains_used is not null"
            ).fetchall():
                missing |= {
                    f"{table}.domains_used has {d!r}"
                    for d in used.split(",")
                    if ("rating_domain", d) not in labels
                }
    assert checked >= 10
    assert not missing, (
        "codes in the marts without a label (contracts_schema/definitions/, then make spec):\n"
        + "\n".join(sorted(missing))
    )


def test_every_mart_and_column_is_described_in_the_analysts_copy(analysts_copy):
    """persist_docs: the descriptions are comments, so an analyst's own client explains the columns."""
    tables = dict(
        analysts_copy.execute(
            "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
    )
    assert "mart_star_ratings" in tables and "mart_build_info" in tables
    assert not [t for t, comment in tables.items() if not (comment or "").strip()]
    undescribed = analysts_copy.execute(
        "select table_name || '.' || column_name from duckdb_columns() "
        "where schema_name = 'marts' and coalesce(trim(comment), '') = ''"
    ).fetchall()
    assert not undescribed, f"mart columns without a comment: {undescribed}"
    [(comment,)] = analysts_copy.execute(
        "select comment from duckdb_columns() where schema_name = 'marts' "
        "and table_name = 'fct_participants' and column_name = 'prime_name'"
    ).fetchall()
    assert comment.startswith("Name of the prime contractor")
    assert "{{" not in comment and "doc(" not in comment


def test_every_mart_with_an_id_carries_its_name(analysts_copy):
    missing = [
        f"{table} has {id_column} without {name}"
        for table, columns in mart_columns(analysts_copy).items()
        for id_column, name in NAMES_BESIDE_IDS.items()
        if id_column in columns and name not in columns
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    "table, id_column, name, reference, key, reference_name",
    [
        ("fct_participants", "prime_ukprn", "prime_name", "stg_lake__providers", "ukprn", "provider_name"),
        (
            "fct_participants",
            "delivery_ukprn",
            "delivery_name",
            "stg_lake__providers",
            "ukprn",
            "provider_name",
        ),
        ("fct_participants", "cpa_id", "cpa_name", "stg_lake__contract_package_areas", "cpa_id", "cpa_name"),
        (
            "fct_cohort_performance",
            "prime_ukprn",
            "prime_name",
            "stg_lake__providers",
            "ukprn",
            "provider_name",
        ),
        (
            "fct_cohort_performance_by_customer_group",
            "prime_ukprn",
            "prime_name",
            "stg_lake__providers",
            "ukprn",
            "provider_name",
        ),
        ("mart_supply_chain", "prime_ukprn", "prime_name", "stg_lake__providers", "ukprn", "provider_name"),
        (
            "mart_supply_chain",
            "delivery_ukprn",
            "delivery_name",
            "stg_lake__providers",
            "ukprn",
            "provider_name",
        ),
        ("mart_market_share", "prime_ukprn", "prime_name", "stg_lake__providers", "ukprn", "provider_name"),
    ],
)
def test_the_name_is_the_reference_datas_name_for_the_id(
    analysts_copy, table, id_column, name, reference, key, reference_name
):
    rows, wrong = analysts_copy.execute(f"""
        select count(*), count(*) filter (where m.{name} is distinct from r.{reference_name})
        from marts.{table} m left join staging.{reference} r on m.{id_column} = r.{key}
        where m.{id_column} is not null""").fetchone()
    assert rows > 0 and wrong == 0


def test_mart_supply_chain_keeps_delivery_provider_name(analysts_copy):
    [(differ,)] = analysts_copy.execute(
        "select count(*) from marts.mart_supply_chain "
        "where delivery_provider_name is distinct from delivery_name"
    ).fetchall()
    assert differ == 0


def test_mart_build_info_says_how_current_the_warehouse_is(analysts_copy):
    cursor = analysts_copy.execute("select * from marts.mart_build_info")
    names = [d[0] for d in cursor.description]
    [row] = cursor.fetchall()
    info = dict(zip(names, row, strict=False))
    assert names == [
        "extract_date",
        "latest_submission_received_at",
        "last_complete_quarter",
        "first_rating_quarter",
        "last_rating_quarter",
        "built_at",
        "code_version",
    ]
    [(extract_date, last_complete)] = analysts_copy.execute(
        "select extract_date, last_complete_quarter from intermediate.int_employment__extract"
    ).fetchall()
    assert (info["extract_date"], info["last_complete_quarter"]) == (extract_date, last_complete)
    [(received,)] = analysts_copy.execute(
        "select max(received_at) from staging.stg_lake__submissions where kind = 'return'"
    ).fetchall()
    assert info["latest_submission_received_at"] == received
    [(first, last)] = analysts_copy.execute(
        "select min(rating_quarter), max(rating_quarter) from marts.mart_star_ratings"
    ).fetchall()
    assert (info["first_rating_quarter"], info["last_rating_quarter"]) == (first, last)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert now - dt.timedelta(hours=6) < info["built_at"] <= now
    assert info["built_at"] >= received - dt.timedelta(seconds=1)
    assert info["code_version"] and info["code_version"] != "unknown"


def test_make_docs_writes_a_static_page_that_needs_no_server_and_no_other_site(small_world, tmp_path):
    home = tmp_path / "home"
    paths = Paths(home)
    paths.warehouse.parent.mkdir(parents=True)
    shutil.copyfile(Paths(small_world).warehouse, paths.warehouse)
    page = generate_docs(paths)
    assert page == home / "docs" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert "mart_build_info" in text and "dim_code_labels" in text
    assert "Name of the prime contractor" in text  # the descriptions, doc blocks rendered
    assert offline_problems(page) == []
    assert not (home / "docs" / "build" / "catalog.duckdb").exists(), (
        "the catalog's private copy is left behind"
    )
