"""One dbt invocation in a child process, for engines whose runtime must not outlive the build.

dbt-spark's ``method: session`` starts a JVM inside the process that runs
dbt, and that JVM keeps what it was started with until the process ends: its
warehouse folder, its Derby metastore (locked against every other process),
its log and its memory. Run in the caller's process, a second build into
another MI_HOME would write into the first one's folders, and a long-lived
caller (a test session, a Dagster code server) would keep the metastore
locked and 2 GB of heap after the build. So ``warehouse.build`` runs a Spark
build here instead: the child runs dbt in-process exactly as a DuckDB build
does (``warehouse.dbt_invoke``), prints one progress line per node, writes
how dbt ended to a JSON file and exits, taking the JVM with it. What each node
did is in dbt's own artefacts in the build's target folder, read by
``warehouse.build.finish_build`` as for any build.

The JVM's own chatter (log4j warnings, stage progress) goes to
``<work dir>/logs/spark.log``, never to the caller's console.

Not for: deciding the engine, preparing or finishing the build
(``warehouse.build``), or SQL (``dbt_project/``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from warehouse.dbt_invoke import DbtOutcome, Progress, invoke_dbt

#: Marks the child's progress lines on stdout; anything else there is the JVM's and goes to the log.
PROGRESS_MARK = "\x1emi-progress\x1e "


def invoke_dbt_in_child(args: list[str], say: Progress, work_dir: Path) -> DbtOutcome:
    """Run ``dbt <args>`` in a child Python process; how it ended, as :func:`invoke_dbt` says it.

    The child inherits this process's environment (the caller sets the dbt
    variables first). Interrupting the caller kills the child, and the JVM
    with it.
    """
    logs = work_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    result_file = work_dir / "dbt_result.json"
    result_file.unlink(missing_ok=True)
    env = dict(os.environ)
    # Spark binds its driver to the machine's first address and warns when that is loopback anyway.
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # pyspark warns about pandas 3 on import; the log need not repeat it every build.
    env.setdefault("PYTHONWARNINGS", "ignore::FutureWarning")
    command = [sys.executable, "-m", "warehouse.dbt_process", str(result_file), *args]
    with open(logs / "spark.log", "w", encoding="utf-8") as log:
        child = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=work_dir,
        )
        # stdout=PIPE above, so the pipe is there.
        assert child.stdout is not None
        try:
            for line in child.stdout:
                if line.startswith(PROGRESS_MARK):
                    say(line[len(PROGRESS_MARK) :].rstrip("\n"))
                else:
                    log.write(line)
            returncode = child.wait()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    if not result_file.exists():
        return DbtOutcome(
            success=False,
            exception=(
                f"the dbt process ended (exit code {returncode}) without a result; "
                f"see {logs / 'spark.log'} and {logs / 'dbt.log'}"
            ),
        )
    ended = json.loads(result_file.read_text(encoding="utf-8"))
    return DbtOutcome(success=bool(ended["success"]), exception=ended["exception"])


def _main(argv: list[str]) -> int:
    result_file, args = Path(argv[0]), argv[1:]

    def say(line: str) -> None:
        print(PROGRESS_MARK + line.replace("\n", " "), flush=True)

    outcome = invoke_dbt(args, say)
    _stop_spark()
    tmp = result_file.with_suffix(".tmp")
    tmp.write_text(
        json.dumps({"success": outcome.success, "exception": outcome.exception}),
        encoding="utf-8",
    )
    os.replace(tmp, result_file)
    return 0


def _stop_spark() -> None:
    """Shut the session down before exit, so Derby closes its metastore cleanly."""
    try:
        from pyspark import SparkContext
    except ImportError:
        return
    context = SparkContext._active_spark_context
    if context is not None:
        context.stop()


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
