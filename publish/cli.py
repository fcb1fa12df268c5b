"""``mi publish prepare | approve | list``: the release workflow on the command line.

``mi.cli`` finds this module and calls :func:`register` with its sub-parsers.
Each handler parses nothing more than its arguments, calls
:mod:`publish.release`, prints what a publisher needs, and returns the exit
status every ``mi`` command uses: 0 done, 1 refused (a failed gate, a refused approval),
2 usage (a malformed period, a period the warehouse does not hold).

Not for: any step of the workflow itself. Kept import-light on purpose:
``mi --help`` imports this module, so duckdb, pyarrow and Great Expectations
are imported inside the handlers only.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def default_preparer() -> str:
    """Who is preparing, when not told: ``$USER``, else the login name."""
    user = os.environ.get("USER") or os.environ.get("LOGNAME")
    if user:
        return user
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def _progress(quiet: bool):
    if quiet:
        return None
    from core.progress import Progress

    return Progress(False)


def _refused(command: str, exc) -> int:
    print(f"mi publish {command}: {exc}", file=sys.stderr)
    return exc.exit_code


def cmd_prepare(args: argparse.Namespace) -> int:
    from publish.release import ReleaseError, prepare_release

    try:
        candidate = prepare_release(
            args.period, preparer=args.preparer or default_preparer(), progress=_progress(args.quiet)
        )
    except ReleaseError as exc:
        return _refused("prepare", exc)
    if candidate.state == "unchanged":
        print(
            f"{candidate.period}: unchanged since the published v{candidate.version}; no new version "
            f"({candidate.folder})"
        )
        return EXIT_OK
    print(f"{candidate.period} v{candidate.version}: {candidate.state}, prepared by {candidate.preparer}")
    print(f"  folder:          {candidate.folder}")
    print(f"  quality gate:    {'passed' if candidate.gate_passed else 'FAILED'}  ({candidate.gate_summary})")
    print(f"  manifest digest: {candidate.manifest_digest}")
    if candidate.version > 1:
        print(f"  revisions:       {candidate.revisions} figures differ from v{candidate.version - 1}")
    if not candidate.gate_passed:
        for failure in candidate.gate_failures[:10]:
            print(f"  failed: {failure}")
        return EXIT_REFUSED
    print(
        f"  next: mi publish approve {candidate.period} --approver NAME  (someone other than "
        f"{candidate.preparer})"
    )
    return EXIT_OK


def cmd_approve(args: argparse.Namespace) -> int:
    from publish.release import ReleaseError, approve_release

    try:
        release = approve_release(args.period, approver=args.approver, progress=_progress(args.quiet))
    except ReleaseError as exc:
        return _refused("approve", exc)
    print(
        f"{release.period} v{release.version}: published, prepared by {release.preparer}, "
        f"approved by {release.approver}"
    )
    print(f"  folder:          {release.folder}")
    print(f"  manifest digest: {release.manifest_digest}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from publish.release import list_releases

    entries = list_releases()
    if not entries:
        print("no releases or candidates yet")
        return EXIT_OK
    columns = ["period", "version", "state", "preparer", "approver", "gate", "manifest_digest", "folder"]
    rows = [
        {**e, "version": f"v{e['version']}", "manifest_digest": (e.get("manifest_digest") or "")[:16]}
        for e in entries
    ]
    widths = {c: max(len(c), *(len(str(r.get(c) or "-")) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for r in rows:
        print("  ".join(str(r.get(c) or "-").ljust(widths[c]) for c in columns))
    return EXIT_OK


def register(subparsers) -> None:
    """Add ``mi publish`` with its three sub-commands to ``mi``'s sub-parsers."""
    publish = subparsers.add_parser(
        "publish", help="prepare, approve and list the quarterly open-data release"
    )
    actions = publish.add_subparsers(dest="publish_command", metavar="ACTION", required=True)

    p = actions.add_parser("prepare", help="build a release candidate and run its quality gate")
    p.add_argument("period", help="the quarter to publish, YYYYQn")
    p.add_argument("--preparer", help="who prepares it (default: $USER)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_prepare)

    p = actions.add_parser("approve", help="publish the waiting candidate (a second person signs off)")
    p.add_argument("period", help="the quarter, YYYYQn")
    p.add_argument("--approver", required=True, help="who approves it (not its preparer)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_approve)

    p = actions.add_parser("list", help="every release and candidate with its state")
    p.set_defaults(func=cmd_list)
