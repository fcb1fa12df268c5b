"""The portal's peak memory with several large uploads at once (``--only portal``, or on its own).

``python -m benchmarks.portal_bench [--uploads 4] [--mb 100] [--validations N]``

Starts ``mi serve`` over a fresh ``MI_HOME`` (under ``MI_HOME/bench/portal``)
with one provider user and an API token, writes ``--uploads`` distinct
participants returns of about ``--mb`` MB each, and sends them all at once
through ``POST /api/v1/submissions``. An upload answered 503 (the portal is
at its cap of validations, ``MI_MAX_VALIDATIONS``) is sent again after its
``Retry-After``, as a provider's system would. The figure is the server
process's peak resident memory (``VmHWM``) over the whole run, next to its
resident memory once started, the wall time until every upload was
accepted, and how many 503s were answered on the way.

No reference data is loaded (the reference rules are skipped, as the feedback
says): the memory of a validation is the file, its frames and the findings,
which the reference tables of a national world add little to.

Not for: the default test suite (nothing here is collected by pytest), or
the ingest figures of ``mi validate`` (``benchmarks.ingest_bench``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from benchmarks.measure import BIN, Measurement, load_average
from core.settings import paths

UKPRN = "10004567"
#: One period per upload: two returns for the same period at once would make the older one stale.
PERIODS = ("2026Q2", "2026Q3", "2026Q4", "2027Q1", "2027Q2", "2027Q3", "2027Q4", "2028Q1")
USER = "bench-provider"
HEADER = (
    "contract_id,participant_ref,nino,referral_date,start_date,customer_group,date_of_birth,sex,"
    "ethnicity,disability,impairment_group,la_code,delivery_ukprn,leave_date,leave_reason"
)
#: NINO prefixes that are issued (first letter not D F I Q U V, second not D F I O Q U V).
_PREFIXES = ["AB", "CE", "HJ", "KL", "MN", "PR", "ST", "WX", "YZ", "EG"]


def write_return(path: Path, *, megabytes: float, tag: int) -> int:
    """A participants return of about ``megabytes`` MB whose references start with ``tag``; rows written."""
    target = int(megabytes * 1024 * 1024)
    rows = 0
    size = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER + "\n")
        chunk: list[str] = []
        while size < target:
            i = rows
            nino = f"{_PREFIXES[i % len(_PREFIXES)]}{i % 1_000_000:06d}{'ABCD'[i % 4]}"
            line = (
                f"FND00012,T{tag}-{i:09d},{nino},2026-04-{1 + i % 28:02d},2026-05-{1 + i % 28:02d},"
                f"JSA_25_PLUS,19{60 + i % 40}-0{1 + i % 9}-{1 + i % 28:02d},{'FM'[i % 2]},WHITE,N,,"
                f"E08000025,{UKPRN},,\n"
            )
            chunk.append(line)
            size += len(line)
            rows += 1
            if len(chunk) == 10_000:
                out.write("".join(chunk))
                chunk = []
        out.write("".join(chunk))
    return rows


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _memory_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _mi(home: Path, *argv: str, stdin: str = "", env: dict | None = None) -> str:
    done = subprocess.run(
        [str(BIN / "mi"), *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {}), "MI_HOME": str(home)},
        check=True,
    )
    return done.stdout


def _send(base: str, token: str, path: Path, outcome: dict) -> None:
    """POST one file, again after Retry-After for as long as the portal answers 503."""
    busy = 0
    while True:
        with open(path, "rb") as handle, httpx.Client(base_url=base, timeout=1800) as client:
            response = client.post(
                "/api/v1/submissions",
                headers={"Authorization": f"Bearer {token}"},
                files={"file": (path.name, handle, "text/csv")},
            )
        if response.status_code != 503:
            break
        busy += 1
        time.sleep(float(response.headers.get("retry-after", "5")))
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    outcome.update(
        status_code=response.status_code, status=body.get("status"), rows=body.get("rows_read"), busy=busy
    )


def run(
    root: Path, *, uploads: int = 4, megabytes: float = 100, validations: int | None = None
) -> list[Measurement]:
    """Serve a fresh portal, send ``uploads`` returns of ``megabytes`` MB at once; one measurement."""
    home = root / "portal" / "home"
    files = root / "portal" / "files"
    if home.exists():
        shutil.rmtree(home)
    files.mkdir(parents=True, exist_ok=True)
    limit_mb = int(megabytes * 1.5) + 1
    env = {"MI_UPLOAD_LIMIT_MB": str(limit_mb), "MI_PSEUDONYMISATION_KEY": "b" * 64}
    if validations is not None:
        env["MI_MAX_VALIDATIONS"] = str(validations)
    _mi(
        home, "users", "add", USER, "--role", "provider", "--ukprn", UKPRN, "--password-stdin", stdin="x" * 16
    )
    token = _mi(home, "users", "token", USER).strip()
    sent: list[Path] = []
    total_rows = 0
    if uploads > len(PERIODS):
        raise ValueError(f"at most {len(PERIODS)} uploads at once")
    for n in range(uploads):
        path = files / f"{UKPRN}_participants_{PERIODS[n]}_20260705T101500.csv"
        wanted = int(megabytes * 1024 * 1024)
        if not path.exists() or abs(path.stat().st_size - wanted) > 1024 * 1024:
            write_return(path, megabytes=megabytes, tag=n)
        total_rows += sum(1 for _ in open(path, "rb")) - 1
        sent.append(path)

    port = _free_port()
    log = open(root / "portal" / "serve.log", "w+b")
    server = subprocess.Popen(
        [str(BIN / "mi"), "serve", "--port", str(port)],
        env={**os.environ, **env, "MI_HOME": str(home)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/sign-in", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("mi serve did not start; see " + str(root / "portal" / "serve.log"))
            time.sleep(0.2)
        idle_kib = _memory_kib(server.pid, "VmRSS")
        load_start = load_average()
        started = time.perf_counter()
        outcomes: list[dict] = [{} for _ in sent]
        threads = [
            threading.Thread(target=_send, args=(base, token, path, outcome))
            for path, outcome in zip(sent, outcomes, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        peak_kib = _memory_kib(server.pid, "VmHWM")
        cpu = _cpu_seconds(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    cap = validations if validations is not None else "default"
    failed = [o for o in outcomes if o.get("status_code") != 201]
    measurement = Measurement(
        stage=f"portal: {uploads} uploads of {megabytes:g} MB at once (cap {cap})",
        rows=total_rows,
        seconds=seconds,
        peak_mib=peak_kib / 1024,
        cpu_seconds=cpu,
        note=(
            f"idle RSS {idle_kib / 1024:,.0f} MiB; 503 answers {sum(o.get('busy', 0) for o in outcomes)}; "
            f"statuses {', '.join(str(o.get('status')) for o in outcomes)}"
            + (f"; FAILED {failed}" if failed else "")
        ),
        load_start=load_start,
        load_end=load_average(),
        part="portal",
        extra={"idle_mib": round(idle_kib / 1024), "uploads": uploads, "megabytes": megabytes},
    )
    return [measurement]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.portal_bench", description=__doc__.split("\n\n")[1]
    )
    parser.add_argument("--uploads", type=int, default=4, help="uploads sent at once (default 4)")
    parser.add_argument("--mb", type=float, default=100, help="size of each upload in MB (default 100)")
    parser.add_argument(
        "--validations", type=int, help="the portal's cap of validations at once (default MI_MAX_VALIDATIONS)"
    )
    args = parser.parse_args(argv)
    root = paths().home / "bench"
    for m in run(root, uploads=args.uploads, megabytes=args.mb, validations=args.validations):
        print(
            f"{m.stage}: peak RSS {m.peak_mib:,.0f} MiB, {m.seconds:.1f} s, {m.rows:,} rows, "
            f"{m.cpu_seconds:.0f} CPU s, load {m.load}; {m.note}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
