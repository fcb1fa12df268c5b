"""Promotion: a candidate becomes a published, read-only release in one rename.

:func:`promote` copies the candidate into a hidden folder beside the target,
lets the approval sign the copy (``datapackage.json`` and the manifest, last),
fsyncs every file and folder, makes it read-only, runs the step that must
precede publication (the published-ratings dataset), and only then renames
the folder into place. A failure before the rename removes the copy, so no
partial release is ever visible.

Not for: the rules of sign-off or the workflow records (``publish.release``).
"""

from __future__ import annotations

import os
import shutil
import stat
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.files import fsync_dir
from publish.definitions import STAR_RATINGS
from publish.parameters import release_parameters
from publish.records import remove_tree
from publish.writers import read_csv_rows

Step = Callable[[Path], None]


def seal(folder: Path) -> None:
    """fsync every file and folder of a release folder, deepest first."""
    for root, _dirs, files in os.walk(folder, topdown=False):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(root))


def promote(
    candidate: Path, target: Path, *, sign: Step | None = None, before_rename: Step | None = None
) -> None:
    """Copy ``candidate`` to ``target`` atomically and make it read-only.

    Args:
        candidate: the candidate's folder (left as it is).
        target: ``releases/{period}/v{n}``; must not exist.
        sign: changes the copy before it is sealed (the approval's entries, the manifest).
        before_rename: runs on the sealed, read-only copy just before the rename; if it
            fails, nothing is published.
    """
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise FileExistsError(f"{target} exists; a published release is never rewritten")
    temp = parent / f".{target.name}.promoting-{uuid.uuid4().hex[:8]}"
    try:
        shutil.copytree(candidate, temp, copy_function=shutil.copyfile)
        if sign is not None:
            sign(temp)
        seal(temp)
        for root, _dirs, files in os.walk(temp, topdown=False):
            for name in files:
                os.chmod(os.path.join(root, name), stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            os.chmod(
                root, stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH
            )
        if before_rename is not None:
            before_rename(temp)
        os.rename(temp, target)
        fsync_dir(parent)
    except BaseException:
        if temp.exists():
            remove_tree(temp)
        raise


def _number(cell: str, symbols: tuple[str, ...]) -> str | None:
    return None if cell in symbols or cell == "" else cell


def published_rating_rows(folder: Path) -> list[dict[str, Any]]:
    """Every rating row ``star_ratings.csv`` of a release folder publishes, as the published-ratings dataset
    takes them (``publish.published_ratings.RATING_COLUMNS``): the cells as the public sees them."""
    symbols = release_parameters().symbols.all
    rows = []
    for r in read_csv_rows(folder / f"{STAR_RATINGS.name}.csv"):
        stars = _number(r["stars"], symbols)
        composite = _number(r["composite"], symbols)
        rows.append(
            {
                "rated_unit_type": r["unit_type"],
                "rated_unit_id": r["unit_id"].lstrip("'"),
                "contract_id": r["unit_id"].lstrip("'") if r["unit_type"] == "CONTRACT" else None,
                "prime_ukprn": r["prime_ukprn"].lstrip("'"),
                "rating_quarter": r["period"],
                "rating_status": r["rating_status"],
                "stars": int(stars) if stars is not None else None,
                "composite": float(composite) if composite is not None else None,
            }
        )
    return rows
