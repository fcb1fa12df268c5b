"""The generator's contract with the stages that read its output: layout, names, determinism."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from synth import generate
from tests.support.synth_reader import (
    SPEC_REFERENCE_FIELDS,
    SPEC_RETURN_FIELDS,
    SUBMISSION_NAME,
    header_of,
    quarter_end,
    world_json,
)


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_the_same_seed_gives_byte_identical_files(small_world, tmp_path):
    root, _ = small_world
    generate(tmp_path / "again", "small", seed=1)
    assert _digests(tmp_path / "again") == _digests(root)


def test_another_seed_gives_another_world(small_world, tmp_path):
    root, _ = small_world
    # The reference data alone shows it; a tiny benchmark file keeps the test quick.
    generate(tmp_path / "other", "small", seed=2, bench_rows=10)
    first, second = _digests(root), _digests(tmp_path / "other")
    for dataset in ("providers", "contracts", "supply_chain", "local_authorities", "labour_market"):
        assert first[f"reference/{dataset}.csv"] != second[f"reference/{dataset}.csv"], dataset


def test_an_unknown_scale_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown scale"):
        generate(tmp_path, "galactic")


def test_the_output_folder_has_the_fixed_layout(small_world):
    root, summary = small_world
    assert sorted(p.name for p in root.iterdir()) == ["reference", "submissions", "world.json"]
    assert sorted(p.stem for p in (root / "reference").iterdir()) == sorted(SPEC_REFERENCE_FIELDS)
    assert all(Path(p).exists() for p in summary["paths"])
    assert len(summary["paths"]) == len(list(root.rglob("*.*")))
    assert summary["files"]["reference"] == len(SPEC_REFERENCE_FIELDS)


def test_the_summary_states_the_world_it_wrote(small_world):
    _, summary = small_world
    assert summary["scale"] == "small" and summary["seed"] == 1
    assert len(summary["periods"]) == 11
    # HMRC evidence lags the returns: one extract, three to six weeks after the last period's end
    lag = dt.date.fromisoformat(summary["extract_date"]) - quarter_end(summary["periods"][-1])
    assert 21 <= lag.days <= 42
    assert 8_000 <= summary["rows"]["participant_records"] <= 14_000
    for return_name in SPEC_RETURN_FIELDS:
        assert summary["files"][return_name] > 0 and summary["rows"][return_name] > 0


def test_every_submission_is_named_per_the_specification(small_world):
    root, summary = small_world
    primes = {p["ukprn"] for p in world_json(root)["primes"]}
    names = [p.name for p in (root / "submissions").iterdir()]
    assert names
    for name in names:
        match = SUBMISSION_NAME.match(name)
        assert match, name
        assert match["ukprn"] in primes
        assert match["period"] in summary["periods"]
        # Returns arrive after the quarter they describe.
        assert match["ts"][:8] > quarter_end(match["period"]).strftime("%Y%m%d")


def test_every_prime_sends_every_return_for_every_period(small_world):
    root, summary = small_world
    sent = {
        (m["ukprn"], m["ret"], m["period"])
        for m in (SUBMISSION_NAME.match(p.name) for p in (root / "submissions").iterdir())
    }
    for prime in world_json(root)["primes"]:
        for period in summary["periods"]:
            for return_name in SPEC_RETURN_FIELDS:
                assert (prime["ukprn"], return_name, period) in sent


def test_every_reference_file_has_exactly_the_spec_columns(small_world):
    root, _ = small_world
    for dataset, fields in SPEC_REFERENCE_FIELDS.items():
        assert header_of(root / "reference" / f"{dataset}.csv") == fields, dataset


def test_every_submission_header_has_the_spec_fields(small_world):
    root, _ = small_world
    for path in (root / "submissions").iterdir():
        fields = [h.strip().lower() for h in header_of(path)]
        assert sorted(fields) == sorted(SPEC_RETURN_FIELDS[SUBMISSION_NAME.match(path.name)["ret"]]), (
            path.name
        )


def test_reference_data_is_plain_utf8_csv_with_lower_case_booleans(small_world):
    root, _ = small_world
    for path in (root / "reference").iterdir():
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
        raw.decode("utf-8")
    areas = (root / "reference" / "contract_package_areas.csv").read_text().splitlines()[1:]
    assert {line.rsplit(",", 1)[1] for line in areas} == {"true", "false"}


def test_one_prime_sends_spreadsheets_with_real_date_cells(small_world):
    import openpyxl

    root, _ = small_world
    workbooks = sorted((root / "submissions").glob("*_participants_*.xlsx"))
    assert workbooks
    sheet = openpyxl.load_workbook(workbooks[-1]).worksheets[0]
    header = [c.value for c in sheet[1]]
    referral = header.index("referral_date")
    cells = [row[referral] for row in sheet.iter_rows(min_row=2)]
    assert cells and all(c.is_date for c in cells)


def test_one_prime_sends_csv_with_a_byte_order_mark_and_crlf_line_ends(small_world):
    root, _ = small_world
    raw = [p.read_bytes() for p in (root / "submissions").glob("*.csv")]
    windows = [r for r in raw if r.startswith(b"\xef\xbb\xbf")]
    assert windows
    assert all(r.count(b"\r\n") == r.count(b"\n") for r in windows)


def test_a_resubmission_replaces_a_file_with_a_later_one_that_corrects_defects(small_world):
    root, _ = small_world
    world = world_json(root)
    assert world["resubmissions"]
    files = {f["path"]: f for f in world["files"]}
    for pair in world["resubmissions"]:
        first, second = files[pair["first"]], files[pair["second"]]
        assert (first["ukprn"], first["return"], first["period"]) == (
            second["ukprn"],
            second["return"],
            second["period"],
        )
        assert second["timestamp"] > first["timestamp"]
        assert second["supersedes"] == pair["first"]
        assert second["rows"] == first["rows"]
        assert second["error_rows"] < first["error_rows"]


def test_timestamps_come_from_the_calendar_not_the_clock(small_world):
    root, _ = small_world
    stamps = {re.search(r"T([0-9]{6})\.", p.name).group(1)[:2] for p in (root / "submissions").iterdir()}
    assert stamps <= {"10", "14"}


def test_bench_rows_writes_one_participants_file_of_exactly_that_many_rows(tmp_path):
    summary = generate(tmp_path, "small", seed=3, bench_rows=2_345)
    files = list((tmp_path / "submissions").iterdir())
    assert len(files) == 1
    match = SUBMISSION_NAME.match(files[0].name)
    assert match and match["ret"] == "participants" and match["ext"] == "csv"
    assert len(files[0].read_bytes().rstrip(b"\n").split(b"\n")) == 2_345 + 1
    assert summary["rows"]["participants"] == 2_345
    assert sorted(p.stem for p in (tmp_path / "reference").iterdir()) == sorted(
        set(SPEC_REFERENCE_FIELDS) - {"employment_spells"}
    )


@pytest.mark.slow
def test_the_national_scale_generates_in_about_a_minute(tmp_path):
    import time

    started = time.monotonic()
    summary = generate(tmp_path, "national", seed=1)
    assert time.monotonic() - started < 180
    assert summary["rows"]["participant_records"] > 1_200_000
