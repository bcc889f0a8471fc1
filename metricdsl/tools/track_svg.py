"""`track --format html`: a self-contained page (no script, no network) with the tracking table and an
inline SVG chart of actual against target per bucket.

Each bucket gets a pale bar for its target and, over it, a narrower bar for its actual: green when
on schedule, red when behind its time progress; bucket labels are slanted so that weeks fit. All
text is escaped; the page has its own style.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

PLOT_HEIGHT = 220
SLOT = 46
BAR = 30
INNER = 16
LEFT = 70
TOP = 28
BOTTOM = 70
FONT = 12

STYLE = """
body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2rem; color: #222; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; } p.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
th, td { padding: .3rem .7rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
tr.behind td { color: #b00020; font-weight: 600; } tr.whole td { background: #f6f6f6; }
svg text { font-size: 12px; fill: #333; } .target { fill: #d7dee8; } .actual { fill: #2e7d32; }
.actual.behind { fill: #c62828; } .axis { stroke: #999; }
"""


def chart_svg(labels: Sequence[str], targets: Sequence[float], actuals: Sequence[float], behind: Sequence[bool],
              title: str, value_text: Callable[[float], str]) -> str:
    """Target (pale, wide) and actual (narrow, green or red) bars per bucket, scaled to the largest."""
    e = html.escape
    peak = max([*targets, *actuals, 0.0]) or 1.0
    width, height = LEFT + SLOT * max(len(labels), 1) + 10, TOP + PLOT_HEIGHT + BOTTOM
    base = TOP + PLOT_HEIGHT
    parts = [(f'<svg class="track" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
              f'viewBox="0 0 {width} {height}" role="img" aria-label="{e(title)}"><title>{e(title)}</title>'),
             f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{width - 10}" y2="{base}"/>',
             f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{e(value_text(peak))}</text>',
             f'<text x="{LEFT - 6}" y="{base}" text-anchor="end">0</text>']
    for index, (label, target, actual, late) in enumerate(zip(labels, targets, actuals, behind, strict=True)):
        x = LEFT + SLOT * index + (SLOT - BAR) / 2
        target_height, actual_height = PLOT_HEIGHT * max(target, 0.0) / peak, PLOT_HEIGHT * max(actual, 0.0) / peak
        status = " behind" if late else ""
        parts.append(f'<rect class="target" x="{x:.1f}" y="{base - target_height:.1f}" width="{BAR}" '
                     f'height="{target_height:.1f}"><title>{e(label)} target {e(value_text(target))}</title></rect>')
        parts.append(f'<rect class="actual{status}" x="{x + (BAR - INNER) / 2:.1f}" y="{base - actual_height:.1f}" '
                     f'width="{INNER}" height="{actual_height:.1f}"><title>{e(label)} actual '
                     f'{e(value_text(actual))}</title></rect>')
        label_x, label_y = x + BAR / 2 + 4, base + 14
        parts.append(f'<text x="{label_x:.1f}" y="{label_y}" text-anchor="end" '
                     f'transform="rotate(-45 {label_x:.1f} {label_y})">{e(label)}</text>')
    parts.append(f'<text x="{LEFT}" y="{TOP - 10}">{e(title)}</text></svg>')
    return "".join(parts)


def html_page(title: str, subtitle: str, header: Sequence[str], rows: Sequence[Sequence[str]],
              classes: Sequence[str], chart: str) -> str:
    """The whole page: heading, chart, then the table (each row with its CSS classes)."""
    e = html.escape
    head = "".join(f"<th>{e(cell)}</th>" for cell in header)
    body = "".join(f'<tr class="{e(kind)}">' + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>"
                   for row, kind in zip(rows, classes, strict=True))
    return (f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>{e(title)}</title>'
            f"<style>{STYLE}</style></head><body><h1>{e(title)}</h1><p class=\"sub\">{e(subtitle)}</p>"
            f"{chart}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>\n")
