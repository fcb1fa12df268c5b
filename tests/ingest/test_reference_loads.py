"""A reference load is taken whole or not at all (MI spec §3, warehouse spec §1).

Any rule a reference file breaks (its key repeated, a code, a range, a
required field, a type, two extract dates in one employment extract) refuses
the load: every dataset of the folder is refused with it, nothing of it
becomes current, and the reference data loaded before stays in use.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import polars as pl
import pytest

from contracts_schema.registry import load_registry
from core.settings import paths
from ingest.ledger import Ledger
from ingest.submit import load_reference, refusal_reasons
from mi.cli import main
from tests.support.mi_files import REFERENCE_ROWS, write_reference_dir

KEY_RULES = {
    d.name: next(r for r in d.all_rules if r.check == "unique")
    for d in load_registry().reference
    if any(r.check == "unique" for r in d.all_rules)
}


def _current() -> dict[str, str]:
    """Dataset -> submission id of the reference load in use."""
    with Ledger(paths()) as ledger:
        return {
            d.name: e.submission_id
            for d in load_registry().reference
            if (e := ledger.current(d.name, None, None)) is not None
        }


def _lake_folders() -> set[str]:
    base = paths().lake / "reference"
    return {f"{f.parent.name}/{f.name}" for f in base.glob("*/*")}


def _with_repeated_key(dataset: str) -> list[dict]:
    """The dataset's rows plus a copy of its first row: its key (and everything else) repeated."""
    rows = [dict(r) for r in REFERENCE_ROWS[dataset]]
    copy = dict(rows[0])
    if dataset == "employment_spells":
        copy["nino"] = "ab 12 34 56 c"  # the same person written another way is the same key
        copy["spell_end"] = "2026-05-31"
    rows.append(copy)
    return rows


@pytest.fixture
def loaded(mi_home, tmp_path):
    """A first, good load: what must stay in use when a later one is refused."""
    results = load_reference(write_reference_dir(tmp_path / "good"))
    assert {r.status for r in results} == {"ACCEPTED"}, [r.findings for r in results]
    return _current()


def test_every_reference_dataset_has_its_key_as_a_rule():
    for dataset in load_registry().reference:
        rule = KEY_RULES.get(dataset.name)
        assert rule is not None, f"{dataset.name} has no unique rule on its record key"
        fields = rule.params.get("fields", [rule.field])
        assert [("person_key" if f == "nino" else f) for f in fields] == list(dataset.record_key)
        for name in fields:
            assert name in rule.message, (rule.id, name)


@pytest.mark.parametrize("dataset", sorted(KEY_RULES))
def test_a_repeated_key_refuses_the_whole_load_and_the_earlier_load_stays_in_use(loaded, tmp_path, dataset):
    before = _lake_folders()
    folder = write_reference_dir(tmp_path / "bad", {dataset: _with_repeated_key(dataset)})
    (folder / "contracts.csv").write_text(
        (folder / "contracts.csv").read_text().replace("12500000", "12600000")
    )
    results = {r.summary["return"]: r for r in load_reference(folder)}
    rule = KEY_RULES[dataset]
    assert results[dataset].status == "REJECTED"
    hits = results[dataset].findings.filter(pl.col("rule_id") == rule.id)
    assert hits["row"].to_list() == [2, len(REFERENCE_ROWS[dataset]) + 2]
    # The others: refused with the load, or identical to the load in use (a duplicate changes nothing).
    for name, result in results.items():
        if name != dataset and result.status != "DUPLICATE":
            assert result.status == "REJECTED", name
            assert result.findings["rule_id"].to_list() == ["FILE_REFERENCE_LOAD_REFUSED"], name
    if dataset != "contracts":
        assert results["contracts"].status == "REJECTED"
    assert _current() == loaded
    assert _lake_folders() == before  # nothing of the refused load is in the lake
    (line,) = refusal_reasons(list(results.values()))
    assert line.startswith(f"{dataset}: {rule.id} on rows 2, {len(REFERENCE_ROWS[dataset]) + 2}")


def test_a_repeated_spell_names_its_key_and_rows_with_the_nino_masked(loaded, tmp_path):
    folder = write_reference_dir(
        tmp_path / "bad", {"employment_spells": _with_repeated_key("employment_spells")}
    )
    results = {r.summary["return"]: r for r in load_reference(folder)}
    spells = results["employment_spells"]
    hits = spells.findings.filter(pl.col("rule_id") == "EMP_KEY_01")
    assert hits["field"].to_list() == ["nino,employer_paye_ref,spell_start"] * 2
    assert hits["value"].to_list() == ["AB****56C, 123/AB456, 2026-04-20"] * 2
    (line,) = refusal_reasons(list(results.values()))
    assert "(nino, employer_paye_ref, spell_start)" in line and "AB****56C" in line
    everything = "\n".join(
        [line, spells.findings.write_csv()]
        + [p.read_text(errors="ignore") for p in (paths().feedback).rglob("*") if p.is_file()]
    )
    assert "AB123456C" not in everything and "ab 12 34 56 c" not in everything.lower()


@pytest.mark.parametrize(
    "dataset, change, rule_id",
    [
        ("providers", {"sector": "CHARITY"}, "PRV_SECTOR_02"),
        ("contract_package_areas", {"is_rural": "sometimes"}, "CPA_IS_RURAL_02"),
        ("contracts", {"end_date": "31/03/2029"}, "CON_END_DATE_02"),
        ("contracts", {"status": ""}, "CON_STATUS_01"),
        ("payment_rates", {"amount_gbp": "-5"}, "PAY_AMOUNT_GBP_03"),
        ("performance_levels", {"minimum_sustained_rate": "22"}, "MPL_MINIMUM_SUSTAINED_RATE_03"),
        ("inspections", {"grade": "5"}, "INS_GRADE_03"),
        ("labour_market", {"unemployment_rate": "4,7"}, "LMK_UNEMPLOYMENT_RATE_02"),
        ("employment_spells", {"nino": "QQ123456Z"}, "EMP_NINO_02"),
        ("employment_spells", {"spell_end": "2026-01-01"}, "EMP_SPELL_END_03"),
    ],
)
def test_any_broken_rule_refuses_the_load(loaded, tmp_path, dataset, change, rule_id):
    rows = [dict(r) for r in REFERENCE_ROWS[dataset]]
    rows[0].update(change)
    results = {
        r.summary["return"]: r for r in load_reference(write_reference_dir(tmp_path / "bad", {dataset: rows}))
    }
    assert {r.status for r in results.values()} == {"REJECTED", "DUPLICATE"}
    refused = results[dataset]
    assert refused.findings["rule_id"].to_list()[0] == "FILE_REFERENCE_REFUSED"
    assert refused.findings.filter(pl.col("rule_id") == rule_id)["row"].to_list() == [2]
    assert refused.summary["rows_accepted"] == 0
    assert _current() == loaded
    assert [line.split(" on row ")[0] for line in refusal_reasons(list(results.values()))] == [
        f"{dataset}: {rule_id}"
    ]


def test_an_employment_extract_with_two_extract_dates_is_refused(loaded, tmp_path):
    rows = [dict(r) for r in REFERENCE_ROWS["employment_spells"]]
    rows.append(
        {
            "nino": "HJ555555A",
            "employer_paye_ref": "456/ZZ1",
            "spell_start": "2026-02-02",
            "spell_end": "",
            "extract_date": "2026-06-30",
        }
    )
    rows[1]["extract_date"] = "2026-07-31"
    results = {
        r.summary["return"]: r
        for r in load_reference(write_reference_dir(tmp_path / "bad", {"employment_spells": rows}))
    }
    assert results["employment_spells"].status == "REJECTED"
    hits = results["employment_spells"].findings.filter(pl.col("rule_id") == "EMP_EXTRACT_DATE_03")
    assert hits["row"].to_list() == [3] and hits["value"].to_list() == ["2026-07-31"]
    assert _current() == loaded


def test_a_file_refused_only_with_its_load_loads_once_the_folder_is_corrected(loaded, tmp_path):
    changed_contracts = [dict(r, contract_value_gbp="1") for r in REFERENCE_ROWS["contracts"]]
    bad = write_reference_dir(
        tmp_path / "bad", {"contracts": changed_contracts, "providers": _with_repeated_key("providers")}
    )
    refused = {r.summary["return"]: r.status for r in load_reference(bad)}
    assert refused["contracts"] == "REJECTED"
    fixed = write_reference_dir(tmp_path / "fixed", {"contracts": changed_contracts})
    again = {r.summary["return"]: r for r in load_reference(fixed)}
    assert again["contracts"].status == "ACCEPTED"  # not a duplicate of the refused copy
    assert again["providers"].status == "DUPLICATE"  # the same as the load in use
    assert _current()["contracts"] == again["contracts"].submission_id


def test_the_cli_exits_1_with_one_line_per_problem_and_0_when_all_is_well(loaded, tmp_path, capsys):
    rows = [dict(r) for r in REFERENCE_ROWS["inspections"]]
    rows[0]["grade"] = "7"
    bad = write_reference_dir(
        tmp_path / "bad", {"providers": _with_repeated_key("providers"), "inspections": rows}
    )
    assert main(["load-reference", str(bad), "--quiet"]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("mi load-reference")]
    assert err[0].startswith(
        "mi load-reference: refused: providers: PRV_UKPRN_03 on rows 2, 5 (ukprn: 10004567)"
    )
    assert err[1].startswith("mi load-reference: refused: inspections: INS_GRADE_03 on row 2 (grade: 7)")
    assert err[2] == (
        "mi load-reference: nothing of this load was taken; the reference data loaded before stays in use"
    )
    assert len(err) == 3
    assert _current() == loaded
    assert main(["load-reference", str(write_reference_dir(tmp_path / "good2")), "--quiet"]) == 0


def test_a_load_killed_before_it_commits_leaves_the_earlier_load_in_use(loaded, tmp_path):
    """The process dies while recording the third dataset: the first two must not be current."""
    folder = write_reference_dir(
        tmp_path / "next",
        {
            name: [dict(r) for r in rows]
            + (
                []
                if name != "labour_market"
                else [{"la_code": "E08000026", "period": "2026Q2", "unemployment_rate": "5.1"}]
            )
            for name, rows in REFERENCE_ROWS.items()
        },
    )
    (folder / "providers.csv").write_text(
        (folder / "providers.csv").read_text().replace("Northern", "Northerly")
    )
    (folder / "contract_package_areas.csv").write_text(
        (folder / "contract_package_areas.csv").read_text().replace("North West", "North-West")
    )
    script = textwrap.dedent(f"""
        import os
        import ingest.ledger
        real = ingest.ledger.Ledger.insert
        calls = []
        def insert(self, entry):
            calls.append(entry)
            if len(calls) == 3:
                os._exit(9)
            real(self, entry)
        ingest.ledger.Ledger.insert = insert
        from ingest.submit import load_reference
        load_reference({str(folder)!r})
    """)
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ}, timeout=120)
    assert done.returncode == 9
    assert _current() == loaded
    # The next load sweeps what the killed one wrote, and then loads.
    results = {r.summary["return"]: r for r in load_reference(folder)}
    assert results["providers"].status == "ACCEPTED"
    ids = (
        {f"submission_id={r.submission_id}" for r in results.values()}
        | {f"submission_id={s}" for s in loaded.values()}
        | {"submission_id=_schema"}
    )
    assert {f.split("/")[1] for f in _lake_folders()} <= ids


def _contracts_as_parquet(folder, frame: pl.DataFrame | None = None, data: bytes | None = None):
    """``folder``'s contracts extract as Parquet instead of CSV (typed columns, as DWP exports them)."""
    (folder / "contracts.csv").unlink()
    if data is not None:
        (folder / "contracts.parquet").write_bytes(data)
        return
    assert frame is not None
    frame.write_parquet(folder / "contracts.parquet")


def _typed_contracts() -> pl.DataFrame:
    return pl.DataFrame(REFERENCE_ROWS["contracts"]).with_columns(
        pl.col("contract_value_gbp").cast(pl.Int64),
        pl.col("start_date", "end_date").str.to_date(),
    )


def test_a_parquet_extract_is_read_as_text_and_loads_like_its_csv(mi_home, tmp_path):
    folder = write_reference_dir(tmp_path / "parquet")
    frame = _typed_contracts()
    _contracts_as_parquet(
        folder, frame.rename({"contract_id": " Contract_ID "}).with_columns(note=pl.lit("x"))
    )
    results = {r.summary["return"]: r for r in load_reference(folder)}
    assert {r.status for r in results.values()} == {"ACCEPTED"}, results["contracts"].findings
    assert results["contracts"].summary["file_name"] == "contracts.parquet"
    assert results["contracts"].summary["rows_read"] == len(REFERENCE_ROWS["contracts"])
    stored = pl.read_parquet(paths().lake / "reference" / "contracts" / "*" / "*.parquet")
    assert sorted(stored["contract_id"].to_list()) == sorted(
        r["contract_id"] for r in REFERENCE_ROWS["contracts"]
    )
    assert sorted(stored["contract_value_gbp"].to_list()) == sorted(
        float(r["contract_value_gbp"]) for r in REFERENCE_ROWS["contracts"]
    )


def test_a_parquet_extract_breaking_a_rule_refuses_the_load_as_a_csv_would(loaded, tmp_path):
    folder = write_reference_dir(tmp_path / "bad")
    _contracts_as_parquet(folder, _typed_contracts().with_columns(status=pl.lit("")))
    results = {r.summary["return"]: r for r in load_reference(folder)}
    refused = results["contracts"]
    assert refused.status == "REJECTED"
    assert refused.findings["rule_id"].to_list()[0] == "FILE_REFERENCE_REFUSED"
    assert refused.findings.filter(pl.col("rule_id") == "CON_STATUS_01")["row"].to_list() == list(
        range(2, len(REFERENCE_ROWS["contracts"]) + 2)
    )
    assert _current() == loaded


@pytest.mark.parametrize(
    "broken, rule_id, field",
    [
        ("not parquet", "FILE_FORMAT", None),
        ("no contract_id", "FILE_COLUMNS", "contract_id"),
    ],
)
def test_an_unreadable_or_incomplete_parquet_extract_is_refused_whole(
    loaded, tmp_path, broken, rule_id, field
):
    folder = write_reference_dir(tmp_path / "bad")
    if broken == "not parquet":
        _contracts_as_parquet(folder, data=b"PAR1 this is not a Parquet file")
    else:
        _contracts_as_parquet(folder, _typed_contracts().drop("contract_id"))
    results = {r.summary["return"]: r for r in load_reference(folder)}
    refused = results["contracts"]
    assert refused.status == "REJECTED"
    file_level = refused.findings.filter(pl.col("rule_id") == rule_id)
    assert file_level.height == 1 and file_level["row"].to_list() == [None]
    if field:
        assert file_level["field"].to_list() == [field]
    assert _current() == loaded
