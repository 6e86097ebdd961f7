"""Small charts drawn on the server as SVG: no chart library, no script, nothing from outside.

Each chart is a bar chart with its numbers written beside the bars and a ``<title>``/``role=img``
label, and the page always shows the same figures as a table next to it (the chart is a
picture of the table, never the only place a number is). Colours are presentation attributes
(``fill=…``), which the console's Content-Security-Policy allows; there is no ``style=``.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#0b5cad", "#116329", "#a40e26", "#8250df", "#bc4c00", "#1b7c83", "#57606a", "#d4a72c")
ROW = 26
LABEL_W = 150
BAR_W = 220


def bars(title: str, rows: Sequence[tuple[str, int]]) -> str:
    """A horizontal bar chart of ``(label, value)`` rows."""
    height = max(1, len(rows)) * ROW + 10
    top = max((v for _, v in rows), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {LABEL_W + BAR_W + 50} {height}" width="{LABEL_W + BAR_W + 50}" height="{height}">',
             f"<title>{escape(title)}</title>"]
    for i, (label, value) in enumerate(rows):
        y = 5 + i * ROW
        width = round(BAR_W * value / top) if value else 0
        short = label if len(label) <= 19 else label[:18] + "…"
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 17}" text-anchor="end" font-size="13" fill="#1b1f24">'
                     f"{escape(short)}</text>")
        parts.append(f'<rect x="{LABEL_W}" y="{y + 4}" width="{width}" height="{ROW - 8}" fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{LABEL_W + width + 6}" y="{y + 17}" font-size="13" fill="#1b1f24">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_days(title: str, days: Sequence[dict], keys: Sequence[str], labels: Sequence[str] | None = None) -> str:
    """Vertical bars per day, stacked by ``keys`` (e.g. ``outbound/delivered``), with a legend
    that names each key by ``labels`` (the reader's words for it) when given."""
    names = dict(zip(keys, labels, strict=True)) if labels is not None else {k: k for k in keys}
    width = max(420, 46 * len(days) + 60)
    chart_h = 180
    pad = 20                                   # room for the totals above the tallest bar
    legend_h = 20 * len(keys) + 10
    top = max((d["total"] for d in days), default=0) or 1
    height = pad + chart_h + 40 + legend_h
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
             f"<title>{escape(title)}</title>",
             f'<line x1="40" y1="{pad + chart_h + 5}" x2="{width - 10}" y2="{pad + chart_h + 5}" stroke="#57606a"/>']
    for i, day in enumerate(days):
        x = 50 + i * 46
        y = pad + chart_h + 5
        for k, key in enumerate(keys):
            value = day["counts"].get(key, 0)
            if not value:
                continue
            h = round(chart_h * value / top)
            y -= h
            parts.append(f'<rect x="{x}" y="{y}" width="30" height="{h}" fill="{PALETTE[k % len(PALETTE)]}">'
                         f"<title>{escape(day['day'])} {escape(names[key])}: {value}</title></rect>")
        parts.append(f'<text x="{x + 15}" y="{y - 4}" text-anchor="middle" font-size="12" fill="#1b1f24">'
                     f"{day['total']}</text>")
        parts.append(f'<text x="{x + 15}" y="{pad + chart_h + 22}" text-anchor="middle" font-size="11" fill="#1b1f24">'
                     f"{escape(day['day'][5:])}</text>")
    for k, key in enumerate(keys):
        y = pad + chart_h + 36 + 20 * k
        parts.append(f'<rect x="50" y="{y}" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>')
        parts.append(f'<text x="68" y="{y + 11}" font-size="12" fill="#1b1f24">{escape(names[key])}</text>')
    parts.append("</svg>")
    return "".join(parts)
