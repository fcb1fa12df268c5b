"""A small synthetic world, submitted and built once, for tests that need a real warehouse.

:func:`build_small_world` runs the real stages in-process (synth, reference
load, every submission, dbt build, analysts' copy) into a given ``MI_HOME``.
Session-scoped fixtures call it once and copy the result where a test must
change things.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from core.settings import Paths

SEED = 1


@contextmanager
def mi_home_env(home: Path):
    saved = os.environ.get("MI_HOME")
    os.environ["MI_HOME"] = str(home)
    try:
        yield Paths(home)
    finally:
        if saved is None:
            os.environ.pop("MI_HOME", None)
        else:
            os.environ["MI_HOME"] = saved


def submit_world(home: Path, world: Path) -> Paths:
    """Load the world's reference data and submit every return, in timestamp order."""
    from ingest.submit import load_reference, submit_file
    from mi.demo import submission_files

    with mi_home_env(home) as paths:
        load_reference(world / "reference", submitted_by="tests", paths=paths)
        for path in submission_files(world):
            submit_file(path, submitted_by="tests", paths=paths)
    return Paths(home)


def build_small_world(home: Path, *, world: Path | None = None) -> Paths:
    """MI_HOME at ``home`` holding the small world, built, with the analysts' copy in place."""
    from synth import generate
    from warehouse import build_warehouse

    world = world or home.parent / "world"
    if not world.exists():
        generate(world, scale="small", seed=SEED)
    paths = submit_world(home, world)
    with mi_home_env(home):
        result = build_warehouse(paths)
    if not getattr(result, "ok", True):
        raise RuntimeError(f"the small world did not build: {result}")
    return paths


def copy_home(source: Path, target: Path) -> Path:
    """A private copy of a built MI_HOME for a test that changes it."""
    shutil.copytree(source, target, symlinks=True)
    return target
