"""The dashboard's three charts (reports.charts draws them): criteria met per commune by
district and by year, communes meeting each criterion; each with a table of its figures.

A year's charts are on its period's scale (19 criteria up to 2025, 10 from 2026) and the
year chart shows that period's years only, never mixing two sets.
"""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from communes.models import Map
from core.templatetags.ntm_format import number

from ..charts import Bar, Chart, bar_chart, column_chart
from ..year_set import APPROVED_PARAM

# More districts than this (a national deployment has ~700): the district chart and its
# table show the best and the lowest half of this many, and say how many there are.
DISTRICT_BARS = 30


def link(name, **params):
    """A page's URL with its non-empty GET parameters (the URL contract between pages)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def place_params(place):
    """The URL parameters naming a place (the URL contract between pages)."""
    return {"map": place.map.value, "province": place.province_id, "district": place.district_id}


def approved_params(f):
    """?da-duyet=1 when the figures count approved commune-years only (kept by every link)."""
    return {APPROVED_PARAM: 1} if f.approved_only else {}


def charts(f, linked=True):
    """The year's charts; `linked`: a district's bar opens the communes list (not for a user
    whose list holds other rows: a leader's, their own communes)."""
    if f.year is None:
        return []
    scale = max(f.year_set.total, 1)  # the year's set: 19 criteria, 10 from 2026
    return [
        chart
        for chart in (
            district_chart(f, scale, linked),
            criteria_chart(f),
            year_chart(f, scale),
        )
        if chart is not None
    ]


def district_chart(f, scale, linked=True):
    if not f.by_district:
        return None
    shown = f.by_district
    if len(shown) > DISTRICT_BARS:
        half = DISTRICT_BARS // 2
        shown = shown[:half] + shown[-half:]
    bars = [
        Bar(
            d.name,
            d.average.value,
            number(d.average.value, 1),
            # The district's communes assessed that year (criteria_min=0: with a result),
            # as many as the table's "Số xã được đánh giá".
            link(
                "reports:commune_list",
                map=Map.OLD.value,
                district=d.district_id,
                year=f.year,
                criteria_min=0,
                **approved_params(f),
            )
            if linked
            else "",
            current=d.district_id == f.district_id,
        )
        for d in shown
    ]
    title = _("Số tiêu chí đạt bình quân/xã theo huyện, năm %(year)s") % {"year": f.year}
    desc = _(
        "Mỗi huyện một thanh, xếp từ cao xuống thấp; thanh dài hết khung là %(scale)s "
        "tiêu chí. Huyện cao nhất: %(first)s (%(high)s); thấp nhất: %(last)s (%(low)s)."
    ) % {
        "scale": scale,
        "first": bars[0].label,
        "high": bars[0].value_label,
        "last": bars[-1].label,
        "low": bars[-1].value_label,
    }
    if len(shown) < len(f.by_district):
        desc += " " + _(
            "Có %(total)s huyện: biểu đồ và bảng chỉ nêu %(half)s huyện cao nhất và "
            "%(half)s huyện thấp nhất."
        ) % {"total": number(len(f.by_district)), "half": DISTRICT_BARS // 2}
    return Chart(
        "chart-districts",
        title,
        desc,
        bar_chart(bars, chart_id="chart-districts", title=title, desc=desc, maximum=scale),
        headers=[_("Huyện"), _("Số xã được đánh giá"), _("Tiêu chí đạt bình quân/xã")],
        rows=[
            [(bar.label, bar.url), (number(d.average.communes), ""), (bar.value_label, "")]
            for bar, d in zip(bars, shown, strict=True)
        ],
    )


def criteria_chart(f):
    if not f.criteria or not f.average.communes:
        return None
    bars = [
        Bar(
            f"{c.number}. {c.name}",
            c.communes_met,
            _("%(n)s xã (%(percent)s%%)")
            % {"n": number(c.communes_met), "percent": number(c.percent, 1)},
        )
        for c in f.criteria
    ]
    title = _("Số xã đạt từng tiêu chí, năm %(year)s (%(set)s, %(n)s tiêu chí)") % {
        "year": f.year,
        "set": f.year_set.set_label,
        "n": f.year_set.total,
    }
    desc = _(
        "Mỗi tiêu chí một thanh, theo thứ tự tiêu chí; thanh dài hết khung là "
        "toàn bộ %(n)s xã được đánh giá."
    ) % {"n": number(f.average.communes)}
    return Chart(
        "chart-criteria",
        title,
        desc,
        bar_chart(
            bars,
            chart_id="chart-criteria",
            title=title,
            desc=desc,
            maximum=f.average.communes,
        ),
        headers=[_("Tiêu chí"), _("Số xã đạt"), _("Tỷ lệ xã đạt")],
        rows=[
            [(bar.label, ""), (number(c.communes_met), ""), (f"{number(c.percent, 1)}%", "")]
            for bar, c in zip(bars, f.criteria, strict=True)
        ],
    )


def year_chart(f, scale):
    if not f.by_year:
        return None
    columns = [
        Bar(
            str(year),
            average.value,
            number(average.value, 1),
            link(
                "reports:dashboard",
                **place_params(f.place),
                year=year,
                **({APPROVED_PARAM: 1} if f.approved_only else {}),
            ),
            current=year == f.year,
        )
        for year, average in f.by_year.items()
    ]
    title = _("Số tiêu chí đạt bình quân/xã qua các năm")
    if f.year_set.period is not None:
        title = _("Số tiêu chí đạt bình quân/xã qua các năm của giai đoạn %(period)s") % {
            "period": f.year_set.period.label
        }
    desc = _(
        "Mỗi năm một cột, từ năm %(first)s đến năm %(last)s; trục đứng từ 0 đến "
        "%(scale)s tiêu chí. Năm đang xem được tô màu khác."
    ) % {"first": columns[0].label, "last": columns[-1].label, "scale": scale}
    ticks = [(t, str(t)) for t in range(0, scale - 2, 5)] + [(scale, str(scale))]
    return Chart(
        "chart-years",
        title,
        desc,
        column_chart(
            columns,
            chart_id="chart-years",
            title=title,
            desc=desc,
            maximum=scale,
            ticks=ticks,
        ),
        headers=[_("Năm"), _("Số xã được đánh giá"), _("Tiêu chí đạt bình quân/xã")],
        rows=[
            [(column.label, column.url), (number(a.communes), ""), (column.value_label, "")]
            for column, a in zip(columns, f.by_year.values(), strict=True)
        ],
    )
