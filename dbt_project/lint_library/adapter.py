"""Stand-in for dbt's ``adapter`` object in sqlfluff's jinja templater (see ``.sqlfluff``).

``adapter.dispatch(name)`` renders what dbt renders on DuckDB: the ``duckdb__`` or
else the ``default__`` implementation of the macro (loaded from ``macros/``), so the
linter reads the SQL the DuckDB build runs, be it a relation
(``from {{ lake_source(...) }}``) or a whole query
(``{{ approved_release_manifests() }}``). Without either it renders the first
argument, or the macro's name, as a table name. The other methods are used only
inside seed-loading macros, which the linter never renders.

Not for: anything dbt itself runs.
"""

import jinja2


def dispatch(macro_name: str, macro_namespace: str | None = None):
    @jinja2.pass_context
    def render(context: jinja2.runtime.Context, *args: object, **kwargs: object) -> object:
        for prefix in ("duckdb__", "default__"):
            implementation = context.resolve_or_missing(prefix + macro_name)
            if implementation is not jinja2.runtime.missing:
                return implementation(*args, **kwargs)
        return str(args[0]) if args else macro_name

    return render


def convert_type(*args: object, **kwargs: object) -> str:
    return "varchar"


def add_query(*args: object, **kwargs: object) -> None:
    return None
