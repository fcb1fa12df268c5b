"""Stand-ins for dbt's cross-database macros, so sqlfluff's jinja templater can render
the models without a database connection (see ``.sqlfluff``). Only the shape of the SQL
matters to the linter, not the exact type or function each adapter would emit.

Not for: anything dbt itself runs; dbt never reads this folder.
"""


def type_string() -> str:
    return "varchar"


def dateadd(datepart: str, interval: object, from_date_or_timestamp: object) -> str:
    return f"date_add({from_date_or_timestamp}, interval ({interval}) {datepart})"


def datediff(first_date: object, second_date: object, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"
