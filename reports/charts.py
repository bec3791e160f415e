"""Charts drawn on the server as inline SVG: no JavaScript, no internet resource.

Each function takes values and already formatted labels and returns SVG markup
with a <title> and a <desc> the image is labelled by. Every text that goes into
the SVG is escaped (district names are data). Coordinates are written with a
dot whatever the active language, and the drawing scales to its container
(viewBox, width 100%), down to a 390px phone. A chart is shown together with a
table of the same figures (templates/includes/chart_figure.html), its text alternative.
"""

from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH = 400
PAD = 8
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
BAR_COLOUR = "#1b6e3c"
CURRENT_COLOUR = "#b07d00"
AXIS_COLOUR = "#5b6670"
GRID_COLOUR = "#d5dbe0"
LABEL_MAX_CHARS = 58
VALUE_CHAR_WIDTH = 7.2  # a generous average width of one 12px bold character

# Horizontal bars: the label on one line, the bar below it, the value after the bar.
ROW = 36
BAR_TOP = 17
BAR_HEIGHT = 13
VALUE_SPACE = 84
BAR_AREA = WIDTH - 2 * PAD - VALUE_SPACE

# Columns: value above, year below, ticks on the left.
COLUMN_HEIGHT = 230
AXIS_LEFT = 30
AXIS_TOP = 22
AXIS_BOTTOM = 26
COLUMN_MAX_WIDTH = 46


@dataclass(frozen=True)
class Bar:
    """One bar or column: what it is, how big, how to say its value, where it leads."""

    label: str
    value: float
    value_label: str
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Chart:
    """An SVG with its figures as a table (headers, rows of (text, url) cells)."""

    chart_id: str
    title: str
    desc: str
    svg: str
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)


def _n(x):
    """A coordinate: plain dot decimal, never localised."""
    return f"{x:.1f}".removesuffix(".0")


def _short(label):
    label = str(label)
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"


def _scale(value, maximum, length):
    if not maximum or maximum <= 0:
        return 0.0
    return max(0.0, min(float(value) / float(maximum), 1.0)) * length


def _svg(chart_id, title, desc, height, body, *, linked=False):
    # An image is one thing to a screen reader, its content hidden: a chart whose bars are
    # links is a group (named the same way), so that its links can be reached.
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'role="{role}" aria-labelledby="{id}-title {id}-desc" class="chart-svg" '
        'font-family="{font}" font-size="13" fill="#1d2329">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=WIDTH,
        h=_n(height),
        role="group" if linked else "img",
        id=chart_id,
        font=FONT,
        title=title,
        desc=desc,
        body=body,
    )


def _linked(url, content):
    if not url:
        return content
    return format_html('<a href="{}">{}</a>', url, content)


def bar_chart(bars, *, chart_id, title, desc, maximum):
    """Horizontal bars in the given order; a bar's length is value / maximum of the width."""
    rows = []
    for i, bar in enumerate(bars):
        top = PAD + i * ROW
        width = _scale(bar.value, maximum, BAR_AREA)
        colour = CURRENT_COLOUR if bar.current else BAR_COLOUR
        # The value follows the bar, or sits inside its end when it would leave the drawing.
        value_x, value_style = PAD + width + 5, ""
        if value_x + len(bar.value_label) * VALUE_CHAR_WIDTH > WIDTH - PAD:
            value_x, value_style = PAD + width - 5, mark_safe(' text-anchor="end" fill="#fff"')
        row = format_html(
            '<g class="bar{current}"><title>{label}: {value}</title>'
            '<text x="{x}" y="{ty}"{weight}>{short}</text>'
            '<rect x="{x}" y="{by}" width="{bw}" height="{bh}" rx="2" fill="{colour}"/>'
            '<text x="{vx}" y="{vy}" font-size="12" font-weight="600"{value_style}>{value}</text>'
            "</g>",
            current=" current" if bar.current else "",
            label=bar.label,
            short=_short(bar.label),
            value=bar.value_label,
            weight=mark_safe(' font-weight="700"') if bar.current else "",
            x=PAD,
            ty=_n(top + 12),
            by=_n(top + BAR_TOP),
            bw=_n(width),
            bh=BAR_HEIGHT,
            colour=colour,
            vx=_n(value_x),
            value_style=value_style,
            vy=_n(top + BAR_TOP + BAR_HEIGHT - 2),
        )
        rows.append(_linked(bar.url, row))
    height = 2 * PAD + max(len(bars), 1) * ROW - 4
    linked = any(bar.url for bar in bars)
    return _svg(chart_id, title, desc, height, mark_safe("".join(rows)), linked=linked)


def column_chart(columns, *, chart_id, title, desc, maximum, ticks=()):
    """Vertical columns left to right (e.g. years), with horizontal grid lines at `ticks`."""
    plot_width = WIDTH - AXIS_LEFT - PAD
    plot_height = COLUMN_HEIGHT - AXIS_TOP - AXIS_BOTTOM
    base = AXIS_TOP + plot_height
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="{}">{}</text>',
        (
            (
                AXIS_LEFT,
                _n(y),
                WIDTH - PAD,
                _n(y),
                GRID_COLOUR,
                AXIS_LEFT - 4,
                _n(y + 4),
                AXIS_COLOUR,
                label,
            )
            for value, label in ticks
            for y in [base - _scale(value, maximum, plot_height)]
        ),
    )
    slot = plot_width / max(len(columns), 1)
    width = min(COLUMN_MAX_WIDTH, slot * 0.6)
    parts = []
    for i, column in enumerate(columns):
        height = _scale(column.value, maximum, plot_height)
        centre = AXIS_LEFT + slot * (i + 0.5)
        colour = CURRENT_COLOUR if column.current else BAR_COLOUR
        part = format_html(
            '<g class="column{current}"><title>{label}: {value}</title>'
            '<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="2" fill="{colour}"/>'
            '<text x="{cx}" y="{vy}" text-anchor="middle" font-size="12" font-weight="600">'
            "{value}</text>"
            '<text x="{cx}" y="{ly}" text-anchor="middle"{weight}>{label}</text></g>',
            current=" current" if column.current else "",
            label=column.label,
            value=column.value_label,
            weight=mark_safe(' font-weight="700"') if column.current else "",
            x=_n(centre - width / 2),
            y=_n(base - height),
            w=_n(width),
            h=_n(height),
            colour=colour,
            cx=_n(centre),
            vy=_n(base - height - 5),
            ly=_n(base + 17),
        )
        parts.append(_linked(column.url, part))
    axis = format_html(
        '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" stroke-width="1.5"/>',
        x1=AXIS_LEFT,
        x2=WIDTH - PAD,
        y=_n(base),
        c=AXIS_COLOUR,
    )
    body = mark_safe(grid + "".join(parts) + axis)
    linked = any(column.url for column in columns)
    return _svg(chart_id, title, desc, COLUMN_HEIGHT, body, linked=linked)
