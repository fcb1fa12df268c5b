"""The release workflow on the hand-made warehouse: versions, revisions, sign-off, crashes (spec §4).

One history is played once for the module, in the order a publishing team
would live it, and each test reads the part it is about:

1. alice prepares 2026Q2 (v1), then prepares it again with the same data;
2. alice tries to approve her own candidate;
3. bob approves while the disk fills during the copy, then while the final rename fails, then
   after a process was killed mid-promotion;
4. bob approves again: v1 is published;
5. carol prepares 2026Q2 again with unchanged data;
6. one sustained outcome of FND00001 becomes verified in the warehouse, carol prepares: v2;
7. someone edits a file of the v2 candidate (then also its manifest), dave tries to approve; the
   edits are undone and dave approves.
"""

from __future__ import annotations

import json
import stat
import subprocess

import pytest

from publish.definitions import DATA_TABLES
from publish.manifest import verify_manifest
from publish.release import (
    CandidateChanged,
    GateFailed,
    NoCandidate,
    PromotionFailed,
    SamePerson,
    approve_release,
    list_releases,
    prepare_release,
)
from tests.support import mini_warehouse
from tests.support.release_files import cell_differences, csv_rows, frictionless_validate
from tests.support.workflow_history import make_mini_home

PERIOD = mini_warehouse.PERIOD
RELEASE_FILES = {
    "contract_performance.csv",
    "contract_performance.parquet",
    "performance_by_group.csv",
    "performance_by_group.parquet",
    "star_ratings.csv",
    "star_ratings.parquet",
    "national_summary.csv",
    "national_summary.parquet",
    "cohort_performance.csv",
    "cohort_performance.parquet",
    "code_labels.csv",
    "revisions.csv",
    "datapackage.json",
    "methodology.md",
    "MANIFEST.sha256",
    "quality/summary.md",
    "quality/index.html",
    "quality/validation_results.json",
}


def test_a_candidate_holds_every_file_of_the_release_and_passes_its_gate(history):
    assert history.first.state == "candidate" and history.first.gate_passed and history.first.version == 1
    assert RELEASE_FILES <= set(history.first_files)
    assert b"# Quality gate: PASSED" in history.first_files["quality/summary.md"]


def test_preparing_twice_with_the_same_data_gives_byte_identical_files_and_one_version(history):
    assert history.again.version == history.first.version == 1
    assert history.again.content_digest == history.first.content_digest
    # Everything but the GX report (which stamps its own times) and the manifest that lists it.
    same = {n for n in history.first_files if not n.startswith("quality/") and n != "MANIFEST.sha256"}
    assert same >= {"contract_performance.parquet", "datapackage.json", "methodology.md"}
    assert {n: history.first_files[n] for n in same} == {n: history.again_files[n] for n in same}
    assert history.first_files["quality/summary.md"] == history.again_files["quality/summary.md"]


def test_files_are_utf8_without_bom_with_unix_line_endings_and_sorted_by_key(history):
    for t in DATA_TABLES:
        data = history.first_files[f"{t.name}.csv"]
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data and data.endswith(b"\n")
        rows = csv_rows(history.published.folder / f"{t.name}.csv")
        keys = [tuple(r[k] for k in t.key) for r in rows]
        assert keys == sorted(keys), t.name


def test_the_preparer_cannot_approve_their_own_candidate(history):
    assert isinstance(history.own_approval, SamePerson)
    assert "alice" in str(history.own_approval).lower()


def test_a_crash_during_promotion_leaves_no_half_release_and_the_candidate_approvable(history):
    assert isinstance(history.copy_crash, PromotionFailed)
    assert "No space left" in str(history.copy_crash)
    assert history.after_copy_crash == []
    assert isinstance(history.crash, PromotionFailed)
    # Nothing at releases/2026Q2/: no v1, and no temporary folder left behind.
    assert history.after_crash["entries"] == []
    assert history.after_crash["states"] == [(1, "candidate")]
    # A process killed mid-promotion: still a candidate, and its debris never becomes a release.
    assert history.after_kill == [(1, "candidate", None)]
    assert history.after_publish == ["v1"]
    # bob's last attempt published the very candidate the gate passed, signed: the approval date is
    # in datapackage.json and the manifest was written again, last
    assert history.published.version == 1
    published = {p.name: p.read_bytes() for p in history.published.folder.glob("*.csv")}
    assert published == {n: b for n, b in history.again_files.items() if n.endswith(".csv")}
    package = json.loads((history.published.folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["provenance"]["approved_on"] == history.published.approved_at[:10]
    assert verify_manifest(history.published.folder) == []


def test_a_published_release_is_read_only_and_matches_its_manifest(history):
    folder = history.published.folder
    assert folder == history.paths.releases / PERIOD / "v1"
    assert verify_manifest(folder) == []
    assert stat.S_IMODE(folder.stat().st_mode) == 0o555
    for path in folder.rglob("*"):
        expected = 0o555 if path.is_dir() else 0o444
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    checked = subprocess.run(
        ["sha256sum", "--check", "--quiet", "MANIFEST.sha256"], cwd=folder, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = [line.split("  ", 1)[1] for line in (folder / "MANIFEST.sha256").read_text().splitlines()]
    assert listed == sorted(listed) and "MANIFEST.sha256" not in listed


def test_preparing_again_with_unchanged_data_gives_no_new_version(history):
    assert history.unchanged.state == "unchanged"
    assert history.unchanged.version == 1
    assert history.unchanged.folder == history.published.folder
    assert history.unchanged.content_digest == history.first.content_digest


def test_changed_data_gives_v2_whose_revisions_list_exactly_the_changed_figures(history):
    v1, v2 = history.published.folder, history.published_v2.folder
    assert history.second.version == 2 and history.second.state == "candidate"
    assert v2 == history.paths.releases / PERIOD / "v2"
    revisions = csv_rows(v2 / "revisions.csv")
    assert {r["revision"] for r in revisions} == {"previous_version"}  # no rating was ever restated
    listed = {(r["table"], r["key"], r["column"], r["old"], r["new"]) for r in revisions}
    assert listed == cell_differences(v1, v2)
    assert len(listed) == len(revisions)
    # The one more verified outcome: FND00001's window count 32 -> 33 crosses a rounding step, and
    # its rate follows the published counts: 30 / 190 = 15.8%, then 35 / 190 = 18.4%.
    key = f"period={PERIOD}; contract_id=FND00001"
    assert ("contract_performance", key, "sustained_26w_outcomes", "30", "35") in listed
    assert ("contract_performance", key, "sustained_outcome_rate", "15.8", "18.4") in listed
    # Only sustained outcomes moved: nothing about ratings, and only those two measures.
    assert {r["table"] for r in revisions} <= {
        "contract_performance",
        "national_summary",
        "performance_by_group",
        "cohort_performance",
    }
    assert {r["column"] for r in revisions} == {"sustained_26w_outcomes", "sustained_outcome_rate"}
    assert {r["key"] for r in revisions if r["table"] == "contract_performance"} == {key}


def test_a_candidate_changed_after_its_gate_cannot_be_approved(history):
    assert isinstance(history.tampered, CandidateChanged)
    assert "contract_performance.csv" in str(history.tampered)
    assert isinstance(history.tampered_with_manifest, CandidateChanged)
    assert "not the one the quality gate sealed" in str(history.tampered_with_manifest)


def test_the_list_shows_every_release_with_its_people_gate_and_digest(history):
    entries = list_releases(history.paths)
    assert [(e["period"], e["version"], e["state"]) for e in entries] == [
        (PERIOD, 1, "published"),
        (PERIOD, 2, "published"),
    ]
    v1, v2 = entries
    assert (v1["preparer"], v1["approver"], v1["gate"]) == ("alice", "bob", "passed")
    assert (v2["preparer"], v2["approver"], v2["gate"]) == ("carol", "dave", "passed")
    assert v1["manifest_digest"] == history.published.manifest_digest
    assert v2["folder"] == str(history.published_v2.folder)


def test_nothing_is_waiting_after_approval(history):
    with pytest.raises(NoCandidate):
        approve_release(PERIOD, approver="erin", paths=history.paths)


def test_frictionless_finds_both_versions_valid(history):
    for release in (history.published, history.published_v2):
        code, report = frictionless_validate(release.folder / "datapackage.json")
        assert code == 0 and report["valid"], report
    names = [
        t["resource"]["name"] if "resource" in t else t.get("name")
        for t in frictionless_validate(history.published_v2.folder / "datapackage.json")[1]["tasks"]
    ]
    assert "revisions" in names


def test_a_provider_name_beginning_with_equals_is_published_inert(history):
    inert = "'" + mini_warehouse.FORMULA_NAME
    contracts = {r["contract_id"]: r for r in csv_rows(history.published.folder / "contract_performance.csv")}
    assert contracts["FND00001"]["prime_name"] == inert
    ratings = [
        r for r in csv_rows(history.published.folder / "star_ratings.csv") if r["prime_ukprn"] == "10000001"
    ]
    assert ratings and {r["prime_name"] for r in ratings} == {inert}
    import pyarrow.parquet as pq

    names = set(
        pq.read_table(history.published.folder / "contract_performance.parquet")
        .column("prime_name")
        .to_pylist()
    )
    assert inert in names and mini_warehouse.FORMULA_NAME not in names


def test_coverage_is_live_terminated_and_recently_ended_contracts(history):
    contracts = {r["contract_id"] for r in csv_rows(history.published.folder / "contract_performance.csv")}
    assert contracts == {"FND00001", "ESF00002", "WPG00003", "FND00004"}  # FND00005 ended in 2023


def test_a_small_groups_rates_are_confidential(history):
    groups = csv_rows(history.published.folder / "performance_by_group.csv")
    small = [g for g in groups if g["group_value"] == "LONE_PARENT"]
    # 8 people: every figure of the group is confidential, its size included
    assert small and {
        (g["referrals"], g["sustained_26w_outcomes"], g["sustained_outcome_rate"], g["like_for_like_index"])
        for g in small
    } == {("[c]", "[c]", "[c]", "[c]")}
    # a characteristic's values with nobody in them still have a row, their rates not applicable
    empty = [g for g in groups if g["group_value"] == "VOLUNTARY"]
    assert empty and {(g["referrals"], g["sustained_outcome_rate"]) for g in empty} == {("0", "[z]")}
    national = {
        (r["nation"], r["customer_group"]): r
        for r in csv_rows(history.published.folder / "national_summary.csv")
    }
    assert national[("ENGLAND", "LONE_PARENT")]["job_outcome_rate"] == "[c]"  # 16 people
    assert national[("ALL", "LONE_PARENT")]["job_outcome_rate"] != "[c]"  # 32 people, 16 outcomes


def test_the_methodology_prints_the_parameters_that_were_used(history):
    text = (history.published.folder / "methodology.md").read_text(encoding="utf-8")
    for expected in ("nearest 5", "[c]", "[low]", "0.55", "Open Government Licence v3.0"):
        assert expected in text, expected


def test_a_candidate_whose_gate_failed_cannot_be_approved(tmp_path, mini_warehouse_file, monkeypatch):
    paths = make_mini_home(tmp_path, mini_warehouse_file)
    # Disclosure control broken: true counts go out unrounded. The gate must see it in the files.
    monkeypatch.setattr("publish.disclosure_control.round_count", lambda true, p: str(true))
    candidate = prepare_release(PERIOD, preparer="alice", paths=paths)
    assert candidate.state == "failed" and not candidate.gate_passed
    assert any("expect_column_values_to_match_regex" in f for f in candidate.gate_failures)
    summary = candidate.gate_summary.read_text(encoding="utf-8")
    assert summary.startswith("# Quality gate: FAILED") and "count: value format or symbol" in summary
    with pytest.raises(GateFailed):
        approve_release(PERIOD, approver="bob", paths=paths)
    assert not (paths.releases / PERIOD).exists()
    assert [(e["state"], e["gate"]) for e in list_releases(paths)] == [("failed", "failed")]


def test_each_table_says_which_dates_its_period_covers(history):
    package = json.loads((history.published.folder / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["name"]: r["description"] for r in package["resources"]}
    # 2026Q2's rating window is the referral cohorts 2024Q3 and 2024Q4
    window = "people referred from 1 July 2024 to 31 December 2024 (referral cohorts 2024Q3 to 2024Q4)"
    for name in ("contract_performance", "performance_by_group", "national_summary"):
        assert window in described[name], name
    assert "falling due from 1 April 2026 to 30 June 2026" in described["national_summary"]
    assert "people referred by 30 June 2026" in described["cohort_performance"]
