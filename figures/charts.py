"""Server-drawn SVG bar charts of one figure over periods: no script, no library, no CDN.

Each chart is an <svg role="img"> named by its <title> and summed up in its <desc> (highest, lowest, total or
mean), every bar carries a <title> with its period and value, and the page puts the same numbers in a table
(the chart's `aria-describedby` points to it). One series per chart, so colour is never the only signal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 10, 30
MAX_TITLED_BARS = 62  # two months of days


def nice_ceiling(value: float) -> float:
    """The axis top: 1, 2, 2.5 or 5 times a power of ten, at least the value (1 for nothing)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def bar_chart(chart_id: str, title: str, labels: Sequence[str], values: Sequence[float | None], *,
              unit: str = "", summary: Callable[[list[float]], str] | None = None, table_id: str = "") -> SafeString:
    """An SVG bar chart; None values (no data, e.g. no gig filled) draw no bar and say so in their title."""
    known = [v for v in values if v is not None]
    top = nice_ceiling(max(known, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values), 1)
    bar_w = max(step * 0.7, 0.5)
    if known:
        desc = summary(known) if summary else _("Highest %(high)s, lowest %(low)s, total %(total)s.") % {
            "high": _number(max(known)), "low": _number(min(known)), "total": _number(sum(known))}
    else:
        desc = _("No data in this range.")
    if labels:
        desc = _("%(first)s to %(last)s. ") % {"first": labels[0], "last": labels[-1]} + desc
    parts = [f'<svg class="figure-chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc"'
             + (f' aria-describedby="{escape(table_id)}"' if table_id else "") + ' preserveAspectRatio="none">',
             f'<title id="{escape(chart_id)}-title">{escape(title)}{" (" + escape(unit) + ")" if unit else ""}</title>',
             f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>']
    counts = all(v == int(v) for v in known)  # people and gigs: no "2.5" on the axis
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        if not (counts and (top * fraction) % 1):
            parts.append(f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                         f'{escape(_number(top * fraction))}</text>')
    # Few bars: one <rect> each with its own <title>. Many (a year of days): one <path> for all, since the
    # table holds every value and thousands of elements would slow the page for nothing.
    each = len(values) <= MAX_TITLED_BARS
    path = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + index * step + (step - bar_w) / 2
        height = 0 if value is None else plot_h * value / top
        if each:
            shown = _("no data") if value is None else _number(value) + (unit if unit == "%" else "")
            if value is None:
                parts.append(f'<g><title>{escape(label)}: {escape(shown)}</title></g>')
            else:
                parts.append(f'<rect class="bar" x="{x:.2f}" y="{TOP + plot_h - height:.2f}" width="{bar_w:.2f}" '
                             f'height="{height:.2f}"><title>{escape(label)}: {escape(shown)}</title></rect>')
        elif height > 0:
            path.append(f"M{x:.1f} {TOP + plot_h:.1f}v{-height:.1f}h{bar_w:.2f}v{height:.1f}z")
    if path:
        parts.append(f'<path class="bar" d="{"".join(path)}"/>')
    if labels:
        ticks = {0: "start", len(labels) - 1: "end"}
        if len(labels) > 2:
            ticks[len(labels) // 2] = "middle"
        for index, anchor in sorted(ticks.items()):
            x = LEFT + index * step + step / 2
            x = min(max(x, LEFT), WIDTH - RIGHT)
            parts.append(f'<text class="axis" x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}">'
                         f'{escape(labels[index])}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped or a number
