"""Accessible inline SVG charts as strings, for HTML and PDF reports: no dependency, no script, no font file.

Three shapes, each generic (categories and numbers in, one ``<svg>`` element out):

* :func:`bar_chart`: horizontal bars, one per category (e.g. fleet share by maker, with percentages);
* :func:`stacked_bar_chart`: horizontal bars split into two or more series, with a legend (e.g. restricted
  everywhere / restricted here per site);
* :func:`column_chart`: vertical columns (e.g. plan cost per target year).

Every chart has ``role="img"``, a ``<title>`` and a ``<desc>`` that lists every figure (what a screen reader
says), a colour-blind-safe palette (Okabe & Ito) whose colours also differ in lightness, and the number
written beside or on every bar, so the chart still reads printed in greyscale. Each bar carries
``data-category``/``data-series``/``data-value`` so the figures can be checked by machine. All text is
XML-escaped, and characters XML forbids are dropped. Text widths are estimated (no font metrics): labels
longer than the label column are shortened with an ellipsis, the full text kept in the bar's ``<title>``.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe & Ito's colour-blind-safe palette, ordered so neighbouring series also differ in lightness."""

_TEXT_ON = {"#0072B2": "#ffffff", "#009E73": "#ffffff", "#D55E00": "#ffffff", "#000000": "#ffffff"}
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
FONT_SIZE = 12
CHAR_WIDTH = 0.62  # of the font size: a generous average for sans-serif text and digits
INK = "#222222"
GRID = "#bbbbbb"

_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ID_CHARS = re.compile(r"[^a-z0-9]+")

ValueFormat = Callable[[float], str]


def escape(text: object) -> str:
    """``text`` safe inside an XML element or a double- or single-quoted attribute."""
    return html.escape(_XML_INVALID.sub("", str(text)), quote=True)


def number(value: float) -> str:
    """A whole number without decimals, anything else with two; thousands separated by commas."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _check(values: Sequence[float]) -> None:
    for value in values:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"chart values must be finite and >= 0, not {value!r}")


def _width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * CHAR_WIDTH


def _fit(text: str, room: float, size: float = FONT_SIZE) -> str:
    """``text``, shortened with an ellipsis to about ``room`` pixels."""
    most = max(1, int(room / (size * CHAR_WIDTH)))
    return text if len(text) <= most else text[: max(1, most - 1)] + "…"


def _slug(title: str) -> str:
    return "chart-" + (_ID_CHARS.sub("-", title.casefold()).strip("-") or "untitled")


def _ink(colour: str) -> str:
    return _TEXT_ON.get(colour, INK)


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit else text


def _open(
    title: str, description: str, width: float, height: float, chart_id: str | None
) -> list[str]:
    ident = chart_id or _slug(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(ident)}" role="img" '
        f'aria-labelledby="{escape(ident)}-title {escape(ident)}-desc" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}" fill="{INK}">',
        f'<title id="{escape(ident)}-title">{escape(title)}</title>',
        f'<desc id="{escape(ident)}-desc">{escape(description)}</desc>',
        f'<text x="0" y="{FONT_SIZE + 2}" font-size="{FONT_SIZE + 2}" font-weight="bold" '
        f'class="chart-title">{escape(title)}</text>',
    ]


def _empty(title: str, chart_id: str | None, width: float) -> str:
    parts = _open(title, f"{title}: no data.", width, 56, chart_id)
    parts.append('<text x="0" y="44" font-style="italic">no data</text></svg>')
    return "\n".join(parts)


def _rect(
    x: float, y: float, w: float, h: float, colour: str, category: str, series: str, value: float,
    label: str,
) -> str:  # fmt: skip
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}" '
        f'stroke="{INK}" stroke-width="0.5" data-category="{escape(category)}" '
        f'data-series="{escape(series)}" data-value="{value!r}"><title>{escape(label)}</title></rect>'
    )


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    value_format: ValueFormat = number,
    show_share: bool = False,
    description: str = "",
    width: float = 640,
    colour: str = PALETTE[0],
    chart_id: str | None = None,
) -> str:
    """Horizontal bars, one per ``(category, value)`` in the order given, value written after each bar.

    ``show_share`` adds each value's percentage of the total ("12 (30.0%)"); ``unit`` follows every value;
    ``description`` opens the ``<desc>`` (which then lists every figure)."""
    _check([v for _, v in items])
    if not items:
        return _empty(title, chart_id, width)
    total = sum(v for _, v in items)

    def label(value: float) -> str:
        text = _with_unit(value_format(value), unit)
        if show_share:
            share = 100 * value / total if total else 0.0
            text += f" ({share:.1f}%)"
        return text

    labels = [label(v) for _, v in items]
    label_room = min(max(_width(c) for c, _ in items) + 8, width * 0.35)
    value_room = max(_width(t) for t in labels) + 8
    bar_room = max(40.0, width - label_room - value_room)
    top, bar, gap = 26.0, 18.0, 6.0
    height = top + len(items) * (bar + gap) + 4
    most = max(v for _, v in items) or 1.0
    figures = "; ".join(f"{c}: {t}" for (c, _), t in zip(items, labels, strict=True))
    parts = _open(title, f"{description} {figures}.".strip(), width, height, chart_id)
    parts.append(
        f'<line x1="{label_room:.1f}" y1="{top - 2:.1f}" x2="{label_room:.1f}" '
        f'y2="{height - 2:.1f}" stroke="{GRID}"/>'
    )
    for i, ((category, value), text) in enumerate(zip(items, labels, strict=True)):
        y = top + i * (bar + gap)
        w = bar_room * value / most
        baseline = y + bar / 2 + FONT_SIZE * 0.35
        parts.append('<g class="bar">')
        parts.append(
            f'<text x="{label_room - 6:.1f}" y="{baseline:.1f}" text-anchor="end" '
            f'class="category">{escape(_fit(category, label_room - 8))}</text>'
        )
        parts.append(
            _rect(label_room, y, w, bar, colour, category, "", value, f"{category}: {text}")
        )
        parts.append(
            f'<text x="{label_room + w + 4:.1f}" y="{baseline:.1f}" class="value">{escape(text)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def stacked_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    unit: str = "",
    value_format: ValueFormat = number,
    description: str = "",
    width: float = 640,
    colours: Sequence[str] = PALETTE,
    chart_id: str | None = None,
) -> str:
    """Horizontal bars, one per category, each split into the ``series`` (name, one value per category),
    with a legend. A segment's value is written on it where it fits; every bar ends with its total and,
    when some segments are too narrow to label, the figures behind it ("5 = 3 + 2")."""
    if len(series) < 1:
        raise ValueError("a stacked bar chart needs at least one series")
    for name, values in series:
        if len(values) != len(categories):
            raise ValueError(
                f"series {name!r} has {len(values)} values for {len(categories)} categories"
            )
        _check(values)
    if len(colours) < len(series):
        raise ValueError(f"{len(series)} series but only {len(colours)} colours")
    if not categories:
        return _empty(title, chart_id, width)
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    parts_of = [[values[i] for _, values in series] for i in range(len(categories))]
    ends = [
        _with_unit(value_format(t), unit)
        + (" = " + " + ".join(value_format(v) for v in p) if len(series) > 1 else "")
        for t, p in zip(totals, parts_of, strict=True)
    ]
    label_room = min(max(_width(c) for c in categories) + 8, width * 0.35)
    value_room = max(_width(t) for t in ends) + 8
    bar_room = max(40.0, width - label_room - value_room)
    legend_rows, legend_y = _legend_layout([n for n, _ in series], width)
    top, bar, gap = 26.0 + legend_rows * 18.0 + 6, 18.0, 6.0
    height = top + len(categories) * (bar + gap) + 4
    most = max(totals) or 1.0
    names = [n for n, _ in series]
    figures = "; ".join(
        f"{c}: "
        + ", ".join(
            f"{n} {_with_unit(value_format(v), unit)}" for n, v in zip(names, p, strict=True)
        )
        + f" (total {_with_unit(value_format(t), unit)})"
        for c, p, t in zip(categories, parts_of, totals, strict=True)
    )
    parts = _open(title, f"{description} {figures}.".strip(), width, height, chart_id)
    parts += _legend(names, colours, legend_y, width)
    parts.append(
        f'<line x1="{label_room:.1f}" y1="{top - 2:.1f}" x2="{label_room:.1f}" '
        f'y2="{height - 2:.1f}" stroke="{GRID}"/>'
    )
    for i, category in enumerate(categories):
        y = top + i * (bar + gap)
        baseline = y + bar / 2 + FONT_SIZE * 0.35
        parts.append('<g class="bar">')
        parts.append(
            f'<text x="{label_room - 6:.1f}" y="{baseline:.1f}" text-anchor="end" '
            f'class="category">{escape(_fit(category, label_room - 8))}</text>'
        )
        x = label_room
        all_fit = True
        for (name, values), colour in zip(series, colours, strict=False):
            value = values[i]
            w = bar_room * value / most
            text = value_format(value)
            parts.append(
                _rect(x, y, w, bar, colour, category, name, value,
                      f"{category}, {name}: {_with_unit(text, unit)}")
            )  # fmt: skip
            if value and _width(text) + 6 <= w:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{baseline:.1f}" text-anchor="middle" '
                    f'fill="{_ink(colour)}" class="segment">{escape(text)}</text>'
                )
            elif value:
                all_fit = False
            x += w
        end = ends[i] if not all_fit else _with_unit(value_format(totals[i]), unit)
        parts.append(f'<text x="{x + 4:.1f}" y="{baseline:.1f}" class="value">{escape(end)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _legend_layout(names: Sequence[str], width: float) -> tuple[int, float]:
    rows, x = 1, 0.0
    for name in names:
        step = 18 + _width(name) + 16
        if x and x + step > width:
            rows, x = rows + 1, 0.0
        x += step
    return rows, 26.0


def _legend(names: Sequence[str], colours: Sequence[str], top: float, width: float) -> list[str]:
    parts = ['<g class="legend">']
    x, y = 0.0, top
    for name, colour in zip(names, colours, strict=False):
        step = 18 + _width(name) + 16
        if x and x + step > width:
            x, y = 0.0, y + 18
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" fill="{colour}" '
            f'stroke="{INK}" stroke-width="0.5"/>'
        )
        parts.append(f'<text x="{x + 16:.1f}" y="{y + 10.5:.1f}">{escape(name)}</text>')
        x += step
    parts.append("</g>")
    return parts


def column_chart(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    value_format: ValueFormat = number,
    description: str = "",
    width: float = 640,
    height: float = 260,
    colour: str = PALETTE[2],
    chart_id: str | None = None,
) -> str:
    """Vertical columns, one per ``(category, value)`` in the order given (e.g. years), the value written
    above each column and the category below it; ``unit`` follows every value."""
    _check([v for _, v in items])
    if not items:
        return _empty(title, chart_id, width)
    labels = [_with_unit(value_format(v), unit) for _, v in items]
    top, bottom = 26.0 + FONT_SIZE + 6, FONT_SIZE + 10
    slot = width / len(items)
    column = min(64.0, slot * 0.7)
    room = height - top - bottom
    most = max(v for _, v in items) or 1.0
    figures = "; ".join(f"{c}: {t}" for (c, _), t in zip(items, labels, strict=True))
    parts = _open(title, f"{description} {figures}.".strip(), width, height, chart_id)
    base = height - bottom
    parts.append(f'<line x1="0" y1="{base:.1f}" x2="{width:.0f}" y2="{base:.1f}" stroke="{GRID}"/>')
    size = FONT_SIZE if max(_width(t) for t in labels) <= slot - 4 else FONT_SIZE - 2
    for i, ((category, value), text) in enumerate(zip(items, labels, strict=True)):
        centre = slot * (i + 0.5)
        h = room * value / most
        parts.append('<g class="bar">')
        parts.append(
            _rect(centre - column / 2, base - h, column, h, colour, category, "", value,
                  f"{category}: {text}")
        )  # fmt: skip
        parts.append(
            f'<text x="{centre:.1f}" y="{base - h - 4:.1f}" text-anchor="middle" font-size="{size}" '
            f'class="value">{escape(text)}</text>'
        )
        parts.append(
            f'<text x="{centre:.1f}" y="{height - 4:.1f}" text-anchor="middle" '
            f'class="category">{escape(_fit(category, slot - 4))}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


__all__ = ["PALETTE", "bar_chart", "column_chart", "escape", "number", "stacked_bar_chart"]
