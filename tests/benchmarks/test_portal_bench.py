"""The portal benchmark's returns are valid files of the size asked for, so its figure is the memory
of real validations (the benchmark itself runs only under ``make bench``)."""

from __future__ import annotations

from benchmarks.portal_bench import PERIODS, write_return
from contracts_schema.checks import CheckContext, Period
from contracts_schema.registry import load_registry
from ingest.read import read_table
from ingest.validate import validate_table


def test_the_generated_return_is_valid_and_about_the_size_asked(tmp_path):
    path = tmp_path / "return.csv"
    rows = write_return(path, megabytes=0.5, tag=3)
    assert abs(path.stat().st_size - 512 * 1024) < 2048
    dataset = load_registry().dataset("participants")
    raw = read_table(path.read_bytes(), dataset, byte_limit=10**9, xlsx_row_limit=10**6)
    assert raw.rows == rows
    for period in (PERIODS[0], PERIODS[3]):
        ctx = CheckContext(ukprn="10004567", period=Period.parse(period))
        outcome = validate_table(raw, dataset, ctx, None)
        assert outcome.errors == 0 and outcome.status == "ACCEPTED", outcome.findings.head()
