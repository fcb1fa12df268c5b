"""A throwaway PostgreSQL cluster on loopback, owned by the test session, from Debian's binaries.

:class:`PostgresCluster` runs ``initdb`` in a fresh folder under ``/tmp``,
starts the server listening on 127.0.0.1 only (and a Unix socket inside that
folder), creates a login role and a database for Dagster, and at the end stops
the server and deletes the folder. Nothing of the machine's own PostgreSQL
(``/etc/postgresql``, ``pg_ctlcluster``, port 5432) is used or touched.

Not for: anything Dagster; ``tests/deploy/conftest.py`` points the instance at the URL
this gives.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.net import free_port


def postgres_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<major>/bin`` that has initdb and pg_ctl (Debian's layout)."""
    found = [
        Path(p).parent
        for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")
        if (Path(p).parent / "pg_ctl").exists()
    ]
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, default=None)


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the server: PostgreSQL refuses to run as root, so as root take ``postgres``
    (or ``nobody``)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError(
        "running as root and neither a 'postgres' nor a 'nobody' user exists to own the cluster"
    )


@dataclass
class PostgresCluster:
    bin_dir: Path
    database: str = "dagster"
    user: str = "dagster"
    password: str = field(default_factory=lambda: secrets.token_hex(12))
    port: int = field(default_factory=free_port)
    host: str = "127.0.0.1"
    root: Path | None = None
    _superuser_password: str = field(default_factory=lambda: secrets.token_hex(12))

    @property
    def url(self) -> str:
        """A libpq URL (what psycopg2.connect takes)."""
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.database}"

    @property
    def sqlalchemy_url(self) -> str:
        """The same, naming the driver for SQLAlchemy (what Dagster's instance takes)."""
        return self.url.replace("postgresql://", "postgresql+psycopg2://", 1)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        return self.root / "server.log"

    def _run(self, *argv: str, timeout: float = 60) -> None:
        owner = _server_user()
        kwargs = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []} if owner else {}
        env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": str(self.root)}
        result = subprocess.run(
            [str(self.bin_dir / argv[0]), *argv[1:]],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            **kwargs,
        )
        if result.returncode != 0:
            log = self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""
            raise RuntimeError(
                f"{argv[0]} failed ({result.returncode}): {result.stderr or result.stdout}\n{log}"
            )

    def start(self) -> PostgresCluster:
        # Not under pytest's tmp folder: that is root's and mode 0700, so the
        # server's own user could not reach its data directory there.
        self.root = Path(tempfile.mkdtemp(prefix="mi-test-pg-"))
        (self.root / "socket").mkdir()
        pwfile = self.root / "superuser.pw"
        pwfile.write_text(self._superuser_password + "\n")
        owner = _server_user()
        if owner:
            for path in (self.root, self.root / "socket", pwfile):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=scram-sha-256",
            f"--pwfile={pwfile}",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        pwfile.unlink()
        # Loopback only; fsync and synchronous commit off because this cluster is thrown
        # away at the end and Dagster writes one row per event (seconds saved per run).
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c port={self.port}",
                f"-k {self.root / 'socket'}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
            ]
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_path),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            timeout=90,
        )
        self._create_database()
        return self

    def _create_database(self) -> None:
        import psycopg2

        con = psycopg2.connect(
            host=self.host,
            port=self.port,
            user="postgres",
            password=self._superuser_password,
            dbname="postgres",
            connect_timeout=10,
        )
        try:
            con.autocommit = True
            with con.cursor() as cur:
                # The deployment's role owns its database and nothing else, as on a real server.
                cur.execute(f"create role {self.user} login password %s", (self.password,))
                cur.execute(f"create database {self.database} owner {self.user}")
        finally:
            con.close()

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of one statement, as the deployment's role, on a connection closed at once."""
        import psycopg2

        con = psycopg2.connect(self.url, connect_timeout=10)
        try:
            with con.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            con.close()

    def stop(self) -> None:
        if self.root is None:
            return
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._run(
                    "pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30", "stop", timeout=60
                )
        except (RuntimeError, subprocess.TimeoutExpired):
            self._kill_postmaster()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def _kill_postmaster(self) -> None:
        # Last resort when pg_ctl cannot stop it: the pid is the first line of postmaster.pid.
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, 9)
        except (OSError, ValueError, IndexError):
            pass
