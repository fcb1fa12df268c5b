"""What the release's quality gate checks against and what it returns.

``GateInputs`` holds what the files are checked against (from the warehouse and
the definitions); ``GateCheck`` is one expectation's outcome; ``GateResult`` the
whole gate's, as the workflow record, the summary and the report show it.

Not for: running expectations (:mod:`publish.quality_gate`) or rendering them
(:mod:`publish.quality_report`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.definitions import ReleaseTable
from publish.parameters import ReleaseParameters

QUALITY_DIR = "quality"


@dataclass
class GateCheck:
    """One expectation's outcome, as the summary and the workflow record show it."""

    resource: str
    expectation: str
    column: str
    success: bool
    unexpected: int = 0
    examples: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class GateResult:
    passed: bool
    checks: list[GateCheck]
    report: Path
    summary: Path
    error: str = ""

    @property
    def failures(self) -> list[GateCheck]:
        return [c for c in self.checks if not c.success]

    def as_record(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "expectations": len(self.checks),
            "failed": len(self.failures),
            "failures": [f"{c.resource}: {c.expectation} {c.column}".strip() for c in self.failures][:20],
            "error": self.error,
        }


@dataclass
class GateInputs:
    """What the files are checked against, from the warehouse and the definitions."""

    period: str
    version: int
    release_date: dt.date
    tables: list[ReleaseTable]
    vocabulary: dict[str, list[str]]
    expected_contracts: list[str]
    warehouse_payments_gbp: float
    parameters: ReleaseParameters
    #: The referral cohorts of the period's rating window (the gate's attack adds them up).
    window_cohorts: list[str] = field(default_factory=list)
