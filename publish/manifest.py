"""``MANIFEST.sha256`` and the content digest that recognises unchanged data.

The manifest lists the SHA-256 of every other file of a release folder in
``sha256sum`` format (``<hex>  <relative/path>``), sorted by path, so that
``sha256sum -c MANIFEST.sha256`` checks a downloaded release. Its own digest
identifies a release in the workflow records.

The *content digest* covers only what the figures decide: the data files (CSV
and Parquet), ``methodology.md`` and the version-free view of
``datapackage.json``. Two preparations from the same warehouse state have the
same content digest even when their quality reports (which carry GX's own
timestamps) or version numbers differ.

Not for: deciding what to do with a digest (``publish.release``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from publish.writers import text_bytes, write_bytes

MANIFEST = "MANIFEST.sha256"
CONTENT_FILES = ("methodology.md",)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_files(folder: Path) -> list[str]:
    """Every file under the folder except the manifest, as sorted POSIX relative paths."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST
    )


def write_manifest(folder: Path) -> str:
    """Write ``MANIFEST.sha256`` and return its own SHA-256 (the release's manifest digest)."""
    lines = [f"{sha256_file(folder / name)}  {name}" for name in release_files(folder)]
    write_bytes(folder / MANIFEST, text_bytes("\n".join(lines)))
    return sha256_file(folder / MANIFEST)


def verify_manifest(folder: Path) -> list[str]:
    """Problems found when checking a folder against its manifest; empty when it matches exactly."""
    path = folder / MANIFEST
    if not path.exists():
        return [f"{MANIFEST} is missing"]
    listed: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    problems = []
    present = set(release_files(folder))
    for name in sorted(present - listed.keys()):
        problems.append(f"{name} is not in the manifest")
    for name, digest in sorted(listed.items()):
        if name not in present:
            problems.append(f"{name} is listed but missing")
        elif sha256_file(folder / name) != digest:
            problems.append(f"{name} differs from the manifest")
    return problems


def content_digest(folder: Path, data_tables: list[str]) -> str:
    """SHA-256 over the files that the figures decide (see the module docstring)."""
    from publish.datapackage import content_view

    digest = hashlib.sha256()
    names = [f"{t}.{ext}" for t in sorted(data_tables) for ext in ("csv", "parquet")] + list(CONTENT_FILES)
    for name in names:
        path = folder / name
        digest.update(f"{name}\0{sha256_file(path) if path.exists() else 'absent'}\n".encode())
    package_path = folder / "datapackage.json"
    if package_path.exists():
        view = content_view(json.loads(package_path.read_text(encoding="utf-8")))
        digest.update(json.dumps(view, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()
