"""The registry: every dataset's fields, code lists and rules, loaded from plain data.

The YAML files under ``definitions/`` are the single definition of the MI
specification. This module only loads and checks them and offers them as
small immutable objects; everything else (pandera schemas, dbt's sources and
staging tests, the provider-facing document, the code labels seed, release
metadata) is derived from these objects by other modules.

Not for: executing rules (see :mod:`contracts_schema.checks`), reading data, or
rendering anything from the definitions (the other modules of this package do).

Notes:
    Rule ids are a public interface: providers' tooling keys on them and they
    never change meaning. The loader refuses duplicates and unknown check kinds
    so that a typo in the YAML fails loudly at import of the registry, not at
    the first file that would have needed the rule.

    ``load_registry()`` reads the package's own ``definitions/``;
    ``load_registry(folder)`` reads a copy of them (a test that changes one
    definition and follows it through every derived artefact), and every
    renderer takes the registry it is given.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFINITIONS = Path(__file__).parent / "definitions"

#: The provider returns, in the specification's order; each is defined by the file ``<name>.yaml``.
#: A constant, not read from the files, so that argument parsers and API schemas can list the
#: returns without loading the definitions; the loader holds every name to a return's file.
RETURN_NAMES: tuple[str, ...] = ("participants", "outcome_claims", "customer_survey")

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
    "not_nino_shaped": "{field} looks like a National Insurance number, which it must never carry.",
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
    "not_nino_shaped",
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
    # Spelled out: inside this class body `field` is the attribute above, not dataclasses.field.
    params: dict[str, Any] = dataclasses.field(default_factory=dict, hash=False, compare=False)
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

    @property
    def target(self) -> str:
        """The field a row-level rule checks (the registry refuses one without a known field)."""
        if self.field is None:
            raise ValueError(f"rule {self.id} is a file-level rule: it checks no field")
        return self.field


@dataclass(frozen=True)
class Field:
    """One field of a dataset.

    ``personal`` fields (the NINO, the date of birth) are masked wherever a
    finding shows a value and never stored as sent; ``identifying`` fields
    (a record's own reference, an employer, a home area) are stored but
    single out a person or their record, so no published file may carry them.
    ``codes`` are the allowed codes of a code field, from its code list.
    """

    name: str
    type: str
    required: bool
    description: str
    example: str = ""
    code_list: str | None = None
    personal: bool = False
    identifying: bool = False
    default: str | None = None
    required_when: str | None = None
    rules: tuple[Rule, ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def stored_name(self) -> str:
        """The field's column in the lake: a personal field is replaced by what is derived from it."""
        return STORED_REPLACEMENTS.get(self.name, (self.name, ""))[0]


#: Personal fields that the lake stores as something derived from them: (column, type).
STORED_REPLACEMENTS: dict[str, tuple[str, str]] = {
    "nino": ("person_key", "string"),
    "date_of_birth": ("age_at_referral", "integer"),
}


@dataclass(frozen=True)
class OutcomeRule:
    """What employment evidence an outcome type needs: ``days_required`` distinct days in
    work within ``window_days`` days of the job start (no window: one spell matching it)."""

    outcome_type: str
    days_required: int
    window_days: int | None


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
            if f.name in STORED_REPLACEMENTS:
                columns.append(STORED_REPLACEMENTS[f.name])
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
    #: The evidence each outcome type needs, from ``outcome_rules.yaml``.
    outcome_rules: dict[str, OutcomeRule] = field(default_factory=dict)
    #: The folder the definitions were read from.
    folder: Path = DEFINITIONS

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

    @property
    def identifying_columns(self) -> frozenset[str]:
        """Every column name, as sent and as stored, of a personal or identifying field:
        what no published file may carry."""
        names: set[str] = set()
        for d in self.datasets.values():
            for f in d.fields:
                if f.personal or f.identifying:
                    names |= {f.name, f.stored_name}
        return frozenset(names)

    @property
    def max_error_share(self) -> float:
        """A file with more than this share of its rows in error is rejected whole (FILE_ERROR_RATE)."""
        return float(self.file_rules["FILE_ERROR_RATE"].params["max_share"])

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


def _dataset(raw: dict[str, Any], code_lists: dict[str, CodeList]) -> Dataset:
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
                identifying=bool(f.get("identifying", False)),
                default=f.get("default"),
                required_when=f.get("required_when"),
                rules=rules,
                codes=tuple(code_lists[f["code_list"]].values) if f.get("code_list") in code_lists else (),
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
    for name in RETURN_NAMES:
        if reg.datasets[name].kind != "return":
            raise RegistryError(f"{name}.yaml defines a {reg.datasets[name].kind} dataset, not a return")
    _check_outcome_rules(reg)


def _check_outcome_rules(reg: Registry) -> None:
    """One rule per outcome type, and a sustained outcome claimed early is judged by the same days."""
    if list(reg.outcome_rules) != list(reg.code_lists["outcome_type"].values):
        raise RegistryError(
            "outcome_rules.yaml must give one rule per outcome_type code, in the list's order"
        )
    for r in reg.datasets["outcome_claims"].all_rules:
        when = r.params.get("when") or {}
        if "offset_days" in r.params and when.get("field") == "outcome_type":
            required = reg.outcome_rules[when["equals"]].days_required
            if r.params["offset_days"] != required:
                raise RegistryError(
                    f"rule {r.id} waits {r.params['offset_days']} days; {when['equals']} needs {required}"
                )


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


def _read_yaml(folder: Path, name: str):
    return yaml.load((folder / name).read_text(encoding="utf-8"), Loader=_SAFE_LOADER)


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


def load_registry(definitions: Path | str | None = None) -> Registry:
    """Load and check every definition file: the package's own, or those of ``definitions``.

    Cached per folder: the registry is immutable.
    """
    return _load(Path(definitions).resolve() if definitions is not None else DEFINITIONS)


def _file_rule(raw: dict[str, Any]) -> Rule:
    """A file-level rule; keys beyond id, severity and message are parameters (FILE_ERROR_RATE's share)."""
    return Rule(
        id=raw["id"],
        check="file",
        field=None,
        severity=raw["severity"],
        message=raw["message"].strip(),
        params={k: v for k, v in raw.items() if k not in {"id", "severity", "message"}},
        dataset="",
    )


@lru_cache(maxsize=4)
def _load(folder: Path) -> Registry:
    code_lists = {name: _code_list(name, v) for name, v in _read_yaml(folder, "code_lists.yaml").items()}
    warehouse_codes = {
        name: _code_list(name, v, extends=code_lists.get(name))
        for name, v in _read_yaml(folder, "warehouse_codes.yaml").items()
    }
    file_rules = {r["id"]: _file_rule(r) for r in _read_yaml(folder, "file_rules.yaml")}
    datasets: dict[str, Dataset] = {}
    for name in RETURN_NAMES:
        datasets[name] = _dataset(_read_yaml(folder, f"{name}.yaml"), code_lists)
    for raw in _read_yaml(folder, "reference.yaml"):
        datasets[raw["name"]] = _dataset(raw, code_lists)
    outcome_rules = {
        str(code): OutcomeRule(str(code), int(v["days_required"]), v.get("window_days"))
        for code, v in _read_yaml(folder, "outcome_rules.yaml").items()
    }
    registry = Registry(
        datasets=datasets,
        code_lists=code_lists,
        file_rules=file_rules,
        warehouse_codes=warehouse_codes,
        outcome_rules=outcome_rules,
        folder=folder,
    )
    _check_consistency(registry)
    return registry
