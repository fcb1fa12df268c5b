"""The release's public face, loaded from ``publish/publication.yaml``: status, contact, release calendar.

Not for: disclosure control or number formats (``publish/parameters.yaml``),
or the measures' parameters (dbt seeds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from publish.windows import add_months

PUBLICATION_FILE = Path(__file__).with_name("publication.yaml")


class PublicationSettingsInvalid(ValueError):
    """``publication.yaml`` lacks a setting or holds one of the wrong kind."""


@dataclass(frozen=True)
class Publication:
    status: str
    status_explanation: str
    producer: str
    contact_name: str
    contact_email: str
    months_between_releases: int
    confirmed_weeks_ahead: int

    def next_release(self, release_date: dt.date) -> dt.date:
        """The date the next release is due: ``months_between_releases`` after this one."""
        return add_months(release_date, self.months_between_releases)


@lru_cache(maxsize=1)
def publication(path: Path = PUBLICATION_FILE) -> Publication:
    """Load the settings (cached: they do not change while a process runs).

    Raises:
        PublicationSettingsInvalid: a setting is missing or of the wrong kind, naming it.
    """
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        calendar = document["release_calendar"]
        settings = Publication(
            status=str(document["status"]),
            status_explanation=" ".join(str(document["status_explanation"]).split()),
            producer=str(document["producer"]),
            contact_name=str(document["contact"]["name"]),
            contact_email=str(document["contact"]["email"]),
            months_between_releases=int(calendar["months_between_releases"]),
            confirmed_weeks_ahead=int(calendar["confirmed_weeks_ahead"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PublicationSettingsInvalid(f"{path.name}: missing or invalid setting {exc}") from None
    if settings.months_between_releases < 1 or "@" not in settings.contact_email:
        raise PublicationSettingsInvalid(
            f"{path.name}: months_between_releases must be at least 1 and contact.email an address"
        )
    return settings
