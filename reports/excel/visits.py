"""The visit log: the filtered visits with the support they brought and the recommendations made.

Three sheets, each grouped by district and numbered:

* "Chuyến công tác": one row per visit (date, commune, agency, leader,
  whether the leader went, status, purpose, findings), its support and
  recommendations summarised in a cell each, the support's value, and a
  subtotal per district;
* "Hỗ trợ": one row per support item, with its visit's date and commune;
* "Kiến nghị": one row per recommendation, with its visit's date and commune.

The log lists what the visits list lists (the same filters, the same scope);
a visit's status is shown because official figures count confirmed visits only.
"""

from collections import defaultdict
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from django.db.models import F

from assignments.models import FieldVisit, Recommendation, Support
from core import formats
from core.excel import writer
from core.iterables import chunks
from core.templatetags.ntm_format import number

COUNTING_NOTE = "Số liệu chính thức chỉ tính các chuyến công tác đã xác nhận (cột Trạng thái)."
CHUNK = 1000  # visits read at a time: the whole country is streamed, never held in memory
LOG_ORDER = (
    F("assignment__commune__district__code").asc(nulls_last=True),
    "visited_on",
    "assignment__commune__sort_name",
    "pk",
)


class LogVisit(NamedTuple):
    """A visit as the log shows it (choices as their labels)."""

    visited_on: object
    commune: str
    district: str
    agency: str
    leader: str
    leader_present: bool
    status: str
    purpose: str
    findings: str


class LogSupport(NamedTuple):
    kind: str
    description: str
    quantity: object
    unit: str
    amount_vnd: int


class LogRecommendation(NamedTuple):
    text: str
    addressed_to: str
    due_on: object
    status: str
    resolved_on: object
    resolution_note: str


def _labels(model, field):
    """{stored value: label in the active language} of a choices field (get_FOO_display, once)."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def log_entries(visits):
    """The log's content: (district name, LogVisit, [LogSupport], [LogRecommendation]) per visit.

    `visits` (filtered and scoped) in the log's order, read as plain values
    CHUNK visits at a time, with one query per chunk for their support items
    and one for their recommendations (each in the order entered).
    """
    visit_status = _labels(FieldVisit, "status")
    kinds = _labels(Support, "kind")
    addressees = _labels(Recommendation, "addressed_to")
    recommendation_status = _labels(Recommendation, "status")
    rows = (
        visits.order_by(*LOG_ORDER)
        .values_list(
            "pk", "visited_on", "assignment__commune__name",
            "assignment__commune__district__name", "assignment__leader__agency__name",
            "assignment__leader__full_name", "leader_present", "status", "purpose", "findings",
        )
        .iterator(chunk_size=CHUNK)
    )  # fmt: skip
    for chunk in chunks(rows, CHUNK):
        ids = [row[0] for row in chunk]
        supports = defaultdict(list)
        for visit_id, kind, *values in (
            Support.objects.filter(visit_id__in=ids)
            .order_by("pk")
            .values_list("visit_id", "kind", "description", "quantity", "unit", "amount_vnd")
        ):
            supports[visit_id].append(LogSupport(kinds.get(kind, kind), *values))
        recommendations = defaultdict(list)
        for visit_id, text, addressed_to, due_on, status, *values in (
            Recommendation.objects.filter(visit_id__in=ids)
            .order_by("pk")
            .values_list("visit_id", "text", "addressed_to", "due_on", "status", "resolved_on",
                         "resolution_note")
        ):  # fmt: skip
            recommendations[visit_id].append(
                LogRecommendation(text, addressees.get(addressed_to, addressed_to), due_on,
                                  recommendation_status.get(status, status), *values)
            )  # fmt: skip
        for pk, visited_on, commune, district, agency, leader, present, status, *texts in chunk:
            district = district or writer.NO_DISTRICT
            visit = LogVisit(visited_on, commune, district, agency, leader, present,
                             visit_status.get(status, status), *texts)  # fmt: skip
            yield district, visit, supports.get(pk, []), recommendations.get(pk, [])


def support_summary(support):
    text = f"{support.kind}: {support.description}"
    if support.quantity is not None:
        quantity = " ".join(filter(None, [number(support.quantity), support.unit]))
        text += f" ({quantity})"
    return f"{text} – {number(support.amount_vnd)} đ"


def recommendation_summary(recommendation):
    details = [recommendation.addressed_to]
    if recommendation.due_on:
        details.append(f"hạn {formats.day(recommendation.due_on)}")
    details.append(recommendation.status)
    return f"{recommendation.text} ({'; '.join(details)})"


def _scope_note(filters, today):
    if filters:
        return f"(Bộ lọc: {'; '.join(filters)})"
    return f"(Tất cả chuyến công tác đến ngày {formats.day(today)})"


# (sheet name, title, column widths, headings) of the log's three sheets
VISITS_SHEET = (
    "Chuyến công tác",
    "NHẬT KÝ CHUYẾN CÔNG TÁC CƠ SỞ GIÚP ĐỠ CÁC XÃ XÂY DỰNG NÔNG THÔN MỚI",
    [5, 11, 14, 14, 24, 20, 10, 12, 30, 40, 40, 14, 40],
    ["STT", "Ngày", "Xã", "Huyện", "Cơ quan, đơn vị", "Lãnh đạo phụ trách",
     "Lãnh đạo trực tiếp đi", "Trạng thái", "Mục đích", "Kết quả nắm tình hình", "Hỗ trợ",
     "Giá trị hỗ trợ (đồng)", "Kiến nghị"],
)  # fmt: skip
SUPPORTS_SHEET = (
    "Hỗ trợ",
    "CÁC KHOẢN HỖ TRỢ QUA CHUYẾN CÔNG TÁC CƠ SỞ",
    [5, 11, 14, 14, 24, 12, 18, 40, 10, 10, 14],
    ["STT", "Ngày", "Xã", "Huyện", "Cơ quan, đơn vị", "Trạng thái chuyến", "Hình thức",
     "Nội dung hỗ trợ", "Số lượng", "Đơn vị tính", "Giá trị (đồng)"],
)  # fmt: skip
RECOMMENDATIONS_SHEET = (
    "Kiến nghị",
    "KIẾN NGHỊ QUA CHUYẾN CÔNG TÁC CƠ SỞ",
    [5, 11, 14, 14, 24, 45, 16, 11, 13, 11, 35],
    ["STT", "Ngày", "Xã", "Huyện", "Cơ quan, đơn vị", "Nội dung kiến nghị", "Gửi đến",
     "Hạn xử lý", "Tình trạng", "Ngày giải quyết", "Kết quả xử lý"],
)  # fmt: skip


def _sheet(workbook, spec, filters, today):
    name, title, widths, headings = spec
    sheet = writer.Sheet(workbook, name, widths, freeze_columns=2)
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE], [title], [_scope_note(filters, today), COUNTING_NOTE]
    )
    sheet.header(headings)
    return sheet


def _styles(sheet):
    """Per column of a data row: STT and date centred, the rest in the default style."""
    return [writer.CENTER, writer.CENTER, *[None] * (sheet.columns - 2)]


def _total(sheet, label, column, value):
    """A bold total row: `label` from column C to the one before `column`, `value` in it."""
    values = [None] * sheet.columns
    values[2] = label
    values[column - 1] = value
    row = sheet.append(values, writer.TOTAL)
    sheet.merge(row, 3, row, column - 1)


def visits_workbook(visits, *, filters, today):
    """The log of `visits` (filtered and scoped); `filters` describes the filter applied.

    The three sheets are written side by side as the visits stream by, a
    district at a time (a group row, its rows, its totals), so that the whole
    country's log is read once and never held in memory.
    """
    workbook = writer.new_workbook()
    main = _sheet(workbook, VISITS_SHEET, filters, today)
    support_sheet = _sheet(workbook, SUPPORTS_SHEET, filters, today)
    recommendation_sheet = _sheet(workbook, RECOMMENDATIONS_SHEET, filters, today)
    main_styles, support_styles, recommendation_styles = (
        _styles(main), _styles(support_sheet), _styles(recommendation_sheet)
    )  # fmt: skip
    visit_count = support_count = recommendation_count = grand_support = 0
    for district, entries in groupby(log_entries(visits), key=itemgetter(0)):
        for sheet in (main, support_sheet, recommendation_sheet):
            sheet.group(district)
        district_visits = district_support = 0
        for _district, visit, supports, recommendations in entries:
            visit_count += 1
            district_visits += 1
            amount = sum(support.amount_vnd for support in supports)
            district_support += amount
            main.append(
                [visit_count, *visit, "\n".join(map(support_summary, supports)), amount,
                 "\n".join(map(recommendation_summary, recommendations))],
                styles=main_styles,
            )  # fmt: skip
            head = visit[:4]  # date, commune, district, agency
            for support in supports:
                support_count += 1
                support_sheet.append(
                    [support_count, *head, visit.status, *support], styles=support_styles
                )
            for recommendation in recommendations:
                recommendation_count += 1
                recommendation_sheet.append(
                    [recommendation_count, *head, *recommendation], styles=recommendation_styles
                )
        _total(main, f"Cộng {district} ({district_visits} chuyến)", 12, district_support)
        _total(support_sheet, f"Cộng {district}", 11, district_support)
        grand_support += district_support
    _total(main, f"Tổng cộng ({visit_count} chuyến)", 12, grand_support)
    main.signature(today)
    _total(support_sheet, "Tổng cộng", 11, grand_support)
    return workbook
