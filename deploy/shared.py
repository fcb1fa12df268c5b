"""The shared, multi-user Dagster deployment: instance on PostgreSQL, run queue, code over gRPC.

One code location, three long-running processes, one instance:

    code location  dagster api grpc -m orchestration.definitions -h HOST -p 4266 --location-name mi_warehouse
    webserver      dagster-webserver -w $DAGSTER_HOME/workspace.yaml -h HOST -p 3000
    daemon         dagster-daemon run -w $DAGSTER_HOME/workspace.yaml

This module renders ``$DAGSTER_HOME/dagster.yaml`` and ``workspace.yaml`` from
the environment, builds those command lines, and starts them (``python -m
deploy.shared code|webserver|daemon`` is what the systemd units in
``deploy/systemd/`` run; ``up`` starts all three in the foreground to try the
profile on one machine). ``docs/scale.md`` says when to use it.

Settings, all from the environment (a systemd ``EnvironmentFile``, or Kubernetes secrets):

    DAGSTER_HOME            the instance folder (dagster.yaml, workspace.yaml, compute logs); required
    MI_HOME                 as everywhere else (absolute here: three processes share it)
    MI_DAGSTER_PG_URL       postgresql+psycopg2://user:password@host:5432/db ... or, instead, the parts:
    MI_DAGSTER_PG_HOST, MI_DAGSTER_PG_PORT (5432), MI_DAGSTER_PG_USER, MI_DAGSTER_PG_PASSWORD,
    MI_DAGSTER_PG_DB, MI_DAGSTER_PG_SSLMODE (optional, e.g. ``require`` for a remote server)
    MI_DAGSTER_GRPC_HOST / MI_DAGSTER_GRPC_PORT   where the code location listens (127.0.0.1:4266)
    MI_DAGSTER_WEB_HOST / MI_DAGSTER_WEB_PORT     where the web UI listens (127.0.0.1:3000)
    MI_DAGSTER_MAX_RUNS     runs in progress at once (4); warehouse writers are always limited to 1
    MI_DAGSTER_MAX_RUNTIME_SECONDS  a run still going after this is stopped (21600, six hours)

The rendered ``dagster.yaml`` names the PostgreSQL settings as ``{env: ...}``
references, never their values: the password lives only in the services'
environment, and the file can be world-readable.

Not for: the single-machine instance under ``MI_HOME/dagster`` that ``mi run``
and ``make ui`` use (``orchestration/instance.py``; its run limits are the ones
copied here), assets, jobs or schedules (``orchestration/``), or the dbt target.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import yaml

from orchestration.instance import DAGSTER_YAML, write_if_changed

REPO = Path(__file__).resolve().parents[1]
CODE_MODULE = "orchestration.definitions"
#: The code location's name in the UI and in run records; a job is addressed as
#: (location, ``__repository__``, job) by the GraphQL API and ``dagster job launch``.
LOCATION_NAME = "mi_warehouse"
REPOSITORY_NAME = "__repository__"
DEFAULT_GRPC_PORT = 4266
DEFAULT_WEB_PORT = 3000
DEFAULT_MAX_RUNS = 4
#: Six hours: a ceiling on how long a dead run can hold the writer slot; raise it if a real
#: build (the `history` world, say) ever comes near it.
DEFAULT_MAX_RUNTIME = 6 * 3600
ROLES = ("code", "webserver", "daemon")


class DeploymentConfigError(ValueError):
    """The environment does not describe a usable shared deployment (the message says what is missing)."""


def _bin(name: str) -> str:
    # The venv's own entry points, whether or not the venv is on PATH (systemd has a bare PATH).
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else name


# --- the instance (dagster.yaml) -------------------------------------------------------------


def run_limits() -> dict:
    """The ``concurrency.runs`` block of the single-machine instance: one warehouse writer at a time.

    Read from ``orchestration/instance.py`` rather than repeated, so the laptop and
    the shared service can never disagree about which runs exclude each other.
    """
    return yaml.safe_load(DAGSTER_YAML)["concurrency"]["runs"]


#: The SQLAlchemy URL scheme for the driver dagster-postgres installs. SQLAlchemy 2.1 maps
#: a bare ``postgresql://`` to psycopg 3, which is not installed: every process of the
#: deployment would fail at start with "No module named 'psycopg'".
PG_SCHEME = "postgresql+psycopg2"


def postgres_storage(environ: Mapping[str, str]) -> dict:
    """The ``storage.postgres`` block, naming environment variables instead of copying their values."""
    url = environ.get("MI_DAGSTER_PG_URL")
    if url:
        if not url.startswith(PG_SCHEME + "://"):
            scheme = url.split("://", 1)[0] if "://" in url else "(none)"
            raise DeploymentConfigError(
                f"MI_DAGSTER_PG_URL must start with {PG_SCHEME}:// (it starts with {scheme}://): "
                "SQLAlchemy 2.1 reads a bare postgresql:// as psycopg 3, "
                "and dagster-postgres installs psycopg2"
            )
        return {"postgres_url": {"env": "MI_DAGSTER_PG_URL"}}
    required = ("MI_DAGSTER_PG_HOST", "MI_DAGSTER_PG_USER", "MI_DAGSTER_PG_DB")
    missing = [name for name in required if not environ.get(name)]
    if missing:
        raise DeploymentConfigError(
            "the shared Dagster instance needs PostgreSQL: set MI_DAGSTER_PG_URL, or "
            + ", ".join(required)
            + f" (missing: {', '.join(missing)}) and optionally MI_DAGSTER_PG_PASSWORD, "
            "MI_DAGSTER_PG_PORT, MI_DAGSTER_PG_SSLMODE"
        )
    db: dict = {
        "username": {"env": "MI_DAGSTER_PG_USER"},
        "hostname": {"env": "MI_DAGSTER_PG_HOST"},
        "db_name": {"env": "MI_DAGSTER_PG_DB"},
        "scheme": PG_SCHEME,
    }
    # An {env: X} reference to a variable that is unset fails when the instance loads,
    # so optional settings are only referenced when they are set now.
    if environ.get("MI_DAGSTER_PG_PASSWORD"):
        db["password"] = {"env": "MI_DAGSTER_PG_PASSWORD"}
    if environ.get("MI_DAGSTER_PG_PORT"):
        db["port"] = {"env": "MI_DAGSTER_PG_PORT"}
    if environ.get("MI_DAGSTER_PG_SSLMODE"):
        # params is a plain mapping in dagster-postgres' schema (no env sources), and
        # sslmode is not a secret, so its value is written.
        db["params"] = {"sslmode": environ["MI_DAGSTER_PG_SSLMODE"]}
    return {"postgres_db": db}


def instance_config(environ: Mapping[str, str], *, max_concurrent_runs: int | None = None) -> dict:
    """The whole ``dagster.yaml`` of the shared instance, as a mapping."""
    runs = run_limits()
    runs["max_concurrent_runs"] = int(
        max_concurrent_runs
        or environ.get("MI_DAGSTER_MAX_RUNS")
        or runs.get("max_concurrent_runs", DEFAULT_MAX_RUNS)
    )
    return {
        "telemetry": {"enabled": False},
        "storage": {"postgres": postgres_storage(environ)},
        # Submitted runs (UI, sensor, schedule, GraphQL, `dagster job launch`) wait in the
        # queue; the daemon launches them within the limits below. The limits live under
        # `concurrency.runs` (Dagster 1.13), which refuses the same keys here.
        "run_coordinator": {
            "module": "dagster._core.run_coordinator",
            "class": "QueuedRunCoordinator",
            "config": {
                # A code-server restart (a deploy) must not fail the runs dequeued meanwhile:
                # they go back to the queue and are tried again.
                "max_user_code_failure_retries": 3,
                "user_code_failure_retry_delay": 15,
            },
        },
        "concurrency": {"runs": runs},
        # Runs execute in a subprocess of the code server (see docs/scale.md for
        # the Kubernetes launcher and executor that replace this).
        "run_launcher": {"module": "dagster", "class": "DefaultRunLauncher"},
        # A run that never leaves STARTING (its worker died before it began) or ignores a
        # cancel is marked failed instead of holding the single writer slot. The default
        # launcher cannot tell that a STARTED run's worker died (a code server killed
        # mid-run): the runtime ceiling is what finally frees the slot then.
        "run_monitoring": {
            "enabled": True,
            "start_timeout_seconds": 300,
            "cancel_timeout_seconds": 300,
            "max_runtime_seconds": int(environ.get("MI_DAGSTER_MAX_RUNTIME_SECONDS") or DEFAULT_MAX_RUNTIME),
            "poll_interval_seconds": 60,
        },
    }


HEADER = (
    "# Written by deploy/shared.py from the environment; edit the code there, not this file.\n"
    "# PostgreSQL settings are {env: ...} references: the values stay in the services' environment.\n"
)


def render_instance_yaml(environ: Mapping[str, str], **kwargs) -> str:
    return HEADER + yaml.safe_dump(instance_config(environ, **kwargs), sort_keys=False)


# --- the deployment: where each process listens ----------------------------------------------


@dataclass(frozen=True)
class SharedDeployment:
    """Where the instance lives and where the code location and the web UI listen."""

    dagster_home: Path
    grpc_host: str = "127.0.0.1"
    grpc_port: int = DEFAULT_GRPC_PORT
    web_host: str = "127.0.0.1"
    web_port: int = DEFAULT_WEB_PORT

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> SharedDeployment:
        if not environ.get("DAGSTER_HOME"):
            raise DeploymentConfigError(
                "set DAGSTER_HOME to the shared instance's folder "
                "(not MI_HOME/dagster, which is the single-machine instance)"
            )
        return cls(
            dagster_home=Path(environ["DAGSTER_HOME"]).resolve(),
            grpc_host=environ.get("MI_DAGSTER_GRPC_HOST", "127.0.0.1"),
            grpc_port=int(environ.get("MI_DAGSTER_GRPC_PORT", DEFAULT_GRPC_PORT)),
            web_host=environ.get("MI_DAGSTER_WEB_HOST", "127.0.0.1"),
            web_port=int(environ.get("MI_DAGSTER_WEB_PORT", DEFAULT_WEB_PORT)),
        )

    @property
    def instance_yaml(self) -> Path:
        return self.dagster_home / "dagster.yaml"

    @property
    def workspace_yaml(self) -> Path:
        return self.dagster_home / "workspace.yaml"

    @property
    def web_url(self) -> str:
        return f"http://{self.web_host}:{self.web_port}"

    def workspace_config(self) -> dict:
        # The webserver and the daemon never import the code: they ask this server,
        # so a new release of the code is one restart of the code location.
        return {
            "load_from": [
                {
                    "grpc_server": {
                        "host": self.grpc_host,
                        "port": self.grpc_port,
                        "location_name": LOCATION_NAME,
                    }
                }
            ]
        }

    def write_config(self, environ: Mapping[str, str] = os.environ, **kwargs) -> tuple[Path, Path]:
        """Write ``dagster.yaml`` and ``workspace.yaml`` (only when they change); return both paths."""
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        # Three services may render at once when they start together (write_if_changed is atomic).
        write_if_changed(self.instance_yaml, render_instance_yaml(environ, **kwargs))
        write_if_changed(
            self.workspace_yaml,
            "# Written by deploy/shared.py.\n" + yaml.safe_dump(self.workspace_config(), sort_keys=False),
        )
        return self.instance_yaml, self.workspace_yaml

    # --- command lines ---

    def command(self, role: str) -> list[str]:
        if role == "code":
            return [
                _bin("dagster"),
                "api",
                "grpc",
                "-m",
                CODE_MODULE,
                "-d",
                str(REPO),
                "-h",
                self.grpc_host,
                "-p",
                str(self.grpc_port),
                "--location-name",
                LOCATION_NAME,
            ]
        if role == "webserver":
            return [
                _bin("dagster-webserver"),
                "-w",
                str(self.workspace_yaml),
                "-h",
                self.web_host,
                "-p",
                str(self.web_port),
            ]
        if role == "daemon":
            return [_bin("dagster-daemon"), "run", "-w", str(self.workspace_yaml)]
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")

    def environment(self, base: Mapping[str, str] = os.environ) -> dict[str, str]:
        """What every process of the deployment gets: the base environment plus fixed settings."""
        from core.settings import mi_home

        env = dict(base)
        env.update(
            {
                "DAGSTER_HOME": str(self.dagster_home),
                # Absolute, so the code server, its run workers and dbt agree whatever their cwd.
                "MI_HOME": str(Path(base.get("MI_HOME", mi_home())).resolve()),
                "DAGSTER_DISABLE_TELEMETRY": "1",
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
                "DO_NOT_TRACK": "1",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env


# --- running the processes -------------------------------------------------------------------


@dataclass
class Service:
    """One started process of the deployment, in its own process group with its log file."""

    role: str
    process: subprocess.Popen
    log_path: Path
    _log: IO | None = field(repr=False, default=None)

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to the whole group (run workers and dbt are children of the code server), then SIGKILL."""
        if self.alive():
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        # Children may outlive a leader that exited at once: always sweep the group.
        _signal_group(self.process.pid, signal.SIGKILL)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if self._log:
            self._log.close()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def start(role: str, deployment: SharedDeployment, env: Mapping[str, str], log_dir: Path) -> Service:
    """Start one process of the deployment in the background, its output in ``log_dir/{role}.log``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{role}.log"
    log = open(log_path, "ab")
    # A session of its own: stop() can then end the process and everything it started.
    process = subprocess.Popen(
        deployment.command(role),
        env=dict(env),
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    return Service(role, process, log_path, log)


def wait_for_port(host: str, port: int, timeout: float, service: Service | None = None) -> None:
    """Until something accepts TCP connections on (host, port).

    The gRPC server only binds once the code has loaded.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service is not None and not service.alive():
            raise RuntimeError(
                f"{service.role} exited with {service.process.returncode}:\n{service.log_tail()}"
            )
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            if sock.connect_ex((host, port)) == 0:
                return
        time.sleep(0.3)
    raise TimeoutError(
        f"nothing listening on {host}:{port} after {timeout:.0f}s"
        + (f"; {service.role}'s log:\n{service.log_tail()}" if service else "")
    )


def wait_for_http(url: str, timeout: float, service: Service | None = None) -> None:
    """Until ``url`` answers 200; no proxy, whatever the environment says (the servers are local)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service is not None and not service.alive():
            raise RuntimeError(
                f"{service.role} exited with {service.process.returncode}:\n{service.log_tail()}"
            )
        try:
            with opener.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(
        f"{url} did not answer after {timeout:.0f}s"
        + (f"; {service.role}'s log:\n{service.log_tail()}" if service else "")
    )


# --- command line (what the systemd units call) ----------------------------------------------


def _prepare(role: str) -> tuple[SharedDeployment, dict[str, str]]:
    deployment = SharedDeployment.from_environment()
    deployment.write_config()
    env = deployment.environment()
    if role == "code":
        # The definitions read dbt's manifest at import; it is a build artefact
        # (`make manifest`), made here only if a deploy forgot it.
        from orchestration.project import ensure_manifest

        os.environ.update({k: env[k] for k in ("MI_HOME", "DBT_SEND_ANONYMOUS_USAGE_STATS")})
        ensure_manifest()
    return deployment, env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.shared", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("render", help="write $DAGSTER_HOME/dagster.yaml and workspace.yaml from the environment")
    for role in ROLES:
        sub.add_parser(role, help=f"render, then become the {role} process (systemd ExecStart)")
    up = sub.add_parser(
        "up", help="start all three in the foreground (one machine, to try the profile); Ctrl-C stops them"
    )
    up.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    try:
        if args.action == "render":
            deployment = SharedDeployment.from_environment()
            for path in deployment.write_config():
                print(path)
            return 0
        if args.action in ROLES:
            deployment, env = _prepare(args.action)
            command = deployment.command(args.action)
            # exec: systemd's stop signal then reaches Dagster itself, not a wrapper.
            os.execvpe(command[0], command, env)
        deployment, env = _prepare("code")
        return _up(deployment, env, args.timeout)
    except DeploymentConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _up(deployment: SharedDeployment, env: dict[str, str], timeout: float) -> int:
    log_dir = deployment.dagster_home / "logs"
    services: list[Service] = []
    try:
        services.append(start("code", deployment, env, log_dir))
        wait_for_port(deployment.grpc_host, deployment.grpc_port, timeout, services[-1])
        services.append(start("webserver", deployment, env, log_dir))
        wait_for_http(deployment.web_url + "/server_info", timeout, services[-1])
        services.append(start("daemon", deployment, env, log_dir))
        print(
            f"Dagster UI on {deployment.web_url} (instance {deployment.dagster_home}, logs in {log_dir}); "
            "Ctrl-C stops it"
        )
        while all(s.alive() for s in services):
            time.sleep(1)
        dead = next(s for s in services if not s.alive())
        print(f"{dead.role} exited with {dead.process.returncode}:\n{dead.log_tail()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for service in reversed(services):
            service.stop()


if __name__ == "__main__":
    sys.exit(main())
