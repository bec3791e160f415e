"""The assignment list in the layout of the decision's annex (Phụ lục).

One row per assignment of the decision active on the day of the export,
grouped by district ("I. HUYỆN BÁT XÁT", in the districts' official order)
and numbered 1..n across the whole list, as the annex of Decision 1599 is.
The annex importer reads this layout back.

The annex stays the decision's list on either map. On the old map it is the
list as it stood on the map's last day (30/06/2025) when made later, grouped
by old district. On the current map it is the list in force today, without
districts (abolished on 01/07/2025): in the order of the units the communes
belong to today, which a last column names (a column the importer does not
read).
"""

import re
from itertools import groupby

from django.db.models import F
from django.utils.text import slugify

from assignments.services.succession import decision_family
from communes.models import Map
from core import formats
from core.excel import writer

from . import maps

HEADINGS = ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Xã được phân công"]
WIDTHS = [6, 26, 24, 42, 22]
# On the current map: the unit each commune's records count for today.
CURRENT_UNIT = ("Xã, phường hiện nay", 22)
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


ORDER = {
    Map.OLD: (F("commune__district__code").asc(nulls_last=True), "commune__sort_name",
              "commune__code", "pk"),
    Map.CURRENT: ("commune__current_unit__sort_name", "commune__current_unit",
                  "commune__sort_name", "commune__code", "pk"),
}  # fmt: skip


def annex_rows(decision, assignments, day, map=Map.OLD):
    """The decision's assignments active on `day`, those of the decisions amending it
    included, in the annex's order on `map` (district or current unit, commune)."""
    return (
        assignments.filter(decision__in=decision_family(decision))
        .active(on=day)
        .select_related("leader__agency", "commune__district", "commune__current_unit")
        .order_by(*ORDER[map])
    )


def _district_of(assignment):
    return assignment.commune.district


def _current_unit(commune):
    current = commune.current_unit or commune
    return maps.unit_title(current.kind, current.name)


def annex_workbook(decision, assignments, today, map=Map.OLD):
    """The annex workbook of `decision` over `assignments` (already scoped to the user)
    on `map` (see the module's doc)."""
    on_current_map = map == Map.CURRENT
    headings, widths = HEADINGS, WIDTHS
    day, as_of = today, ""
    if on_current_map:
        headings, widths = [*HEADINGS, CURRENT_UNIT[0]], [*WIDTHS, CURRENT_UNIT[1]]
    elif today > maps.LAST_OLD_DAY:
        day = maps.LAST_OLD_DAY
        as_of = f"; danh sách đến ngày {formats.day(day)}, {maps.heading(map)}"
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Phu luc", widths, freeze_columns=0)
    issued = formats.day(decision.issued_on) if decision.issued_on else "…/…/……"
    sheet.title_block(
        [decision.issuer.upper()],
        [
            "PHỤ LỤC",
            "DANH SÁCH PHÂN CÔNG LÃNH ĐẠO CÁC CƠ QUAN, ĐƠN VỊ GIÚP ĐỠ CÁC XÃ XÂY DỰNG "
            f"NÔNG THÔN MỚI GIAI ĐOẠN {decision.period_start} – {decision.period_end}",
        ],
        [f"(Kèm theo Quyết định số {decision.number} ngày {issued} của {decision.issuer}{as_of})"],
    )
    sheet.header(headings)
    rows = annex_rows(decision, assignments, day, map)
    if on_current_map:  # no district level any more: one list
        _append(sheet, rows, 0, on_current_map)
    else:
        number = 0
        for index, (district, members) in enumerate(groupby(rows, key=_district_of), 1):
            name = district.name if district else writer.NO_DISTRICT
            sheet.group(f"{roman(index)}. {name.upper()}")
            number = _append(sheet, members, number, on_current_map)
    sheet.signature(today)
    return workbook


def _append(sheet, assignments, number, on_current_map):
    """The rows of `assignments`, numbered on from `number`; the last number."""
    styles = [writer.CENTER, *[None] * (sheet.columns - 1)]
    for assignment in assignments:
        number += 1
        leader, commune = assignment.leader, assignment.commune
        today_unit = [_current_unit(commune)] if on_current_map else []
        sheet.append(
            [number, leader.full_name, leader.position, leader.agency.name, commune.name,
             *today_unit],
            styles=styles,
        )  # fmt: skip
    return number
