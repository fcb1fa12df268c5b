"""The ``mi`` command line: argument parsing that calls the stages' own functions.

The thinnest layer of the house (``docs/architecture.md``): each sub-command
parses its options, calls one function of ``ingest``, ``synth``, ``warehouse``,
``orchestration`` or ``publish``, prints what a person needs, and maps the
result to the exit status every ``mi`` command shares: 0 success, 1 data
refused (validation errors, failed gate), 2 usage error. Heavy modules are
imported inside the sub-command so ``mi --help`` stays instant.

Not for: business rules, file formats, or anything a test would want to call
without a shell; those belong to the stage modules.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from contracts_schema.registry import RETURN_NAMES
from core.periods import Period
from core.progress import Progress

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _quiet_tools() -> None:
    # Otherwise dbt and Dagster send anonymous usage statistics over the network on
    # every run, which slows runs down and fills logs with noise.
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


# --- sub-commands -----------------------------------------------------------------------


def cmd_synth(args: argparse.Namespace) -> int:
    from synth import generate

    progress = Progress(args.quiet)
    summary = generate(
        Path(args.out), scale=args.scale, seed=args.seed, bench_rows=args.bench_rows, progress=progress
    )
    progress(f"wrote the {args.scale} world to {args.out}")
    if not args.quiet:
        for key in ("extract_date", "periods"):
            if key in summary:
                value = summary[key]
                if isinstance(value, list):
                    value = f"{value[0]} .. {value[-1]} ({len(value)} quarters)" if value else "-"
                print(f"{key}: {value}")
    return EXIT_OK


def _print_result(result, *, verbose_findings: int = 10) -> None:
    s = result.summary
    print(
        f"{s.get('file_name')}: {s['status']}  rows read {s['rows_read']}, accepted {s['rows_accepted']}, "
        f"rejected {s['rows_rejected']}, warnings {s['warnings']}"
    )
    shown = result.findings.head(verbose_findings)
    for f in shown.iter_rows(named=True):
        where = f"row {f['row']}" if f["row"] is not None else "file"
        print(f"  {where:>9}  {f['severity']:<7} {f['rule_id']:<26} {f['field'] or ''}: {f['message']}")
    if result.findings.height > verbose_findings:
        print(f"  ... and {result.findings.height - verbose_findings} more findings (see the report)")


def cmd_validate(args: argparse.Namespace) -> int:
    from ingest.submit import check_file

    path = Path(args.file)
    if not path.is_file():
        print(f"mi validate: {path} is not a file", file=sys.stderr)
        return EXIT_USAGE
    result = check_file(
        path,
        ukprn=args.ukprn,
        dataset=args.return_,
        period=args.period,
        reference_dir=Path(args.reference) if args.reference else None,
        report_dir=Path(args.report) if args.report else None,
    )
    _print_result(result, verbose_findings=args.show)
    if args.report:
        print(f"report: {Path(args.report) / 'report.html'}")
    return EXIT_REFUSED if result.has_errors else EXIT_OK


def cmd_submit(args: argparse.Namespace) -> int:
    from ingest.submit import submit_file

    files = [Path(f) for f in args.files]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        print(f"mi submit: not a file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    refused = False
    for path in files:
        result = submit_file(
            path,
            ukprn=args.ukprn,
            dataset=args.return_,
            period=args.period,
            submitted_by=args.submitted_by,
            channel="cli",
        )
        _print_result(result, verbose_findings=args.show)
        report = result.feedback_dir / "report.html" if result.feedback_dir is not None else "not written"
        print(f"  submission {result.submission_id}; feedback: {report}")
        refused = refused or result.has_errors
    return EXIT_REFUSED if refused else EXIT_OK


def cmd_load_reference(args: argparse.Namespace) -> int:
    from ingest.submit import load_reference, refusal_reasons

    progress = Progress(args.quiet)
    results = load_reference(Path(args.dir), submitted_by=args.submitted_by, progress=progress)
    for result in results:
        _print_result(result, verbose_findings=args.show)
    if not any(r.status == "REJECTED" for r in results):
        return EXIT_OK
    # All or nothing: one line per problem, and what stays in use.
    for line in refusal_reasons(results):
        print(f"mi load-reference: refused: {line}", file=sys.stderr)
    print(
        "mi load-reference: nothing of this load was taken; the reference data loaded before stays in use",
        file=sys.stderr,
    )
    return EXIT_REFUSED


def cmd_spec(args: argparse.Namespace) -> int:
    from contracts_schema.code_labels import render_code_labels
    from contracts_schema.dbt_sources import render_dbt_sources
    from contracts_schema.dbt_staging import render_dbt_staging
    from contracts_schema.spec_doc import render_spec

    renders = (
        (args.dbt_sources, render_dbt_sources),
        (args.dbt_staging, render_dbt_staging),
        (args.code_labels, render_code_labels),
    )
    for option, render in renders:
        if option:
            target = Path(option)
            target.write_text(render(), encoding="utf-8")
            print(f"wrote {target}")
    if args.dbt_sources or args.dbt_staging or args.code_labels:
        return EXIT_OK
    text = render_spec()
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from orchestration.run import run_pipeline

    _quiet_tools()
    from warehouse.build import warehouse_engine

    try:
        warehouse_engine(args.engine)
        # a malformed quarter is the caller's mistake, refused before anything runs
        period = Period.parse(args.period).code if args.period else None
    except ValueError as exc:
        print(f"mi run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    progress = Progress(args.quiet)
    ok = run_pipeline(period=period, progress=progress, engine=args.engine)
    return EXIT_OK if ok else EXIT_REFUSED


def cmd_demo(args: argparse.Namespace) -> int:
    from mi.demo import run_demo

    _quiet_tools()
    return run_demo(Path(args.out) if args.out else None, seed=args.seed, progress=Progress(False))


# --- parser -----------------------------------------------------------------------------


def _identity_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ukprn", help="submitter's UKPRN (with --return and --period the file name is free)")
    p.add_argument(
        "--return",
        dest="return_",
        metavar="RETURN",
        choices=RETURN_NAMES,
        help="the return type",
    )
    p.add_argument("--period", help="the quarter, YYYYQn")
    p.add_argument("--show", type=int, default=10, metavar="N", help="findings to print (default 10)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mi",
        description="MI warehouse for outcome-based commissioning of employment programmes.",
        epilog="Runtime state lives under MI_HOME (default ./var).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("synth", help="write a synthetic but realistic data set")
    p.add_argument("--out", required=True, help="folder to write (reference/ and submissions/)")
    p.add_argument("--scale", choices=["small", "national", "history"], default="small")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--bench-rows",
        type=int,
        default=None,
        metavar="N",
        help="instead, write the reference data and one participants file of N rows",
    )
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("validate", help="check a file as a submission would be checked; writes nothing else")
    p.add_argument("file")
    _identity_options(p)
    p.add_argument("--reference", metavar="DIR", help="folder of DWP reference extracts ({dataset}.csv)")
    p.add_argument("--report", metavar="DIR", help="write findings.csv, summary.json and report.html here")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("submit", help="submit files: validate, record, and queue the accepted rows")
    p.add_argument("files", nargs="+", metavar="FILE")
    _identity_options(p)
    p.add_argument("--submitted-by", default="cli", help="who is submitting (recorded in the ledger)")
    p.set_defaults(func=cmd_submit)

    p = sub.add_parser("load-reference", help="load DWP reference data and employment spells from a folder")
    p.add_argument("dir")
    p.add_argument("--submitted-by", default="cli")
    p.add_argument("--show", type=int, default=5)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_load_reference)

    p = sub.add_parser("run", help="ingest pending submissions, build the warehouse, run every check")
    p.add_argument("--period", help="the quarter being processed, YYYYQn (default: all)")
    p.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default=None,
        help="warehouse engine (default: MI_WAREHOUSE, else duckdb); see docs/scale.md",
    )
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("spec", help="render the MI specification document from the definitions")
    p.add_argument("--out", metavar="FILE")
    p.add_argument(
        "--dbt-sources",
        metavar="FILE",
        help="instead, write the dbt source definitions of the lake (models/staging/_sources.yml)",
    )
    p.add_argument(
        "--dbt-staging",
        metavar="FILE",
        help="instead, write the staging models' properties and tests (models/staging/_stg_lake__models.yml)",
    )
    p.add_argument(
        "--code-labels",
        metavar="FILE",
        help="instead, write every code's label as a dbt seed (dbt_project/seeds/generated/code_labels.csv)",
    )
    p.set_defaults(func=cmd_spec)

    p = sub.add_parser("demo", help="the whole trip on synthetic data, ending with where everything is")
    p.add_argument("--out", metavar="DIR", help="where to write the synthetic world (default MI_HOME/demo)")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=cmd_demo)

    _add_optional_commands(sub)
    return parser


def _add_optional_commands(sub) -> None:
    """Sub-commands whose stage modules register their own parsers."""
    import importlib
    import importlib.util

    for module_name in ("publish.cli", "portal.cli", "orchestration.cli"):
        # Only absence is tolerated; an error inside a present module must surface.
        if importlib.util.find_spec(module_name.split(".")[0]) is None:
            continue
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(sub)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from ingest.submit import UsageError

    try:
        return args.func(args)
    except UsageError as exc:
        print(f"mi {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
