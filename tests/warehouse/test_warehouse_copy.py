"""The analysts' copy is byte for byte the build database, however the kernel copies it."""

from __future__ import annotations

import os

import pytest

from warehouse.build import _copy_whole_file


@pytest.fixture()
def source(tmp_path):
    path = tmp_path / "build.duckdb"
    path.write_bytes(os.urandom(3_000_000))
    return path


def test_a_kernel_copy_is_the_whole_file(source, tmp_path):
    target = tmp_path / "copy"
    with open(source, "rb") as src, open(target, "wb") as dst:
        _copy_whole_file(src, dst)
    assert target.read_bytes() == source.read_bytes()


def test_a_refused_kernel_copy_is_finished_through_buffers(source, tmp_path, monkeypatch):
    real = os.copy_file_range
    calls = []

    def copies_a_little_then_refuses(src, dst, count, *args):
        calls.append(count)
        if len(calls) > 1:
            raise OSError(18, "Invalid cross-device link")
        return real(src, dst, min(count, 1_000_000))

    monkeypatch.setattr(os, "copy_file_range", copies_a_little_then_refuses)
    target = tmp_path / "copy"
    with open(source, "rb") as src, open(target, "wb") as dst:
        _copy_whole_file(src, dst)
    assert len(calls) == 2
    assert target.read_bytes() == source.read_bytes()
