"""Stand-in for dbt's ``adapter`` object in sqlfluff's jinja templater (see ``.sqlfluff``).

``adapter.dispatch(name)`` renders as a table named after the macro, which is all the
linter needs to parse a ``from {{ lake_source(...) }}``; the other methods are used only
inside seed-loading macros, which the linter never renders.

Not for: anything dbt itself runs.
"""


def dispatch(macro_name: str, macro_namespace: str | None = None):
    def render(*args: object, **kwargs: object) -> str:
        return str(args[0]) if args else macro_name

    return render


def convert_type(*args: object, **kwargs: object) -> str:
    return "varchar"


def add_query(*args: object, **kwargs: object) -> None:
    return None
