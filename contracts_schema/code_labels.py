"""Renders every code's plain-English label as the dbt seed ``dbt_project/seeds/generated/code_labels.csv``.

(``seeds/generated/``, apart from the hand-written parameter seeds of ``seeds/``:
those are the measures' parameters, this is derived from the definitions.)

The codes come from the single definitions: the provider-facing code lists
(``definitions/code_lists.yaml``) and the codes the warehouse gives out
(``definitions/warehouse_codes.yaml``: statuses, reasons, bands). The seed
feeds the mart ``dim_code_labels`` (list, code, label, description,
sort_order), which the portal, the release and analysts join to show words
beside codes. ``mi spec --code-labels`` writes the file; a test fails when
the committed copy differs.

Not for: checking submitted values (``contracts_schema.checks`` does that from
the code lists alone; warehouse codes are never accepted in a file).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from contracts_schema.registry import CodeList, Registry, load_registry

#: Columns of the seed, in order; ``dim_code_labels`` keeps them.
COLUMNS = ("list", "code", "label", "description", "sort_order")


@dataclass(frozen=True)
class CodeLabel:
    list: str
    code: str
    label: str
    description: str | None
    sort_order: int


def _rows(code_list: CodeList, start: int = 1) -> list[CodeLabel]:
    return [
        CodeLabel(
            list=code_list.name,
            code=code,
            label=label,
            description=code_list.descriptions.get(code),
            sort_order=start + i,
        )
        for i, (code, label) in enumerate(code_list.values.items())
    ]


def code_labels(registry: Registry | None = None) -> list[CodeLabel]:
    """Every code of every list, in the lists' own order; a warehouse list that extends
    a provider-facing one follows its codes."""
    registry = registry or load_registry()
    rows: list[CodeLabel] = []
    for name, code_list in registry.code_lists.items():
        rows += _rows(code_list)
        extra = registry.warehouse_codes.get(name)
        if extra is not None:
            rows += _rows(extra, start=len(code_list.values) + 1)
    for name, code_list in registry.warehouse_codes.items():
        if name not in registry.code_lists:
            rows += _rows(code_list)
    return rows


def code_columns(registry: Registry | None = None) -> dict[str, str]:
    """Column name -> the list its codes come from: a column named like a list carries
    that list, and so do the list's own ``columns`` (``previous_stars`` -> ``stars``)."""
    registry = registry or load_registry()
    columns: dict[str, str] = {}
    for lists in (registry.code_lists, registry.warehouse_codes):
        for name, code_list in lists.items():
            columns[name] = name
            for column in code_list.columns:
                columns[column] = name
    return columns


def render_code_labels(registry: Registry | None = None) -> str:
    """The seed's CSV text: a header, then one row per code; an empty description is null."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in code_labels(registry):
        writer.writerow([row.list, row.code, row.label, row.description or "", row.sort_order])
    return out.getvalue()
