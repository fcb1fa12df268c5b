"""A mart column renamed under a publication model fails ``dbt build``, never a release.

On a copy of the small world and of the dbt project, ``fct_expected_outcomes``
renames ``like_for_like_index`` consistently (its SQL and its contract), as an
analyst tidying the mart would. The mart still builds; ``pub_contract_performance``,
which reads the old name, does not, so the build fails and the analysts' copy,
which the release reads, stays as it was.
"""

from __future__ import annotations

import shutil

from core.settings import Paths
from tests.support.worlds import copy_home
from warehouse import DBT_PROJECT_DIR, build_warehouse


def test_a_mart_column_renamed_under_a_publication_model_fails_the_build(
    small_world_home, tmp_path, monkeypatch
):
    home = Paths(copy_home(small_world_home.home, tmp_path / "home"))
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    mart = project / "models" / "marts"
    for path, old, new in (
        (mart / "fct_expected_outcomes.sql", "as like_for_like_index,", "as lfl_index,"),
        (mart / "fct_expected_outcomes.yml", "- name: like_for_like_index", "- name: lfl_index"),
    ):
        text = path.read_text()
        assert text.count(old) == 1, (path, old)
        path.write_text(text.replace(old, new))
    copy_before = home.warehouse.stat().st_mtime_ns

    monkeypatch.setattr("warehouse.build.DBT_PROJECT_DIR", project)
    result = build_warehouse(
        home, select=["fct_expected_outcomes", "pub_contract_performance"], exclude="resource_type:unit_test"
    )

    assert not result.ok
    status = {n.name: n.status for n in result.nodes if n.resource_type == "model"}
    assert status["fct_expected_outcomes"] == "success"
    assert status["pub_contract_performance"] == "error"
    failure = next(n.message for n in result.nodes if n.name == "pub_contract_performance")
    assert "like_for_like_index" in failure, failure
    assert home.warehouse.stat().st_mtime_ns == copy_before
