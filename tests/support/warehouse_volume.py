"""A large random lake, written fast (numpy + pyarrow), for volume tests of the warehouse.

The hand-built scenario checks the rules; this world checks that the SQL
holds up with many people, many overlapping spells per person and many
submissions, and gives a brute-force cross-check of the interval arithmetic.
``write_volume_lake(lake, 1_500_000)`` is roughly the ``national`` world's size.

Not for: realistic behaviour of primes (that is ``synth/``'s job) or rule
scenarios (``warehouse_scenario.py``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tests.support import warehouse_scenario as scenario
from tests.support.warehouse_lake import LakeWriter, reference_schema, return_schema

EXTRACT = np.datetime64(scenario.EXTRACT_DATE.isoformat())
FIRST_REFERRAL = np.datetime64("2024-01-01")


def _quarters(days: np.ndarray) -> np.ndarray:
    years = days.astype("datetime64[Y]").astype(int) + 1970
    months = days.astype("datetime64[M]").astype(int) % 12
    return np.char.add(np.char.add(years.astype(str), "Q"), (months // 3 + 1).astype(str))


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"))


def write_volume_lake(lake: Path, participants: int, *, seed: int = 1, contracts: int = 40) -> None:
    """Reference data, employment spells and one return file per (prime, period)."""
    rng = np.random.default_rng(seed)
    writer = LakeWriter(lake)
    primes = [f"1{i:07d}" for i in range(1, contracts // 2 + 1)]
    cpas = [f"CPA{i:02d}" for i in range(1, contracts + 1)]
    contract_ids = [f"WPG{i:05d}" for i in range(1, contracts + 1)]
    prime_of = [primes[i % len(primes)] for i in range(contracts)]
    las = [f"E08{i:06d}" for i in range(300)]
    start = dt.date(2023, 10, 1)
    writer.load_reference(
        "providers", [{"ukprn": p, "name": f"Prime {p}", "sector": "PRIVATE"} for p in primes]
    )
    writer.load_reference(
        "contract_package_areas",
        [{"cpa_id": c, "name": c, "nation": "ENGLAND", "region": "North", "is_rural": False} for c in cpas],
    )
    writer.load_reference(
        "local_authorities",
        [{"la_code": la, "name": la, "cpa_id": cpas[i % contracts]} for i, la in enumerate(las)],
    )
    writer.load_reference(
        "contracts",
        [
            {
                "contract_id": c,
                "programme": "WPG",
                "prime_ukprn": prime_of[i],
                "cpa_id": cpas[i],
                "start_date": start,
                "end_date": dt.date(2030, 9, 30),
                "contract_value_gbp": float(rng.integers(5, 50)) * 1e6,
                "status": "LIVE",
            }
            for i, c in enumerate(contract_ids)
        ],
    )
    writer.load_reference(
        "supply_chain",
        [
            {"contract_id": c, "delivery_ukprn": prime_of[i], "valid_from": start, "valid_to": None}
            for i, c in enumerate(contract_ids)
        ],
    )
    writer.load_reference("payment_rates", scenario.PAYMENT_RATES)
    writer.load_reference("performance_levels", scenario.PERFORMANCE_LEVELS)
    writer.load_reference(
        "inspections",
        [
            {
                "ukprn": p,
                "inspectorate": "OFSTED",
                "inspection_date": dt.date(2024, 5, 1),
                "grade": int(rng.integers(1, 5)),
            }
            for p in primes
        ],
    )
    writer.load_reference(
        "labour_market",
        [
            {"la_code": la, "period": f"{y}Q{q}", "unemployment_rate": float(rng.uniform(2, 9))}
            for la in las
            for y in range(2023, 2026)
            for q in range(1, 5)
        ],
    )

    n = participants
    referral = FIRST_REFERRAL + rng.integers(0, (EXTRACT - FIRST_REFERRAL).astype(int), n)
    contract_ix = rng.integers(0, contracts, n)
    start_day = referral + rng.integers(3, 40, n)
    started = (rng.random(n) < 0.9) & (start_day <= EXTRACT)
    strength = 0.2 + 0.4 * (contract_ix % 5) / 4
    sustained = started & (rng.random(n) < strength)
    job = start_day + rng.integers(10, 150, n)
    employed = started & (sustained | (rng.random(n) < 0.5)) & (job <= EXTRACT - 10)
    person = np.char.add("pk", np.arange(n).astype(str))

    # 1-8 spells per employed person, overlapping, touching or apart
    per_person = np.where(employed, rng.integers(1, 9, n), 0)
    owner = np.repeat(np.arange(n), per_person)
    order = np.arange(len(owner)) - np.repeat(np.cumsum(per_person) - per_person, per_person)
    spell_start = job[owner] + order * rng.integers(0, 200, len(owner))
    spell_end = spell_start + np.where(
        sustained[owner], rng.integers(30, 500, len(owner)), rng.integers(0, 120, len(owner))
    )
    keep = spell_start <= EXTRACT
    owner, spell_start, spell_end = owner[keep], spell_start[keep], spell_end[keep]
    # the PAYE reference keeps (person, employer, start) unique
    paye = np.char.add("123/E", np.arange(len(owner)).astype(str))
    spells = pa.table(
        {
            "submission_id": np.full(len(owner), "empl-volume"),
            "source_row": np.arange(len(owner)) + 2,
            "person_key": person[owner],
            "employer_paye_ref": paye,
            "spell_start": _dates(spell_start),
            "spell_end": _dates(np.where(spell_end > EXTRACT, np.datetime64("NaT"), spell_end)),
            "extract_date": _dates(np.full(len(owner), EXTRACT)),
        }
    ).cast(reference_schema("employment_spells"))
    _write(lake / "reference" / "employment_spells", "empl-volume", spells)
    writer._ledger_row("empl-volume", "employment_spells", "reference", None, None, len(owner), "ACCEPTED")

    refs = np.char.add("R", np.arange(n).astype(str))
    prime = np.array(prime_of)[contract_ix]
    contract = np.array(contract_ids)[contract_ix]
    disability = np.array(["Y", "N", "N", "U"])[rng.integers(0, 4, n)]
    returns = {
        "participants": pa.table(
            {
                "ukprn": prime,
                "period": _quarters(referral),
                "contract_id": contract,
                "participant_ref": refs,
                "person_key": person,
                "referral_date": _dates(referral),
                "start_date": _dates(np.where(started, start_day, np.datetime64("NaT"))),
                "customer_group": np.array(scenario.CUSTOMER_GROUPS)[rng.integers(0, 7, n)],
                "age_at_referral": rng.integers(16, 70, n).astype(np.int32),
                "sex": np.array(["F", "M"])[rng.integers(0, 2, n)],
                "ethnicity": np.array(["WHITE", "ASIAN", "BLACK", "MIXED"])[rng.integers(0, 4, n)],
                "disability": disability,
                "impairment_group": pa.array(
                    np.where(
                        disability == "Y",
                        np.array(["MENTAL_HEALTH", "PHYSICAL", "SENSORY"])[rng.integers(0, 3, n)],
                        None,
                    ),
                    pa.string(),
                ),
                "la_code": np.array(las)[rng.integers(0, len(las), n)],
                "delivery_ukprn": prime,
                "leave_date": _dates(np.full(n, np.datetime64("NaT"))),
                "leave_reason": pa.nulls(n, pa.string()),
            }
        ),
    }
    claimed = np.concatenate([np.where(employed)[0], np.where(employed & sustained)[0]])
    outcome = np.concatenate(
        [np.full(employed.sum(), "JOB_OUTCOME"), np.full((employed & sustained).sum(), "SUSTAINED_26W")]
    )
    claim_date = np.concatenate([job[employed] + 5, job[employed & sustained] + 190])
    keep = claim_date <= EXTRACT
    claimed, outcome, claim_date = claimed[keep], outcome[keep], claim_date[keep]
    returns["outcome_claims"] = pa.table(
        {
            "ukprn": prime[claimed],
            "period": _quarters(claim_date),
            "claim_id": np.char.add(np.char.add(outcome.astype("<U3"), "-"), refs[claimed]),
            "contract_id": contract[claimed],
            "participant_ref": refs[claimed],
            "outcome_type": outcome,
            "job_start_date": _dates(job[claimed]),
            "claim_date": _dates(claim_date),
            "hours_per_week": np.full(len(claimed), 30.0),
            "employer_paye_ref": np.full(len(claimed), "123/A"),
            "claim_status": np.full(len(claimed), "ACTIVE"),
            "delivery_ukprn": prime[claimed],
        }
    )
    surveyed = np.where(started & (rng.random(n) < 0.3))[0]
    survey_date = np.minimum(start_day[surveyed] + 20, EXTRACT)
    returns["customer_survey"] = pa.table(
        {
            "ukprn": prime[surveyed],
            "period": _quarters(survey_date),
            "response_id": np.char.add("S", refs[surveyed]),
            "contract_id": contract[surveyed],
            "participant_ref": refs[surveyed],
            "survey_date": _dates(survey_date),
            "overall_satisfaction": rng.integers(1, 6, len(surveyed)).astype(np.int32),
            "treated_with_respect": pa.nulls(len(surveyed), pa.int32()),
            "advice_helpful": pa.nulls(len(surveyed), pa.int32()),
            "would_recommend": pa.nulls(len(surveyed), pa.string()),
        }
    )
    for dataset, table in returns.items():
        key = pc.binary_join_element_wise(table["ukprn"], table["period"], "|")
        for value in pc.unique(key).to_pylist():
            ukprn, period = value.split("|")
            rows = table.filter(pc.equal(key, value))
            submission_id = writer._next_id(dataset)
            rows = rows.append_column("submission_id", pa.array([submission_id] * len(rows))).append_column(
                "source_row", pa.array(np.arange(len(rows)) + 2)
            )
            schema = return_schema(dataset)
            _write(lake / "returns" / dataset, submission_id, rows.select(schema.names).cast(schema))
            writer._ledger_row(submission_id, dataset, "return", ukprn, period, len(rows), "ACCEPTED")
    writer.write_ledger()


def _write(dataset_folder: Path, submission_id: str, table: pa.Table) -> None:
    folder = dataset_folder / f"submission_id={submission_id}"
    folder.mkdir(parents=True)
    pq.write_table(table, folder / "part-0.parquet")
