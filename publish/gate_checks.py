"""The quality gate's expectations: per published CSV, and on the frames derived across files.

Every published CSV is held to an expectation suite derived from
:mod:`publish.definitions`: expected columns in order, unique non-empty keys,
counts that are multiples of the rounding base or an allowed symbol, rates and
indices at fixed decimals, stars 1-5, codes from their code lists, inert text,
and every covered contract of the warehouse present. The frames of
:mod:`publish.gate_frames` get the suites of :func:`derived_expectations`.

Not for: reading files or running Great Expectations (:mod:`publish.quality_gate`).

Notes:
    ``gx`` is passed in (the imported ``great_expectations`` module) because the
    package takes 2-4 s to import and is imported by the gate's run only.
"""

from __future__ import annotations

from publish import disclosure_control as dc
from publish.definitions import (
    CONTRACT_PERFORMANCE,
    KINDS,
    STAR_RATINGS,
    ReleaseTable,
    allowed_symbols,
    allowed_values,
    cell_pattern,
)
from publish.gate_types import GateInputs

INERT_VIOLATION = r"^[=+\-@\t\r]"


def csv_expectations(gx, table: ReleaseTable, inputs: GateInputs, package_fields: list[str] | None) -> list:
    E = gx.expectations
    p = inputs.parameters
    out = [
        E.ExpectTableColumnsToMatchOrderedList(
            column_list=table.column_names, meta={"note": "expected columns, in order"}
        )
    ]
    if package_fields is not None:
        out.append(
            E.ExpectTableColumnsToMatchOrderedList(
                column_list=package_fields, meta={"note": "the CSV header agrees with datapackage.json"}
            )
        )
    if table.name != "revisions":
        out.append(E.ExpectTableRowCountToBeBetween(min_value=1, meta={"note": "the table has rows"}))
    if len(table.key) > 1:
        out.append(
            E.ExpectCompoundColumnsToBeUnique(column_list=list(table.key), meta={"note": "keys unique"})
        )
    else:
        out.append(E.ExpectColumnValuesToBeUnique(column=table.key[0], meta={"note": "keys unique"}))
    for column in table.columns:
        if column.name in table.key:
            out.append(
                E.ExpectColumnValueLengthsToBeBetween(
                    column=column.name, min_value=1, meta={"note": "key never empty"}
                )
            )
        pattern = cell_pattern(column, p)
        if pattern:
            out.append(
                E.ExpectColumnValuesToMatchRegex(
                    column=column.name, regex=pattern, meta={"note": f"{column.kind}: value format or symbol"}
                )
            )
        enum = allowed_values(column, inputs.vocabulary)
        if enum is not None:
            out.append(
                E.ExpectColumnValuesToBeInSet(
                    column=column.name,
                    value_set=enum + allowed_symbols(column, p),
                    meta={"note": "code from its code list"},
                )
            )
        if KINDS[column.kind].schema_type == "string":
            out.append(
                E.ExpectColumnValuesToNotMatchRegex(
                    column=column.name, regex=INERT_VIOLATION, meta={"note": "spreadsheet-inert text"}
                )
            )
    if table is CONTRACT_PERFORMANCE:
        expected = sorted(dc.inert_text(c) for c in inputs.expected_contracts)
        out.append(
            E.ExpectColumnDistinctValuesToEqualSet(
                column="contract_id",
                value_set=expected,
                meta={"note": "every covered contract of the warehouse present, no other"},
            )
        )
        out.append(
            E.ExpectColumnValuesToBeInSet(
                column="period", value_set=[inputs.period], meta={"note": "the release period"}
            )
        )
    if table is STAR_RATINGS:
        expected = sorted(dc.inert_text(c) for c in inputs.expected_contracts)
        out.append(
            E.ExpectColumnValuesToBeInSet(
                column="unit_id",
                value_set=expected,
                row_condition='unit_type=="CONTRACT"',
                condition_parser="pandas",
                meta={"note": "contract ratings only for covered contracts"},
            )
        )
    if table.name == "performance_by_group":
        expected = sorted(dc.inert_text(c) for c in inputs.expected_contracts)
        out.append(
            E.ExpectColumnValuesToBeInSet(
                column="contract_id", value_set=expected, meta={"note": "only covered contracts"}
            )
        )
    return out


def derived_expectations(gx) -> dict[str, list]:
    E = gx.expectations
    return {
        "release_columns": [
            E.ExpectColumnValuesToNotBeInSet(
                column="column",
                value_set=sorted(dc.PERSONAL_COLUMNS),
                meta={"note": "no personal column in any file"},
            ),
            E.ExpectColumnValuesToNotMatchRegex(
                column="column",
                regex=dc.PERSONAL_COLUMN_PATTERN.pattern,
                meta={"note": "no exact-date or identifier column"},
            ),
        ],
        "disclosure_subtraction": [
            E.ExpectColumnValuesToBeInSet(
                column="finding",
                value_set=["safe"],
                meta={
                    "note": "no confidential cell can be narrowed by subtracting published figures from a "
                    "published total to a range of width 4 or less"
                },
            ),
        ],
        "rate_reproduction": [
            E.ExpectColumnValuesToBeInSet(
                column="finding",
                value_set=["safe"],
                meta={"note": "every published rate is what its two published counts give"},
            ),
        ],
        "national_consistency": [
            E.ExpectColumnValuesToBeBetween(
                column="excess_over_rounding",
                max_value=0,
                meta={"note": "national totals consistent with their parts within rounding"},
            ),
        ],
        "datapackage_fields": [
            E.ExpectColumnPairValuesToBeEqual(
                column_A="definition_field",
                column_B="package_field",
                meta={"note": "datapackage.json field names"},
            ),
            E.ExpectColumnPairValuesToBeEqual(
                column_A="package_field",
                column_B="csv_header",
                meta={"note": "CSV header as datapackage.json says"},
            ),
            E.ExpectColumnPairValuesToBeEqual(
                column_A="definition_type",
                column_B="package_type",
                meta={"note": "datapackage.json field types"},
            ),
            E.ExpectColumnPairValuesToBeEqual(
                column_A="definition_constraints",
                column_B="package_constraints",
                meta={"note": "datapackage.json allowed values and ranges"},
            ),
        ],
        "datapackage_resources": [
            E.ExpectColumnValuesToBeInSet(column=name, value_set=[True], meta={"note": note})
            for name, note in (
                ("listed", "every table is a resource"),
                ("path_matches", "resource path"),
                ("bytes_match", "resource size as written"),
                ("hash_matches", "resource SHA-256 as written"),
                ("primary_key_matches", "primary key"),
                ("missing_values_match", "GSS symbols declared as missing values"),
            )
        ],
        "parquet_agreement": [
            E.ExpectColumnValuesToBeInSet(
                column="agrees", value_set=[True], meta={"note": "Parquet holds exactly the CSV's cells"}
            ),
        ],
    }
