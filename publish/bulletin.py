"""``index.html``: the release's statistical bulletin, generated from the release's own files.

The bulletin reads the CSV files already written in the release folder (never
the warehouse), so every figure it quotes is a published cell: the national
sustained outcome rate of the latest final referral cohort and its change on
the year (``cohort_performance.csv``), the rating window's totals
(``national_summary.csv``), how many contracts differ from the national
like-for-like position with confidence and the distribution of stars
(``star_ratings.csv``, ``contract_performance.csv``), and the restated
ratings (``revisions.csv``). Labels of codes come from ``code_labels.csv``
when the release has it. Charts are inline SVG (:mod:`publish.svg_charts`),
each with a title, a description, the figures as a table and a link to the
file behind it.

The page is self-contained: one inline style sheet, no script, no font, image
or style from anywhere else, so it works from an archive. It is deterministic:
the same files, period, version and dates give the same bytes.

Not for: any figure that is not in a published file, or disclosure control.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.periods import Period
from publish.parameters import ReleaseParameters
from publish.publication import Publication
from publish.svg_charts import BLUE, GREY, ORANGE, Bar, Dot, LinePoint, bar_chart, dot_plot, line_chart
from publish.windows import Window, date_span, long_date, rating_window
from publish.writers import text_bytes, write_bytes

TEMPLATES = Path(__file__).with_name("templates")
BULLETIN_FILE = "index.html"
ALL = "ALL"
FINAL = "FINAL"

#: The files a release folder holds besides its data tables, in the order the bulletin lists them.
SUPPORTING_FILES = (
    ("code_labels.csv", "Codes and their labels", "every code used in the tables, with its meaning"),
    ("revisions.csv", "Revisions", "figures and star ratings that differ from what was published before"),
    ("methodology.md", "Methodology", "how every figure is defined, its uncertainty and disclosure control"),
    ("datapackage.json", "Data package", "the tables' structure, column definitions and provenance"),
    ("quality/index.html", "Quality assurance report", "the checks every file passed before approval"),
    ("MANIFEST.sha256", "Checksums", "the SHA-256 of every file, to confirm a copy is complete"),
)


class BulletinInputMissing(FileNotFoundError):
    """A table the bulletin quotes from is not in the release folder."""


@dataclass(frozen=True)
class BulletinContext:
    """What the bulletin needs besides the files: the release's identity, dates and settings.

    Attributes:
        thresholds: the measures' parameters by name (rating window, cohort maturity, ...).
    """

    period: str
    version: int
    release_date: dt.date
    thresholds: dict[str, float]
    parameters: ReleaseParameters
    publication: Publication
    title: str
    sustained_days_required: int
    sustained_window_days: int


def bulletin_context(
    *,
    period: str,
    version: int,
    release_date: dt.date,
    seeds: dict[str, list[dict[str, Any]]],
    parameters: ReleaseParameters,
    publication: Publication,
) -> BulletinContext:
    """The context of a release from the measures' parameters it was computed with (the seeds' rows)."""
    rules = {r["outcome_type"]: r for r in seeds["outcome_rules"]}
    sustained = rules["SUSTAINED_26W"]
    return BulletinContext(
        period=period,
        version=version,
        release_date=release_date,
        thresholds={t["name"]: float(t["value"]) for t in seeds["measure_thresholds"]},
        parameters=parameters,
        publication=publication,
        title=str(parameters.package["title"]),
        sustained_days_required=int(sustained["days_required"]),
        sustained_window_days=int(sustained["window_days"]),
    )


@dataclass
class ReleaseFiles:
    """The published rows the bulletin reads, every cell as written."""

    folder: Path
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> ReleaseFiles:
        files = cls(folder)
        for name in ("contract_performance", "star_ratings", "national_summary"):
            path = folder / f"{name}.csv"
            if not path.exists():
                raise BulletinInputMissing(f"the bulletin quotes {path.name}, which the release folder lacks")
            files.tables[name] = _rows(path)
        for name in ("cohort_performance", "revisions", "performance_by_group"):
            path = folder / f"{name}.csv"
            if path.exists():
                files.tables[name] = _rows(path)
        labels = folder / "code_labels.csv"
        if labels.exists():
            files.labels = {(r["list"], r["code"]): r["label"] for r in _rows(labels)}
        package = folder / "datapackage.json"
        if package.exists():
            try:
                resources = json.loads(package.read_text(encoding="utf-8")).get("resources", [])
                files.titles = {str(r.get("path", "")): str(r.get("title", "")) for r in resources}
            except ValueError:
                files.titles = {}
        return files

    def label(self, code_list: str, code: str) -> str:
        """The plain-English label of a code (from ``code_labels.csv``), else the code in sentence case."""
        if (code_list, code) in self.labels:
            return self.labels[(code_list, code)]
        return code.replace("_", " ").capitalize()


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def number(cell: str | None) -> float | None:
    """A published cell as a number; None for a symbol (``[c]``, ``[low]``, ``[x]``, ``[z]``) or empty."""
    if cell is None:
        return None
    text = cell.strip()
    if not text or text.startswith("["):
        return None
    try:
        return float(text)
    except ValueError:
        return None


def count_text(cell: str) -> str:
    """A published count as the bulletin prints it: ``12,345``."""
    value = number(cell)
    return f"{int(value):,}" if value is not None else cell


def money_text(cell: str) -> str:
    value = number(cell)
    if value is None:
        return cell
    return f"£{int(value):,}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _sentence_list(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass
class Figures:
    """The figures the main points and charts quote, each a published cell."""

    window: Window
    national: dict[str, str]
    cohorts: list[dict[str, str]]  # national ALL rows of cohort_performance, oldest first
    latest_final: dict[str, str] | None
    year_earlier: dict[str, str] | None
    contracts: list[dict[str, str]]
    ratings: dict[str, dict[str, str]]  # contract_id -> its star_ratings row of the period
    restated: int


def gather(files: ReleaseFiles, context: BulletinContext) -> Figures:
    """The figures of the bulletin from the files, for its period."""
    period = context.period
    cohort_rows = files.tables.get("cohort_performance", [])
    national_cohorts = sorted(
        (r for r in cohort_rows if r.get("contract_id") == ALL and r.get("customer_group") == ALL),
        key=lambda r: Period.parse(r["referral_quarter"]),
    )
    existing = [r["referral_quarter"] for r in national_cohorts] or None
    window = rating_window(
        period,
        cohorts=int(context.thresholds["rating_window_cohorts"]),
        maturity_months=int(context.thresholds["cohort_maturity_months"]),
        existing=existing,
    )
    final = [r for r in national_cohorts if r.get("cohort_status") == FINAL]
    latest = final[-1] if final else None
    earlier = None
    if latest is not None:
        target = Period.parse(latest["referral_quarter"]).shift(-4).code
        earlier = next((r for r in final if r["referral_quarter"] == target), None)
    national = next(
        (r for r in files.tables["national_summary"] if r["nation"] == ALL and r["customer_group"] == ALL),
        None,
    )
    if national is None:
        raise BulletinInputMissing("national_summary.csv has no total row (nation ALL, customer_group ALL)")
    ratings = {
        r["unit_id"]: r
        for r in files.tables["star_ratings"]
        if r["unit_type"] == "CONTRACT" and r["period"] == period
    }
    restated = sum(1 for r in files.tables.get("revisions", []) if r.get("revision") == "restated_rating")
    contracts = sorted(files.tables["contract_performance"], key=lambda r: r["contract_id"])
    return Figures(window, national, national_cohorts, latest, earlier, contracts, ratings, restated)


def main_points(f: Figures, files: ReleaseFiles, context: BulletinContext) -> list[str]:
    """Four to six sentences, each quoting published figures."""
    points = []
    if f.latest_final is not None and number(f.latest_final["sustained_outcome_rate"]) is not None:
        q = Period.parse(f.latest_final["referral_quarter"])
        maturity = int(context.thresholds["cohort_maturity_months"])
        rate = f.latest_final["sustained_outcome_rate"]
        text = (
            f"Of the {count_text(f.latest_final['referrals'])} people referred from "
            f"{date_span(q.start, q.end)} ({q.code}, the latest referral cohort whose figures are final), "
            f"{count_text(f.latest_final['sustained_26w_outcomes'])} ({rate}%) had a sustained job outcome "
            f"within {maturity} months of referral"
        )
        before = number(f.year_earlier["sustained_outcome_rate"]) if f.year_earlier else None
        if before is None:
            year_before = q.shift(-4).code
            text += (
                "; there is no published final figure for people referred a year earlier "
                f"({year_before}) to compare with"
            )
        if f.year_earlier is not None and before is not None:
            change = round(float(rate) - before, 1)
            direction = (
                "unchanged from"
                if change == 0
                else f"{'up' if change > 0 else 'down'} {abs(change):.1f} percentage points on"
            )
            text += (
                f", {direction} the {f.year_earlier['sustained_outcome_rate']}% of people referred a year "
                f"earlier ({f.year_earlier['referral_quarter']})"
            )
        points.append(text + ".")
    n = f.national
    points.append(
        f"Over the rating window of this release, people referred from {f.window.dates} "
        f"({f.window.quarters}), {count_text(n['referrals'])} people were referred to "
        f"{_plural(len(f.contracts), 'contract', 'contracts')}; {count_text(n['starts'])} started, "
        f"{count_text(n['job_outcomes'])} ({n['job_outcome_rate']}%) had a job outcome within "
        f"{int(context.thresholds['job_outcome_months'])} months and "
        f"{count_text(n['sustained_26w_outcomes'])} ({n['sustained_outcome_rate']}%) a sustained job outcome."
    )
    compared = Counter(
        r.get("compared_with_national", "") for r in f.ratings.values() if r["rating_status"] == "RATED"
    )
    rated = sum(compared.values())
    if rated:
        points.append(
            f"Of the {_plural(rated, 'contract', 'contracts')} rated for {context.period}, "
            f"{compared.get('ABOVE', 0)} achieved more sustained outcomes than the national system would "
            f"with the same mix of people, with 95% confidence, {compared.get('BELOW', 0)} achieved fewer, "
            f"and for {compared.get('NOT_DIFFERENT', 0)} the difference could be chance."
        )
    stars = Counter(int(r["stars"]) for r in f.ratings.values() if number(r.get("stars")) is not None)
    not_rated = sum(1 for r in f.ratings.values() if r["rating_status"] == "NOT_RATED")
    if stars or not_rated:
        parts = [
            _plural(stars[s], "contract", "contracts") + f" with {s} {'star' if s == 1 else 'stars'}"
            for s in sorted(stars, reverse=True)
        ]
        text = f"Star ratings for {context.period}: " + _sentence_list(parts)
        if not_rated:
            were = _plural(not_rated, "contract was", "contracts were")
            text += f"; {were} not rated (too few people referred, or no cohort old enough)"
        points.append(text + ".")
    payments = n.get("payments_made_gbp", "")
    money_base = context.parameters.disclosure.money_rounding_base_gbp
    if number(payments) is not None:
        points.append(
            f"Providers were paid {money_text(payments)} for starts and verified outcomes falling due in "
            f"{context.period} (rounded to the nearest £{money_base:,})."
        )
    if f.restated:
        points.append(
            f"{_plural(f.restated, 'star rating', 'star ratings')} of earlier quarters, recomputed with the "
            "evidence now available, differ from what was first published; they are marked [r] and listed "
            "in the revisions file."
        )
    return points[:6]


def plain(cell: str) -> str:
    """A text cell without the apostrophe that keeps a spreadsheet from running it (a page runs nothing)."""
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@", "'\t", "'\r") else cell


def _contract_label(row: dict[str, str]) -> str:
    name = plain(row.get("prime_name", ""))
    text = f"{row['contract_id']} {name}".strip()
    return text if len(text) <= 34 else text[:33] + "…"


def charts(f: Figures, files: ReleaseFiles, context: BulletinContext) -> list[dict[str, Any]]:
    """Each chart: its id, heading, SVG, the table of its figures and the file behind it."""
    out = []
    if f.cohorts:
        points = [
            LinePoint(
                r["referral_quarter"], number(r["sustained_outcome_rate"]), r.get("cohort_status") == FINAL
            )
            for r in f.cohorts
        ]
        shown = [p for p in points if p.value is not None]
        finals = [p for p in shown if p.final]
        description = (
            "Line chart of the percentage of people with a sustained job outcome within "
            f"{int(context.thresholds['cohort_maturity_months'])} months of referral, by the quarter they "
            f"were referred in, {points[0].label} to {points[-1].label}. "
        )
        if finals:
            low = min(finals, key=lambda p: (p.value, p.label))
            high = max(finals, key=lambda p: (p.value, p.label))
            description += (
                f"Among the cohorts whose figures are final it ranges from {low.value:g}% ({low.label}) to "
                f"{high.value:g}% ({high.label}); the latest final cohort, {finals[-1].label}, is at "
                f"{finals[-1].value:g}%. "
            )
        description += (
            "Later cohorts are provisional: their outcomes are still coming, so their rates will rise."
        )
        title = "Sustained job outcome rate by referral cohort, all contracts"
        out.append(
            {
                "id": "chart-cohorts",
                "heading": title,
                "svg": line_chart(
                    "chart-cohorts",
                    title=title,
                    description=description,
                    points=points,
                    y_label="% with a sustained outcome",
                    final_label="final",
                    provisional_label="provisional (outcomes still to come)",
                ),
                "source": "cohort_performance.csv",
                "columns": ["Referral cohort", "Referrals", "Sustained outcomes", "Rate (%)", "Status"],
                "rows": [
                    [
                        r["referral_quarter"],
                        count_text(r["referrals"]),
                        count_text(r["sustained_26w_outcomes"]),
                        r["sustained_outcome_rate"],
                        files.label("cohort_status", r.get("cohort_status", "")),
                    ]
                    for r in f.cohorts
                ],
            }
        )
    styles = {
        "ABOVE": ("above national, with confidence", BLUE, "up"),
        "BELOW": ("below national, with confidence", ORANGE, "down"),
        "NOT_DIFFERENT": ("not different with confidence", GREY, "circle"),
    }
    dots = []
    for row in sorted(
        f.contracts, key=lambda r: (-(number(r["like_for_like_index"]) or -1.0), r["contract_id"])
    ):
        rating = f.ratings.get(row["contract_id"], {})
        group = rating.get("compared_with_national", "")
        value = number(row["like_for_like_index"])
        if group not in styles:
            value = None
        note = (
            "not published: too few people or outcomes"
            if row["like_for_like_index"].startswith("[c")
            else "not rated"
        )
        dots.append(Dot(_contract_label(row), value, group, note))
    counts = Counter(d.group for d in dots if d.value is not None)
    title = f"Like-for-like index of each contract, {context.period}"
    description = (
        "Dot chart of each contract's like-for-like index: its sustained outcomes divided by the outcomes "
        "the national system achieves with the same mix of people, where 1.00 is the national position. "
        f"{counts.get('ABOVE', 0)} contracts are above the national position with 95% confidence (upward "
        f"triangles), {counts.get('BELOW', 0)} below it (downward triangles) and "
        f"{counts.get('NOT_DIFFERENT', 0)} not different with confidence (circles)."
    )
    out.append(
        {
            "id": "chart-index",
            "heading": title,
            "svg": dot_plot(
                "chart-index",
                title=title,
                description=description,
                dots=dots,
                styles=styles,
                reference=1.0,
                reference_label="national position 1.00",
                x_label="like-for-like index",
            ),
            "source": "contract_performance.csv",
            "columns": ["Contract", "Like-for-like index", "Compared with national"],
            "rows": [
                [
                    f"{r['contract_id']} {plain(r.get('prime_name', ''))}".strip(),
                    r["like_for_like_index"],
                    files.label(
                        "compared_with_national",
                        f.ratings.get(r["contract_id"], {}).get("compared_with_national", "") or "[x]",
                    ),
                ]
                for r in f.contracts
            ],
        }
    )
    bars = []
    for row in sorted(f.contracts, key=lambda r: (-(number(r["star_rating"]) or 0), r["contract_id"])):
        value = number(row["star_rating"])
        bars.append(Bar(_contract_label(row), int(value) if value is not None else None, "not rated"))
    rated = [b.value for b in bars if b.value is not None]
    spread = Counter(rated)
    title = f"Star rating of each contract, {context.period}"
    description = (
        "Bar chart of each contract's star rating from 1 to 5. "
        + "; ".join(
            f"{spread[s]} with {s} {'star' if s == 1 else 'stars'}" for s in sorted(spread, reverse=True)
        )
        + f"; {len(bars) - len(rated)} not rated."
    )
    out.append(
        {
            "id": "chart-stars",
            "heading": title,
            "svg": bar_chart(
                "chart-stars",
                title=title,
                description=description,
                bars=bars,
                maximum=5,
                x_label="stars",
                unit="stars",
                singular="star",
            ),
            "source": "star_ratings.csv",
            "columns": ["Contract", "Stars", "Stars last quarter"],
            "rows": [
                [
                    f"{r['contract_id']} {plain(r.get('prime_name', ''))}".strip(),
                    r["star_rating"],
                    r["star_rating_previous"],
                ]
                for r in f.contracts
            ],
        }
    )
    return out


def file_links(files: ReleaseFiles) -> list[dict[str, str]]:
    """Every file of the release, data tables first (CSV and Parquet), then the supporting files."""
    links = []
    for csv_path in sorted(files.folder.glob("*.csv")):
        name = csv_path.name
        if name in {f for f, _, _ in SUPPORTING_FILES}:
            continue
        title = files.titles.get(name) or csv_path.stem.replace("_", " ").capitalize()
        entry = {"title": title, "csv": name, "parquet": "", "what": ""}
        if csv_path.with_suffix(".parquet").exists():
            entry["parquet"] = csv_path.with_suffix(".parquet").name
        links.append(entry)
    for name, title, what in SUPPORTING_FILES:
        if name == "revisions.csv" and not (files.folder / name).exists():
            continue
        if name == "code_labels.csv" and not (files.folder / name).exists():
            continue
        links.append({"title": title, "csv": name, "parquet": "", "what": what})
    return links


def render_bulletin(folder: Path, context: BulletinContext) -> str:
    """The text of ``index.html`` for the release files in ``folder``."""
    import jinja2

    files = ReleaseFiles.read(folder)
    f = gather(files, context)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
    )
    period = Period.parse(context.period)
    t = context.thresholds
    return environment.get_template("bulletin.html").render(
        title=context.title,
        period=context.period,
        period_dates=date_span(period.start, period.end),
        window=f.window,
        version=context.version,
        release_date=long_date(context.release_date),
        next_release=long_date(context.publication.next_release(context.release_date)),
        publication=context.publication,
        main_points=main_points(f, files, context),
        charts=[{**c, "svg": jinja2_markup(c["svg"])} for c in charts(f, files, context)],
        files=file_links(files),
        has_cohorts=bool(f.cohorts),
        has_revisions="revisions" in files.tables,
        maturity_months=int(t["cohort_maturity_months"]),
        job_outcome_months=int(t["job_outcome_months"]),
        window_cohorts=int(t["rating_window_cohorts"]),
        sustained_days=context.sustained_days_required,
        sustained_weeks=context.sustained_days_required // 7,
        sustained_window_weeks=context.sustained_window_days // 7,
        d=context.parameters.disclosure,
        s=context.parameters.symbols,
        revised=context.parameters.symbols.revised,
    )


def jinja2_markup(svg: str) -> Any:
    """Mark the SVG (already escaped where it holds text) as safe for the auto-escaping template."""
    import markupsafe

    return markupsafe.Markup(svg)


def write_bulletin(folder: Path, context: BulletinContext) -> Path:
    """Write ``index.html`` into the release folder; returns its path."""
    path = folder / BULLETIN_FILE
    write_bytes(path, text_bytes(render_bulletin(folder, context)))
    return path
