"""Model and column descriptions as the dbt project states them, for the release's metadata.

The warehouse documents every model and column once, in the YAML next to each
model (``dbt_project/models/**/*.yml``) and in shared doc blocks
(``{% docs col_x %}`` in ``models/*.md``). The release repeats those words in
its Table Schemas instead of writing its own, so that a figure is described
the same way to an analyst and to the public.

Not for: anything the release adds (disclosure control, coverage); that is in
:mod:`publish.definitions`. This module needs no database and no dbt run.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"

_DOC_BLOCK = re.compile(r"{%-?\s*docs\s+(\w+)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", re.DOTALL)
_DOC_REF = re.compile(r"{{\s*doc\(\s*['\"](\w+)['\"]\s*\)\s*}}")


class DescriptionNotFound(KeyError):
    """A release column refers to a dbt model column that the project does not describe."""


@lru_cache(maxsize=4)
def _doc_blocks(project: Path) -> dict[str, str]:
    blocks: dict[str, str] = {}
    for path in sorted((project / "models").rglob("*.md")):
        for name, text in _DOC_BLOCK.findall(path.read_text(encoding="utf-8")):
            blocks[name] = " ".join(text.split())
    return blocks


@lru_cache(maxsize=4)
def _model_descriptions(project: Path) -> dict[str, tuple[str, dict[str, str]]]:
    models: dict[str, tuple[str, dict[str, str]]] = {}
    for path in sorted((project / "models").rglob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in raw.get("models") or []:
            columns = {c["name"]: c.get("description") or "" for c in model.get("columns") or []}
            models[model["name"]] = (model.get("description") or "", columns)
    return models


def _resolve(text: str, project: Path) -> str:
    blocks = _doc_blocks(project)

    def replace(match: re.Match) -> str:
        try:
            return blocks[match.group(1)]
        except KeyError:
            raise DescriptionNotFound(f"doc block {match.group(1)!r} is not defined in {project}") from None

    return " ".join(_DOC_REF.sub(replace, text).split())


def column_description(model: str, column: str, project: Path = DBT_PROJECT) -> str:
    """The dbt description of ``model.column``, doc blocks resolved, whitespace folded.

    Raises:
        DescriptionNotFound: the model or column is not described in the project.
    """
    models = _model_descriptions(project)
    if model not in models or not models[model][1].get(column):
        raise DescriptionNotFound(f"dbt describes no column {model}.{column}")
    return _resolve(models[model][1][column], project)


def model_description(model: str, project: Path = DBT_PROJECT) -> str:
    """The dbt description of a model, doc blocks resolved."""
    models = _model_descriptions(project)
    if model not in models or not models[model][0]:
        raise DescriptionNotFound(f"dbt describes no model {model}")
    return _resolve(models[model][0], project)


def seed_descriptions(project: Path = DBT_PROJECT) -> dict[str, tuple[str, dict[str, str]]]:
    """Every seed's description and its columns' descriptions (``seeds/*.yml``)."""
    seeds: dict[str, tuple[str, dict[str, str]]] = {}
    for path in sorted((project / "seeds").glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for seed in raw.get("seeds") or []:
            columns = {
                c["name"]: _resolve(c.get("description") or "", project) for c in seed.get("columns") or []
            }
            seeds[seed["name"]] = (_resolve(seed.get("description") or "", project), columns)
    return seeds
