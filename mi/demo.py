"""``mi demo``: the newcomer's whole trip on synthetic data, ending with where everything is.

synth (small, two years) → load reference → submit every return → run the
pipeline (ingest, warehouse build, checks) → prepare and approve a release →
print the locations, the top of the star ratings, the parking flags, and how
to open the Dagster UI and the portal.

Not for: anything the stages do themselves; this module only calls them in
order and prints what a person needs.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from core.settings import paths as default_paths

DEMO_PREPARER = "demo-preparer"
DEMO_APPROVER = "demo-approver"
DEMO_PROVIDER_PASSWORD = "demo-provider-password"


def _table(rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return "  (none)"
    widths = {c: max(len(c), *(len(_fmt(r.get(c))) for r in rows)) for c in columns}
    lines = [
        "  " + "  ".join(c.ljust(widths[c]) for c in columns),
        "  " + "  ".join("-" * widths[c] for c in columns),
    ]
    lines += ["  " + "  ".join(_fmt(r.get(c)).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def submission_files(world: Path) -> list[Path]:
    """Every return in a synthetic world, in the order a provider would send them."""
    files = [p for p in (world / "submissions").iterdir() if p.suffix.lower() in (".csv", ".xlsx")]
    # Names end in the file timestamp: sort on it so resubmissions come after the originals.
    return sorted(files, key=lambda p: (p.stem.rsplit("_", 1)[-1], p.name))


def query_analyst_copy(sql: str) -> list[dict]:
    import duckdb

    warehouse = default_paths().warehouse
    if not warehouse.exists():
        return []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]


def run_demo(out: Path | None = None, *, seed: int = 1, progress=print) -> int:
    from ingest.submit import load_reference, submit_file
    from orchestration.run import run_pipeline
    from synth import generate

    paths = default_paths().ensure()
    world = Path(out) if out else paths.home / "demo" / "world"
    if world.exists():
        shutil.rmtree(world)
    progress(f"1/5 writing a small synthetic world (seed {seed}) to {world}")
    summary = generate(world, scale="small", seed=seed, progress=progress)

    progress("2/5 loading DWP reference data and employment evidence")
    for result in load_reference(world / "reference", submitted_by="demo"):
        if result.status == "REJECTED":
            progress(f"   reference {result.summary['return']} was rejected; see {result.feedback_dir}")
            return 1

    files = submission_files(world)
    progress(f"3/5 submitting {len(files)} provider returns")
    statuses: Counter[str] = Counter()
    results = []
    for path in files:
        result = submit_file(path, submitted_by="demo", channel="cli")
        statuses[result.status] += 1
        results.append(result)

    progress("4/5 running the pipeline: ingest, warehouse build and checks")
    if not run_pipeline(progress=progress):
        progress("the pipeline failed; the analysts' copy was left as it was")
        return 1

    release_line = _release(paths, progress)
    portal_line = _portal_user(paths, summary)
    _report(paths, results, statuses, release_line, portal_line)
    return 0


def _release(paths, progress) -> str:
    from publish.release import approve_release, prepare_release

    rows = query_analyst_copy("select max(rating_quarter) as q from marts.mart_star_ratings")
    period = rows[0]["q"] if rows and rows[0]["q"] else None
    if period is None:
        return ""
    progress(f"5/5 preparing and approving the {period} open-data release")
    candidate = prepare_release(period, preparer=DEMO_PREPARER, progress=progress)
    if candidate.state == "unchanged":  # a second demo on the same data publishes nothing new
        return f"release:          {candidate.folder} (unchanged since it was published)"
    if candidate.state != "candidate":
        return (
            f"release:          candidate {candidate.folder} FAILED its quality gate (see quality/summary.md)"
        )
    approved = approve_release(period, approver=DEMO_APPROVER)
    return f"release:          {approved.folder} (prepared by {DEMO_PREPARER}, approved by {DEMO_APPROVER})"


DEMO_PROVIDER_USER = "demo-provider"


def _portal_user(paths, summary: dict) -> str:
    from portal.accounts import AccountError, ensure_user

    ukprn = _first_prime(summary)
    if ukprn is None:
        return ""
    # Re-running the demo resets this user, so the sign-in printed below always works; but an
    # account someone disabled stays disabled (ensure_user refuses), and no sign-in is printed.
    try:
        ensure_user(paths, DEMO_PROVIDER_USER, role="provider", ukprn=ukprn, password=DEMO_PROVIDER_PASSWORD)
    except AccountError:
        return (
            f"portal:           mi serve  ->  http://127.0.0.1:8000/  ({DEMO_PROVIDER_USER} is disabled "
            "and stays so; add a user with: mi users add NAME --role provider --ukprn N --password-stdin)"
        )
    return (
        f"portal:           mi serve  ->  http://127.0.0.1:8000/  "
        f"(sign in as {DEMO_PROVIDER_USER} / {DEMO_PROVIDER_PASSWORD}, provider {ukprn})"
    )


def _first_prime(summary: dict) -> str | None:
    primes = summary.get("primes") or []
    if primes:
        first = primes[0]
        return first.get("ukprn") if isinstance(first, dict) else str(first)
    return None


def _report(paths, results, statuses, release_line: str, portal_line: str) -> None:
    print()
    print("Submissions: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    interesting = [r for r in results if r.status != "ACCEPTED"][:8]
    print(
        _table(
            [
                {
                    "file": r.summary["file_name"],
                    "status": r.status,
                    "rows": r.summary["rows_read"],
                    "rejected": r.summary["rows_rejected"],
                    "warnings": r.summary["warnings"],
                    "feedback": str(r.feedback_dir / "report.html"),
                }
                for r in interesting
            ],
            ["file", "status", "rows", "rejected", "warnings", "feedback"],
        )
    )
    print()
    stars = query_analyst_copy(
        "select rank, contract_id, prime_ukprn, rating_quarter, stars, composite, outcomes_ratio, "
        "referrals_in_window from marts.mart_star_ratings "
        "where rating_quarter = (select max(rating_quarter) from marts.mart_star_ratings) "
        "and rating_status = 'RATED' order by rank limit 10"
    )
    print("Top of the star ratings:")
    print(
        _table(
            stars,
            [
                "rank",
                "contract_id",
                "prime_ukprn",
                "rating_quarter",
                "stars",
                "composite",
                "outcomes_ratio",
                "referrals_in_window",
            ],
        )
    )
    parking = query_analyst_copy(
        "select contract_id, rating_quarter, group_dimension, group_value, participants, group_index, "
        "contract_index from marts.mart_parking_indicators where parking_risk "
        "and rating_quarter = (select max(rating_quarter) from marts.mart_parking_indicators) "
        "order by contract_id, group_dimension, group_value limit 12"
    )
    print()
    print("Parking flags (groups doing less than half as well as their contract):")
    print(
        _table(
            parking,
            [
                "contract_id",
                "rating_quarter",
                "group_dimension",
                "group_value",
                "participants",
                "group_index",
                "contract_index",
            ],
        )
    )
    print()
    print("Where everything is:")
    print(f"  warehouse (read-only copy for analysts): {paths.warehouse}")
    print(f"  feedback reports:  {paths.feedback}/<submission>/report.html")
    print(f"  lake and ledger:   {paths.lake}")
    if release_line:
        print("  " + release_line)
    print("  Dagster UI:        make ui  ->  http://127.0.0.1:3000")
    if portal_line:
        print("  " + portal_line)
    print(
        f"  open the warehouse: duckdb -readonly {paths.warehouse}"
        "   (or python: duckdb.connect(path, read_only=True))"
    )
