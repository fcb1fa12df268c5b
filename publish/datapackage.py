"""``datapackage.json``: the release described as a Frictionless Data Package.

One tabular resource per CSV with its Table Schema: field types, descriptions
(the ``pub_*`` models' words from dbt's manifest, and the release's own on
disclosure control, from :mod:`publish.definitions`), allowed
values (``contracts_schema`` code lists), ranges, the primary key, and the GSS
symbols as ``missingValues`` so that a validator reads ``[c]`` in an integer
column as "no value" rather than an error. Package metadata (licence,
sources, publisher) comes from ``parameters.yaml``.

Not for: the files themselves or their checks. ``frictionless validate`` is
the independent check of this descriptor against the files.

Notes:
    ``content_view`` strips what legitimately differs between two versions
    with the same figures (version number, release date, the revisions
    resource) so that "unchanged data" can be recognised from the digest.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from core.periods import Period
from publish.definitions import KINDS, Column, ReleaseTable, allowed_values
from publish.parameters import ReleaseParameters

_RANGES: dict[str, dict[str, Any]] = {
    "count": {"minimum": 0},
    "money": {"minimum": 0},
    "rate": {"minimum": 0, "maximum": 100},
    "index": {"minimum": 0},
    "stars": {"minimum": 1, "maximum": 5},
    "rank": {"minimum": 1},
}
_PATTERNS = {"period": r"\d{4}Q[1-4]"}


def field_descriptor(
    column: Column, table: ReleaseTable, vocabulary: dict[str, list[str]], parameters: ReleaseParameters
) -> dict[str, Any]:
    constraints: dict[str, Any] = dict(_RANGES.get(column.kind, {}))
    if column.name in table.key:
        constraints["required"] = True
    if column.kind in _PATTERNS:
        constraints["pattern"] = _PATTERNS[column.kind]
    enum = allowed_values(column, vocabulary)
    if enum is not None:
        constraints["enum"] = enum
    descriptor: dict[str, Any] = {
        "name": column.name,
        "type": KINDS[column.kind].schema_type,
        "description": table.column_description(column, parameters),
    }
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def table_schema(
    table: ReleaseTable, vocabulary: dict[str, list[str]], parameters: ReleaseParameters
) -> dict[str, Any]:
    return {
        "fields": [field_descriptor(c, table, vocabulary, parameters) for c in table.columns],
        "primaryKey": list(table.key),
        "missingValues": parameters.missing_values,
    }


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def period_dates(period: str, window_cohorts: list[str]) -> dict[str, str]:
    """Per table, the dates its rows cover in the release of ``period`` (a period is not its dates)."""
    quarter = Period.parse(period)
    if window_cohorts:
        first, last = Period.parse(min(window_cohorts)), Period.parse(max(window_cohorts))
        window = (
            "In this release the figures over the rating window count people referred from "
            f"{_day(first.start)} to {_day(last.end)} (referral cohorts {first.code} to {last.code}), "
            "with their outcomes."
        )
    else:
        window = f"In this release no referral cohort is mature yet as at {_day(quarter.end)}."
    return {
        "contract_performance": window,
        "performance_by_group": window,
        "national_summary": f"{window} Payments are those falling due from {_day(quarter.start)} to "
        f"{_day(quarter.end)}.",
        "star_ratings": "Each rating quarter is rated on its own window: the mature referral cohorts of "
        "people referred 18 to 30 months before the quarter ended.",
        "cohort_performance": f"Referral cohorts up to {period} (people referred by {_day(quarter.end)}); "
        "outcomes are counted up to the date of the employment evidence.",
    }


def resource(
    table: ReleaseTable,
    vocabulary: dict[str, list[str]],
    parameters: ReleaseParameters,
    *,
    size: int,
    sha256: str,
    dates: str = "",
) -> dict[str, Any]:
    return {
        "name": table.name,
        "path": f"{table.name}.csv",
        "title": table.title,
        "description": table.description
        + (f" {dates}" if dates else "")
        + (
            f" Also as {table.name}.parquet, where a symbol leaves the value empty and the column's "
            "<column>_marker companion holds the symbol."
            if table.parquet
            else ""
        ),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {
            "delimiter": ",",
            "lineTerminator": "\n",
            "quoteChar": '"',
            "doubleQuote": True,
            "header": True,
        },
        "bytes": size,
        "hash": f"sha256:{sha256}",
        "schema": table_schema(table, vocabulary, parameters),
    }


def datapackage(
    *,
    period: str,
    version: int,
    release_date: dt.date,
    tables: list[ReleaseTable],
    file_facts: dict[str, tuple[int, str]],
    vocabulary: dict[str, list[str]],
    parameters: ReleaseParameters,
    provenance: dict[str, Any] | None = None,
    window_cohorts: list[str] | None = None,
) -> dict[str, Any]:
    """The descriptor of one release.

    Args:
        period: the release period ``YYYYQn``.
        version: the release's version number n (folder ``v{n}``).
        release_date: the day this content was first prepared (stable across re-preparation).
        tables: the CSV tables present, in the order they should be listed.
        file_facts: per table name, (size in bytes, sha256 hex) of its CSV as written.
        vocabulary: allowed values of code columns (:func:`publish.definitions.vocabularies`).
        parameters: the release parameters (symbols, package metadata).
        provenance: where the figures come from (:func:`provenance`); the gate's result and
            the approval are added to it later (:func:`with_gate_result`, :func:`with_approval`).
        window_cohorts: the referral cohorts of the period's rating window (each table's
            description says the dates it covers).
    """
    dates = period_dates(period, list(window_cohorts or []))
    package = parameters.package
    licence = package["licence"]
    return {
        "profile": "tabular-data-package",
        "name": package["name"],
        "title": f"{package['title']}, {period}",
        "description": " ".join(str(package["description"]).split()),
        "keywords": list(package["keywords"]),
        "version": f"{version}.0.0",
        "period": period,
        "release": f"v{version}",
        "release_date": release_date.isoformat(),
        "created": f"{release_date.isoformat()}T00:00:00Z",
        "licenses": [{"name": licence["name"], "path": licence["path"], "title": licence["title"]}],
        "contributors": [{"title": package["publisher"], "role": "publisher"}],
        "sources": [dict(source) for source in package["sources"]],
        "provenance": dict(provenance or {}),
        "resources": [
            resource(
                t,
                vocabulary,
                parameters,
                size=file_facts[t.name][0],
                sha256=file_facts[t.name][1],
                dates=dates.get(t.name, ""),
            )
            for t in tables
        ],
    }


VERSION_KEYS = ("version", "release", "release_date", "created", "provenance")


def provenance(
    *, build_info: dict[str, Any], warehouse_digest: str, code_version: str, parameters: ReleaseParameters
) -> dict[str, Any]:
    """Where a release's figures come from and who signs it off (by role), as ``datapackage.json`` says.

    Args:
        build_info: the warehouse's ``mart_build_info`` row (extract date, latest submission).
        warehouse_digest: the digest of everything the release read from the warehouse.
        code_version: the code that prepared the release (git commit or package version).
        parameters: the release parameters (the sign-off roles).
    """

    def day(value: Any) -> str | None:
        if value is None:
            return None
        return value.date().isoformat() if isinstance(value, dt.datetime) else str(value)[:10]

    return {
        "evidence_extract_date": day(build_info.get("extract_date")),
        "latest_submission_received_on": day(build_info.get("latest_submission_received_at")),
        "last_complete_quarter": build_info.get("last_complete_quarter"),
        "warehouse_build": warehouse_digest,
        "code_version": code_version,
        "prepared_by": parameters.roles["preparer"],
        "approved_by": parameters.roles["approver"],
        "quality_gate": "not yet run",
        "approved_on": None,
    }


def with_gate_result(descriptor: dict[str, Any], *, passed: bool, expectations: int) -> dict[str, Any]:
    updated = copy.deepcopy(descriptor)
    verdict = "passed" if passed else "failed"
    updated.setdefault("provenance", {})["quality_gate"] = f"{verdict} ({expectations} expectations)"
    return updated


def with_approval(descriptor: dict[str, Any], *, approved_on: dt.date) -> dict[str, Any]:
    updated = copy.deepcopy(descriptor)
    updated.setdefault("provenance", {})["approved_on"] = approved_on.isoformat()
    return updated


def content_view(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The descriptor without what differs between versions of the same figures."""
    view = copy.deepcopy(descriptor)
    for key in VERSION_KEYS:
        view.pop(key, None)
    view["resources"] = [r for r in view.get("resources", []) if r["name"] != "revisions"]
    return view
