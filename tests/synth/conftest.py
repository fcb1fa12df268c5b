"""One small world (seed 1) shared by the synth tests: generating it takes a second or two."""

from __future__ import annotations

import pytest

from synth import generate


@pytest.fixture(scope="session")
def small_world(tmp_path_factory):
    """The small world for seed 1, and the summary ``generate`` returned."""
    root = tmp_path_factory.mktemp("small_world")
    summary = generate(root, "small", seed=1)
    return root, summary
