"""No clear NINO or date of birth anywhere under MI_HOME after ingest (MI spec §4)."""

from __future__ import annotations

import hashlib
import os
import stat

from core.settings import paths
from ingest.pseudonymise import load_key, person_key
from ingest.submit import check_file, load_reference, submit_file
from tests.support.mi_files import csv_bytes, file_name, filler_rows, write_reference_dir


def _everything_under(folder) -> bytes:
    blob = b""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                blob += handle.read()
    return blob


def test_the_clear_nino_appears_nowhere_under_mi_home(mi_home, tmp_path):
    rows = filler_rows("participants", 4)
    rows[1]["sex"] = "X"  # a rejected row goes to quarantine
    rows[2]["nino"] = "AB12345C"  # a malformed NINO is echoed in feedback
    load_reference(write_reference_dir(tmp_path / "ref"))
    path = tmp_path / file_name("participants")
    path.write_bytes(csv_bytes(rows))
    submit_file(path)
    check_file(path, report_dir=mi_home / "local_report")
    blob = _everything_under(mi_home)
    ninos = {r["nino"] for r in rows} | {"AB123456C", "CE654321A"}
    for nino in ninos:
        assert nino.encode() not in blob, nino
    for dob in {r["date_of_birth"] for r in rows}:
        assert dob.encode() not in blob


def test_person_key_is_keyed_not_a_plain_hash(mi_home):
    key = load_key()
    pseudonym = person_key("ab 12 34 56 c", key)
    assert pseudonym == person_key("AB123456C", key)
    assert pseudonym != hashlib.sha256(b"AB123456C").hexdigest()
    assert pseudonym != person_key("AB123456C", b"x" * 64)


def test_the_generated_key_file_is_private(mi_home):
    load_key()
    mode = stat.S_IMODE(os.stat(paths().secrets / "pseudonymisation.key").st_mode)
    assert mode == 0o600


def test_a_configured_key_is_used_and_none_is_generated(mi_home, monkeypatch):
    monkeypatch.setenv("MI_PSEUDONYMISATION_KEY", "k" * 40)
    assert load_key() == b"k" * 40
    assert not (paths().secrets / "pseudonymisation.key").exists()


def test_feedback_masks_the_nino(mi_home, tmp_path):
    rows = filler_rows("participants", 3)
    rows[1]["nino"] = "GB123456A"
    path = tmp_path / file_name("participants")
    path.write_bytes(csv_bytes(rows))
    result = check_file(path, report_dir=tmp_path / "report")
    text = (tmp_path / "report" / "findings.csv").read_text()
    assert "GB****56A" in text and "GB123456A" not in text
    assert "GB123456A" not in (tmp_path / "report" / "report.html").read_text()
    assert result.status == "ACCEPTED_WITH_ERRORS"


def test_the_vectorised_pseudonym_equals_the_reference_hmac(mi_home):
    import polars as pl

    from ingest.pseudonymise import person_digests

    ninos = ["AB123456C", "ce 11 11 11 a", None, "HJ555555A"]
    for key in (load_key(), b"short", b"k" * 100):
        got = person_digests(pl.Series(ninos), key).bin.encode("hex").to_list()
        want = [person_key(n, key) if n else None for n in ninos]
        assert got == want
