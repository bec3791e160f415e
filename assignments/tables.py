"""Tables of the assignments and visits lists, on the old map and on the current one.

On the old map a row shows the unit its record was made for and that unit's
district. On the current map (``?map=current``) it shows the unit the record
counts for today (``Commune.current_unit``), with the unit it was made for and
its old district as a label when they differ: "Bắc Hà ← Bản Phố (h. Bắc Hà)".
"""

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import formats
from core.cells import ShortDateColumn
from core.templatetags.ntm_format import number, vnd

NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


# The short form of an old district's kind, as offices write it: "h. Bắc Hà".
DISTRICT_SHORT = {"huyen": "h.", "thi_xa": "tx.", "thanh_pho": "tp.", "quan": "q."}
DISTRICT_PREFIX = {"huyen": "Huyện", "thi_xa": "Thị xã", "thanh_pho": "Thành phố", "quan": "Quận"}


def short_district(name, kind):
    """ "h. Bắc Hà" for Huyện Bắc Hà, "tp. Lào Cai" for Thành phố Lào Cai; "" for none.

    Names are stored in Vietnamese, so the prefix is Vietnamese whatever the language.
    """
    if not name:
        return ""
    prefix = DISTRICT_PREFIX.get(kind, "")
    if prefix and name.startswith(f"{prefix} "):
        return f"{DISTRICT_SHORT[kind]} {name[len(prefix) + 1 :]}"
    return name


def old_unit_label(name, district_name, district_kind):
    """ "Bản Phố (h. Bắc Hà)": the unit a record was made for, with its old district."""
    district = short_district(district_name, district_kind)
    return f"{name} ({district})" if district else name


def rolled_up_label(commune):
    """ "Bắc Hà ← Bản Phố (h. Bắc Hà)": a record's unit read on the current map.

    `commune` with its district and current unit loaded; just the unit's name when it
    is its own current unit (or has none: a unit the lineage does not reach).
    """
    current = commune.current_unit if commune.current_unit_id else commune
    if current.pk == commune.pk:
        return commune.name
    district = commune.district
    old = old_unit_label(commune.name, district and district.name, district and district.kind)
    return f"{current.name} ← {old}"


def _current_dossier(commune):
    """The dossier of the unit `commune`'s records count for today."""
    return reverse("reports:commune_detail", args=[commune.current_unit_id or commune.pk])


CURRENT_UNIT = _("Xã, phường hiện nay")


def _nulls_last(queryset, field, is_descending):
    expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(nulls_last=True)
    return queryset.order_by(expression, "pk"), True


class AssignmentTable(tables.Table):
    commune = tables.Column(
        verbose_name=_("Xã"),
        linkify=("reports:commune_detail", {"pk": tables.A("commune_id")}),
        order_by=("commune__sort_name",),
    )
    district = tables.Column(
        verbose_name=_("Huyện"),
        accessor="commune__district__name",
        order_by=("commune__district__sort_name", "commune__sort_name"),
        default="–",
    )
    leader = tables.Column(
        verbose_name=_("Lãnh đạo phụ trách"),
        linkify=("assignments:leader_detail", {"pk": tables.A("leader_id")}),
        order_by=("leader__search_name", "pk"),
    )
    agency = tables.Column(
        verbose_name=_("Cơ quan"),
        accessor="leader__agency",
        linkify=("assignments:agency_detail", {"pk": tables.A("leader__agency_id")}),
        order_by=("leader__agency__search_name", "commune__sort_name"),
    )
    decision = tables.Column(
        verbose_name=_("Quyết định"), order_by=("decision__number", "commune__sort_name")
    )
    status = tables.Column(
        verbose_name=_("Trạng thái"),
        accessor="ended_on",
        order_by=("ended_on",),
        empty_values=(),  # an active assignment has no end date and still shows its status
    )
    visits_this_year = tables.Column(
        verbose_name=_("Chuyến năm nay"), attrs=NUM, order_by=("visits_this_year", "pk")
    )
    last_visit_on = ShortDateColumn(verbose_name=_("Lần đi gần nhất"), default="–")
    support_total = tables.Column(
        verbose_name=_("Tổng hỗ trợ (đồng)"), attrs=NUM, order_by=("support_total", "pk")
    )
    open_recommendations = tables.Column(
        verbose_name=_("Kiến nghị chưa xử lý"),
        attrs=NUM,
        order_by=("open_recommendations", "pk"),
    )
    # What the figures count: said under the filters and in the export's title block.
    export_notes = (
        _(
            "Chuyến năm nay, lần đi gần nhất, tổng hỗ trợ và kiến nghị của phân công chỉ tính "
            "các chuyến công tác đã xác nhận, như trang tổng quan và các báo cáo."
        ),
    )

    class Meta:
        order_by_field = "sort"
        attrs = {"class": "list-table"}
        sequence = (
            "commune",
            "district",
            "leader",
            "agency",
            "decision",
            "status",
            "visits_this_year",
            "last_visit_on",
            "support_total",
            "open_recommendations",
        )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.visit_list_url = reverse("assignments:visit_list")

    def render_commune(self, record):
        return record.commune.name

    @staticmethod
    def _status(record):
        """(state, its details or None): the page draws them as a badge and small text."""
        if record.ended_on is None:
            return _("Đang phụ trách"), None
        ended = formats.day(record.ended_on)
        return _("Đã kết thúc"), f"{ended} – {record.get_end_reason_display()}"

    def render_status(self, record):
        state, details = self._status(record)
        if details is None:
            return format_html('<span class="badge good">{}</span>', state)
        return format_html('<span class="badge">{}</span> <small>{}</small>', state, details)

    def value_status(self, record):  # the Excel export's text: render_status without markup
        return " ".join(str(part) for part in self._status(record) if part is not None)

    def render_visits_this_year(self, record, value):
        if not value:
            return number(value)
        date_from = self.today.replace(month=1, day=1) if self.today else None
        query = f"?commune={record.commune_id}"
        if date_from:
            query += f"&date_from={formats.day(date_from)}"
        return format_html('<a href="{}{}">{}</a>', self.visit_list_url, query, number(value))

    def render_support_total(self, value):
        return vnd(value)

    def render_open_recommendations(self, record, value):
        if record.overdue_recommendations:
            return format_html(
                '{} <span class="badge bad">{}</span>',
                number(value),
                _("%(n)s quá hạn") % {"n": number(record.overdue_recommendations)},
            )
        return number(value)

    def order_status(self, queryset, is_descending):
        # Ascending: active assignments (no end date) first on every database.
        expression = F("ended_on").asc(nulls_first=True)
        if is_descending:
            expression = F("ended_on").desc(nulls_last=True)
        return queryset.order_by(expression, "commune__sort_name", "pk"), True

    def order_last_visit_on(self, queryset, is_descending):
        return _nulls_last(queryset, "last_visit_on", is_descending)


def _yes_no(value):
    if value:
        return format_html('<span class="badge good">{}</span>', _("Có"))
    return _("Không")


def _yes_no_text(value):
    return str(_("Có") if value else _("Không"))


class VisitTable(tables.Table):
    visited_on = ShortDateColumn(
        verbose_name=_("Ngày"),
        linkify=("assignments:visit_detail", {"pk": tables.A("pk")}),
        order_by=("visited_on", "pk"),
    )
    commune = tables.Column(
        verbose_name=_("Xã"),
        accessor="assignment__commune__name",
        linkify=("reports:commune_detail", {"pk": tables.A("assignment__commune_id")}),
        order_by=("assignment__commune__sort_name", "visited_on", "pk"),
    )
    district = tables.Column(
        verbose_name=_("Huyện"),
        accessor="assignment__commune__district__name",
        order_by=("assignment__commune__district__sort_name", "visited_on", "pk"),
        default="–",
    )
    agency = tables.Column(
        verbose_name=_("Cơ quan"),
        accessor="assignment__leader__agency",
        linkify=("assignments:agency_detail", {"pk": tables.A("assignment__leader__agency_id")}),
        order_by=("assignment__leader__agency__search_name", "visited_on", "pk"),
    )
    leader = tables.Column(
        verbose_name=_("Lãnh đạo phụ trách"),
        accessor="assignment__leader",
        linkify=("assignments:leader_detail", {"pk": tables.A("assignment__leader_id")}),
        order_by=("assignment__leader__search_name", "visited_on", "pk"),
    )
    leader_present = tables.Column(
        verbose_name=_("Lãnh đạo đi"), order_by=("leader_present", "visited_on", "pk")
    )
    status = tables.Column(verbose_name=_("Trạng thái"), order_by=("status", "visited_on", "pk"))
    support_count = tables.Column(
        verbose_name=_("Khoản hỗ trợ"), attrs=NUM, order_by=("support_count", "pk")
    )
    support_total = tables.Column(
        verbose_name=_("Giá trị hỗ trợ (đồng)"), attrs=NUM, order_by=("support_total", "pk")
    )
    recommendation_count = tables.Column(
        verbose_name=_("Kiến nghị"), attrs=NUM, order_by=("recommendation_count", "pk")
    )
    export_notes = (
        _(
            "Mỗi dòng một chuyến, đã xác nhận hay chưa (cột Trạng thái), với giá trị hỗ trợ của "
            "chuyến đó; số liệu chính thức (trang tổng quan, các báo cáo) chỉ tính các chuyến "
            "đã xác nhận."
        ),
    )

    class Meta:
        order_by_field = "sort"
        attrs = {"class": "list-table"}

    def render_leader_present(self, value):
        return _yes_no(value)

    def value_leader_present(self, value):  # the Excel export's text
        return _yes_no_text(value)

    def render_status(self, record):
        return record.get_status_display()

    def render_support_count(self, value):
        return number(value)

    def render_support_total(self, value):
        return vnd(value)

    def render_recommendation_count(self, value):
        return number(value)


# --- the lists on the current map -------------------------------------------------------


class CurrentMapAssignmentTable(AssignmentTable):
    """The assignments list on the current map: no district column; the commune column
    names the unit each assignment counts for today, the assigned unit as its label."""

    commune = tables.Column(
        verbose_name=CURRENT_UNIT,
        linkify=lambda record: _current_dossier(record.commune),
        order_by=("commune__current_unit__sort_name", "commune__sort_name"),
    )

    class Meta(AssignmentTable.Meta):
        exclude = ("district",)

    def render_commune(self, record):
        return rolled_up_label(record.commune)


class CurrentMapVisitTable(VisitTable):
    """The visits list on the current map (see CurrentMapAssignmentTable)."""

    commune = tables.Column(
        verbose_name=CURRENT_UNIT,
        accessor="assignment__commune",
        linkify=lambda record: _current_dossier(record.assignment.commune),
        order_by=(
            "assignment__commune__current_unit__sort_name",
            "assignment__commune__sort_name",
            "visited_on",
            "pk",
        ),
    )

    class Meta(VisitTable.Meta):
        exclude = ("district",)

    def render_commune(self, record):
        return rolled_up_label(record.assignment.commune)
