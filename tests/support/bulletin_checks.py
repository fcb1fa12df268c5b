"""What a bulletin must say, worked out here from a release's CSV files independently of publish.bulletin."""

from __future__ import annotations

import csv
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from core.periods import Period


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _count(cell: str) -> str:
    return f"{int(cell):,}"


class _Points(HTMLParser):
    """The text of every ``<li>`` inside ``<div class="main-points">``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.points: list[str] = []
        self._depth = 0
        self._li: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "div" and ("class", "main-points") in attrs:
            self._depth = 1
        elif self._depth and tag == "div":
            self._depth += 1
        if self._depth and tag == "li":
            self._li = []

    def handle_endtag(self, tag):
        if self._depth and tag == "li" and self._li is not None:
            self.points.append(" ".join("".join(self._li).split()))
            self._li = None
        if self._depth and tag == "div":
            self._depth -= 1

    def handle_data(self, data):
        if self._li is not None:
            self._li.append(data)


def main_points(page: str) -> list[str]:
    parser = _Points()
    parser.feed(page)
    return parser.points


def expected_statements(folder: Path, period: str) -> list[str]:
    """Phrases with figures the main points must contain, each computed from the published cells."""
    out = []
    national = next(
        r
        for r in rows(folder / "national_summary.csv")
        if r["nation"] == "ALL" and r["customer_group"] == "ALL"
    )
    out += [
        f"{_count(national['referrals'])} people were referred",
        f"{_count(national['job_outcomes'])} ({national['job_outcome_rate']}%) had a job outcome",
        f"{_count(national['sustained_26w_outcomes'])} ({national['sustained_outcome_rate']}%) a sustained",
    ]
    cohort_file = folder / "cohort_performance.csv"
    if cohort_file.exists():
        final = sorted(
            (
                r
                for r in rows(cohort_file)
                if r["contract_id"] == "ALL"
                and r["customer_group"] == "ALL"
                and r["cohort_status"] == "FINAL"
            ),
            key=lambda r: Period.parse(r["referral_quarter"]),
        )
        latest = final[-1]
        out.append(f"{_count(latest['sustained_26w_outcomes'])} ({latest['sustained_outcome_rate']}%) had a")
        out.append(f"({latest['referral_quarter']}, the latest referral cohort whose figures are final)")
        year_before = Period.parse(latest["referral_quarter"]).shift(-4).code
        earlier = [r for r in final if r["referral_quarter"] == year_before]
        if earlier and not earlier[0]["sustained_outcome_rate"].startswith("["):
            change = round(
                float(latest["sustained_outcome_rate"]) - float(earlier[0]["sustained_outcome_rate"]), 1
            )
            word = "unchanged from" if change == 0 else f"{'up' if change > 0 else 'down'} {abs(change):.1f}"
            out.append(f"{word}")
            out.append(
                f"the {earlier[0]['sustained_outcome_rate']}% of people referred a year earlier "
                f"({year_before})"
            )
    ratings = [
        r for r in rows(folder / "star_ratings.csv") if r["unit_type"] == "CONTRACT" and r["period"] == period
    ]
    rated = [r for r in ratings if r["rating_status"] == "RATED"]
    compared = Counter(r.get("compared_with_national", "") for r in rated)
    if rated:
        out.append(
            f"Of the {len(rated)} contract{'s' if len(rated) != 1 else ''} rated for {period}, "
            f"{compared['ABOVE']} achieved more sustained outcomes"
        )
        out.append(f"{compared['BELOW']} achieved fewer, and for {compared['NOT_DIFFERENT']} the difference")
    stars = Counter(r["stars"] for r in rated if r["stars"].isdigit())
    for s, n in stars.items():
        out.append(f"{n} contract{'s' if n != 1 else ''} with {s} star{'s' if s != '1' else ''}")
    return out


def numbers_in(text: str) -> list[str]:
    """Every number written in a sentence, commas removed; quarters (``2024Q4``) are names, not numbers."""
    text = re.sub(r"\b\d{4}Q[1-4]\b", "", text)
    return [n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


SEED_FOLDER = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
#: Words a text for the public must not contain: internal documents, warehouse tables, settings files, nulls.
INTERNAL_WORDS = re.compile(
    r"\b(?:pub|mart|int|stg|fct|dim)_[a-z0-9_]+|\bnull\b|\bspec\b|§|\bseeds?\b|\bdbt\b|shared/|\bGrain:",
    re.IGNORECASE,
)


def internal_names(text: str) -> list[str]:
    """Every internal name in ``text``: the words above and the names of the measures' parameter files."""
    found = [m.group(0) for m in INTERNAL_WORDS.finditer(text)]
    for seed in sorted(SEED_FOLDER.glob("*.csv")):
        if re.search(rf"\b{re.escape(seed.stem)}\b(?!\.csv)", text):
            found.append(seed.stem)
    return found
