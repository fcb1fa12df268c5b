"""The dbt manifest is a build artefact: prepare it once before the definitions load."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest():
    from orchestration.project import ensure_manifest

    return ensure_manifest()
