"""The publishing history that the workflow tests read (see ``test_release_workflow.py``).

Played once per session (``history`` fixture in ``tests/publish/conftest.py``): each step is
a real call of the release API on the hand-made warehouse, so one quality gate
run serves several tests.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from core.settings import Paths
from publish.manifest import write_manifest
from publish.release import (
    CandidateChanged,
    PromotionFailed,
    SamePerson,
    approve_release,
    list_releases,
    prepare_release,
)
from tests.support import mini_warehouse
from tests.support.release_files import folder_bytes

PERIOD = mini_warehouse.PERIOD


def make_mini_home(root: Path, template: Path) -> Paths:
    """An MI_HOME whose analysts' copy is (a copy of) the hand-made warehouse."""
    paths = Paths(root / "mi_home")
    paths.warehouse_dir.mkdir(parents=True)
    shutil.copyfile(template, paths.warehouse)
    return paths


@dataclass
class History:
    paths: Paths
    first: object = None
    first_files: dict = field(default_factory=dict)
    again: object = None
    again_files: dict = field(default_factory=dict)
    own_approval: Exception | None = None
    crash: Exception | None = None
    copy_crash: Exception | None = None
    after_copy_crash: list = field(default_factory=list)
    after_crash: dict = field(default_factory=dict)
    after_kill: list = field(default_factory=list)
    after_publish: list = field(default_factory=list)
    published: object = None
    unchanged: object = None
    second: object = None
    tampered: Exception | None = None
    tampered_with_manifest: Exception | None = None
    published_v2: object = None


def play_history(root: Path, mini_warehouse_file: Path) -> History:
    """Play the history of the module docstring of test_release_workflow.py and keep every result."""
    paths = make_mini_home(root, mini_warehouse_file)
    h = History(paths=paths)
    h.first = prepare_release(PERIOD, preparer="alice", paths=paths)
    h.first_files = folder_bytes(h.first.folder)
    h.again = prepare_release(PERIOD, preparer="alice", paths=paths)
    h.again_files = folder_bytes(h.again.folder)
    try:
        approve_release(PERIOD, approver="Alice", paths=paths)
    except SamePerson as exc:
        h.own_approval = exc

    # A crash part-way through copying the candidate (the disk fills on the third file) ...
    real_copyfile = shutil.copyfile
    copied = []

    def copyfile_that_fills_the_disk(src, dst, *args, **kwargs):
        copied.append(dst)
        if len(copied) == 3:
            raise OSError(28, "No space left on device")
        return real_copyfile(src, dst, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shutil, "copyfile", copyfile_that_fills_the_disk)
        try:
            approve_release(PERIOD, approver="bob", paths=paths)
        except PromotionFailed as exc:
            h.copy_crash = exc
    period_folder = paths.releases / PERIOD
    h.after_copy_crash = sorted(p.name for p in period_folder.iterdir()) if period_folder.exists() else []

    # ... and a crash at the final rename.
    real_rename = os.rename

    def rename_that_crashes(src, dst, *args, **kwargs):
        if Path(dst).parent == paths.releases / PERIOD:
            raise OSError("disk went away during promotion")
        return real_rename(src, dst, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "rename", rename_that_crashes)
        try:
            approve_release(PERIOD, approver="bob", paths=paths)
        except PromotionFailed as exc:
            h.crash = exc
    h.after_crash = {
        "entries": sorted(p.name for p in period_folder.iterdir()) if period_folder.exists() else [],
        "states": [(e["version"], e["state"]) for e in list_releases(paths)],
    }
    # ... and a process killed in the middle of its promotion: its record says "approving"
    # and a half-copied hidden folder lies beside where the release would go.
    record_path = paths.releases / ".staging" / PERIOD / "v1.json"
    record = json.loads(record_path.read_text())
    record_path.write_text(json.dumps({**record, "state": "approving", "approver": "bob"}))
    debris = paths.releases / PERIOD / ".v1.promoting-killed"
    debris.mkdir(parents=True)
    (debris / "contract_performance.csv").write_text("period,contract_id\n")
    (debris / "contract_performance.csv").chmod(0o444)
    debris.chmod(0o555)
    h.after_kill = [(e["version"], e["state"], e["approver"]) for e in list_releases(paths)]
    h.published = approve_release(PERIOD, approver="bob", paths=paths)
    h.after_publish = sorted(p.name for p in (paths.releases / PERIOD).iterdir())
    h.unchanged = prepare_release(PERIOD, preparer="carol", paths=paths)
    mini_warehouse.add_one_sustained_outcome(paths.warehouse)
    h.second = prepare_release(PERIOD, preparer="carol", paths=paths)

    edited = h.second.folder / "contract_performance.csv"
    original = edited.read_bytes()
    edited.write_bytes(original.replace(b"FND00001", b"FND00009", 1))
    try:
        approve_release(PERIOD, approver="dave", paths=paths)
    except CandidateChanged as exc:
        h.tampered = exc
    # ... and again with a manifest rewritten to match the edit: the gate never saw these files.
    manifest = h.second.folder / "MANIFEST.sha256"
    sealed = manifest.read_bytes()
    edited.write_bytes(original.replace(b"FND00001", b"FND00009", 1))
    write_manifest(h.second.folder)
    try:
        approve_release(PERIOD, approver="dave", paths=paths)
    except CandidateChanged as exc:
        h.tampered_with_manifest = exc
    edited.write_bytes(original)
    manifest.write_bytes(sealed)
    h.published_v2 = approve_release(PERIOD, approver="dave", paths=paths)
    return h
