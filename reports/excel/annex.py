"""The assignment list in the layout of the decision's annex (Phụ lục).

One row per assignment of the decision active on the day of the export,
grouped by district ("I. HUYỆN BÁT XÁT", in the districts' official order)
and numbered 1..n across the whole list, as the annex of Decision 1599 is.
The annex importer reads this layout back.
"""

import re
from itertools import groupby

from django.utils.text import slugify

from assignments.services.succession import decision_family
from core import formats
from core.excel import writer

HEADINGS = ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Xã được phân công"]
WIDTHS = [6, 26, 24, 42, 22]
ROMAN = [
    ("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100), ("XC", 90),
    ("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1),
]  # fmt: skip


def roman(number):
    """1 → "I", 9 → "IX"."""
    result = ""
    for letters, value in ROMAN:
        count, number = divmod(number, value)
        result += letters * count
    return result


def file_stem(decision):
    """ "phan-cong-1599" for decision "1599/QĐ-UBND"."""
    digits = re.match(r"\s*(\d+)", decision.number)
    return f"phan-cong-{digits.group(1) if digits else slugify(decision.number)}"


def annex_rows(decision, assignments, today):
    """The decision's assignments active today, those of the decisions amending it
    included, in the annex's order (district, commune)."""
    return (
        assignments.filter(decision__in=decision_family(decision))
        .active(on=today)
        .select_related("leader__agency", "commune__district")
        .order_by("commune__district__code", "commune__sort_name", "commune__code", "pk")
    )


def _district_of(assignment):
    return assignment.commune.district


def annex_workbook(decision, assignments, today):
    """The annex workbook of `decision` over `assignments` (already scoped to the user)."""
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Phu luc", WIDTHS, freeze_columns=0)
    issued = formats.day(decision.issued_on) if decision.issued_on else "…/…/……"
    sheet.title_block(
        [decision.issuer.upper()],
        [
            "PHỤ LỤC",
            "DANH SÁCH PHÂN CÔNG LÃNH ĐẠO CÁC CƠ QUAN, ĐƠN VỊ GIÚP ĐỠ CÁC XÃ XÂY DỰNG "
            f"NÔNG THÔN MỚI GIAI ĐOẠN {decision.period_start} – {decision.period_end}",
        ],
        [f"(Kèm theo Quyết định số {decision.number} ngày {issued} của {decision.issuer})"],
    )
    sheet.header(HEADINGS)
    number = 0
    rows = annex_rows(decision, assignments, today)
    for index, (district, members) in enumerate(groupby(rows, key=_district_of), 1):
        name = district.name if district else "Chưa xác định huyện"
        sheet.group(f"{roman(index)}. {name.upper()}")
        for assignment in members:
            number += 1
            leader = assignment.leader
            sheet.append(
                [number, leader.full_name, leader.position, leader.agency.name,
                 assignment.commune.name],
                styles=[writer.CENTER, None, None, None, None],
            )  # fmt: skip
    sheet.signature(today)
    return workbook
