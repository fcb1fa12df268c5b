"""Model, column and seed descriptions as dbt's manifest holds them, for the release's metadata.

The warehouse documents every model, column and seed once, in the YAML next to
it and in shared doc blocks (``{% docs col_x %}``); ``dbt parse`` renders them
into ``dbt_project/target/manifest.json`` (``make manifest``, or
``orchestration.project.ensure_manifest``). The release repeats those words in
its Table Schemas and methodology instead of writing its own, so that a figure
is described the same way to an analyst and to the public: a published table's
columns are described by its ``pub_*`` model.

Not for: anything the release adds (disclosure notes, its own tables); that is
in :mod:`publish.definitions`. This module needs no database and runs no dbt:
it reads the manifest that the build step wrote, and refuses one that is
missing or older than the files it is built from.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.settings import DBT_PROJECT_DIR

#: Where ``dbt parse`` writes the manifest (``dbt_project/target``, as Dagster and ``make manifest`` use it).
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
#: The files a description can come from: a newer one means the manifest is stale.
_DESCRIBED_IN = ("models/**/*.yml", "models/**/*.md", "seeds/*.yml")


class DescriptionNotFound(KeyError):
    """A description the release needs is not in dbt's manifest (or there is no usable manifest)."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


class ManifestUnavailable(DescriptionNotFound):
    """dbt's manifest is missing or older than the dbt files it describes."""


def _stale_against(manifest: Path) -> Path | None:
    built = manifest.stat().st_mtime
    project = manifest.parent.parent
    for pattern in _DESCRIBED_IN:
        for path in project.glob(pattern):
            if path.stat().st_mtime > built:
                return path
    return None


def check_manifest(manifest: Path = MANIFEST) -> Path:
    """The manifest's path, once it is known to exist and to be newer than every description source.

    Raises:
        ManifestUnavailable: missing or stale, with what to run.
    """
    if not manifest.exists():
        raise ManifestUnavailable(f"dbt's manifest {manifest} is missing: run `make manifest` first")
    newer = _stale_against(manifest)
    if newer is not None:
        raise ManifestUnavailable(
            f"dbt's manifest {manifest} is older than {newer}: run `make manifest` so that the release "
            "describes its columns as the dbt project does now"
        )
    return manifest


@lru_cache(maxsize=4)
def _load(path: str, modified_ns: int) -> dict[tuple[str, str], dict[str, Any]]:
    """Manifest nodes by (resource type, name); keyed on the file's mtime so a rebuilt manifest is re-read."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    project = raw["metadata"].get("project_name")
    nodes = {}
    for node in [*raw["nodes"].values(), *raw.get("exposures", {}).values()]:
        if node.get("package_name", project) == project:
            nodes[(node["resource_type"], node["name"])] = node
    return nodes


def _nodes(manifest: Path | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    path = check_manifest(manifest or MANIFEST)
    return _load(str(path), path.stat().st_mtime_ns)


def _fold(text: str | None) -> str:
    return " ".join((text or "").split())


def node(resource_type: str, name: str, manifest: Path | None = None) -> dict[str, Any]:
    """The manifest's entry of a model, seed or exposure of this project.

    Raises:
        DescriptionNotFound: the manifest has no such node.
    """
    found = _nodes(manifest).get((resource_type, name))
    if found is None:
        raise DescriptionNotFound(f"dbt's manifest has no {resource_type} {name}")
    return found


def column_description(model: str, column: str, manifest: Path | None = None) -> str:
    """The dbt description of ``model.column``, doc blocks resolved, whitespace folded.

    Raises:
        DescriptionNotFound: the model has no such column, or it is not described.
    """
    columns = node("model", model, manifest).get("columns") or {}
    text = _fold((columns.get(column) or {}).get("description"))
    if not text:
        raise DescriptionNotFound(f"dbt describes no column {model}.{column}: describe it in its YAML")
    return text


def model_meta(model: str, manifest: Path | None = None) -> dict[str, Any]:
    """The ``meta`` of a model as dbt's manifest holds it (``config.meta``, where dbt merges it).

    Raises:
        DescriptionNotFound: the manifest has no such model.
    """
    found = node("model", model, manifest)
    return dict((found.get("config") or {}).get("meta") or found.get("meta") or {})


def model_description(model: str, manifest: Path | None = None) -> str:
    """The dbt description of a model, doc blocks resolved, whitespace folded."""
    text = _fold(node("model", model, manifest).get("description"))
    if not text:
        raise DescriptionNotFound(f"dbt describes no model {model}")
    return text


def seed_descriptions(manifest: Path | None = None) -> dict[str, tuple[str, dict[str, str]]]:
    """Every seed's description and its columns' descriptions, by seed name."""
    return {
        name: (
            _fold(seed.get("description")),
            {c: _fold(props.get("description")) for c, props in (seed.get("columns") or {}).items()},
        )
        for (kind, name), seed in _nodes(manifest).items()
        if kind == "seed"
    }
