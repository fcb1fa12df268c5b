"""The same warehouse state, release date and sign-off give byte-identical release folders, quality/ included.

The small world's home is copied twice (``public_releases``); in each copy the
latest period is prepared by alice with the same release date and approved by
bob. Every file of the two published folders is compared byte for byte, and
every text file is searched for what would make two runs differ: a time of
day, a random id, a temporary or home path.
"""

from __future__ import annotations

import re

from tests.support.release_files import folder_bytes

TIME_OF_DAY = re.compile(rb"\d{4}-?\d\d-?\d\d[T ]\d\d:?\d\d")
UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_two_homes_give_byte_identical_release_folders(public_releases):
    (paths_a, a), (paths_b, b) = public_releases
    assert paths_a.home != paths_b.home
    first, second = folder_bytes(a.folder), folder_bytes(b.folder)
    assert sorted(first) == sorted(second)
    assert {"index.html", "methodology.md", "quality/index.html", "quality/validation_results.json"} <= set(
        first
    )
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_no_release_file_holds_a_time_of_day_a_random_id_or_a_path_of_its_home(public_releases):
    (paths, release), _ = public_releases
    for name, data in folder_bytes(release.folder).items():
        if name.endswith(".parquet"):
            continue
        assert not UUID.search(data), (name, UUID.search(data))
        assert str(paths.home).encode() not in data, name
        assert b"/tmp/" not in data, name
        if name != "datapackage.json":  # the approval's date is a date, never a time of day
            assert not TIME_OF_DAY.search(data), (name, TIME_OF_DAY.search(data))
    svg_ids = re.findall(rb'<svg[^>]* id="([^"]+)"', (release.folder / "index.html").read_bytes())
    assert svg_ids and all(re.fullmatch(rb"chart-[a-z]+", i) for i in svg_ids)
