"""Small inline SVG charts for the *Your performance* page, drawn on the server.

The portal's pages run no script (their Content-Security-Policy forbids it),
so a chart is plain SVG markup in the page: shapes with presentation
attributes only (no ``style`` attributes, which that policy would also block),
a ``<title>`` and ``<desc>`` for screen readers, and always a table beside it
with the same figures, which is what a reader who cannot see the chart uses.

Two charts: :func:`index_chart` (the like-for-like index over rating quarters
with its 95% interval as a band and the national position, 1.00, as a line)
and :func:`actual_expected_chart` (actual against expected sustained outcomes
per quarter).

Not for: the figures themselves (``portal/performance.py`` reads them from the
warehouse).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 560
HEIGHT = 240
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 16, 16, 44
_INK = "#0b0c0c"
_GRID = "#b1b4b6"
_BLUE = "#1d70b8"
_BAND = "#c7dcef"
_ORANGE = "#f47738"


@dataclass(frozen=True)
class IndexPoint:
    """One quarter of the like-for-like index with its interval (any may be missing)."""

    quarter: str
    index: float | None
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class OutcomesPoint:
    """One quarter's actual and expected sustained outcomes."""

    quarter: str
    actual: float | None
    expected: float | None


def _num(value: float) -> str:
    return f"{value:.1f}"


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round values from ``low`` to ``high`` (1, 2, 2.5 or 5 times a power of ten apart)."""
    raw = (high - low) / max(count - 1, 1) or 1.0
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks, value = [], math.ceil(low / step - 1e-9) * step
    while value <= high + 1e-9:
        ticks.append(round(value, 6))
        value += step
    return ticks


class _Frame:
    """Maps quarters (evenly spaced) and values (linear) to pixels."""

    def __init__(self, quarters: Sequence[str], low: float, high: float):
        self.quarters = list(quarters)
        self.low, self.high = low, high
        self.plot_width = WIDTH - _LEFT - _RIGHT
        self.plot_height = HEIGHT - _TOP - _BOTTOM

    def x(self, position: int) -> float:
        step = self.plot_width / max(len(self.quarters), 1)
        return _LEFT + step * (position + 0.5)

    def y(self, value: float) -> float:
        return _TOP + self.plot_height * (1 - (value - self.low) / ((self.high - self.low) or 1))

    def axes(self, ticks: Sequence[float], label: str) -> list[str]:
        parts = []
        for tick in ticks:
            y = _num(self.y(tick))
            parts.append(
                f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{y}" y2="{y}" '
                f'stroke="{_GRID}" stroke-width="1"/>'
                f'<text x="{_LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" '
                f'font-size="12" fill="{_INK}">{tick:g}</text>'
            )
        every = max(1, -(-len(self.quarters) // 8))
        for position, quarter in enumerate(self.quarters):
            if position % every == 0 or position == len(self.quarters) - 1:
                parts.append(
                    f'<text x="{_num(self.x(position))}" y="{HEIGHT - _BOTTOM + 18}" text-anchor="middle" '
                    f'font-size="12" fill="{_INK}">{escape(quarter)}</text>'
                )
        parts.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{HEIGHT - _BOTTOM}" y2="{HEIGHT - _BOTTOM}" '
            f'stroke="{_INK}" stroke-width="1"/>'
            f'<text x="{_LEFT}" y="{HEIGHT - 6}" font-size="12" fill="{_INK}">{escape(label)}</text>'
        )
        return parts


def _svg(chart_id: str, title: str, description: str, parts: list[str], css_class: str) -> Markup:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return Markup(
        f'<svg class="chart {css_class}" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>'
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )


def index_chart(chart_id: str, points: Sequence[IndexPoint], *, title: str) -> Markup:
    """The like-for-like index per quarter as a line, its 95% interval as a band, 1.00 as a dashed line."""
    values = [v for p in points for v in (p.index, p.lower, p.upper) if v is not None] + [1.0]
    low = min(0.0, min(values))
    high = max(values) * 1.1
    frame = _Frame([p.quarter for p in points], low, high)
    parts = frame.axes(_ticks(low, high), "Like-for-like index (1.00 = national)")
    band = [
        (i, p.lower, p.upper) for i, p in enumerate(points) if p.lower is not None and p.upper is not None
    ]
    if len(band) == 1:
        i, lower, upper = band[0]
        parts.append(
            f'<rect class="chart-band" x="{_num(frame.x(i) - 8)}" y="{_num(frame.y(upper))}" width="16" '
            f'height="{_num(frame.y(lower) - frame.y(upper))}" fill="{_BAND}"/>'
        )
    elif band:
        outline = [f"{_num(frame.x(i))},{_num(frame.y(upper))}" for i, _, upper in band] + [
            f"{_num(frame.x(i))},{_num(frame.y(lower))}" for i, lower, _ in reversed(band)
        ]
        parts.append(f'<polygon class="chart-band" points="{" ".join(outline)}" fill="{_BAND}"/>')
    national = _num(frame.y(1.0))
    parts.append(
        f'<line class="chart-national" x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{national}" y2="{national}" '
        f'stroke="{_INK}" stroke-width="1.5" stroke-dasharray="6 4"/>'
    )
    line_points = [(i, v) for i, v in ((i, p.index) for i, p in enumerate(points)) if v is not None]
    if len(line_points) > 1:
        path = " ".join(f"{_num(frame.x(i))},{_num(frame.y(v))}" for i, v in line_points)
        parts.append(
            f'<polyline class="chart-line" points="{path}" fill="none" stroke="{_BLUE}" stroke-width="3"/>'
        )
    for i, value in line_points:
        parts.append(
            f'<circle class="chart-point" cx="{_num(frame.x(i))}" cy="{_num(frame.y(value))}" r="4" '
            f'fill="{_BLUE}"/>'
        )
    first, last = (points[0].quarter, points[-1].quarter) if points else ("", "")
    description = (
        f"The like-for-like index from {first} to {last}, with its 95% interval shaded and the national "
        "position, 1.00, dashed. The table beside the chart gives the same figures."
    )
    return _svg(chart_id, title, description, parts, "chart--index")


def actual_expected_chart(chart_id: str, points: Sequence[OutcomesPoint], *, title: str) -> Markup:
    """Actual sustained outcomes per quarter as bars, expected as a line with square markers."""
    values = [v for p in points for v in (p.actual, p.expected) if v is not None]
    high = max(values + [1.0]) * 1.15
    frame = _Frame([p.quarter for p in points], 0.0, high)
    parts = frame.axes(_ticks(0.0, high), "Sustained outcomes in the rating window")
    bar = min(28.0, frame.plot_width / max(len(points), 1) * 0.5)
    for i, p in enumerate(points):
        if p.actual is not None:
            top = frame.y(p.actual)
            parts.append(
                f'<rect class="chart-bar" x="{_num(frame.x(i) - bar / 2)}" y="{_num(top)}" '
                f'width="{_num(bar)}" '
                f'height="{_num(frame.y(0.0) - top)}" fill="{_BLUE}"/>'
            )
    expected = [(i, v) for i, v in ((i, p.expected) for i, p in enumerate(points)) if v is not None]
    if len(expected) > 1:
        path = " ".join(f"{_num(frame.x(i))},{_num(frame.y(v))}" for i, v in expected)
        parts.append(
            f'<polyline class="chart-expected" points="{path}" fill="none" '
            f'stroke="{_ORANGE}" stroke-width="3"/>'
        )
    for i, value in expected:
        parts.append(
            f'<rect class="chart-expected-point" x="{_num(frame.x(i) - 5)}" y="{_num(frame.y(value) - 5)}" '
            f'width="10" height="10" fill="{_ORANGE}" stroke="{_INK}" stroke-width="1"/>'
        )
    first, last = (points[0].quarter, points[-1].quarter) if points else ("", "")
    description = (
        f"Actual sustained outcomes (bars) against the outcomes expected for the same mix of people "
        f"(squares joined by a line), {first} to {last}. The table beside the chart gives the same figures."
    )
    return _svg(chart_id, title, description, parts, "chart--outcomes")
