"""Where runtime state lives, and the few settings that come from the environment.

Every stage asks this module for its paths instead of building them itself, so
that one variable, ``MI_HOME`` (default ``./var``), moves the whole installation.
Nothing here reads data or creates anything except on request (``ensure``).

Also where the code's own folders are: the dbt project (``DBT_PROJECT_DIR``).

Not for: business parameters (windows, thresholds, fees, bands). Those are
data, in ``contracts_schema/`` and the dbt seeds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: The source tree's root and its dbt project (dbt, Dagster, the docs and the release all read it).
REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

DEFAULT_UPLOAD_LIMIT_MB = 512
DEFAULT_XLSX_ROW_LIMIT = 2_000_000
#: Uploads the portal validates at once; each holds its file and its frames in memory.
DEFAULT_MAX_VALIDATIONS = 2
#: Days an API token works for, unless ``MI_API_TOKEN_DAYS`` says otherwise.
DEFAULT_API_TOKEN_DAYS = 365


@dataclass(frozen=True)
class Paths:
    """The layout of ``MI_HOME``. See ``docs/lake.md`` for what each folder holds."""

    home: Path

    @property
    def lake(self) -> Path:
        return self.home / "lake"

    @property
    def ledger_db(self) -> Path:
        return self.home / "ledger" / "ledger.sqlite"

    @property
    def ledger_parquet(self) -> Path:
        return self.lake / "_ledger" / "ledger.parquet"

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def feedback(self) -> Path:
        return self.home / "feedback"

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def warehouse(self) -> Path:
        """The analysts' read-only copy of the last good build."""
        return self.warehouse_dir / "mi.duckdb"

    @property
    def releases(self) -> Path:
        return self.home / "releases"

    @property
    def ops(self) -> Path:
        return self.home / "ops"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def secrets(self) -> Path:
        return self.home / "secrets"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    def lake_dataset(self, dataset: str, *, reference: bool) -> Path:
        return self.lake / ("reference" if reference else "returns") / dataset

    def ensure_home(self) -> Paths:
        """Create ``MI_HOME`` private to its owner (0700) if it does not exist yet.

        It holds the ledger, the lake (pseudonymised, but personal), the
        pseudonymisation key and the portal's users: nobody else on the machine
        needs to list it. A folder that already exists is left as it is.
        """
        if not self.home.exists():
            self.home.parent.mkdir(parents=True, exist_ok=True)
            try:
                self.home.mkdir(mode=0o700)
            except FileExistsError:
                pass  # made by another process meanwhile
            else:
                os.chmod(self.home, 0o700)  # whatever the umask
        return self

    def ensure(self) -> Paths:
        self.ensure_home()
        self.secrets.mkdir(mode=0o700, exist_ok=True)
        for folder in (
            self.lake,
            self.ledger_db.parent,
            self.landing,
            self.quarantine,
            self.feedback,
            self.warehouse_dir,
            self.releases,
            self.ops,
            self.logs,
            self.secrets,
        ):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def mi_home() -> Path:
    return Path(os.environ.get("MI_HOME", "var")).resolve()


def paths() -> Paths:
    return Paths(mi_home())


def upload_limit_bytes() -> int:
    return int(float(os.environ.get("MI_UPLOAD_LIMIT_MB", DEFAULT_UPLOAD_LIMIT_MB)) * 1024 * 1024)


def xlsx_row_limit() -> int:
    return int(os.environ.get("MI_XLSX_ROW_LIMIT", DEFAULT_XLSX_ROW_LIMIT))


def max_concurrent_validations() -> int:
    """``MI_MAX_VALIDATIONS``: uploads the portal validates at once (past it: 503, nothing kept)."""
    value = int(os.environ.get("MI_MAX_VALIDATIONS", DEFAULT_MAX_VALIDATIONS))
    if value < 1:
        raise ValueError("MI_MAX_VALIDATIONS must be at least 1")
    return value


def api_token_days() -> int:
    """``MI_API_TOKEN_DAYS``: how long a new API token works for (default 365 days)."""
    value = int(os.environ.get("MI_API_TOKEN_DAYS", DEFAULT_API_TOKEN_DAYS))
    if value < 1:
        raise ValueError("MI_API_TOKEN_DAYS must be at least 1")
    return value
