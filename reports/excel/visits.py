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

from itertools import groupby

from django.db.models import F, Prefetch

from assignments.models import Recommendation, Support
from communes.templatetags.ntm_format import number

from . import writer

NO_DISTRICT = "Chưa xác định huyện"
COUNTING_NOTE = "Số liệu chính thức chỉ tính các chuyến công tác đã xác nhận (cột Trạng thái)."


def log_visits(visits):
    """`visits` (filtered and scoped) in the log's order, with what each one brought."""
    return (
        visits.select_related("assignment__commune__district", "assignment__leader__agency")
        .prefetch_related(
            Prefetch("supports", queryset=Support.objects.order_by("pk")),
            Prefetch("recommendations", queryset=Recommendation.objects.order_by("pk")),
        )
        .order_by(
            F("assignment__commune__district__code").asc(nulls_last=True),
            "visited_on",
            "assignment__commune__sort_name",
            "pk",
        )
    )


def _district_name(visit):
    district = visit.assignment.commune.district
    return district.name if district else NO_DISTRICT


def support_summary(support):
    text = f"{support.get_kind_display()}: {support.description}"
    if support.quantity is not None:
        quantity = " ".join(filter(None, [number(support.quantity), support.unit]))
        text += f" ({quantity})"
    return f"{text} – {number(support.amount_vnd)} đ"


def recommendation_summary(recommendation):
    details = [recommendation.get_addressed_to_display()]
    if recommendation.due_on:
        details.append(f"hạn {recommendation.due_on:%d/%m/%Y}")
    details.append(recommendation.get_status_display())
    return f"{recommendation.text} ({'; '.join(details)})"


def _scope_note(filters, today):
    if filters:
        return f"(Bộ lọc: {'; '.join(filters)})"
    return f"(Tất cả chuyến công tác đến ngày {today:%d/%m/%Y})"


def _title(sheet, title, filters, today):
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE], [title], [_scope_note(filters, today), COUNTING_NOTE]
    )


def _visit_columns(visit):
    assignment = visit.assignment
    return [
        visit.visited_on,
        assignment.commune.name,
        _district_name(visit),
        assignment.leader.agency.name,
    ]


def _visits_sheet(workbook, groups, filters, today):
    sheet = writer.Sheet(
        workbook,
        "Chuyến công tác",
        [5, 11, 14, 14, 24, 20, 10, 12, 30, 40, 40, 14, 40],
        freeze_columns=2,
    )
    _title(sheet, "NHẬT KÝ CHUYẾN CÔNG TÁC CƠ SỞ GIÚP ĐỠ CÁC XÃ XÂY DỰNG NÔNG THÔN MỚI",
           filters, today)  # fmt: skip
    sheet.header(
        ["STT", "Ngày", "Xã", "Huyện", "Cơ quan, đơn vị", "Lãnh đạo phụ trách",
         "Lãnh đạo trực tiếp đi", "Trạng thái", "Mục đích", "Kết quả nắm tình hình",
         "Hỗ trợ", "Giá trị hỗ trợ (đồng)", "Kiến nghị"]
    )  # fmt: skip
    stt, grand_visits, grand_support = 0, 0, 0
    for district, visits in groups:
        sheet.group(district)
        support = 0
        for visit in visits:
            stt += 1
            supports = list(visit.supports.all())
            amount = sum(s.amount_vnd for s in supports)
            support += amount
            sheet.append(
                [stt, *_visit_columns(visit), visit.assignment.leader.full_name,
                 visit.leader_present, visit.get_status_display(), visit.purpose,
                 visit.findings, "\n".join(support_summary(s) for s in supports), amount,
                 "\n".join(recommendation_summary(r) for r in visit.recommendations.all())],
                styles=[writer.CENTER, writer.CENTER, *[None] * 11],
            )  # fmt: skip
        _total(sheet, f"Cộng {district} ({len(visits)} chuyến)", 12, support)
        grand_visits += len(visits)
        grand_support += support
    _total(sheet, f"Tổng cộng ({grand_visits} chuyến)", 12, grand_support)
    sheet.signature(today)


def _total(sheet, label, column, value):
    """A bold total row: `label` from column C to the one before `column`, `value` in it."""
    values = [None] * sheet.columns
    values[2] = label
    values[column - 1] = value
    row = sheet.append(values, writer.TOTAL)
    sheet.merge(row, 3, row, column - 1)


def _supports_sheet(workbook, groups, filters, today):
    sheet = writer.Sheet(
        workbook, "Hỗ trợ", [5, 11, 14, 14, 24, 12, 18, 40, 10, 10, 14], freeze_columns=2
    )
    _title(sheet, "CÁC KHOẢN HỖ TRỢ QUA CHUYẾN CÔNG TÁC CƠ SỞ", filters, today)
    sheet.header(
        ["STT", "Ngày", "Xã", "Huyện", "Cơ quan, đơn vị", "Trạng thái chuyến", "Hình thức",
         "Nội dung hỗ trợ", "Số lượng", "Đơn vị tính", "Giá trị (đồng)"]
    )  # fmt: skip
    stt, grand = 0, 0
    for district, visits in groups:
        sheet.group(district)
        total = 0
        for visit in visits:
            for support in visit.supports.all():
                stt += 1
                total += support.amount_vnd
                sheet.append(
                    [stt, *_visit_columns(visit), visit.get_status_display(),
                     support.get_kind_display(), support.description, support.quantity,
                     support.unit, support.amount_vnd],
                    styles=[writer.CENTER, writer.CENTER, *[None] * 9],
                )  # fmt: skip
        _total(sheet, f"Cộng {district}", 11, total)
        grand += total
    _total(sheet, "Tổng cộng", 11, grand)


def _recommendations_sheet(workbook, groups, filters, today):
    sheet = writer.Sheet(
        workbook, "Kiến nghị", [5, 11, 14, 14, 24, 45, 16, 11, 13, 11, 35], freeze_columns=2
    )
    _title(sheet, "KIẾN NGHỊ QUA CHUYẾN CÔNG TÁC CƠ SỞ", filters, today)
    sheet.header(
        ["STT", "Ngày", "Xã", "Huyện", "Cơ quan, đơn vị", "Nội dung kiến nghị", "Gửi đến",
         "Hạn xử lý", "Tình trạng", "Ngày giải quyết", "Kết quả xử lý"]
    )  # fmt: skip
    stt = 0
    for district, visits in groups:
        sheet.group(district)
        for visit in visits:
            for recommendation in visit.recommendations.all():
                stt += 1
                sheet.append(
                    [stt, *_visit_columns(visit), recommendation.text,
                     recommendation.get_addressed_to_display(), recommendation.due_on,
                     recommendation.get_status_display(), recommendation.resolved_on,
                     recommendation.resolution_note],
                    styles=[writer.CENTER, writer.CENTER, *[None] * 9],
                )  # fmt: skip


def visits_workbook(visits, *, filters, today):
    """The log of `visits` (filtered and scoped); `filters` describes the filter applied."""
    visits = list(log_visits(visits))
    groups = [(name, list(members)) for name, members in groupby(visits, key=_district_name)]
    workbook = writer.new_workbook()
    _visits_sheet(workbook, groups, filters, today)
    _supports_sheet(workbook, groups, filters, today)
    _recommendations_sheet(workbook, groups, filters, today)
    return workbook
