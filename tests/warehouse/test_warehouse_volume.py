"""The warehouse at volume: green on a large random lake, and its interval arithmetic
agrees with counting days one by one.

Slow (a few minutes): run with ``pytest -m slow tests/warehouse``. Set
``MI_VOLUME_PARTICIPANTS`` to try other sizes (1_500_000 is about the
``national`` world).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import time

import duckdb
import pytest

from core.settings import Paths
from tests.support.warehouse_volume import write_volume_lake
from warehouse import build_warehouse

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def volume_build(tmp_path_factory):
    home = tmp_path_factory.mktemp("mi_volume")
    paths = Paths(home)
    size = int(os.environ.get("MI_VOLUME_PARTICIPANTS", "200000"))
    write_volume_lake(paths.lake, size)
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MI_HOME", str(home))
        result = build_warehouse(paths, exclude="resource_type:unit_test", publish=True)
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{size} participants: {result.summary()}; peak RSS {peak:.0f} MB; {seconds:.0f}s")
    return paths, result


def test_the_build_is_green_at_volume(volume_build):
    _, result = volume_build
    assert result.ok, result.error


def test_days_in_work_agree_with_counting_each_day(volume_build):
    paths, _ = volume_build
    connection = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        claims = connection.execute(
            "select person_key, window_start, window_end, days_in_work from marts.fct_outcome_claims "
            "where window_start is not null and person_key is not null"
        ).fetchall()
        sample = random.Random(3).sample(claims, min(400, len(claims)))
        keys = sorted({claim[0] for claim in sample})
        spells: dict[str, list[tuple[dt.date, dt.date]]] = {}
        for key, start, end in connection.execute(
            "select person_key, spell_start, spell_end from staging.stg_lake__employment_spells "
            "where list_contains(?, person_key)",
            [keys],
        ).fetchall():
            spells.setdefault(key, []).append((start, end))
    finally:
        connection.close()
    for key, window_start, window_end, days_in_work in sample:
        covered = set()
        for start, end in spells.get(key, []):
            day = max(start, window_start)
            while day <= min(end, window_end):
                covered.add(day)
                day += dt.timedelta(days=1)
        assert len(covered) == days_in_work, (key, window_start)
