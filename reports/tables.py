"""Tables of the report lists (django-tables2); sorting follows the URL contract's `sort`."""

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assignments.models.visits import LAST_VISIT_HELP
from communes.models import CommuneYear, CriteriaSet
from core.cells import ShortDateColumn
from core.templatetags.ntm_format import number

from . import queries

LEVEL_LABELS = dict(CriteriaSet.Level.choices)
STATUS_LABELS = dict(CommuneYear.Status.choices)


def _nulls_last(expression, descending):
    expression = F(expression) if isinstance(expression, str) else expression
    if descending:
        return expression.desc(nulls_last=True)
    return expression.asc(nulls_last=True)


class CommuneTable(tables.Table):
    """Rows of reports.queries.communes_for_list()."""

    name = tables.Column(
        verbose_name=_("Tên xã"),
        linkify=("reports:commune_detail", [tables.A("pk")]),
        order_by=("sort_name", "code"),
    )
    district = tables.Column(
        verbose_name=_("Huyện"),
        accessor="district__name",
        order_by=("district__sort_name", "sort_name", "code"),
    )
    kind = tables.Column(verbose_name=_("Loại"), order_by=("kind", "sort_name", "code"))
    ntm_level = tables.Column(verbose_name=_("Mức đạt chuẩn"), default=_("Chưa công nhận"))
    criteria_met = tables.Column(
        verbose_name=_("Số tiêu chí đạt"),
        default="–",
        attrs={"th": {"class": "num"}, "td": {"class": "num"}},
    )
    # The review of the row's results of the year (CommuneYear): empty_values=() so that
    # a result without a review yet reads "Đang nhập" rather than the default.
    year_status = tables.Column(verbose_name=_("Duyệt kết quả"), empty_values=(), orderable=False)
    agency = tables.Column(
        verbose_name=_("Cơ quan được phân công"),
        accessor="active_agency_name",
        default="–",
        linkify=("assignments:agency_detail", [tables.A("active_agency_id")]),
    )
    leader = tables.Column(
        verbose_name=_("Lãnh đạo phụ trách"),
        accessor="active_leader_name",
        default="–",
        linkify=("assignments:leader_detail", [tables.A("active_leader_id")]),
    )
    last_visit = ShortDateColumn(
        verbose_name=_("Lần đi cơ sở gần nhất"),
        default=_("Chưa có"),
        attrs={"th": {"title": LAST_VISIT_HELP}},
    )
    # What a figure counts, said under the page's filters and in the export's title block.
    export_notes = (LAST_VISIT_HELP,)

    class Meta:
        order_by_field = "sort"
        order_by = ("name",)
        attrs = {"class": "commune-list"}
        template_name = "includes/table.html"

    def __init__(self, *args, year=None, criteria_total=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.criteria_total = criteria_total  # the year's set's: 19 up to 2025, 10 from 2026
        if year:
            self.columns["criteria_met"].column.verbose_name = _("Số tiêu chí đạt (%(year)s)") % {
                "year": year
            }
            self.columns["year_status"].column.verbose_name = _("Duyệt kết quả năm %(year)s") % {
                "year": year
            }

    def value_year_status(self, value, record):
        """The review of the year's results: "Đã duyệt", "Đã trình duyệt", "Đang nhập" (no
        review yet counts as a draft); "–" without results; on today's map, a unit whose
        several old xã were assessed says how many of them were approved."""
        if record.criteria_met is None:
            return "–"
        assessed = getattr(record, "criteria_units", 1)
        if assessed > 1:
            return gettext("%(approved)s/%(n)s xã đã duyệt") % {
                "approved": record.approved_units,
                "n": assessed,
            }
        return str(STATUS_LABELS[value or CommuneYear.Status.DRAFT])

    def render_year_status(self, value, record):
        text = self.value_year_status(value, record)
        if record.criteria_met is not None and record.approved_units:
            return format_html('<span class="badge good">{}</span>', text)
        return text

    def render_ntm_level(self, value):
        return format_html('<span class="badge good">{}</span>', self.value_ntm_level(value))

    # The Excel export's text of the columns drawn with markup (value_* of django-tables2).
    def value_ntm_level(self, value):
        return str(LEVEL_LABELS.get(value, value))

    def value_agency(self, value, record):
        return record.active_agency_short or value

    def render_criteria_met(self, value):
        return f"{value}/{self.criteria_total}" if self.criteria_total else str(value)

    def render_agency(self, value, record):
        if record.active_agency_short:
            return format_html('<abbr title="{}">{}</abbr>', value, record.active_agency_short)
        return value

    # Figures a row may lack (no result, no assignment, no visit) sort last either way.
    def order_ntm_level(self, queryset, is_descending):
        return queryset.order_by(_nulls_last("level_rank", is_descending), "sort_name"), True

    def order_criteria_met(self, queryset, is_descending):
        return queryset.order_by(_nulls_last("criteria_met", is_descending), "sort_name"), True

    def order_agency(self, queryset, is_descending):
        order = _nulls_last(queries.agency_order(), is_descending)
        return queryset.order_by(order, "sort_name"), True

    def order_leader(self, queryset, is_descending):
        order = _nulls_last(queries.leader_order(), is_descending)
        return queryset.order_by(order, "sort_name"), True

    def order_last_visit(self, queryset, is_descending):
        return queryset.order_by(_nulls_last("last_visit", is_descending), "sort_name"), True


NUMBER = {"th": {"class": "num"}, "td": {"class": "num"}}


class CurrentMapCommuneTable(CommuneTable):
    """Rows of reports.queries.communes_for_list(map=Map.CURRENT): today's units, each with the
    figures of the old units merged into it, and the old district(s) they come from as a label.

    The labels are read for the rows shown, in one query (`load_origins`, called by the view
    once the page is known).
    """

    name = tables.Column(
        verbose_name=_("Tên đơn vị"),
        linkify=("reports:commune_detail", [tables.A("pk")]),
        order_by=("sort_name", "code"),
    )
    district = None
    old_districts = tables.Column(
        verbose_name=_("Huyện cũ"),
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "wrap"}},  # "Bảo Thắng, Thành phố Lào Cai" may wrap (1366 px)
    )
    # The highest level of the unit or of an old xã merged into it: not the unit's own
    # recognition (a merged unit is assessed again), so the heading says whose it is.
    ntm_level = tables.Column(
        verbose_name=_("Mức cao nhất (đơn vị và xã cũ)"), default=_("Chưa công nhận")
    )
    recognised_units = tables.Column(verbose_name=_("Số xã được công nhận"), attrs=NUMBER)

    class Meta(CommuneTable.Meta):
        sequence = (
            "name",
            "old_districts",
            "kind",
            "ntm_level",
            "recognised_units",
            "criteria_met",
            "year_status",
            "agency",
            "leader",
            "last_visit",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.origins = {}

    def load_origins(self, records):
        """Old districts and units of `records` (the page's, or every row for the export)."""
        self.origins = queries.old_districts_of(record.pk for record in records)

    def value_old_districts(self, record):
        districts, _names = self.origins.get(record.pk, ([], []))
        return ", ".join(name.removeprefix("Huyện ") for name in districts) or "–"

    def render_old_districts(self, record):
        label = self.value_old_districts(record)
        names = self.origins.get(record.pk, ([], []))[1]
        if not names:
            return label
        return format_html(
            '<span title="{}">{}</span>', gettext("Gồm: %s") % ", ".join(names), label
        )

    def value_criteria_met(self, value, record):
        shown = f"{number(value)}/{self.criteria_total}" if self.criteria_total else number(value)
        if record.criteria_units > 1:
            # Several old xã assessed that year: their average, not one unit's count.
            shown += " " + gettext("(bình quân %(n)s xã)") % {"n": record.criteria_units}
        return shown

    def render_criteria_met(self, value, record):
        return self.value_criteria_met(value, record)
