"""The province dashboard: headline figures and three charts, for one year, on one map.

On the old map the figures can be read by old province and district (how the
2021–2025 reports were made); on today's map over the whole province, the same
records giving the same totals (reports.figures). A year's figures are read against
its period's criteria set and levels (reports.year_set), and ``?da-duyet=1`` keeps
the approved commune-years only.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from assignments import access
from assignments.filters import list_map
from communes.models import Level, Map
from core import formats
from core.templatetags.ntm_format import number

from .. import figures
from ..forms import DashboardFilterForm
from ..year_set import APPROVED_PARAM
from .dashboard_charts import approved_params, charts, link, place_params

LEVEL_CARDS = {
    Level.NTM: gettext_lazy("xã đạt chuẩn nông thôn mới"),
    Level.ADVANCED: gettext_lazy("xã đạt chuẩn nông thôn mới nâng cao"),
    Level.MODEL: gettext_lazy("xã đạt chuẩn nông thôn mới kiểu mẫu"),
    Level.MODERN: gettext_lazy("xã đạt chuẩn nông thôn mới hiện đại (thí điểm)"),
}
# "trong đó 7 xã nâng cao": the communes of a higher level among those of a card.
LEVEL_AMONG = {
    Level.ADVANCED: gettext_lazy("%(n)s xã nâng cao"),
    Level.MODEL: gettext_lazy("%(n)s xã kiểu mẫu"),
    Level.MODERN: gettext_lazy("%(n)s xã hiện đại (thí điểm)"),
}


@dataclass(frozen=True)
class Card:
    """A figure; `url` the list of its `rows` rows (the rows it counts, as the user may see
    them), or "" when no list shows this user those rows: the figure is then not a link."""

    label: str
    figure: str
    url: str
    note: str = ""
    rows: int | None = None


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current_map = list_map(self.request.GET)
        # Today's map has no district: no district chart, no choice of district to load.
        districts = figures.programme_districts() if current_map == Map.OLD else []
        totals = figures.criteria_totals()
        years = totals.years
        place, year, approved_only = self.choose(current_map, districts, years)
        district = next((d for d in districts if d.pk == place.district_id), None)
        province = next((d.province for d in districts if d.province_id == place.province_id), "")
        summary = figures.summary(totals, year, place, districts, approved_only=approved_only)
        # A leader's lists hold their own communes: a figure of the place would open a list of
        # other rows (or none), so it is not a link for them.
        self.linked = not access.is_leader_scoped(self.request.user)

        title = _("Tổng quan xây dựng nông thôn mới")
        breadcrumbs = [(title, "")]
        whole_url = link("reports:dashboard", map=current_map.value, year=year)
        if district is not None or province:
            breadcrumbs = [(title, whole_url), (district.name if district else province, "")]
        initial = {"map": current_map.value, "year": year, APPROVED_PARAM: approved_only}
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
            year_set=summary.year_set,
            approved_only=approved_only,
            figures=summary,
            figure_sections=self.figure_sections(summary),
            charts=charts(summary, linked=self.linked),
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
        approved_only = bool(data.get(APPROVED_PARAM))
        return figures.Place(current_map, province_id, district_id), year, approved_only

    def figure_sections(self, f):
        if f.year is None:
            results = _("Kết quả xây dựng nông thôn mới")
        else:
            results = _("Kết quả đến năm %(year)s") % {"year": f.year}
        if f.year_set.heading:
            results += " – " + f.year_set.heading
        results_note = _(
            "Số xã của mỗi mức là số xã đạt từ mức đó trở lên, theo các quyết định công nhận "
            "đến 31/12 của năm đang xem: xã đạt mức cao hơn cũng là xã đạt chuẩn nông thôn mới."
        )
        if f.year_set.maps_levels:
            results_note += " " + _(
                "Giai đoạn %(period)s có các mức: %(levels)s; xã được công nhận ở mức của giai "
                "đoạn trước (nâng cao, kiểu mẫu) tính là đạt chuẩn nông thôn mới."
            ) % {
                "period": f.year_set.period.label,
                "levels": ", ".join(str(label) for _level, label in f.year_set.level_choices()),
            }
        if f.approved_only:
            results_note += " " + _(
                "Chỉ tính các xã có kết quả năm %(year)s đã được duyệt (%(n)s xã-năm)."
            ) % {"year": f.year or "–", "n": number(f.approval.approved)}
        if self.linked:
            activity_note = _("Bấm vào một con số để xem danh sách tương ứng.")
        else:
            activity_note = _(
                "Các con số tính cho cả địa bàn đang xem; danh sách của đồng chí chỉ gồm các xã "
                "đồng chí được phân công giúp đỡ, nên các con số không mở danh sách."
            )
            results_note += " " + activity_note
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
        """Recognitions and criteria of the chosen year, at its period's levels and against
        its set, then how many of its commune-years are approved."""
        recognised = f.recognitions
        total = number(recognised["total"])
        levels_place = place_params(figures.Place(Map.OLD, f.place.province_id, f.district_id))
        approved = approved_params(f)
        cards = []
        levels = f.year_set.levels
        for index, level in enumerate(levels):
            if f.approved_only:
                note = _("trong số %(n)s xã có kết quả năm %(year)s đã duyệt") % {
                    "n": number(f.approval.approved),
                    "year": f.year or "–",
                }
            else:
                note = _("trên tổng số %(total)s xã") % {"total": total}
            if f.place.map == Map.CURRENT:
                note += "; " + _("thuộc %(units)s đơn vị hiện nay") % {
                    "units": number(recognised[f"{level}_units"])
                }
                if not f.approved_only:
                    note = _(
                        "trên tổng số %(total)s xã trước 01/07/2025; thuộc %(units)s đơn vị "
                        "hiện nay"
                    ) % {"total": total, "units": number(recognised[f"{level}_units"])}
            higher = levels[index + 1 :]
            if higher:  # "84 xã đạt chuẩn NTM (trong đó 7 xã nâng cao, 0 xã kiểu mẫu)"
                among = ", ".join(
                    str(LEVEL_AMONG[h]) % {"n": number(recognised[h])} for h in higher
                )
                note = _("trong đó %(levels)s") % {"levels": among} + "; " + note
            # The communes counted are the units recognised, listed on the old map (whose
            # list has a row per recognised xã; today's map has a row per unit of today).
            # Approved only, on today's map, they are the xã of units of today with approved
            # results: no list has those rows, so the figure is not a link.
            url = ""
            if not (f.approved_only and f.place.map == Map.CURRENT):
                url = self.to_list(
                    "reports:commune_list", **levels_place, level=level, year=f.year, **approved
                )
            cards.append(
                Card(
                    str(LEVEL_CARDS[level]),
                    number(recognised[level]),
                    url,
                    note,
                    recognised[level],
                )
            )
        scale = f" {f.year_set.scale_label}" if f.year_set.scale_label else ""
        cards.append(
            Card(
                _("tiêu chí đạt bình quân/xã") + scale,
                number(f.average.value, 1),
                # The communes assessed that year (criteria_min=0: those with a result).
                self.results_list(f, criteria_min=0, **approved),
                _("%(n)s xã được đánh giá năm %(year)s")
                % {"n": number(f.average.communes), "year": f.year or "–"},
                f.average.communes,
            )
        )
        if f.year is not None:
            cards.append(self.approval_card(f))
        return cards

    def to_list(self, name, **params):
        """The list's URL, or "" for a user whose list would not show the figure's rows."""
        return link(name, **params) if self.linked else ""

    def results_list(self, f, **params):
        """The communes list of the units the year's results were recorded for: on the map
        of the year (Map.of_year: the old xã up to 2025, today's units from 2026), in the
        place; "" when that map cannot read the place (an old district's units of today)."""
        year_map = Map.of_year(f.year) if f.year is not None else f.place.map
        if year_map != f.place.map and not f.place.is_whole:
            return ""
        place = place_params(figures.Place(year_map, f.place.province_id, f.district_id))
        return self.to_list("reports:commune_list", **place, year=f.year, **params)

    def approval_card(self, f):
        """ "Đã duyệt: X/Y xã-năm", linking to the communes list of the X approved ones (on
        the map of the year's results: those of 2026 on, recorded for today's units, are
        listed on today's map)."""
        return Card(
            _("xã-năm đã duyệt"),
            f"{number(f.approval.approved)}/{number(f.approval.with_results)}",
            self.results_list(f, **{APPROVED_PARAM: 1}),
            _(
                "Đã duyệt: %(approved)s trên %(total)s xã-năm có kết quả năm %(year)s "
                "(xã và năm có kết quả đánh giá tiêu chí)"
            )
            % {
                "approved": number(f.approval.approved),
                "total": number(f.approval.with_results),
                "year": f.year,
            },
            f.approval.approved,
        )

    def activity_cards(self, f):
        """The working groups' activity as of today, whatever the chosen year."""
        place = place_params(f.place)
        return [
            Card(
                _("chuyến công tác trong 90 ngày qua"),
                number(f.recent_visits),
                self.to_list(
                    "assignments:visit_list",
                    **place,
                    date_from=f.recent_since.isoformat(),
                    date_to=f.today.isoformat(),
                    status="confirmed",
                ),
                _("từ %(date)s") % {"date": formats.day(f.recent_since)},
                f.recent_visits,
            ),
            Card(
                _("phân công quá %(days)s ngày chưa đi cơ sở")
                % {"days": number(settings.NTM_STALE_VISIT_DAYS)},
                number(f.stale_assignments),
                self.to_list("assignments:assignment_list", **place, stale=1),
                _(
                    "tính từ ngày nhận phân công hoặc chuyến đã xác nhận gần nhất của tổ giúp "
                    "việc tại xã"
                ),
                f.stale_assignments,
            ),
            # The list has a row per assignment: the card counts them, and says how many
            # recommendations they hold.
            Card(
                _("phân công có kiến nghị quá hạn chưa giải quyết"),
                number(f.overdue_assignments),
                self.to_list("assignments:assignment_list", **place, overdue=1),
                _("%(n)s kiến nghị, hạn xử lý trước %(date)s")
                % {"n": number(f.overdue_recommendations), "date": formats.day(f.today)},
                f.overdue_assignments,
            ),
        ]
