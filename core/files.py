"""Files written whole or not at all, and locks that exclude threads and processes alike.

Every stage writes state that another process may read at the same moment
(the lake, the ledger snapshot, the analysts' copy, release folders, config):
a reader must see the old file or the new one, never half of one.

Not for: formats (Parquet, CSV, JSON) or what any file means.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path


class LockBusy(TimeoutError):
    """Another holder kept the lock past the timeout."""


def temporary_sibling(path: Path, *, suffix: str = ".tmp") -> Path:
    """A hidden name beside ``path``, unique per call (two threads of one process may write at once)."""
    unique = f"{os.getpid()}.{threading.get_ident()}.{uuid.uuid4().hex[:8]}"
    return path.with_name(f".{path.name}.{unique}{suffix}")


def fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes_atomically(path: Path, data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to a temporary sibling, fsync, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_sibling(path)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path


def write_text_atomically(path: Path, text: str, *, mode: int | None = None) -> Path:
    """:func:`write_bytes_atomically` for UTF-8 text."""
    return write_bytes_atomically(path, text.encode("utf-8"), mode=mode)


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` atomically unless the file already says it; True when written.

    Several processes may write one config file as they start; none may read a
    half-written file, and an unchanged file keeps its modification time.
    """
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_text_atomically(path, text)
    return True


@contextlib.contextmanager
def exclusive_lock(lock_path: Path, *, timeout: float | None = None, what: str = "") -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path``; wait, or raise :class:`LockBusy` after ``timeout``.

    ``timeout=0`` tries once. ``flock`` locks belong to an open file description,
    so two threads of one process that each open the file exclude each other just
    as two processes do, and the kernel releases the lock if the holder dies.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        if timeout is None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        else:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockBusy(f"{what or 'another process'} holds {lock_path}") from None
                    time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
