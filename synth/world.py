"""``generate``: the whole synthetic world, written to a folder.

This module runs the other parts of ``synth`` in order and owns the output
layout that later stages read:

```
out_dir/reference/{dataset}.csv          DWP reference data and employment_spells.csv (clean; the
                                         extract dated a few weeks after the last period)
out_dir/submissions/{ukprn}_{return}_{period}_{YYYYMMDDTHHMMSS}.{csv,xlsx}
out_dir/world.json                       ground truth: primes, profiles, contracts, counts, files
```

The world is generated one referral cohort (quarter) at a time: a cohort's
whole future is drawn at once, its rows are held back for the quarters in
which they will be reported, and each quarter's files are written as soon as
no later cohort can add to them. Memory therefore grows with one cohort and
the rows still waiting for their quarter, not with the whole history.

Not for: how people, claims or defects are drawn (see the modules named in
``synth/__init__.py``), or command-line handling (``mi/cli.py`` calls
``generate``).

Notes:
    Every random draw comes from a ``numpy`` generator seeded from the seed
    and a fixed stream number (and, for a file's defects, a CRC of the
    file's identity), so the output does not depend on the order in which
    files are written or on anything but the seed and the scale.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np
import polars as pl

from synth import parameters as P
from synth.calendar import NO_DATE, iso
from synth.claims import claim_rows, draw_claims
from synth.cohort import Registers, draw_cohort
from synth.defects import inject_defects, vary_code_case
from synth.employment import spells_before_referral, spells_frame, spells_table, unrelated_spells
from synth.identifiers import BACKGROUND_PERSON_OFFSET
from synth.reference import Prime, ReferenceWorld, build_reference
from synth.returns import participant_rows
from synth.small_group import SmallGroup, last_complete_quarter
from synth.survey import draw_survey
from synth.truth import Truth
from synth.writers import (
    SpellsWriter,
    stable_seed,
    styled_header,
    submission_name,
    submission_time,
    write_csv,
    write_xlsx,
)

_SORT_KEYS = {
    "participants": ("participant_ref",),
    "outcome_claims": ("claim_date", "claim_id"),
    "customer_survey": ("survey_date", "response_id"),
}


def generate(
    out_dir: Path,
    scale: str = "small",
    seed: int = 1,
    *,
    bench_rows: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write a synthetic world (or a benchmark file) to ``out_dir``.

    Args:
        out_dir: folder to write; created if missing. Existing files of the
            same names are overwritten; other files are left alone.
        scale: ``small`` (tests, demo), ``national`` or ``history``.
        seed: the same seed and scale give byte-identical files.
        bench_rows: when given, write the reference data and one participants
            CSV of exactly this many data rows instead of the quarterly returns.
        progress: called with a short line of text as the work advances.

    Returns:
        A summary: scale, seed, extract_date, periods, primes (ukprn, name,
        profile), files and rows per kind, and the paths written.
    """
    if scale not in P.SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(P.SCALES)}")
    say = progress or (lambda message: None)
    out_dir = Path(out_dir)
    (out_dir / "reference").mkdir(parents=True, exist_ok=True)
    world = build_reference(P.SCALES[scale], seed)
    written: list[str] = []
    rows: dict[str, int] = {}
    for dataset, table in world.tables.items():
        write_csv(table, out_dir / "reference" / f"{dataset}.csv")
        written.append(f"reference/{dataset}.csv")
        rows[dataset] = len(table)
    say(f"reference data: {len(world.contracts)} contracts, {len(world.primes)} primes")
    if bench_rows is not None:
        return _bench(world, out_dir, bench_rows, written, rows, say)

    (out_dir / "submissions").mkdir(exist_ok=True)
    spells = SpellsWriter(out_dir / "reference" / "employment_spells.csv")
    registers = Registers(len(world.contracts))
    submissions = _Submissions(world, out_dir, say, registers)
    truth = Truth(world)
    small_group = SmallGroup(world)
    next_background = BACKGROUND_PERSON_OFFSET
    for q, period in enumerate(world.quarters.names):
        rng = np.random.default_rng([seed, 100, q])
        cohort = draw_cohort(world, q, rng, registers)
        claims, intent = draw_claims(world, cohort, rng)
        survey = draw_survey(world, cohort, rng)
        members = small_group.label(cohort, claims, np.random.default_rng([seed, 300, q]))
        # Clerks' mistakes spare the records that decide an unclaimed outcome (synth.defects).
        claimed_sustained = np.zeros(len(cohort), dtype=bool)
        claimed_sustained[claims.filter(pl.col("outcome_type") != "JOB_OUTCOME")["row"].to_numpy()] = True
        worked = (cohort.job1_start != NO_DATE) | (cohort.post_start != NO_DATE)
        submissions.hold(
            "participants", participant_rows(world, cohort, protect=worked | claimed_sustained | members)
        )
        submissions.hold("outcome_claims", claim_rows(world, claims))
        submissions.hold("customer_survey", survey)
        truth.add(cohort, claims, intent, survey)
        registers.pool.add(cohort, exclude=claimed_sustained)

        n_unrelated = int(round(len(cohort) * P.BACKGROUND.unrelated_people_per_participant))
        chunk = pl.concat(
            [
                _job_spells(world, cohort),
                spells_before_referral(
                    rng,
                    cohort.person,
                    cohort.referral,
                    ~cohort.is_repeat,
                    world.scale.n_employers,
                    world.extract_date,
                ),
                unrelated_spells(
                    rng,
                    next_background,
                    n_unrelated,
                    int(world.quarters.starts[q]) - 730,
                    int(world.quarters.ends[q]),
                    world.scale.n_employers,
                ),
            ]
        )
        next_background += n_unrelated
        spells.write(spells_table(chunk, world.ninos, world.employers, world.extract_date))
        submissions.flush(q)
        say(
            f"{period}: {len(cohort)} referrals, {len(claims)} claims, {len(survey)} survey responses, "
            f"{len(chunk)} employment spells"
        )
    spells.close()
    written.append("reference/employment_spells.csv")
    rows["employment_spells"] = spells.rows
    rows["participant_records"] = int(registers.next_sequence.sum() - len(world.contracts))
    for return_name in P.RETURNS:
        rows[return_name] = sum(f["rows"] for f in submissions.manifest if f["return"] == return_name)
    written += [f["path"] for f in submissions.manifest]

    world_json = _world_json(world, truth, submissions, rows, small_group)
    (out_dir / "world.json").write_text(json.dumps(world_json, indent=1) + "\n")
    written.append("world.json")
    return _summary(world, out_dir, written, rows, submissions.manifest)


def _job_spells(world: ReferenceWorld, cohort) -> pl.DataFrame:
    parts = [
        spells_frame(cohort.person, employer, start, end, world.extract_date)
        for start, end, employer in (
            (cohort.job1_start, cohort.job1_end, cohort.job1_employer),
            (cohort.job2_start, cohort.job2_end, cohort.job2_employer),
            (cohort.job3_start, cohort.job3_end, cohort.job3_employer),
            (cohort.post_start, cohort.post_end, cohort.post_employer),
        )
    ]
    return pl.concat(parts)


class _Submissions:
    """Holds return rows until their quarter is complete, then writes each prime's files."""

    def __init__(
        self,
        world: ReferenceWorld,
        out_dir: Path,
        say: Callable[[str], None],
        registers: Registers | None = None,
    ):
        self.world = world
        self.registers = registers
        self.rejected_people: list[np.ndarray] = []
        self.out_dir = out_dir
        self.say = say
        self.held: dict[int, dict[str, list[pl.DataFrame]]] = defaultdict(lambda: defaultdict(list))
        self.manifest: list[dict] = []
        self.resubmissions: list[dict] = []
        sloppy = [p for p in world.primes if p.profile == "WEAK"] or world.primes
        self.resubmitter = sloppy[0].index
        self.resubmitted_quarter = min(2, len(world.quarters) - 1)

    def hold(self, return_name: str, frame: pl.DataFrame) -> None:
        for (q,), part in frame.partition_by("period", as_dict=True, maintain_order=True).items():
            self.held[int(q)][return_name].append(part)

    def flush(self, q: int) -> None:
        world = self.world
        first, last = int(world.quarters.starts[q]), int(world.quarters.ends[q])
        live = (world.contracts.start <= last) & (world.contracts.end >= first)
        filers = {int(p) for p in world.contracts.prime[live]}
        held = self.held.pop(q, {})
        for return_name in P.RETURNS:
            parts = held.get(return_name, [])
            fields = list(P.RETURN_FIELDS[return_name])
            frame = (
                pl.concat(parts)
                if parts
                else pl.DataFrame(
                    schema={"prime": pl.Int32, "period": pl.Int32, **{f: pl.String for f in fields}}
                )
            )
            by_prime = {
                int(k[0]): v
                for k, v in frame.partition_by("prime", as_dict=True, maintain_order=True).items()
            }
            for p in sorted(filers | set(by_prime)):
                rows = by_prime.get(p, frame.clear())
                keep = fields + [c for c in ("person", "protect") if c in rows.columns]
                rows = rows.select(keep).sort(_SORT_KEYS[return_name])
                self._send(world.primes[p], return_name, q, rows)
        if self.registers is not None and self.rejected_people:
            # never refer again someone a validator will have a record of rejected
            self.registers.pool.discard(np.unique(np.concatenate(self.rejected_people)))
        self.rejected_people = []

    def _send(self, prime: Prime, return_name: str, q: int, rows: pl.DataFrame) -> None:
        world = self.world
        period = world.quarters.names[q]
        rng = np.random.default_rng([world.seed, stable_seed(prime.ukprn, return_name, period)])
        protected = rows["protect"].to_numpy() if "protect" in rows.columns else None
        person = rows["person"].to_numpy() if "person" in rows.columns else None
        rows = rows.select(P.RETURN_FIELDS[return_name])
        rows, lower = vary_code_case(rows, return_name, rng)
        clean_enough, defects, rejected = inject_defects(
            rows, return_name, rng, P.DEFECT_SHARE[return_name], protected
        )
        if return_name == "participants" and person is not None:
            self.rejected_people.append(person[rejected])
        at = submission_time(int(world.quarters.ends[q]), prime.index, return_name)
        if (
            return_name == "participants"
            and prime.index == self.resubmitter
            and q == self.resubmitted_quarter
        ):
            # A first file with more mistakes, then a corrected one a week later.
            # the extra mistakes fall on other rows than the first ones (one mistake per row)
            spare = np.zeros(len(rows), dtype=bool) if protected is None else protected.copy()
            spare[rejected] = True
            sloppy, extra, _ = inject_defects(
                clean_enough, return_name, rng, P.RESUBMITTED_EXTRA_DEFECT_SHARE, spare
            )
            merged = {k: defects.get(k, 0) + extra.get(k, 0) for k in sorted(set(defects) | set(extra))}
            first = self._write(prime, return_name, period, sloppy, at, merged, lower)
            again = submission_time(int(world.quarters.ends[q]), prime.index, return_name, resubmission=True)
            second = self._write(
                prime, return_name, period, clean_enough, again, defects, lower, supersedes=first
            )
            self.resubmissions.append(
                {
                    "ukprn": prime.ukprn,
                    "return": return_name,
                    "period": period,
                    "first": first,
                    "second": second,
                }
            )
        else:
            self._write(prime, return_name, period, clean_enough, at, defects, lower)

    def _write(
        self,
        prime: Prime,
        return_name: str,
        period: str,
        rows: pl.DataFrame,
        at,
        defects: dict[str, int],
        lower: int,
        supersedes: str | None = None,
    ) -> str:
        extension = "xlsx" if prime.file_format == "xlsx" else "csv"
        name = submission_name(prime.ukprn, return_name, period, at, extension)
        path = self.out_dir / "submissions" / name
        if extension == "xlsx":
            write_xlsx(rows, path, return_name, created=at)
        else:
            write_csv(styled_header(rows, prime.header_style, return_name), path, prime.csv_dialect)
        kinds = P.DEFECT_KINDS[return_name]
        self.manifest.append(
            {
                "path": f"submissions/{name}",
                "ukprn": prime.ukprn,
                "return": return_name,
                "period": period,
                "timestamp": at.strftime("%Y%m%dT%H%M%S"),
                "format": extension,
                "csv_dialect": prime.csv_dialect if extension == "csv" else None,
                "header_style": prime.header_style if extension == "csv" else "spec",
                "rows": len(rows),
                "defects": defects,
                "error_rows": sum(
                    n * P.ROWS_PER_DEFECT.get(k, 1) for k, n in defects.items() if kinds[k][1] == "error"
                ),
                "warning_rows": sum(n for k, n in defects.items() if kinds[k][1] == "warning"),
                "lower_case_codes": lower,
                "supersedes": supersedes,
            }
        )
        return f"submissions/{name}"


def _cut_offs(world: ReferenceWorld, manifest: list[dict]) -> dict[int, int]:
    """Per prime, the warehouse's cut-off: the earlier of the extract date and its last claims
    period's end."""
    index = {p.ukprn: p.index for p in world.primes}
    last: dict[int, int] = {}
    for f in manifest:
        if f["return"] == "outcome_claims":
            q = world.quarters.names.index(f["period"])
            last[index[f["ukprn"]]] = max(last.get(index[f["ukprn"]], -1), q)
    return {p: min(world.extract_date, int(world.quarters.ends[q])) for p, q in sorted(last.items())}


def _world_json(
    world: ReferenceWorld, truth: Truth, submissions: _Submissions, rows: dict, small_group: SmallGroup
) -> dict:
    contracts = world.contracts
    quarters = world.quarters
    defect_totals: dict[str, dict[str, int]] = {r: defaultdict(int) for r in P.RETURNS}
    for f in submissions.manifest:
        for kind, n in f["defects"].items():
            defect_totals[f["return"]][kind] += n
    mature = quarters.names[: max(0, truth.last_mature_quarter + 1)]
    return {
        "generator": "synth",
        "format_version": 1,
        "scale": world.scale.name,
        "seed": world.seed,
        "extract_date": iso(world.extract_date),
        "last_period_end": iso(world.last_day),
        "evidence_lag_days": int(world.extract_date - world.last_day),
        "periods": quarters.names,
        "last_complete_quarter": quarters.names[last_complete_quarter(world)],
        "mature_cohorts": mature,
        "primes": [
            {
                "ukprn": p.ukprn,
                "name": p.name,
                "sector": p.sector,
                "profile": p.profile,
                "file_format": p.file_format,
                "csv_dialect": p.csv_dialect,
                "header_style": p.header_style,
                "writes_claim_status": p.writes_claim_status,
                "contracts": [contracts.contract_id[c] for c in np.flatnonzero(contracts.prime == p.index)],
                "truth": truth.for_prime(p.index),
            }
            for p in world.primes
        ],
        "contracts": [
            {
                "contract_id": contracts.contract_id[c],
                "prime_ukprn": world.primes[contracts.prime[c]].ukprn,
                "programme": contracts.programme[c],
                "cpa_id": world.cpa_ids[contracts.area[c]],
                "status": contracts.status[c],
                **truth.for_contract(c),
            }
            for c in range(len(contracts))
        ],
        "profiles": {name: asdict(profile) for name, profile in P.PROFILES.items()},
        "unclaimed_outcomes": truth.unclaimed_record(_cut_offs(world, submissions.manifest)),
        "two_nation_prime": _two_nation(world),
        "small_group": small_group.record(),
        "counts": rows,
        "defects": {r: dict(sorted(v.items())) for r, v in defect_totals.items()},
        "defect_severity": {r: {k: v[1] for k, v in kinds.items()} for r, kinds in P.DEFECT_KINDS.items()},
        "resubmissions": submissions.resubmissions,
        "files": submissions.manifest,
        "notes": [
            "Reference data is clean; defects are only in provider files, one per affected row.",
            "A file's error_rows counts the rows a validator should reject: a DUPLICATE_REF defect "
            "makes two rows share a participant_ref, and both are in error.",
            "Lower-case codes are valid (codes match case-insensitively) and are not counted as defects.",
            "Claim counts are by intent (honest, no_evidence, insufficient, duplicate, contract_mismatch, "
            "unknown_participant, withdrawal); a defect that rejects a participant row changes the "
            "warehouse's status for that participant's claims.",
            "Sustained outcomes are met as the warehouse's revision-2 rule says (unclaimed_outcomes.rule); "
            "sustained_26w_met counts them per prime (SUSTAINED_26W only).",
            "A prime claims a sustained outcome in the next quarterly return after the quarter it was met, "
            "so outcomes met in the last quarter are not claimed yet (NOT_YET_DUE in the warehouse).",
            "unclaimed_outcomes states exactly what fct_unclaimed_outcomes must hold: clerks' mistakes never "
            "fall on the records of people whose sustained outcome the evidence could show, or on the "
            "claims of such outcomes, so no rejected row changes it.",
            "The employment extract is dated evidence_lag_days after the last period's end.",
            "A cohort is mature when 18 months have passed since its quarter ended.",
            "SUSTAINED_78W is the long-outcome trial: only ESF contracts claim it, and payment_rates "
            "carry 0.00 for it on the other programmes.",
        ],
    }


def _two_nation(world: ReferenceWorld) -> dict | None:
    p = world.two_nation_prime
    if p is None:
        return None
    c = world.contracts
    return {
        "ukprn": world.primes[p].ukprn,
        "grades": dict(P.TWO_NATION_GRADES),
        "contracts": {c.contract_id[k]: P.AREAS[int(c.area[k])].nation for k in np.flatnonzero(c.prime == p)},
    }


def _summary(
    world: ReferenceWorld, out_dir: Path, written: list[str], rows: dict, manifest: list[dict]
) -> dict:
    files = {"reference": sum(1 for w in written if w.startswith("reference/"))}
    for return_name in P.RETURNS:
        files[return_name] = sum(1 for f in manifest if f["return"] == return_name)
    return {
        "scale": world.scale.name,
        "seed": world.seed,
        "extract_date": iso(world.extract_date),
        "periods": list(world.quarters.names),
        "primes": [{"ukprn": p.ukprn, "name": p.name, "profile": p.profile} for p in world.primes],
        "files": files,
        "rows": rows,
        "paths": [str(out_dir / w) for w in written],
    }


def _bench(
    world: ReferenceWorld,
    out_dir: Path,
    n_rows: int,
    written: list[str],
    rows: dict,
    say: Callable[[str], None],
) -> dict:
    """One participants CSV of exactly ``n_rows`` rows: a big prime's whole caseload in one file."""
    contracts = world.contracts
    held = np.bincount(contracts.prime, minlength=len(world.primes))
    prime = world.primes[int(np.argmax(held))]
    own = contracts.prime == prime.index
    n_q = len(world.quarters)
    registers = Registers(len(contracts))
    parts, total, q = [], 0, 0
    while total < n_rows:
        rng = np.random.default_rng([world.seed, 900, q])
        first, last = int(world.quarters.starts[q % n_q]), int(world.quarters.ends[q % n_q])
        open_days = np.clip(
            np.minimum(contracts.last_referral, last) - np.maximum(contracts.start, first) + 1, 0, None
        )
        weight = np.where(own, contracts.volume * open_days, 0.0)
        if weight.sum() > 0:
            wanted = min(n_rows - total, -(-n_rows // n_q)) + 16
            volumes = rng.multinomial(wanted, weight / weight.sum())
            cohort = draw_cohort(world, q % n_q, rng, registers, volumes=volumes, repeats=False)
            part = participant_rows(world, cohort, snapshot=n_q - 1)
            parts.append(part)
            total += len(part)
        q += 1
    frame = pl.concat(parts).head(n_rows).select(P.RETURN_FIELDS["participants"]).sort("participant_ref")
    period = world.quarters.names[-1]
    rng = np.random.default_rng([world.seed, stable_seed("bench", prime.ukprn, period)])
    frame, lower = vary_code_case(frame, "participants", rng)
    frame, defects, _ = inject_defects(frame, "participants", rng, P.DEFECT_SHARE["participants"])
    at = submission_time(int(world.quarters.ends[-1]), prime.index, "participants")
    name = submission_name(prime.ukprn, "participants", period, at, "csv")
    (out_dir / "submissions").mkdir(exist_ok=True)
    write_csv(frame, out_dir / "submissions" / name)
    say(f"benchmark file {name}: {len(frame)} rows, {sum(defects.values())} defects")
    written.append(f"submissions/{name}")
    rows["participants"] = len(frame)
    manifest = [
        {
            "path": f"submissions/{name}",
            "ukprn": prime.ukprn,
            "return": "participants",
            "period": period,
            "rows": len(frame),
            "defects": defects,
            "lower_case_codes": lower,
        }
    ]
    (out_dir / "world.json").write_text(
        json.dumps(
            {
                "generator": "synth",
                "format_version": 1,
                "mode": "bench",
                "scale": world.scale.name,
                "seed": world.seed,
                "extract_date": iso(world.extract_date),
                "periods": world.quarters.names,
                "primes": [{"ukprn": p.ukprn, "name": p.name, "profile": p.profile} for p in world.primes],
                "counts": rows,
                "files": manifest,
            },
            indent=1,
        )
        + "\n"
    )
    written.append("world.json")
    return _summary(world, out_dir, written, rows, manifest)
