"""The registry: every dataset's fields, code lists and rules, loaded from plain data.

The YAML files under ``definitions/`` are the single definition of the MI
specification (spec 01). This module only loads and checks them and offers them
as small immutable objects; everything else (pandera schemas, dbt sources, the
provider-facing document, release metadata) is derived from these objects by
other modules.

Not for: executing rules (see :mod:`contracts_schema.checks`) or reading data.

Notes:
    Rule ids are a public interface: providers' tooling keys on them and they
    never change meaning. The loader refuses duplicates and unknown check kinds
    so that a typo in the YAML fails loudly at import of the registry, not at
    the first file that would have needed the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFINITIONS = Path(__file__).parent / "definitions"

FIELD_TYPES = {"string", "date", "integer", "decimal", "boolean", "code"}
SEVERITIES = {"error", "warning"}

#: Every check kind the engine knows, with the standard wording used when a rule
#: gives no message of its own. ``{field}`` is filled in.
CHECK_KINDS: dict[str, str] = {
    "required": "{field} is missing; it is required.",
    "date": "{field} is not a date in the form YYYY-MM-DD.",
    "integer": "{field} is not a whole number.",
    "decimal": "{field} is not a number.",
    "boolean": "{field} must be true or false.",
    "pattern": "{field} is not in the expected format.",
    "length": "{field} has the wrong length.",
    "code": "{field} is not one of the allowed codes.",
    "range": "{field} is outside the allowed range.",
    "unique": "{field} appears on more than one row; every such row has been rejected.",
    "single_value": "{field} differs from the value on most rows; every row must carry the same value.",
    "nino": "{field} is not a valid National Insurance number.",
    "compare": "{field} is not consistent with the related date or value.",
    "not_after_period_end": "{field} is after the end of the period.",
    "inside_period": "{field} is outside the period.",
    "age_between": "{field} gives an age outside the allowed range.",
    "required_if": "{field} is missing; it is required here.",
    "empty_unless": "{field} must be empty here.",
    "ref_contract_known": "{field} is not a known contract.",
    "ref_contract_owned": "{field} is a contract held by another prime.",
    "ref_within_contract_dates": "{field} is outside the contract's dates.",
    "ref_la_in_cpa": "{field} is outside the contract's contract package area.",
    "ref_in_supply_chain": "{field} is not in the contract's supply chain.",
}

#: Check kinds that need DWP reference data; skipped (and said so) without it.
REFERENCE_CHECKS = {k for k in CHECK_KINDS if k.startswith("ref_")}
#: Check kinds that need the period of the return.
PERIOD_CHECKS = {"not_after_period_end", "inside_period"}
#: Check kinds that look at the text as sent, before typing.
RAW_CHECKS = {
    "required",
    "date",
    "integer",
    "decimal",
    "boolean",
    "pattern",
    "length",
    "code",
    "nino",
    "required_if",
    "empty_unless",
}

_RULE_KEYS = {
    "id",
    "check",
    "severity",
    "message",
    "field",
    "pattern",
    "min",
    "max",
    "min_exclusive",
    "max_exclusive",
    "op",
    "right",
    "offset_days",
    "when",
    "at",
    "on_date",
    "drop",
    "fields",
}


@dataclass(frozen=True)
class CodeList:
    """A list of codes: ``values`` maps each code, in order, to its plain-English label.

    ``descriptions`` holds the longer wording of the codes whose label needs
    more words; ``columns`` the columns other than the list's own name that
    carry its codes (``previous_stars`` for ``stars``).
    """

    name: str
    description: str
    values: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One rule: a stable id, what it checks, how serious it is, and what the clerk reads."""

    id: str
    check: str
    field: str | None
    severity: str
    message: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    dataset: str = ""

    @property
    def needs_reference(self) -> bool:
        return self.check in REFERENCE_CHECKS

    @property
    def needs_period(self) -> bool:
        return self.check in PERIOD_CHECKS

    @property
    def is_file_rule(self) -> bool:
        return self.id.startswith("FILE_")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    description: str
    example: str = ""
    code_list: str | None = None
    personal: bool = False
    default: str | None = None
    required_when: str | None = None
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Dataset:
    name: str
    kind: str  # "return" (provider) or "reference" (DWP)
    title: str
    description: str
    rule_prefix: str
    record_key: tuple[str, ...]
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()  # dataset-level (cross-field) rules

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required_fields(self) -> list[str]:
        return [f.name for f in self.fields if f.required]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def all_rules(self) -> list[Rule]:
        return [r for f in self.fields for r in f.rules] + list(self.rules)

    @property
    def stored_columns(self) -> list[tuple[str, str]]:
        """Columns as written to the lake: personal fields replaced, types resolved.

        Returns (name, type) pairs where type is one of the lake's logical types
        (string, date, integer, decimal, boolean).
        """
        columns: list[tuple[str, str]] = []
        for f in self.fields:
            if f.name == "nino":
                columns.append(("person_key", "string"))
            elif f.name == "date_of_birth":
                columns.append(("age_at_referral", "integer"))
            else:
                columns.append((f.name, "string" if f.type == "code" else f.type))
        return columns


@dataclass(frozen=True)
class Registry:
    datasets: dict[str, Dataset]
    code_lists: dict[str, CodeList]
    file_rules: dict[str, Rule]
    #: Codes the warehouse gives out (statuses, reasons, bands), from ``warehouse_codes.yaml``;
    #: a list named like one of ``code_lists`` adds codes to it. Never used to check a submission.
    warehouse_codes: dict[str, CodeList] = field(default_factory=dict)

    def dataset(self, name: str) -> Dataset:
        try:
            return self.datasets[name]
        except KeyError:
            known = ", ".join(sorted(self.datasets))
            raise KeyError(f"unknown dataset {name!r}; known: {known}") from None

    @property
    def returns(self) -> list[Dataset]:
        return [d for d in self.datasets.values() if d.kind == "return"]

    @property
    def reference(self) -> list[Dataset]:
        return [d for d in self.datasets.values() if d.kind == "reference"]

    def rule(self, rule_id: str) -> Rule:
        if rule_id in self.file_rules:
            return self.file_rules[rule_id]
        for d in self.datasets.values():
            for r in d.all_rules:
                if r.id == rule_id:
                    return r
        raise KeyError(rule_id)


class RegistryError(ValueError):
    """The definitions themselves are inconsistent."""


def _rule(raw: dict[str, Any], *, dataset: str, field_name: str | None) -> Rule:
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise RegistryError(f"rule {raw.get('id')}: unknown keys {sorted(unknown)}")
    check = raw["check"]
    if check not in CHECK_KINDS:
        raise RegistryError(f"rule {raw['id']}: unknown check {check!r}")
    target = raw.get("field", field_name) or (raw.get("fields") or [None])[0]
    severity = raw.get("severity", "error")
    if severity not in SEVERITIES:
        raise RegistryError(f"rule {raw['id']}: severity {severity!r}")
    params = {k: v for k, v in raw.items() if k not in {"id", "check", "severity", "message", "field"}}
    message = raw.get("message") or CHECK_KINDS[check].format(field=target)
    return Rule(
        id=raw["id"],
        check=check,
        field=target,
        severity=severity,
        message=message,
        params=params,
        dataset=dataset,
    )


def _dataset(raw: dict[str, Any]) -> Dataset:
    name = raw["name"]
    fields = []
    for f in raw["fields"]:
        if f["type"] not in FIELD_TYPES:
            raise RegistryError(f"{name}.{f['name']}: unknown type {f['type']!r}")
        rules = tuple(_rule(r, dataset=name, field_name=f["name"]) for r in f.get("rules", []))
        fields.append(
            Field(
                name=f["name"],
                type=f["type"],
                required=bool(f["required"]),
                description=f["description"],
                example=str(f.get("example", "")),
                code_list=f.get("code_list"),
                personal=bool(f.get("personal", False)),
                default=f.get("default"),
                required_when=f.get("required_when"),
                rules=rules,
            )
        )
    rules = tuple(_rule(r, dataset=name, field_name=None) for r in raw.get("rules", []))
    return Dataset(
        name=name,
        kind=raw["kind"],
        title=raw["title"],
        description=raw["description"].strip(),
        rule_prefix=raw["rule_prefix"],
        record_key=tuple(raw["record_key"]),
        fields=tuple(fields),
        rules=rules,
    )


def _check_consistency(reg: Registry) -> None:
    seen: dict[str, str] = {}
    for rule_id in reg.file_rules:
        seen[rule_id] = "file"
    for d in reg.datasets.values():
        names = set(d.field_names)
        for r in d.all_rules:
            if r.id in seen:
                raise RegistryError(f"rule id {r.id} used twice ({seen[r.id]} and {d.name})")
            seen[r.id] = d.name
            if not r.id.startswith(d.rule_prefix + "_"):
                raise RegistryError(f"rule {r.id} does not carry the prefix {d.rule_prefix}_")
            if r.field not in names:
                raise RegistryError(f"rule {r.id} names unknown field {r.field!r}")
            for ref in _referenced_fields(r):
                if ref not in names:
                    raise RegistryError(f"rule {r.id} refers to unknown field {ref!r}")
        for f in d.fields:
            if f.type == "code" and f.code_list not in reg.code_lists:
                raise RegistryError(f"{d.name}.{f.name}: unknown code list {f.code_list!r}")
    for name, extra in reg.warehouse_codes.items():
        base = reg.code_lists.get(name)
        if base is not None and set(base.values) & set(extra.values):
            raise RegistryError(f"warehouse code list {name} repeats codes of the code list {name}")


def _referenced_fields(rule: Rule) -> list[str]:
    p = rule.params
    refs: list[str] = []
    right = p.get("right")
    if isinstance(right, str):
        refs.append(right)
    elif isinstance(right, list):
        refs.extend(right)
    for key in ("at", "on_date"):
        if key in p:
            refs.append(p[key])
    if "when" in p:
        refs.append(p["when"]["field"])
    refs.extend(p.get("fields", []))
    return refs


#: libyaml's loader where PyYAML was built with it: the same safe subset of YAML, about six
#: times faster (the pure-Python loader was 0.28 s of every `mi validate`).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(name: str):
    return yaml.load((DEFINITIONS / name).read_text(encoding="utf-8"), Loader=_SAFE_LOADER)


def _code_list(name: str, raw: dict[str, Any], *, extends: CodeList | None = None) -> CodeList:
    """One code list; a code is its label, or a mapping {label, description}."""
    unknown = set(raw) - {"description", "values", "columns", "extends"}
    if unknown:
        raise RegistryError(f"code list {name}: unknown keys {sorted(unknown)}")
    if raw.get("extends") and extends is None:
        raise RegistryError(f"code list {name} extends a code list that does not exist")
    if not raw.get("extends") and extends is not None:
        raise RegistryError(f"warehouse code list {name} has the name of a code list; say extends: true")
    labels: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for code, value in raw["values"].items():
        code = str(code)
        if isinstance(value, dict):
            if set(value) - {"label", "description"} or not value.get("label"):
                raise RegistryError(f"code {name}.{code}: give a label (and optionally a description)")
            labels[code] = str(value["label"]).strip()
            if value.get("description"):
                descriptions[code] = " ".join(str(value["description"]).split())
        else:
            labels[code] = str(value).strip()
    description = raw.get("description") or (extends.description if extends else "")
    if not description:
        raise RegistryError(f"code list {name} has no description")
    return CodeList(
        name=name,
        description=description,
        values=labels,
        descriptions=descriptions,
        columns=tuple(raw.get("columns", ())),
    )


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """Load and check every definition file. Cached: the registry is immutable."""
    code_lists = {name: _code_list(name, v) for name, v in _read_yaml("code_lists.yaml").items()}
    warehouse_codes = {
        name: _code_list(name, v, extends=code_lists.get(name))
        for name, v in _read_yaml("warehouse_codes.yaml").items()
    }
    file_rules = {
        r["id"]: Rule(
            id=r["id"],
            check="file",
            field=None,
            severity=r["severity"],
            message=r["message"].strip(),
            dataset="",
        )
        for r in _read_yaml("file_rules.yaml")
    }
    datasets: dict[str, Dataset] = {}
    for name in ("participants", "outcome_claims", "customer_survey"):
        raw = _read_yaml(f"{name}.yaml")
        datasets[name] = _dataset(raw)
    for raw in _read_yaml("reference.yaml"):
        datasets[raw["name"]] = _dataset(raw)
    registry = Registry(
        datasets=datasets, code_lists=code_lists, file_rules=file_rules, warehouse_codes=warehouse_codes
    )
    _check_consistency(registry)
    return registry
