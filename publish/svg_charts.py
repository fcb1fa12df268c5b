"""Small, accessible, deterministic SVG charts for the bulletin, written by hand.

Three chart types are all the bulletin needs: a line over quarters, a dot plot
against a reference line, and horizontal bars. Each chart is one ``<svg>``
element with ``role="img"``, a ``<title>`` and a ``<desc>`` (the alt text)
that ``aria-labelledby`` names, text as real text (readable by a screen reader,
selectable, searchable), a colour-blind-safe palette and a shape or dash
pattern beside every colour. Ids come from a fixed prefix given by the caller,
and nothing else varies: the same figures give the same bytes.

Why not a plotting library: matplotlib's SVG backend draws text as paths (or
as unlabelled ``<text>`` without roles), writes a date and random clip-path ids
unless both are pinned through ``rcParams``, and would be a new 10 MB
dependency; Altair (pinned already) renders SVG only through a JavaScript
engine. The few hundred lines here are fully under test.

Not for: deciding what a chart shows (``publish.bulletin``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

#: GOV.UK design-system colours, distinguishable in the common colour-vision deficiencies.
BLUE = "#1d70b8"
ORANGE = "#d4351c"
GREY = "#505a5f"
LIGHT_GREY = "#b1b4b6"
BLACK = "#0b0c0c"
FONT = "font-family:Arial,Helvetica,sans-serif"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zeros: stable text for the same value."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``value`` (an axis maximum)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value - 1e-9:
            return step * power
    return 10 * power


def nice_step(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above ``value`` (a step between ticks)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value - 1e-9:
            return step * power
    return 10 * power


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" style="{FONT};max-width:100%;height:auto">',
        f'<title id="{chart_id}-title">{_e(title)}</title>',
        f'<desc id="{chart_id}-desc">{_e(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 13, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{_e(v)}"' for k, v in attrs.items())
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" fill="{BLACK}"{extra}>'
        f"{_e(text)}</text>"
    )


@dataclass(frozen=True)
class LinePoint:
    label: str  # the x position's label (a quarter)
    value: float | None  # None: not published (a gap in the line)
    final: bool  # a final figure (solid) or a provisional one (dashed, hollow)


def line_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    points: Sequence[LinePoint],
    y_label: str,
    final_label: str,
    provisional_label: str,
    width: int = 680,
    height: int = 340,
) -> str:
    """One line over ordered labels; final points solid and filled, provisional ones dashed and hollow."""
    left, right, top, bottom = 56, 20, 40, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for p in points if p.value is not None]
    y_step = nice_step(max(values, default=1.0) * 1.1 / 4)
    y_max = y_step * max(1, math.ceil(max(values, default=1.0) * 1.1 / y_step))
    ticks = round(y_max / y_step)
    out = _open(chart_id, width, height, title, description)
    n = len(points)

    def x_of(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n if n else 0)

    def y_of(v: float) -> float:
        return top + plot_h - plot_h * v / y_max

    for k in range(ticks + 1):
        v = y_step * k
        y = y_of(v)
        out.append(
            f'<line x1="{left}" y1="{_n(y)}" x2="{left + plot_w}" y2="{_n(y)}" stroke="{LIGHT_GREY}"/>'
        )
        out.append(_text(left - 6, y + 4, f"{v:g}", anchor="end", size=12))
    out.append(
        _text(14, top + plot_h / 2, y_label, anchor="middle", size=12, transform=_rot(14, top + plot_h / 2))
    )
    step = max(1, math.ceil(n / 12))
    for i, p in enumerate(points):
        if i % step == 0 or i == n - 1:
            x = x_of(i)
            out.append(
                _text(
                    x,
                    top + plot_h + 14,
                    p.label,
                    anchor="end",
                    size=11,
                    transform=_rot(x, top + plot_h + 14, -45),
                )
            )
    # segments: solid between two final points, dashed when either end is provisional
    for i in range(n - 1):
        a, b = points[i], points[i + 1]
        if a.value is None or b.value is None:
            continue
        dash = "" if (a.final and b.final) else ' stroke-dasharray="6 4"'
        out.append(
            f'<line x1="{_n(x_of(i))}" y1="{_n(y_of(a.value))}" x2="{_n(x_of(i + 1))}" '
            f'y2="{_n(y_of(b.value))}" stroke="{BLUE}" stroke-width="2.5"{dash}/>'
        )
    for i, p in enumerate(points):
        if p.value is None:
            continue
        fill = BLUE if p.final else "#ffffff"
        out.append(
            f'<circle cx="{_n(x_of(i))}" cy="{_n(y_of(p.value))}" r="4.5" fill="{fill}" stroke="{BLUE}" '
            f'stroke-width="2"><title>{_e(p.label)}: {p.value:g}'
            f"{'' if p.final else ' (provisional)'}</title></circle>"
        )
    # legend
    out.append(f'<line x1="{left}" y1="18" x2="{left + 30}" y2="18" stroke="{BLUE}" stroke-width="2.5"/>')
    out.append(f'<circle cx="{left + 15}" cy="18" r="4.5" fill="{BLUE}" stroke="{BLUE}" stroke-width="2"/>')
    out.append(_text(left + 38, 22, final_label, size=12))
    lx = left + 60 + 7 * len(final_label)
    out.append(
        f'<line x1="{_n(lx)}" y1="18" x2="{_n(lx + 30)}" y2="18" stroke="{BLUE}" stroke-width="2.5" '
        'stroke-dasharray="6 4"/>'
    )
    out.append(
        f'<circle cx="{_n(lx + 15)}" cy="18" r="4.5" fill="#ffffff" stroke="{BLUE}" stroke-width="2"/>'
    )
    out.append(_text(lx + 38, 22, provisional_label, size=12))
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{BLACK}"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


def _rot(x: float, y: float, degrees: int = -90) -> str:
    return f"rotate({degrees} {_n(x)} {_n(y)})"


@dataclass(frozen=True)
class Dot:
    label: str
    value: float | None  # None: not published (said in words at the row's end)
    group: str  # a key of the chart's ``styles``
    note: str = ""  # what stands instead of a missing value


#: group -> (legend text, colour, marker shape: "up", "down" or "circle")
DotStyles = dict[str, tuple[str, str, str]]


def _marker(shape: str, x: float, y: float, colour: str, tip: str) -> str:
    tip_element = f"<title>{_e(tip)}</title>"
    if shape == "up":
        points = f"{_n(x)},{_n(y - 6)} {_n(x + 6)},{_n(y + 5)} {_n(x - 6)},{_n(y + 5)}"
        return f'<polygon points="{points}" fill="{colour}">{tip_element}</polygon>'
    if shape == "down":
        points = f"{_n(x - 6)},{_n(y - 5)} {_n(x + 6)},{_n(y - 5)} {_n(x)},{_n(y + 6)}"
        return f'<polygon points="{points}" fill="{colour}">{tip_element}</polygon>'
    return (
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5" fill="#ffffff" stroke="{colour}" stroke-width="2">'
        f"{tip_element}</circle>"
    )


def dot_plot(
    chart_id: str,
    *,
    title: str,
    description: str,
    dots: Sequence[Dot],
    styles: DotStyles,
    reference: float,
    reference_label: str,
    x_label: str,
    width: int = 680,
    label_width: int = 250,
) -> str:
    """One row per item: a marker at its value, shaped and coloured by its group, and a reference line."""
    row_h, top, bottom, right = 22, 56, 46, 24
    height = top + row_h * max(len(dots), 1) + bottom
    left = label_width
    plot_w = width - left - right
    values = [d.value for d in dots if d.value is not None] + [reference]
    spread = max(abs(v - reference) for v in values)
    half = nice_ceiling(max(spread * 1.1, 0.1))
    low, high = max(0.0, reference - half), reference + half
    out = _open(chart_id, width, height, title, description)

    def x_of(v: float) -> float:
        return left + plot_w * (v - low) / (high - low)

    plot_bottom = top + row_h * len(dots)
    for k in range(5):
        v = low + (high - low) * k / 4
        x = x_of(v)
        out.append(
            f'<line x1="{_n(x)}" y1="{top - 6}" x2="{_n(x)}" y2="{plot_bottom}" stroke="{LIGHT_GREY}"/>'
        )
        out.append(_text(x, plot_bottom + 16, f"{v:.2f}", anchor="middle", size=12))
    out.append(_text(left + plot_w / 2, plot_bottom + 36, x_label, anchor="middle", size=12))
    rx = x_of(reference)
    out.append(
        f'<line x1="{_n(rx)}" y1="{top - 10}" x2="{_n(rx)}" y2="{plot_bottom}" stroke="{BLACK}" '
        'stroke-width="1.5" stroke-dasharray="4 3"/>'
    )
    out.append(_text(rx, top - 14, reference_label, anchor="middle", size=12))
    # legend, one line above the plot
    lx = 8.0
    for _, (text, colour, shape) in styles.items():
        out.append(_marker(shape, lx + 6, 16, colour, text))
        out.append(_text(lx + 16, 20, text, size=12))
        lx += 30 + 6.6 * len(text)
    for i, d in enumerate(dots):
        y = top + row_h * i + row_h / 2
        if i % 2 == 0:
            out.append(
                f'<rect x="0" y="{_n(y - row_h / 2)}" width="{width}" height="{row_h}" fill="#f3f2f1"/>'
            )
        out.append(_text(left - 8, y + 4, d.label, anchor="end", size=12))
        if d.value is None:
            out.append(_text(left + 6, y + 4, d.note, size=12, font_style="italic"))
            continue
        text, colour, shape = styles[d.group]
        out.append(_marker(shape, x_of(d.value), y, colour, f"{d.label}: {d.value:.2f}, {text}"))
    out.append("</svg>")
    return "\n".join(out)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: no bar, the note instead
    note: str = ""


def bar_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    bars: Sequence[Bar],
    maximum: int,
    x_label: str,
    unit: str,
    singular: str,
    width: int = 680,
    label_width: int = 250,
) -> str:
    """Horizontal bars from zero to ``maximum``, each with its value written at its end."""
    row_h, top, bottom, right = 22, 16, 46, 60
    height = top + row_h * max(len(bars), 1) + bottom
    left = label_width
    plot_w = width - left - right
    out = _open(chart_id, width, height, title, description)
    plot_bottom = top + row_h * len(bars)
    for k in range(maximum + 1):
        x = left + plot_w * k / maximum
        out.append(f'<line x1="{_n(x)}" y1="{top}" x2="{_n(x)}" y2="{plot_bottom}" stroke="{LIGHT_GREY}"/>')
        out.append(_text(x, plot_bottom + 16, str(k), anchor="middle", size=12))
    out.append(_text(left + plot_w / 2, plot_bottom + 36, x_label, anchor="middle", size=12))
    for i, b in enumerate(bars):
        y = top + row_h * i
        out.append(_text(left - 8, y + row_h / 2 + 4, b.label, anchor="end", size=12))
        if b.value is None:
            out.append(_text(left + 6, y + row_h / 2 + 4, b.note, size=12, font_style="italic"))
            continue
        w = plot_w * b.value / maximum
        out.append(
            f'<rect x="{left}" y="{_n(y + 3)}" width="{_n(w)}" height="{row_h - 6}" fill="{BLUE}">'
            f"<title>{_e(b.label)}: {b.value} {_e(unit if b.value != 1 else singular)}</title></rect>"
        )
        out.append(
            _text(left + w + 6, y + row_h / 2 + 4, f"{b.value} {unit if b.value != 1 else singular}", size=12)
        )
    out.append("</svg>")
    return "\n".join(out)
