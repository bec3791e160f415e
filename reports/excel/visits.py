"""The visit log: the filtered visits with the support they brought and the recommendations made.

Three sheets, each grouped and numbered: by old district on the old map, by
current unit on the current map (reports/excel/maps.py), the title saying which:

* "Chuyến công tác": one row per visit (date, commune and district on the old
  map, current unit and the unit the visit was made for on the current one,
  agency, leader, whether the leader went, status, purpose, findings), its
  support and recommendations summarised in a cell each, the support's value,
  and a subtotal per group;
* "Hỗ trợ": one row per support item, with its visit's date and commune;
* "Kiến nghị": one row per recommendation, with its visit's date and commune.

The log lists what the visits list lists (the same filters, the same scope), in
two parts on each sheet: I, the confirmed visits, whose subtotals and "Tổng cộng"
are the official figures (the dashboard's, the lists', the periodic report's);
II, the visits not confirmed yet (drafts, submitted, returned), listed with their
status and totalled apart, never in an official total.
"""

from collections import defaultdict
from itertools import chain, groupby
from operator import itemgetter
from typing import NamedTuple

from django.db.models import F

from assignments.models import FieldVisit, Recommendation, Support
from communes.models import Map
from core import formats
from core.excel import writer
from core.iterables import chunks
from core.templatetags.ntm_format import number

from . import maps

COUNTING_NOTE = (
    "Số liệu chính thức (phần I, các dòng Cộng và Tổng cộng) chỉ tính các chuyến công tác đã "
    "xác nhận; phần II liệt kê các chuyến chưa xác nhận (nháp, đã gửi, trả lại), cộng riêng."
)
# The log's two parts: (heading, label of a subtotal, label of the part's total, the part's
# visits among those of the log).
PARTS = (
    (
        "I. CHUYẾN CÔNG TÁC ĐÃ XÁC NHẬN (TÍNH VÀO SỐ LIỆU CHÍNH THỨC)",
        "Cộng {group} ({n} chuyến)",
        "Tổng cộng ({n} chuyến đã xác nhận)",
        lambda visits: visits.counted(),
    ),
    (
        "II. CHUYẾN CÔNG TÁC CHƯA XÁC NHẬN (KHÔNG TÍNH VÀO SỐ LIỆU CHÍNH THỨC)",
        "Cộng chưa xác nhận – {group} ({n} chuyến)",
        "Cộng chưa xác nhận ({n} chuyến, không tính vào tổng cộng)",
        lambda visits: visits.uncounted(),
    ),
)
CHUNK = 1000  # visits read at a time: the whole country is streamed, never held in memory
LOG_ORDER = {
    Map.OLD: (
        F("assignment__commune__district__code").asc(nulls_last=True),
        "visited_on",
        "assignment__commune__sort_name",
        "pk",
    ),
    Map.CURRENT: (
        "assignment__commune__current_unit__sort_name",
        "assignment__commune__current_unit",
        "visited_on",
        "assignment__commune__sort_name",
        "pk",
    ),
}


# Where a visit was made, read once for either map (see _place).
PLACE = (
    "assignment__commune_id", "assignment__commune__name", "assignment__commune__district_id",
    "assignment__commune__district__name", "assignment__commune__district__kind",
    "assignment__commune__current_unit_id", "assignment__commune__current_unit__name",
    "assignment__commune__current_unit__kind",
)  # fmt: skip


class LogVisit(NamedTuple):
    """A visit as the log shows it (choices as their labels)."""

    visited_on: object
    commune: str  # old map: the unit the visit was made for; current map: its current unit
    district: str  # old map: the unit's district; current map: the unit if it has ceased
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


def log_entries(visits, map=Map.OLD):
    """The log's content: ((group key, its title), LogVisit, [LogSupport], [LogRecommendation])
    per visit, the group being the old district or the current unit (`map`).

    `visits` (filtered and scoped) in the log's order, read as plain values
    CHUNK visits at a time, with one query per chunk for their support items
    and one for their recommendations (each in the order entered).
    """
    visit_status = _labels(FieldVisit, "status")
    kinds = _labels(Support, "kind")
    addressees = _labels(Recommendation, "addressed_to")
    recommendation_status = _labels(Recommendation, "status")
    rows = (
        visits.order_by(*LOG_ORDER[map])
        .values_list(
            "pk", "visited_on", *PLACE, "assignment__leader__agency__name",
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
        for pk, visited_on, *values in chunk:
            group, place, label = _place(map, *values[: len(PLACE)])
            agency, leader, present, status, *texts = values[len(PLACE) :]
            visit = LogVisit(visited_on, place, label, agency, leader, present,
                             visit_status.get(status, status), *texts)  # fmt: skip
            yield group, visit, supports.get(pk, []), recommendations.get(pk, [])


def _place(map, commune_id, commune, district_id, district, district_kind, current_id, current,
           current_kind):  # fmt: skip
    """(its group (key, title), column C, column D) of a visit to `commune` on `map`."""
    if map == Map.CURRENT:
        group = current_id or commune_id, maps.unit_title(current_kind, current or commune)
        return (
            group,
            current or commune,
            maps.made_for(commune_id, commune, current_id, district, district_kind),
        )
    group = maps.district_group(district_id, district)
    return group, commune, group[1]


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


# (sheet name, title, column widths, headings) of the log's three sheets; the headings of
# columns C and D (the place) are the map's (PLACE_HEADINGS).
VISITS_SHEET = (
    "Chuyến công tác",
    "NHẬT KÝ CHUYẾN CÔNG TÁC CƠ SỞ GIÚP ĐỠ CÁC XÃ XÂY DỰNG NÔNG THÔN MỚI",
    [5, 11, 14, 14, 24, 20, 10, 12, 30, 40, 40, 14, 40],
    ["STT", "Ngày", None, None, "Cơ quan, đơn vị", "Lãnh đạo phụ trách",
     "Lãnh đạo trực tiếp đi", "Trạng thái", "Mục đích", "Kết quả nắm tình hình", "Hỗ trợ",
     "Giá trị hỗ trợ (đồng)", "Kiến nghị"],
)  # fmt: skip
SUPPORTS_SHEET = (
    "Hỗ trợ",
    "CÁC KHOẢN HỖ TRỢ QUA CHUYẾN CÔNG TÁC CƠ SỞ",
    [5, 11, 14, 14, 24, 12, 18, 40, 10, 10, 14],
    ["STT", "Ngày", None, None, "Cơ quan, đơn vị", "Trạng thái chuyến", "Hình thức",
     "Nội dung hỗ trợ", "Số lượng", "Đơn vị tính", "Giá trị (đồng)"],
)  # fmt: skip
RECOMMENDATIONS_SHEET = (
    "Kiến nghị",
    "KIẾN NGHỊ QUA CHUYẾN CÔNG TÁC CƠ SỞ",
    [5, 11, 14, 14, 24, 45, 16, 11, 13, 11, 35],
    ["STT", "Ngày", None, None, "Cơ quan, đơn vị", "Nội dung kiến nghị", "Gửi đến",
     "Hạn xử lý", "Tình trạng", "Ngày giải quyết", "Kết quả xử lý"],
)  # fmt: skip
PLACE_HEADINGS = {
    Map.OLD: ["Xã", "Huyện"],
    Map.CURRENT: ["Xã, phường hiện nay", "Xã trước 01/07/2025 (huyện cũ)"],
}


def _sheet(workbook, spec, map, filters, today):
    name, title, widths, headings = spec
    sheet = writer.Sheet(workbook, name, widths, freeze_columns=2)
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE],
        [title, maps.heading(map).upper()],
        [_scope_note(filters, today), COUNTING_NOTE],
    )
    sheet.header([*headings[:2], *PLACE_HEADINGS[map], *headings[4:]])
    return sheet


def _styles(sheet):
    """Per column of a data row: STT and date centred, the rest in the default style."""
    return [writer.CENTER, writer.CENTER, *[None] * (sheet.columns - 2)]


def _total(sheet, label, column, value):
    """A bold total row: `label` from column C to the one before `column`, `value` in it."""
    values = [None] * sheet.columns
    values[2] = label
    values[column - 1] = value
    sheet.append(values, writer.TOTAL, spans=[(3, column - 1)])


def visits_workbook(visits, *, filters, today, map=Map.OLD):
    """The log of `visits` (filtered and scoped) on `map`; `filters` describes the filter
    applied.

    The three sheets are written side by side as the visits stream by, a
    part (PARTS: confirmed, then not confirmed) and in it a group at a time (a
    group row, its rows, its totals), so that the whole country's log is read
    once and never held in memory. Part I is always written (its total is the
    official figure, 0 when nothing is confirmed); part II only when the log has
    visits not confirmed.
    """
    workbook = writer.new_workbook()
    main = _sheet(workbook, VISITS_SHEET, map, filters, today)
    support_sheet = _sheet(workbook, SUPPORTS_SHEET, map, filters, today)
    recommendation_sheet = _sheet(workbook, RECOMMENDATIONS_SHEET, map, filters, today)
    sheets = (main, support_sheet, recommendation_sheet)
    main_styles, support_styles, recommendation_styles = (
        _styles(main), _styles(support_sheet), _styles(recommendation_sheet)
    )  # fmt: skip
    counts = {"visits": 0, "supports": 0, "recommendations": 0}
    for index, (heading, subtotal, total, part_of) in enumerate(PARTS):
        entries = log_entries(part_of(visits), map)
        first = next(entries, None)
        if first is None and index > 0:
            continue
        for sheet in sheets:
            sheet.group(heading)
        part_visits = part_support = 0
        groups = groupby(chain([first] if first else [], entries), key=itemgetter(0))
        for (_key, group), group_entries in groups:
            for sheet in sheets:
                sheet.group(group)
            group_visits = group_support = 0
            for _group, visit, supports, recommendations in group_entries:
                counts["visits"] += 1
                group_visits += 1
                amount = sum(support.amount_vnd for support in supports)
                group_support += amount
                main.append(
                    [counts["visits"], *visit,
                     "\n".join(support_summary(s) for s in supports), amount,
                     "\n".join(recommendation_summary(r) for r in recommendations)],
                    styles=main_styles,
                )  # fmt: skip
                head = visit[:4]  # date, the place's two columns, agency
                for support in supports:
                    counts["supports"] += 1
                    support_sheet.append(
                        [counts["supports"], *head, visit.status, *support], styles=support_styles
                    )
                for recommendation in recommendations:
                    counts["recommendations"] += 1
                    recommendation_sheet.append(
                        [counts["recommendations"], *head, *recommendation],
                        styles=recommendation_styles,
                    )
            label = subtotal.format(group=group, n=group_visits)
            _total(main, label, 12, group_support)
            _total(support_sheet, label, 11, group_support)
            part_visits += group_visits
            part_support += group_support
        label = total.format(n=part_visits)
        _total(main, label, 12, part_support)
        _total(support_sheet, label, 11, part_support)
    main.signature(today)
    return workbook
