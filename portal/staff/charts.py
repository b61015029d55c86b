"""Charts for the staff pages as inline SVG drawn on the server: no script, no inline style (the
content security policy allows neither), every label escaped as plain text."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ROW = 22  # height of one horizontal bar's row
_LABEL = 120  # room for a bar's label
_WIDTH = 440  # narrow enough that a phone shows the labels at a readable size
_TALL = 160  # the weekly chart's drawing height


def _cut(label: str, limit: int = 18) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def bars(title: str, labels: Sequence[str], values: Sequence[float | None],
         words: Sequence[str]) -> SafeString:
    """A horizontal bar per label, its value written beside it in `words` (empty for none)."""
    top = max([v for v in values if v is not None] + [0.0])
    room = _WIDTH - _LABEL - 96
    height = _ROW * len(labels) + 8
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {_WIDTH} {height}" '
             f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>']
    for n, (label, value, word) in enumerate(zip(labels, values, words, strict=True)):
        y = n * _ROW + 4
        width = 0 if not value or top <= 0 else max(room * value / top, 1)
        parts.append(
            f'<g><title>{escape(label)}: {escape(word)}</title>'
            f'<text class="label" x="{_LABEL - 6}" y="{y + 14}" text-anchor="end">'
            f'{escape(_cut(label))}</text>'
            f'<rect class="bar" x="{_LABEL}" y="{y + 2}" width="{width:.1f}" height="{_ROW - 6}"/>'
            f'<text class="value" x="{_LABEL + width + 6:.1f}" y="{y + 14}">{escape(word)}</text>'
            f'</g>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def weeks(title: str, labels: Sequence[str], opened: Sequence[int],
          still_open: Sequence[int]) -> SafeString:
    """Claims opened per week as columns, and the claims open at each week's end as a line."""
    top = max([*opened, *still_open, 1])
    left, bottom = 36, _TALL + 10
    step = (_WIDTH - left - 10) / max(len(labels), 1)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {_WIDTH} {bottom + 34}" '
             f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>',
             f'<line class="axis" x1="{left}" y1="{bottom}" x2="{_WIDTH - 10}" y2="{bottom}"/>',
             f'<text class="label" x="{left - 4}" y="18" text-anchor="end">{top}</text>',
             f'<text class="label" x="{left - 4}" y="{bottom}" text-anchor="end">0</text>']
    points = []
    for n, (label, count, held) in enumerate(zip(labels, opened, still_open, strict=True)):
        x = left + n * step
        h = _TALL * count / top
        parts.append(f'<g><title>{escape(label)}: {count} opened, {held} open at its end'
                     f'</title><rect class="bar" x="{x + step * 0.15:.1f}" y="{bottom - h:.1f}" '
                     f'width="{step * 0.7:.1f}" height="{h:.1f}"/></g>')
        points.append(f"{x + step / 2:.1f},{bottom - _TALL * held / top:.1f}")
        if len(labels) <= 8 or n % max(len(labels) // 8, 1) == 0:
            parts.append(f'<text class="label" x="{x + step / 2:.1f}" y="{bottom + 16}" '
                         f'text-anchor="middle">{escape(label[-3:])}</text>')
    if points:
        parts.append(f'<polyline class="line" points="{" ".join(points)}"/>')
    parts.append(f'<text class="label" x="{left}" y="{bottom + 32}">Columns: claims opened. '
                 'Line: claims open at the week\'s end.</text></svg>')
    return mark_safe("".join(parts))  # every piece of text above is escaped
