"""Lint: the dbt project's SQL follows the portability rules, so it builds on DuckDB and on Spark alike.

The rules are those of ``shared/notes/sql-portability.md``. SQL that an engine
truly needs for itself lives in a dispatched macro (``duckdb__*``,
``spark__*``, called through ``adapter.dispatch``); those bodies are exempt,
everything else in ``models/`` and ``macros/`` is scanned after comments,
Jinja and string literals are blanked out. A finding names the file, the
line and the rule.

This catches the mechanical mistakes only; the proof is the Spark build of
``test_engine_equivalence.py``. Not for: documentation, contracts or the
division guard (``test_warehouse_project.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from warehouse import DBT_PROJECT_DIR

SQL_FILES = sorted((DBT_PROJECT_DIR / "models").rglob("*.sql")) + sorted(
    (DBT_PROJECT_DIR / "macros").rglob("*.sql")
)

_DATE_NAME = r"\b\w*(?:date|_on|_start|_end|_from|_to)\b"

#: (pattern, why it is not portable). Patterns run on lower-cased SQL without comments, Jinja or strings.
RULES: list[tuple[str, str]] = [
    (
        _DATE_NAME + r"\s*-\s*[\w(]",
        "date subtraction: an integer on DuckDB, an interval on Spark; use dbt.datediff or add_days",
    ),
    (
        _DATE_NAME + r"\s*\+\s*[\w(]",
        "date arithmetic with +: use dbt.dateadd (the add_days/add_months macros)",
    ),
    (r"\binterval\b", "interval arithmetic differs between the engines; use dbt.dateadd / dbt.datediff"),
    (r'"', 'double quotes: Spark reads "col" as a string literal, silently'),
    (r"//", "// is integer division on DuckDB only"),
    (r"\bdiv\b", "div is integer division on Spark only"),
    (r"::", "::casts fail on Spark 3 clusters; use cast(x as type)"),
    (
        r"\bstrftime\s*\(",
        "strftime is DuckDB's; build labels with extract() and concat() (macros/quarters.sql)",
    ),
    (r"\bdate_format\s*\(", "date_format is Spark's; build labels with extract() and concat()"),
    (r"\bgenerate_series\s*\(", "generate_series is DuckDB's; build a spine from a seed or a model"),
    (r"\brange\s*\(", "range() as a table function is DuckDB's; build a spine from a seed or a model"),
    (r"\bdate_?diff\s*\(", "datediff/date_diff take their arguments in different orders; use dbt.datediff"),
    (r"\bdate_(?:add|sub)\s*\(", "date_add/date_sub differ between the engines; use dbt.dateadd"),
    (r"\btrunc\s*\(", "trunc(d, 'month') is Spark's; use quarter_index / dbt.date_trunc"),
    (r"\bextract\s*\(\s*epoch\b", "extract(epoch ...) is not on Spark"),
    (r"\bexclude\s*\(", "select * exclude is DuckDB's; Spark and DuckDB both read * except (...)"),
    (
        r"\bsum\s*\(\s*(?:not\s+)?(?:is|has)_\w+\s*\)",
        "sum(boolean) fails on Spark; sum(case when b then 1 else 0 end)",
    ),
    (
        r"\bsum\s*\((?![^()]*\bcase\b)[^()]*(?:<>|!=|<=|>=|[^<>!]=|<|>)[^()]*\)",
        "sum(comparison) sums booleans; sum(case when ... then 1 else 0 end)",
    ),
    (r"\bas\s+(?:overlaps|window|range)\b", "a reserved word as a name breaks Spark's parser"),
    (
        r"\b\d+\.\d+\s*/|/\s*\d+\.\d+\b",
        "a decimal literal in a division is a DOUBLE on DuckDB but a six-place DECIMAL on Spark; "
        "use cast(1 as double) or compare in whole numbers",
    ),
]

_DISPATCHED = re.compile(r"\{%-?\s*macro\s+(?:duckdb|spark)__\w+.*?\{%-?\s*endmacro\s*-?%\}", re.S)
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_LINE_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")


def _blank(match: re.Match) -> str:
    """The matched text as spaces, newlines kept, so line numbers stay right."""
    return re.sub(r"[^\n]", " ", match.group(0))


def scannable(sql: str) -> str:
    """The SQL outside dispatched macros, with comments, Jinja and string literals blanked."""
    for pattern in (_JINJA_COMMENT, _DISPATCHED, _LINE_COMMENT, _JINJA):
        sql = pattern.sub(_blank, sql)
    return _STRING.sub(lambda m: "'" + _blank(m)[2:] + "'" if len(m.group(0)) >= 2 else m.group(0), sql)


def violations(sql: str) -> list[tuple[int, str]]:
    """(line number, reason) for every rule broken outside dispatched macros."""
    text = scannable(sql).lower()
    found = []
    for pattern, why in RULES:
        for match in re.finditer(pattern, text):
            found.append((text.count("\n", 0, match.start()) + 1, why))
    return sorted(found)


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(DBT_PROJECT_DIR)))
def test_sql_is_portable_outside_dispatched_macros(path: Path):
    found = violations(path.read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{path.relative_to(DBT_PROJECT_DIR)}:{line}: {why}" for line, why in found)


@pytest.mark.parametrize(
    "sql",
    [
        "select referral_date - start_date as days from p",
        "select job_start_date + 28 from c",
        "where claim_date > current_date - interval 3 day",
        'select "contract_id" from c',
        "select referrals // 2 from c",
        "select '5'::int",
        "select strftime(d, '%Y') from c",
        "select date_format(d, 'yyyy') from c",
        "select * from generate_series(1, 3)",
        "select * from range(10)",
        "select datediff(a, b) from c",
        "select date_diff('day', a, b) from c",
        "select date_add(d, 1) from c",
        "select trunc(d, 'month') from c",
        "select extract(epoch from t) from c",
        "select * exclude (a) from c",
        "select sum(is_mature) from c",
        "select sum(stars >= 4) from c",
        "select 1 as window from c",
        "select x <= 1.0 / 3 from c",
    ],
)
def test_the_lint_catches(sql: str):
    assert violations(sql), sql


def test_the_lint_leaves_portable_sql_and_dispatched_macros_alone():
    portable = """
    {# a comment may say date - date or "quoted" #}
    -- so may this one: a - interval 1 day
    select
        {{ dbt.datediff('referral_date', 'start_date', 'day') }} as days,
        cast({{ dbt.dateadd('day', -1, 'spell_end') }} as date) as before_end,
        'text with "quotes" and // slashes' as label,
        sum(case when is_mature then 1 else 0 end) as mature,
        count(*) over (partition by p order by r range between unbounded preceding and current row) as n,
        referrals / nullif(cast(starts as double), 0) as rate,
        start_date <= end_date as ordered
    from c
    {% macro spark__thing(x) %}
        select parquet.`{{ x }}`, date_format(d, 'yyyy'), d - interval 1 day
    {% endmacro %}
    {%- macro duckdb__thing(x) -%}select strftime(d, '%Y'), a // 2, '5'::int{%- endmacro -%}
    """
    assert violations(portable) == []


def test_a_finding_names_its_line():
    assert violations("select\n  a,\n  b // 2\nfrom c") == [(3, "// is integer division on DuckDB only")]
