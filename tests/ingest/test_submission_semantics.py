"""Submission semantics (MI spec §1): supersede, duplicate, reject cleanly, crash safely."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import polars as pl

from core.settings import paths
from ingest.ledger import Ledger
from ingest.submit import load_reference, submit_file
from tests.support.mi_files import csv_bytes, file_name, filler_rows, write_reference_dir


def _lake_rows(dataset: str = "participants") -> pl.DataFrame:
    """What the warehouse would read: rows of current submissions only."""
    p = paths()
    ledger = pl.read_parquet(p.ledger_parquet).filter(pl.col("is_current"))
    rows = pl.read_parquet(p.lake / "returns" / dataset / "*" / "*.parquet")
    return rows.join(ledger.select("submission_id"), on="submission_id")


def _write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return path


def test_resubmission_replaces_the_earlier_file_wholly(mi_home, tmp_path):
    first = submit_file(
        _write(tmp_path, file_name("participants", stamp="20260705T101500"), filler_rows("participants", 3))
    )
    second_rows = filler_rows("participants", 2)
    second_rows[1]["participant_ref"] = "NEW-1"
    second = submit_file(_write(tmp_path, file_name("participants", stamp="20260706T101500"), second_rows))
    assert (first.status, second.status) == ("ACCEPTED", "ACCEPTED")
    with Ledger(paths()) as ledger:
        assert ledger.get(first.submission_id).superseded_by == second.submission_id
        assert ledger.get(second.submission_id).superseded_by is None
    assert sorted(_lake_rows()["participant_ref"].to_list()) == ["F-0", "NEW-1"]


def test_identical_bytes_are_a_duplicate_that_changes_nothing(mi_home, tmp_path):
    path = _write(tmp_path, file_name("participants"), filler_rows("participants", 2))
    first = submit_file(path)
    ledger_before = pl.read_parquet(paths().ledger_parquet).filter(pl.col("is_current"))
    again = submit_file(path)
    assert again.status == "DUPLICATE"
    assert again.summary["duplicate_of"] == first.submission_id
    after = pl.read_parquet(paths().ledger_parquet).filter(pl.col("is_current"))
    assert after.equals(ledger_before)
    assert not list((paths().lake / "returns" / "participants").glob(f"submission_id={again.submission_id}"))
    assert (again.feedback_dir / "summary.json").exists()


def test_a_rejected_file_leaves_no_rows_in_the_lake(mi_home, tmp_path):
    rows = filler_rows("participants", 3)
    for row in rows[:2]:
        row["nino"] = "bad"
    result = submit_file(_write(tmp_path, file_name("participants"), rows))
    assert result.status == "REJECTED"
    assert _lake_rows().height == 0
    assert not list((paths().lake / "returns" / "participants").glob(f"submission_id={result.submission_id}"))


def test_a_rejected_resubmission_does_not_supersede_the_good_one(mi_home, tmp_path):
    good = submit_file(
        _write(tmp_path, file_name("participants", stamp="20260705T101500"), filler_rows("participants", 2))
    )
    broken = submit_file(
        _write(tmp_path, file_name("participants", stamp="20260706T101500"), [{"contract_id": "x"}])
    )
    assert broken.status == "REJECTED"
    with Ledger(paths()) as ledger:
        assert ledger.get(good.submission_id).is_current


def test_only_accepted_rows_reach_the_lake_and_rejected_ones_are_quarantined_masked(mi_home, tmp_path):
    rows = filler_rows("participants", 3)
    rows[1]["sex"] = "X"
    result = submit_file(_write(tmp_path, file_name("participants"), rows))
    assert result.status == "ACCEPTED_WITH_ERRORS"
    assert sorted(_lake_rows()["participant_ref"].to_list()) == ["F-0", "F-2"]
    quarantined = pl.read_parquet(paths().quarantine / result.submission_id / "part-0.parquet")
    assert quarantined["row"].to_list() == [3]
    assert quarantined["rule_ids"].to_list() == ["PAR_SEX_02"]
    assert quarantined["nino"].to_list() == ["CE****22B"]


def test_stored_rows_carry_a_pseudonym_and_an_age_never_the_nino_or_birth_date(mi_home, tmp_path):
    rows = filler_rows("participants", 2)
    rows[0].update(disability="N", impairment_group="PHYSICAL")  # warning: value dropped
    submit_file(_write(tmp_path, file_name("participants"), rows))
    stored = _lake_rows()
    assert "nino" not in stored.columns and "date_of_birth" not in stored.columns
    assert stored["age_at_referral"].to_list() == [36, 36]
    assert stored["person_key"].str.len_chars().to_list() == [64, 64]
    assert stored.sort("source_row")["impairment_group"].to_list() == [None, None]


def test_each_stored_row_carries_the_pseudonym_of_its_own_nino(mi_home, tmp_path):
    # submit_file computes the NINOs' HMAC beside validation, for every row read; the
    # stored rows (a rejected one in the middle removed) must keep each its own.
    from ingest.pseudonymise import load_key, person_key

    rows = filler_rows("participants", 5)
    ninos = ["AB123456C", "ce 65 43 21 a", "HJ555555A", "jk123123b", "AB 65 43 21 D"]
    for row, nino in zip(rows, ninos, strict=False):
        row["nino"] = nino
    rows[2]["sex"] = "X"  # rejected: its NINO must not shift the others' pseudonyms
    submit_file(_write(tmp_path, file_name("participants"), rows))
    stored = _lake_rows().sort("source_row")
    key = load_key()
    kept = [n for i, n in enumerate(ninos) if i != 2]
    assert stored["person_key"].to_list() == [person_key(n, key) for n in kept]


def test_claim_status_defaults_to_active(mi_home, tmp_path):
    rows = filler_rows("outcome_claims", 2)
    rows[0]["claim_status"] = ""
    submit_file(_write(tmp_path, file_name("outcome_claims"), rows))
    assert _lake_rows("outcome_claims")["claim_status"].to_list() == ["ACTIVE", "ACTIVE"]


def test_reference_load_supersedes_the_previous_load_of_each_dataset(mi_home, tmp_path):
    folder = write_reference_dir(tmp_path / "ref1")
    first = {r.summary["return"]: r for r in load_reference(folder)}
    assert all(r.status == "ACCEPTED" for r in first.values()), [r.findings for r in first.values()]
    again = load_reference(folder)
    assert {r.status for r in again} == {"DUPLICATE"}
    changed = write_reference_dir(
        tmp_path / "ref2",
        {
            "contracts": [
                {
                    "contract_id": "FND00012",
                    "programme": "FND",
                    "prime_ukprn": "10004567",
                    "cpa_id": "CPA01",
                    "start_date": "2024-04-01",
                    "end_date": "2029-03-31",
                    "contract_value_gbp": "1",
                    "status": "LIVE",
                }
            ]
        },
    )
    second = {r.summary["return"]: r for r in load_reference(changed)}
    with Ledger(paths()) as ledger:
        assert ledger.get(first["contracts"].submission_id).superseded_by == second["contracts"].submission_id
        assert second["providers"].status == "DUPLICATE"


def test_reference_checks_use_the_loaded_reference_data(mi_home, tmp_path):
    load_reference(write_reference_dir(tmp_path / "ref"))
    rows = filler_rows("participants", 3)
    rows[1]["contract_id"] = "WPG00034"
    result = submit_file(_write(tmp_path, file_name("participants"), rows))
    assert result.findings.filter(pl.col("rule_id") == "PAR_CONTRACT_ID_04")["row"].to_list() == [3]
    assert result.summary["reference_checked"] is True


def test_a_killed_ingest_leaves_no_partial_submission(mi_home, tmp_path):
    """The process dies after the lake folder is written but before the ledger commits."""
    path = _write(tmp_path, file_name("participants"), filler_rows("participants", 3))
    script = textwrap.dedent(f"""
        import os
        import ingest.ledger
        def die(self, entry):
            os._exit(9)
        ingest.ledger.Ledger.insert = die
        from ingest.submit import submit_file
        submit_file({str(path)!r})
    """)
    done = subprocess.run([sys.executable, "-c", script], env={**__import__("os").environ}, timeout=120)
    assert done.returncode == 9
    with Ledger(paths()) as ledger:
        assert ledger.list() == []
    # What a reader of the lake sees: nothing, and the next ingest sweeps the debris away.
    later = _write(
        tmp_path, file_name("participants", stamp="20260706T000000"), filler_rows("participants", 1)
    )
    assert submit_file(later).status == "ACCEPTED"
    folders = [f.name for f in (paths().lake / "returns" / "participants").iterdir()]
    assert sorted(folders) == sorted(["submission_id=_schema", f"submission_id={_only_id()}"])


def _only_id() -> str:
    with Ledger(paths()) as ledger:
        (entry,) = ledger.list()
        return entry.submission_id
