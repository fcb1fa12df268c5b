"""Fixtures for the shared-deployment tests: a throwaway PostgreSQL on loopback, and the dbt manifest.

PostgreSQL comes from Debian's package (``apt-get install postgresql``;
``.ci/run`` installs it). Without it the PostgreSQL-backed test is skipped on a
developer's machine and fails in CI (``CI`` set), where it must run.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

from tests.support.pg_cluster import PostgresCluster, postgres_bin_dir


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(reason + ", but CI is set: the PostgreSQL-backed Dagster test must run in CI")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL cluster on 127.0.0.1 for this session, with an empty ``dagster`` database."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        _missing(
            "PostgreSQL's server binaries are not installed (apt-get install postgresql; .ci/run does this)"
        )
    if importlib.util.find_spec("dagster_postgres") is None:
        _missing("dagster-postgres is not installed (it is pinned in requirements.txt)")
    cluster = PostgresCluster(bin_dir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def dbt_manifest():
    """The code server imports the definitions, which read dbt's manifest (a build artefact)."""
    from orchestration.project import ensure_manifest

    return ensure_manifest()
