"""The analysts' copy is swapped in whole after a good build and never touched by a bad one."""

from __future__ import annotations

import hashlib
import threading
import time

import duckdb
import pytest

from core.settings import Paths
from tests.support.warehouse_lake import RETURN_FIELDS, LakeWriter
from tests.support.warehouse_scenario import HAND_CLAIMS_2026Q1, HAND_PRIME, claim_row, d
from warehouse import (
    NotAGoodBuild,
    WarehouseBusy,
    build_warehouse,
    is_last_good_build,
    publish_analyst_copy,
    warehouse_lock,
)

# unit tests ran in the session build; these builds only need models and data tests
WITHOUT_UNIT_TESTS = "resource_type:unit_test"
# the swap under a reader is about whole tables, not their tests: models and seeds only
MODELS_ONLY = [WITHOUT_UNIT_TESTS, "resource_type:test"]
MARTS = [
    "fct_outcome_claims",
    "fct_participants",
    "mart_star_ratings",
    "mart_prime_star_ratings",
    "mart_contract_review",
    "mart_parking_indicators",
    "mart_supply_chain",
    "mart_market_share",
]


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def claims_count(path) -> int:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.execute("select count(*) from marts.fct_outcome_claims").fetchone()[0]
    finally:
        connection.close()


def test_an_open_reader_always_sees_a_complete_warehouse_while_a_build_replaces_it(scenario_copy):
    paths = scenario_copy
    before = claims_count(paths.warehouse)
    writer = LakeWriter.reopen(paths.lake)
    # a resubmission replaces the period's file wholly: everything it had, and one claim more
    writer.submit_return(
        "outcome_claims",
        HAND_PRIME,
        "2026Q1",
        [
            *HAND_CLAIMS_2026Q1,
            claim_row("C-030", "P-015", "SUSTAINED_26W", "2023-02-01", "2026-03-20"),
        ],
    )
    writer.write_ledger()

    seen: list[int] = []
    problems: list[str] = []
    stop = threading.Event()
    held = duckdb.connect(str(paths.warehouse), read_only=True)

    def analyst() -> None:
        while not stop.is_set():
            try:
                connection = duckdb.connect(str(paths.warehouse), read_only=True)
                try:
                    tables = {
                        name
                        for (name,) in connection.execute(
                            "select table_name from information_schema.tables where table_schema = 'marts'"
                        ).fetchall()
                    }
                    if not set(MARTS) <= tables:
                        problems.append(f"incomplete marts: {sorted(set(MARTS) - tables)}")
                    seen.append(
                        connection.execute("select count(*) from marts.fct_outcome_claims").fetchone()[0]
                    )
                finally:
                    connection.close()
            except Exception as error:
                problems.append(repr(error))
            time.sleep(0.05)

    reader = threading.Thread(target=analyst)
    reader.start()
    try:
        result = build_warehouse(paths, exclude=MODELS_ONLY, publish=True)
    finally:
        stop.set()
        reader.join()
    assert result.ok, result.error
    assert not problems
    assert len(seen) > 10 and set(seen) <= {before, before + 1}
    # the connection opened before the swap still reads the old warehouse, undisturbed
    assert held.execute("select count(*) from marts.fct_outcome_claims").fetchone()[0] == before
    held.close()
    assert claims_count(paths.warehouse) == before + 1


def test_a_failed_build_leaves_the_analysts_copy_byte_identical_and_names_the_failing_test(scenario_copy):
    paths = scenario_copy
    digest, inode = sha256(paths.warehouse), paths.warehouse.stat().st_ino
    writer = LakeWriter.reopen(paths.lake)
    broken = {name: None for name, _ in RETURN_FIELDS["participants"]}
    broken.update(
        contract_id="FND00001",
        participant_ref="P-BAD",
        person_key="p99-bad",
        referral_date=d("2026-01-10"),
        customer_group="MARTIANS",
        age_at_referral=30,
        sex="F",
        ethnicity="WHITE",
        disability="N",
        la_code="E08000001",
        delivery_ukprn=HAND_PRIME,
    )
    writer.submit_return("participants", HAND_PRIME, "2026Q1", [broken])
    writer.write_ledger()

    result = build_warehouse(paths, exclude=WITHOUT_UNIT_TESTS, publish=True)

    assert not result.ok and result.analyst_copy is None
    assert sha256(paths.warehouse) == digest and paths.warehouse.stat().st_ino == inode
    failing = [node.name for node in result.failures]
    assert failing == [
        "accepted_values_stg_lake__participants_customer_group__JSA_18_24__JSA_25_PLUS__"
        "JSA_EARLY_ACCESS__ESA_WRAG__IB_ESA_EX_IB__LONE_PARENT__VOLUNTARY"
    ]
    assert "stg_lake__participants.customer_group" in result.error
    assert "models/staging/_stg_lake__models.yml" in result.error
    assert "was left as it was" in result.error
    assert "fct_outcome_claims" in result.error  # named among the skipped models downstream
    with pytest.raises(Exception, match="stg_lake__participants"):
        result.raise_for_failure()
    # nor can the failed build be published afterwards, as from the Dagster UI
    assert not is_last_good_build(paths)
    with pytest.raises(NotAGoodBuild):
        publish_analyst_copy(paths)
    assert sha256(paths.warehouse) == digest


def test_a_project_that_does_not_compile_names_the_model_and_keeps_the_copy(
    scenario_copy, tmp_path, monkeypatch
):
    import shutil

    from warehouse import DBT_PROJECT_DIR

    paths = scenario_copy
    digest = sha256(paths.warehouse)
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "models" / "marts" / "mart_broken.sql").write_text(
        "select * from {{ ref('no_such_model') }}\n"
    )
    monkeypatch.setenv("MI_DBT_PROJECT_DIR", str(project))

    result = build_warehouse(paths)

    assert not result.ok and sha256(paths.warehouse) == digest
    assert "mart_broken" in result.error and "no_such_model" in result.error


def test_publishing_replaces_the_copy_with_a_read_only_file_and_clears_crash_debris(scenario_copy):
    paths = scenario_copy
    old_inode = paths.warehouse.stat().st_ino
    (paths.warehouse_dir / ".mi.duckdb.crashed.tmp").write_bytes(b"half a copy")
    published = publish_analyst_copy(paths)
    assert published == paths.warehouse and paths.warehouse.stat().st_ino != old_inode
    assert paths.warehouse.stat().st_mode & 0o222 == 0
    assert not list(paths.warehouse_dir.glob(".mi.duckdb.*.tmp"))


def test_a_build_leaves_no_database_open(built_scenario):
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    paths, result = built_scenario
    assert DuckDBConnectionManager._ENV is None
    assert not result.build_database.with_name("mi.duckdb.wal").exists()


def test_two_builds_never_overlap(tmp_path):
    paths = Paths(tmp_path)
    entered = threading.Event()
    release = threading.Event()

    def first_build() -> None:
        with warehouse_lock(paths):
            entered.set()
            release.wait(5)

    holder = threading.Thread(target=first_build)
    holder.start()
    entered.wait(5)
    try:
        with pytest.raises(WarehouseBusy):
            build_warehouse(paths, lock_timeout=0.3)
    finally:
        release.set()
        holder.join()


def test_the_lock_is_re_entrant_in_one_thread_and_exclusive_between_threads(tmp_path):
    """``mi run`` holds it around a Dagster run whose build asset, in the same thread, takes it again."""
    paths = Paths(tmp_path)
    outcome: list[str] = []

    def other_thread() -> None:
        try:
            with warehouse_lock(paths, timeout=0.2):
                outcome.append("entered")
        except WarehouseBusy:
            outcome.append("busy")

    with warehouse_lock(paths), warehouse_lock(paths, timeout=0):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert outcome == ["busy"]
    with warehouse_lock(paths, timeout=0):
        pass  # released by the outer block, not by the inner one


def test_a_build_without_a_lake_says_what_is_missing(tmp_path):
    result = build_warehouse(Paths(tmp_path))
    assert not result.ok and "nothing has been ingested" in result.error
    assert not Paths(tmp_path).warehouse.exists()
