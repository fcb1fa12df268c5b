"""Stand-in for dbt's ``run_started_at`` in sqlfluff's jinja templater (see ``.sqlfluff``).

Not for: anything dbt itself runs.
"""


def strftime(fmt: str) -> str:
    return "2000-01-01 00:00:00"
