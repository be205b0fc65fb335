"""Inline SVG bar charts: no script, no network, readable without CSS."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

ROW, LABEL_W, BAR_W, VALUE_W = 22, 230, 360, 70


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown ("12", "34%")
    href: str | None = None
    title: str | None = None  # tooltip


def bar_chart(bars: list[Bar], css_class: str = "bars") -> Markup:
    """One horizontal bar per item, the label left (a link when ``href``), the value right."""
    top = max((b.value for b in bars), default=0) or 1
    height = ROW * len(bars) + 4
    rows = []
    for i, b in enumerate(bars):
        y = i * ROW + 2
        w = max(1.0, BAR_W * b.value / top) if b.value else 0
        label = escape(b.label if len(b.label) <= 34 else b.label[:33] + "…")
        text = f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end" class="label">{label}</text>'
        if b.href:
            text = f'<a href="{escape(b.href)}">{text}</a>'
        tip = f"<title>{escape(b.title or b.label)}: {escape(b.text)}</title>"
        rows.append(f'<g>{tip}{text}<rect x="{LABEL_W}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}" rx="2"/>'
                    f'<text x="{LABEL_W + w + 6:.1f}" y="{y + 15}" class="value">{escape(b.text)}</text></g>')
    width = LABEL_W + BAR_W + VALUE_W
    return Markup(f'<svg class="{css_class}" role="img" width="100%" style="max-width:{width}px" '
                  f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>')


def pair_chart(rows: list[tuple[str, int, int]], names: tuple[str, str] = ("kept", "removed"),
               css_class: str = "bars scores") -> Markup:
    """Two bars per row (``names``: their CSS classes and tooltips), one scale for both."""
    top = max((max(a, b) for _, a, b in rows), default=0) or 1
    half = (ROW - 6) // 2
    height = ROW * len(rows) + 4
    out = []
    for i, (label, *values) in enumerate(rows):
        y = i * ROW + 2
        parts = [f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end" class="label">{escape(label)}</text>']
        for j, (name, value) in enumerate(zip(names, values)):
            w = max(1.0, BAR_W * value / top) if value else 0
            top_y = y + 3 + j * half
            parts.append(f'<g><title>{escape(label)}: {value} {escape(name)}</title>'
                         f'<rect class="{escape(name)}" x="{LABEL_W}" y="{top_y}" width="{w:.1f}" height="{half - 1}" rx="1"/>'
                         + (f'<text x="{LABEL_W + w + 6:.1f}" y="{top_y + half - 1}" class="value small">{value}</text>' if value else "")
                         + '</g>')
        out.append("".join(parts))
    width = LABEL_W + BAR_W + VALUE_W
    return Markup(f'<svg class="{css_class}" role="img" width="100%" style="max-width:{width}px" '
                  f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(out)}</svg>')
