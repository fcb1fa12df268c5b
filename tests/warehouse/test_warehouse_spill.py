"""A build that spills to disk keeps going: the DuckDB profile sets its spill folder once.

dbt-duckdb opens the database with the profile's ``config_options`` and then
runs every ``settings`` entry as ``SET`` on each node's cursor. DuckDB refuses
``SET temp_directory`` (even to the same folder) once something has spilled
there, so with the spill folder among the settings every node after the first
spill failed: the history world's build (15 million spells) did exactly that.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import jinja2
import pytest
import yaml

from warehouse.build import DBT_PROJECT_DIR


def _duckdb_output() -> dict:
    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    return profile["mi_warehouse"]["outputs"]["duckdb"]


def _render(value, **env) -> str:
    def env_var(name, default=None):
        return env.get(name, os.environ.get(name, default))

    return jinja2.Template(str(value)).render(env_var=env_var)


def test_the_spill_folder_is_set_when_the_database_opens_not_per_node():
    output = _duckdb_output()
    assert "temp_directory" in (output.get("config_options") or {})
    assert "temp_directory" not in (output.get("settings") or {})


def test_every_per_node_setting_can_be_applied_again_after_a_spill(tmp_path: Path):
    output = _duckdb_output()
    env = {"MI_HOME": str(tmp_path), "MI_WAREHOUSE_TEMP": str(tmp_path / "tmp")}
    config = {key: _render(value, **env) for key, value in (output.get("config_options") or {}).items()}
    connection = duckdb.connect(
        str(tmp_path / "mi.duckdb"), config={**config, "memory_limit": "64MB", "threads": 1}
    )
    try:
        # a sort far bigger than the memory limit: it can only finish by spilling
        connection.execute(
            "create table spilled as select i, md5(cast(i as varchar)) as s "
            "from range(2000000) as r(i) order by s"
        )
        assert connection.execute("select count(*) from spilled").fetchone() == (2000000,)
        for key, value in (output.get("settings") or {}).items():
            cursor = connection.cursor()  # what dbt-duckdb does for every node
            cursor.execute(f"SET {key} = '{_render(value, **env)}'")
        with pytest.raises(duckdb.Error, match="temporary directory"):
            connection.cursor().execute(f"SET temp_directory = '{config['temp_directory']}'")
    finally:
        connection.close()
