"""The province dashboard: headline figures and three charts, for one year, on one map.

On the old map the figures can be read by old province and district (how the
2021–2025 reports were made); on today's map over the whole province, the same
records giving the same totals (reports.figures).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from assignments.filters import list_map
from communes.models import CriteriaSet, Map
from core import formats
from core.templatetags.ntm_format import number

from .. import figures
from ..charts import Bar, Chart, bar_chart, column_chart
from ..forms import DashboardFilterForm

CRITERIA_IN_SET = 19  # the scale of the averages when the set's criteria are not loaded
# More districts than this (a national deployment has ~700): the district chart and its
# table show the best and the lowest half of this many, and say how many there are.
DISTRICT_BARS = 30


@dataclass(frozen=True)
class Card:
    label: str
    figure: str
    url: str
    note: str = ""


def link(name, **params):
    """A page's URL with its non-empty GET parameters (the URL contract between pages)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def place_params(place):
    """The URL parameters naming a place (the URL contract between pages)."""
    return {"map": place.map.value, "province": place.province_id, "district": place.district_id}


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current_map = list_map(self.request.GET)
        # Today's map has no district: no district chart, no choice of district to load.
        districts = figures.programme_districts() if current_map == Map.OLD else []
        totals = figures.criteria_totals()
        years = totals.years
        place, year = self.choose(current_map, districts, years)
        district = next((d for d in districts if d.pk == place.district_id), None)
        province = next((d.province for d in districts if d.province_id == place.province_id), "")
        summary = figures.summary(totals, year, place, districts)

        title = _("Tổng quan xây dựng nông thôn mới")
        breadcrumbs = [(title, "")]
        whole_url = link("reports:dashboard", map=current_map.value, year=year)
        if district is not None or province:
            breadcrumbs = [(title, whole_url), (district.name if district else province, "")]
        initial = {"map": current_map.value, "year": year}
        initial.update(province=place.province_id, district=place.district_id)
        context.update(
            page_title=title,
            breadcrumbs=breadcrumbs,
            form=DashboardFilterForm(
                map=current_map, districts=districts, years=years, initial=initial
            ),
            current_map=current_map,
            scope=district.name if district else province,
            whole_url=whole_url if district is not None or province else "",
            year=year,
            figures=summary,
            figure_sections=self.figure_sections(summary),
            charts=self.charts(summary),
        )
        return context

    def choose(self, current_map, districts, years):
        """The place and year asked for, or the defaults with a message when unusable."""
        form = DashboardFilterForm(
            self.request.GET, map=current_map, districts=districts, years=years
        )
        form.is_valid()
        data = form.cleaned_data
        default_year = years[-1] if years else None
        province_id, district_id = data.get("province"), data.get("district")
        for name, text in (
            ("province", _("Không có tỉnh cũ “%(value)s”; đang hiển thị toàn tỉnh.")),
            ("district", _("Không có huyện “%(value)s”; đang hiển thị toàn tỉnh.")),
        ):
            if name in form.errors:
                messages.warning(self.request, text % {"value": self.request.GET[name][:20]})
        if current_map == Map.CURRENT and (
            self.request.GET.get("district") or self.request.GET.get("province")
        ):
            messages.info(
                self.request,
                _(
                    "Bản đồ hiện nay không còn cấp huyện: đang hiển thị toàn tỉnh. "
                    "Chọn “%(old)s” để xem theo huyện cũ."
                )
                % {"old": Map.OLD.label},
            )
        district = next((d for d in districts if d.pk == district_id), None)
        if district is not None and province_id not in (None, district.province_id):
            messages.warning(
                self.request,
                _("%(district)s không thuộc tỉnh cũ đã chọn; đang hiển thị %(district)s.")
                % {"district": district.name},
            )
        if district is not None:
            province_id = None  # the district says which province
        if "year" in form.errors:
            if default_year is None:
                text = _("Chưa có kết quả đánh giá tiêu chí nào; chưa thể xem năm “%(value)s”.")
            else:
                text = _(
                    "Không có kết quả đánh giá tiêu chí năm “%(value)s”; "
                    "đang hiển thị năm %(year)s."
                )
            messages.warning(
                self.request, text % {"value": self.request.GET["year"][:20], "year": default_year}
            )
        year = data.get("year") or default_year
        return figures.Place(current_map, province_id, district_id), year

    def figure_sections(self, f):
        if f.year is None:
            results = _("Kết quả xây dựng nông thôn mới")
        else:
            results = _("Kết quả đến năm %(year)s") % {"year": f.year}
        results_note = _(
            "Mỗi xã tính một lần, theo mức cao nhất được công nhận đến 31/12 của năm đang xem."
        )
        activity_note = _("Bấm vào một con số để xem danh sách tương ứng.")
        if f.place.map == Map.CURRENT:
            results_note += " " + _(
                "Số xã tính theo đơn vị tại thời điểm công nhận, đánh giá (các xã đã sáp nhập "
                "vẫn tính riêng), nên bằng số liệu trên bản đồ cũ. Mỗi đơn vị hiện nay (%(units)s "
                "đơn vị của chương trình) tính theo mức cao nhất của nó và các xã cũ của nó."
            ) % {"units": number(f.recognitions["units"])}
            activity_note += " " + _(
                "Tính mọi chuyến công tác, phân công, kiến nghị, của xã cũ cũng như của đơn vị "
                "hiện nay."
            )
        elif f.place.is_whole:
            activity_note += " " + _(
                "Toàn tỉnh gồm cả hồ sơ ghi cho đơn vị mới từ 01/07/2025 (không thuộc huyện cũ "
                "nào)."
            )
        return [
            {
                "id": "results-heading",
                "heading": results,
                "cards": self.result_cards(f),
                "note": results_note,
            },
            {
                "id": "activity-heading",
                "heading": _("Hoạt động giúp đỡ xã, tính đến hôm nay"),
                "cards": self.activity_cards(f),
                "note": activity_note,
            },
        ]

    def result_cards(self, f):
        """Recognitions and criteria of the chosen year."""
        recognised = f.recognitions
        total = number(recognised["total"])
        place = place_params(f.place)
        levels = {
            CriteriaSet.Level.NTM: _("xã đạt chuẩn nông thôn mới"),
            CriteriaSet.Level.ADVANCED: _("xã đạt chuẩn nông thôn mới nâng cao"),
            CriteriaSet.Level.MODEL: _("xã đạt chuẩn nông thôn mới kiểu mẫu"),
        }
        cards = []
        for level, label in levels.items():
            note = _("trên tổng số %(total)s xã") % {"total": total}
            if f.place.map == Map.CURRENT:
                note = _(
                    "trên tổng số %(total)s xã trước 01/07/2025; là mức cao nhất của "
                    "%(units)s đơn vị hiện nay"
                ) % {"total": total, "units": number(recognised[f"{level}_units"])}
            url = link("reports:commune_list", **place, level=level, year=f.year)
            cards.append(Card(label, number(recognised[level]), url, note))
        cards.append(
            Card(
                _("tiêu chí đạt bình quân/xã"),
                number(f.average.value, 1),
                link("reports:commune_list", **place, year=f.year),
                _("%(n)s xã được đánh giá năm %(year)s")
                % {"n": number(f.average.communes), "year": f.year or "–"},
            )
        )
        return cards

    def activity_cards(self, f):
        """The working groups' activity as of today, whatever the chosen year."""
        place = place_params(f.place)
        return [
            Card(
                _("chuyến công tác trong 90 ngày qua"),
                number(f.recent_visits),
                link(
                    "assignments:visit_list",
                    **place,
                    date_from=f.recent_since.isoformat(),
                    date_to=f.today.isoformat(),
                    status="confirmed",
                ),
                _("từ %(date)s") % {"date": formats.day(f.recent_since)},
            ),
            Card(
                _("phân công quá %(days)s ngày chưa đi cơ sở")
                % {"days": number(settings.NTM_STALE_VISIT_DAYS)},
                number(f.stale_assignments),
                link("assignments:assignment_list", **place, stale=1),
                _("kể cả chưa đi lần nào"),
            ),
            Card(
                _("kiến nghị quá hạn chưa giải quyết"),
                number(f.overdue_recommendations),
                link("assignments:assignment_list", **place, overdue=1),
                _("hạn xử lý trước %(date)s") % {"date": formats.day(f.today)},
            ),
        ]

    def charts(self, f):
        if f.year is None:
            return []
        scale = len(f.criteria) or CRITERIA_IN_SET
        return [
            chart
            for chart in (
                self.district_chart(f, scale),
                self.criteria_chart(f),
                self.year_chart(f, scale),
            )
            if chart is not None
        ]

    def district_chart(self, f, scale):
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
                link(
                    "reports:commune_list", map=Map.OLD.value, district=d.district_id, year=f.year
                ),
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

    def criteria_chart(self, f):
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
        title = _("Số xã đạt từng tiêu chí, năm %(year)s") % {"year": f.year}
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

    def year_chart(self, f, scale):
        if not f.by_year:
            return None
        columns = [
            Bar(
                str(year),
                average.value,
                number(average.value, 1),
                link("reports:dashboard", **place_params(f.place), year=year),
                current=year == f.year,
            )
            for year, average in f.by_year.items()
        ]
        title = _("Số tiêu chí đạt bình quân/xã qua các năm")
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
