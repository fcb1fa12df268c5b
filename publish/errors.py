"""Why a release operation was refused: one exception per reason, each with the exit code of ``mi publish``.

Not for: deciding when to raise them (``publish.release``) or printing them (``publish.cli``).
"""

from __future__ import annotations


class ReleaseError(Exception):
    """A release operation was refused; ``exit_code`` is what ``mi publish`` returns (1 refused, 2 usage)."""

    exit_code = 1


class BadPeriod(ReleaseError):
    """The period is not a quarter ``YYYYQn``."""

    exit_code = 2


class NothingToPublish(ReleaseError):
    """The warehouse holds no figures for the period."""

    exit_code = 2


class NoWarehouse(ReleaseError):
    """No analysts' copy of a good warehouse build to publish from, or one without the release's models."""


class NoDbtManifest(ReleaseError):
    """dbt's manifest, where the release's column descriptions come from, is missing or stale."""


class NoCandidate(ReleaseError):
    """There is no candidate of the period waiting for approval."""


class GateFailed(ReleaseError):
    """The candidate failed its quality gate; it can never be approved."""


class SamePerson(ReleaseError):
    """The approver prepared the candidate: two different people must sign a release off."""


class CandidateChanged(ReleaseError):
    """The candidate's files no longer match the manifest the gate sealed."""


class PromotionFailed(ReleaseError):
    """Promotion stopped before the release became visible; the candidate is still approvable."""
