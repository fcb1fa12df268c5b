"""The data every benchmark needs, made with ``mi synth`` and ingested once, then reused.

Layout under ``MI_HOME/bench`` (never committed; ``MI_HOME`` defaults to ``./var``)::

    worlds/{scale}-seed{seed}/              a synthetic world (``mi synth --scale``)
    worlds/bench-{rows}-seed{seed}/         reference data + one participants file (``--bench-rows``)
    homes/{scale}-seed{seed}/               an MI_HOME with that world loaded and every return submitted
    logs/                                   each measured command's output

A world is reused when its ``world.json`` (written last by ``mi synth``) names
the same scale, seed and mode; an ingested home when its marker names the
digest of that ``world.json``. Anything else found there is debris of an
interrupted run and is rebuilt.

Not for: the stages being measured (``ingest_bench``, ``warehouse_bench``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from benchmarks.measure import Measurement, mi, python_snippet, run_measured

HOME_MARKER = ".bench-ingested.json"


def _world_matches(world: Path, *, scale: str, seed: int, rows: int | None) -> bool:
    meta = world / "world.json"
    if not meta.exists():
        return False
    try:
        data = json.loads(meta.read_text())
    except ValueError:
        return False
    if rows is not None:
        return (
            data.get("mode") == "bench"
            and data.get("seed") == seed
            and data.get("counts", {}).get("participants") == rows
        )
    return data.get("mode") != "bench" and data.get("scale") == scale and data.get("seed") == seed


def world(root: Path, scale: str, seed: int, measurements: list[Measurement]) -> Path:
    """A ``scale`` world of ``seed`` under ``root/worlds``, generated when missing."""
    folder = root / "worlds" / f"{scale}-seed{seed}"
    if not _world_matches(folder, scale=scale, seed=seed, rows=None):
        shutil.rmtree(folder, ignore_errors=True)
        m = run_measured(
            f"setup: mi synth --scale {scale}",
            mi("synth", "--out", str(folder), "--scale", scale, "--seed", str(seed), "--quiet"),
            rows=0,
            check=True,
            ok_codes=(0,),
            part="setup",
            log=root / "logs" / f"synth-{scale}.log",
        )
        m.rows = _world_rows(folder)
        measurements.append(m)
    return folder


def bench_file(root: Path, rows: int, seed: int, measurements: list[Measurement]) -> Path:
    """The reference data and one participants CSV of exactly ``rows`` rows."""
    folder = root / "worlds" / f"bench-{rows}-seed{seed}"
    if not _world_matches(folder, scale="small", seed=seed, rows=rows):
        shutil.rmtree(folder, ignore_errors=True)
        m = run_measured(
            f"setup: mi synth --bench-rows {rows}",
            mi("synth", "--out", str(folder), "--bench-rows", str(rows), "--seed", str(seed), "--quiet"),
            rows=rows,
            check=True,
            ok_codes=(0,),
            part="setup",
            log=root / "logs" / "synth-bench.log",
        )
        measurements.append(m)
    return next((folder / "submissions").glob("*_participants_*.csv"))


def _world_rows(folder: Path) -> int:
    data = json.loads((folder / "world.json").read_text())
    counts = data.get("counts") or {}
    # rows written to files; participant_records counts people, not rows
    return int(sum(v for k, v in counts.items() if isinstance(v, int) and k != "participant_records"))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ingested_home(root: Path, world_dir: Path, name: str, measurements: list[Measurement]) -> Path:
    """An MI_HOME with ``world_dir``'s reference data loaded and every return submitted, in order."""
    home = root / "homes" / name
    marker = home / HOME_MARKER
    digest = _digest(world_dir / "world.json")
    if marker.exists():
        try:
            if json.loads(marker.read_text()).get("world_json_sha256") == digest:
                return home
        except ValueError:
            pass
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = {"MI_HOME": str(home)}
    # The upload limit (MI_UPLOAD_LIMIT_MB, 512 by default) is for providers' files; the
    # department's own employment extract of the history world is 766 MB.
    largest = max(p.stat().st_size for p in (world_dir / "reference").iterdir())
    limit = {"MI_UPLOAD_LIMIT_MB": str(max(512, largest // 2**20 + 64))}
    load = run_measured(
        f"setup: mi load-reference ({name})",
        mi("load-reference", str(world_dir / "reference"), "--quiet"),
        rows=0,
        env={**env, **limit},
        check=True,
        ok_codes=(0,),
        part="setup",
        log=root / "logs" / f"load-reference-{name}.log",
    )
    load.rows = _reference_rows(world_dir)
    measurements.append(load)
    files = _submission_count(world_dir)
    submit = run_measured(
        f"setup: submit {files} returns ({name})",
        python_snippet(
            "import sys; from pathlib import Path; from mi.demo import submission_files; "
            "from ingest.submit import submit_file\n"
            "for p in submission_files(Path(sys.argv[1])): submit_file(p)"
        )
        + [str(world_dir)],
        rows=_submission_rows(world_dir),
        env=env,
        check=True,
        ok_codes=(0,),
        part="setup",
        log=root / "logs" / f"submit-{name}.log",
    )
    measurements.append(submit)
    marker.write_text(json.dumps({"world": str(world_dir), "world_json_sha256": digest}) + "\n")
    return home


def _reference_rows(world_dir: Path) -> int:
    total = 0
    for csv in (world_dir / "reference").glob("*.csv"):
        with open(csv, "rb") as handle:
            total += max(0, sum(1 for _ in handle) - 1)
    return total


def _submission_count(world_dir: Path) -> int:
    return sum(1 for p in (world_dir / "submissions").iterdir() if p.suffix.lower() in (".csv", ".xlsx"))


def _submission_rows(world_dir: Path) -> int:
    data = json.loads((world_dir / "world.json").read_text())
    return int(sum(f.get("rows", 0) for f in data.get("files", []) if isinstance(f, dict)))
