"""The single definitions of every MI dataset: fields, types, code lists and rules, as data.

Everything that describes a dataset is derived from here: pandera schemas at
ingest, dbt sources, the release's Table Schemas and the provider-facing
specification document. Nothing in this package reads or writes data files.
"""

from contracts_schema.registry import Dataset, Field, Rule, load_registry

__all__ = ["Dataset", "Field", "Rule", "load_registry"]
