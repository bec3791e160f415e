"""The periodic report (quarter, half-year, year) of the support each assignment brought.

Per assignment active during the period, grouped by old district on the old
map, by current unit on the current one (reports/excel/maps.py): confirmed
visits, those the leader went on, support by kind in VND, recommendations
made on those visits still open at the end of the period and resolved by it,
and the criteria the commune met at the start of the period (its latest
assessment before the period's year in the same programme period), at the end
(the period's year) and the change: both against the set of the year's programme
period (19 criteria up to 2025, 10 from 2026), never one against the other, so a
report of 2026 has no start figure (2026 is the first year of its set). Only
confirmed visits count, as in every official figure. A second sheet sums the
figures per group, with a native Excel chart of them.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _
from openpyxl.chart import BarChart, Reference

from assignments.models import FieldVisit, Recommendation, Support
from communes.models import CriteriaScore, Map
from core import formats
from core.excel import writer

from ..year_set import year_set
from . import maps

PERIOD_CODE = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]))?$")
ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}
CHANGE_FORMAT = "+#,##0;-#,##0;0"  # a gain shows its sign


@dataclass(frozen=True)
class Period:
    code: str  # "2025", "2025-H1", "2025-Q3"
    year: int
    start: datetime.date
    end: datetime.date

    @property
    def label(self):
        part = self.code[5:]
        if not part:
            return _("Năm %(year)s") % {"year": self.year}
        if part == "H1":
            return _("6 tháng đầu năm %(year)s") % {"year": self.year}
        if part == "H2":
            return _("6 tháng cuối năm %(year)s") % {"year": self.year}
        quarter = ROMAN_QUARTERS[int(part[1])]
        return _("Quý %(quarter)s năm %(year)s") % {"quarter": quarter, "year": self.year}


def parse_period(code):
    """The Period of "2025", "2025-H1"/"H2" or "2025-Q1"…"Q4"; ValueError otherwise."""
    match = PERIOD_CODE.match((code or "").strip().upper())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise ValueError(code)
    year, part = int(match.group(1)), match.group(2) or ""
    first, last = 1, 12
    if part.startswith("H"):
        first = 1 if part == "H1" else 7
        last = first + 5
    elif part.startswith("Q"):
        first = 3 * int(part[1]) - 2
        last = first + 2
    end = datetime.date(year + last // 12, last % 12 + 1, 1) - datetime.timedelta(days=1)
    return Period(f"{year}-{part}" if part else str(year), year, datetime.date(year, first, 1), end)


def periods_of(year):
    """The year, its halves and its quarters."""
    return [parse_period(f"{year}{suffix}") for suffix in ("", "-H1", "-H2", "-Q1", "-Q2",
                                                          "-Q3", "-Q4")]  # fmt: skip


@dataclass
class Row:
    assignment: object
    visits: int = 0
    leader_present: int = 0
    support: dict = field(default_factory=dict)  # kind → VND
    open_recommendations: int = 0
    closed_recommendations: int = 0
    criteria_start: int | None = None
    criteria_end: int | None = None

    @property
    def support_total(self):
        return sum(self.support.values())

    @property
    def criteria_change(self):
        if self.criteria_start is None or self.criteria_end is None:
            return None
        return self.criteria_end - self.criteria_start


ROW_ORDER = {
    # Units without a district (those of the current map) last, on every database.
    Map.OLD: (F("commune__district__code").asc(nulls_last=True), "commune__sort_name",
              "started_on", "pk"),
    Map.CURRENT: ("commune__current_unit__sort_name", "commune__current_unit",
                  "commune__sort_name", "started_on", "pk"),
}  # fmt: skip


def period_rows(assignments, period, map=Map.OLD):
    """A Row per assignment of `assignments` active during `period`, in the order of `map`'s
    groups, in six queries."""
    active = assignments.filter(started_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )
    rows = {
        a.pk: Row(a)
        for a in active.select_related(
            "commune__district", "commune__current_unit", "leader__agency"
        ).order_by(*ROW_ORDER[map])
    }
    ids = active.values("pk")
    in_period = {"visited_on__range": (period.start, period.end)}
    visits = (
        FieldVisit.objects.counted()
        .filter(assignment__in=ids, **in_period)
        .values("assignment")
        .annotate(n=Count("pk"), present=Count("pk", filter=Q(leader_present=True)))
        .order_by()
    )
    for figures in visits:
        row = rows[figures["assignment"]]
        row.visits, row.leader_present = figures["n"], figures["present"]

    of_visits = {"visit__assignment__in": ids, "visit__visited_on__range": in_period[
        "visited_on__range"]}  # fmt: skip
    support = (
        Support.objects.counted()
        .filter(**of_visits)
        .values("visit__assignment", "kind")
        .annotate(total=Sum("amount_vnd"))
        .order_by()
    )
    for figures in support:
        rows[figures["visit__assignment"]].support[figures["kind"]] = figures["total"] or 0

    resolved = Q(status=Recommendation.Status.RESOLVED, resolved_on__lte=period.end)
    recommendations = (
        Recommendation.objects.counted()
        .filter(**of_visits)
        .values("visit__assignment")
        .annotate(total=Count("pk"), closed=Count("pk", filter=resolved))
        .order_by()
    )
    for figures in recommendations:
        row = rows[figures["visit__assignment"]]
        row.closed_recommendations = figures["closed"]
        row.open_recommendations = figures["total"] - figures["closed"]

    met = defaultdict(dict)  # commune → year → criteria met
    scores = (
        CriteriaScore.objects.in_their_period()
        .filter(
            # The years of the report year's programme period, each against its own set.
            criteria_set__period__first_year__lte=period.year,
            criteria_set__period__last_year__gte=period.year,
            commune__in=active.values("commune"),
            year__lte=period.year,
        )
        .values_list("commune_id", "year", "met")
        .order_by()
    )
    for commune_id, year, criteria_met in scores:
        met[commune_id][year] = criteria_met
    for row in rows.values():
        years = met[row.assignment.commune_id]
        earlier = [year for year in years if year < period.year]
        row.criteria_start = years[max(earlier)] if earlier else None
        row.criteria_end = years.get(period.year)
    return list(rows.values())


def _district_group(row):
    district = row.assignment.commune.district
    return maps.district_group(district and district.pk, district and district.name)


def _unit_group(row):
    commune = row.assignment.commune
    current = commune.current_unit or commune
    return current.pk, maps.unit_title(current.kind, current.name)


# Per map: a row's group (key, title), its commune's label, and the words of the sheets.
GROUPS = {
    Map.OLD: (_district_group, lambda commune: commune.name),
    Map.CURRENT: (_unit_group, maps.commune_label),
}
SUMMARY = {
    Map.OLD: ("Tổng hợp theo huyện", "TỔNG HỢP KẾT QUẢ GIÚP ĐỠ CÁC XÃ THEO HUYỆN", "Huyện",
              "theo huyện"),
    Map.CURRENT: ("Tổng hợp theo xã, phường",
                  "TỔNG HỢP KẾT QUẢ GIÚP ĐỠ CÁC XÃ THEO ĐƠN VỊ HÀNH CHÍNH HIỆN NAY",
                  "Xã, phường hiện nay", "theo xã, phường"),
}  # fmt: skip


def _sum(values):
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def _average(values):
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 1) if values else None


def _figures(sheet, rows, kinds, style=writer.CELL):
    """The summable columns of `rows` (one row, or a district's, or all)."""
    change = _sum(r.criteria_change for r in rows)
    return [
        sum(r.visits for r in rows),
        sum(r.leader_present for r in rows),
        *(sum(r.support.get(kind, 0) for r in rows) for kind in kinds),
        sum(r.support_total for r in rows),
        sum(r.open_recommendations for r in rows),
        sum(r.closed_recommendations for r in rows),
        _sum(r.criteria_start for r in rows),
        _sum(r.criteria_end for r in rows),
        sheet.cell(change, style, CHANGE_FORMAT),
    ]


def _title_block(sheet, period, title, map, ys):
    criteria = ""
    if ys.period is not None:
        criteria = (
            f" Tiêu chí theo {ys.heading.lower()[0]}{ys.heading[1:]} ({ys.total} tiêu chí); "
            f"đầu kỳ chỉ tính các năm của giai đoạn {ys.period.label}."
        )
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE],
        [title, f"{period.label.upper()}", maps.heading(map).upper()],
        [
            f"(Từ ngày {formats.day(period.start)} đến ngày {formats.day(period.end)}; "
            "chỉ tính các chuyến công tác đã xác nhận. Số tiêu chí đạt đầu kỳ: "
            f"kết quả đánh giá gần nhất trước năm {period.year}; "
            f"cuối kỳ: kết quả năm {period.year}.{criteria})"
        ],
    )


def _detail_sheet(workbook, groups, period, total_label, today, map, ys):
    kinds = Support.Kind.choices
    widths = [5, 15 if map == Map.OLD else 22, 22, 28, 8, 9, *[13] * len(kinds), 14, 9, 9, 8,
              8, 9]  # fmt: skip
    sheet = writer.Sheet(workbook, "Chi tiết theo xã", widths, freeze_columns=2)
    _title_block(sheet, period, "BÁO CÁO KẾT QUẢ GIÚP ĐỠ CÁC XÃ XÂY DỰNG NÔNG THÔN MỚI", map, ys)
    commune_label = GROUPS[map][1]
    span = writer.SPAN
    sheet.header(
        ["STT", "Xã", "Lãnh đạo phụ trách", "Cơ quan, đơn vị", "Chuyến công tác", span,
         "Hỗ trợ quy ra tiền (đồng)", *[span] * len(kinds), "Kiến nghị", span,
         "Số tiêu chí đạt", span, span],
        [None, None, None, None, "Tổng số", "Lãnh đạo trực tiếp đi",
         *(str(label) for _kind, label in kinds), "Cộng", "Chưa giải quyết", "Đã giải quyết",
         "Đầu kỳ", "Cuối kỳ", "Tăng (+), giảm (−)"],
        heights=(None, 45),
    )  # fmt: skip
    kinds = [kind for kind, _label in kinds]
    stt = 0
    for group, rows in groups:
        sheet.group(group)
        for row in rows:
            stt += 1
            assignment = row.assignment
            sheet.append(
                [stt, commune_label(assignment.commune), assignment.leader.full_name,
                 assignment.leader.agency.name, *_figures(sheet, [row], kinds)],
                styles=[writer.CENTER, *[None] * (sheet.columns - 1)],
            )  # fmt: skip
        _total(sheet, f"Cộng {group}", _figures(sheet, rows, kinds, writer.TOTAL))
    everything = [r for _d, rows in groups for r in rows]
    _total(sheet, total_label, _figures(sheet, everything, kinds, writer.TOTAL))
    sheet.signature(today)


def _total(sheet, label, figures):
    sheet.append([None, label, None, None, *figures], writer.TOTAL, spans=[(2, 4)])


def _summary_sheet(workbook, groups, period, total_label, today, map, ys):
    name, title, group_heading, by = SUMMARY[map]
    sheet = writer.Sheet(workbook, name, [5, 24, 11, 10, 11, 16, 11, 11, 12, 12], freeze_columns=2)
    _title_block(sheet, period, title, map, ys)
    header_row = sheet.header(
        ["STT", group_heading, "Số xã được giúp đỡ", "Số chuyến công tác", "Lãnh đạo trực tiếp đi",
         "Tổng hỗ trợ (đồng)", "Kiến nghị chưa giải quyết", "Kiến nghị đã giải quyết",
         "Tiêu chí đạt bình quân/xã đầu kỳ", "Tiêu chí đạt bình quân/xã cuối kỳ"]
    )  # fmt: skip

    def figures(rows):
        return [
            len({r.assignment.commune_id for r in rows}),
            sum(r.visits for r in rows),
            sum(r.leader_present for r in rows),
            sum(r.support_total for r in rows),
            sum(r.open_recommendations for r in rows),
            sum(r.closed_recommendations for r in rows),
            _average(r.criteria_start for r in rows),
            _average(r.criteria_end for r in rows),
        ]

    for index, (group, rows) in enumerate(groups, 1):
        sheet.append([index, group, *figures(rows)], styles=[writer.CENTER, *[None] * 9])
    last_group = sheet.row
    sheet.append([None, total_label, *figures([r for _g, rows in groups for r in rows])],
                 writer.TOTAL)  # fmt: skip
    sheet.signature(today)
    if groups:
        _charts(sheet, header_row, last_group, by)


def _charts(sheet, header_row, last_row, by):
    """Visits and support per group (`by`: "theo huyện"), as Excel charts over the summary's
    cells."""
    categories = Reference(sheet.ws, min_col=2, min_row=header_row + 1, max_row=last_row)
    sheet.page_break()  # the charts on a page of their own, never cut across two
    anchor_row = sheet.row + 2
    for title, columns, axis, anchor in (
        (f"Số chuyến công tác {by}", (4, 5), "Chuyến", f"A{anchor_row}"),
        (f"Hỗ trợ quy ra tiền {by} (đồng)", (6, 6), "Đồng", f"F{anchor_row}"),
    ):
        chart = BarChart()
        chart.type = "bar"
        chart.title = title
        chart.y_axis.title = axis
        chart.y_axis.numFmt = writer.INTEGER_FORMAT
        chart.height, chart.width = 9, 15
        chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides axes by default
        data = Reference(
            sheet.ws, min_col=columns[0], max_col=columns[1], min_row=header_row, max_row=last_row
        )
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(categories)
        sheet.ws.add_chart(chart, anchor)


def periodic_workbook(assignments, period, *, whole_province=True, today, map=Map.OLD):
    """The report of `period` over `assignments` (a queryset already scoped to the user),
    grouped on `map`."""
    rows = period_rows(assignments, period, map)
    groups = [
        (title, list(members)) for (_key, title), members in groupby(rows, key=GROUPS[map][0])
    ]
    total_label = "Toàn tỉnh" if whole_province else "Tổng cộng"
    ys = year_set(period.year)
    workbook = writer.new_workbook()
    _detail_sheet(workbook, groups, period, total_label, today, map, ys)
    _summary_sheet(workbook, groups, period, total_label, today, map, ys)
    return workbook
