"""The template of a criteria set's indicators: the file the office fills in and imports.

Sheet "Chi tieu" is what the importer reads: a heading row per criterion (its number
in "Tiêu chí", its name in "Nội dung chỉ tiêu"), then its indicators, one per row,
with a requirement per commune group of the period (or one requirement for a period
without groups). A set that has indicators already is written with them, so that the
office corrects the file and imports it again; an empty set gets blank rows under each
criterion. Sheet "Tieu chi" lists the set's criteria and the period's commune groups
for reference; the importer does not read it.

Written with core.excel.writer, like every file of the portal (no formula in a cell).
"""

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.excel import writer
from core.excel.styles import GROUP, HEADER, NOTE

from . import header
from .cells import SYMBOLS
from .header import CODE, COMPARISON, CRITERION, NAME, TARGET, TEXT, UNIT
from .planner import group_numbers

SHEET = "Chi tieu"
REFERENCE = "Tieu chi"
BLANK_ROWS = 5  # under each criterion of a set without indicators
SPARE_ROWS = 200  # rows below the last one where the drop-downs still work
TEXT_FORMAT = "@"  # "2.10" stays text, never the number 2.1


def filename(criteria_set):
    return f"mau-chi-tieu-{criteria_set.code}.xlsx"


def template(criteria_set, today):
    """The workbook of `criteria_set`'s indicators (blank rows when it has none)."""
    groups = group_numbers(criteria_set.period)
    criteria = list(
        criteria_set.criteria.order_by("number").prefetch_related("indicators__requirements")
    )
    workbook = writer.new_workbook()
    parts = [(TEXT, 28), (COMPARISON, 8), (TARGET, 10)]
    widths = [8, 10, 48, 9] + [width for _group in groups or [None] for _part, width in parts]
    sheet = writer.Sheet(workbook, SHEET, widths, freeze_columns=3)
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE],
        ["CÁC CHỈ TIÊU CỦA BỘ TIÊU CHÍ", criteria_set.name.upper()],
        [_basis(criteria_set), _guide(groups)],
    )
    headings = [header.heading(key) for key in (CRITERION, CODE, NAME, UNIT)]
    headings += [header.heading(part, group) for group in groups or [None] for part, _w in parts]
    first = sheet.header(headings) + 1
    code = sheet.cell(None, number_format=TEXT_FORMAT)
    empty = [None] * (len(headings) - 2)
    for criterion in criteria:
        values = [criterion.number, None, criterion.name] + [None] * (len(headings) - 3)
        sheet.append(values, GROUP, styles=[writer.CENTER] + [None] * (len(headings) - 1))
        indicators = list(criterion.indicators.all())
        for indicator in indicators:
            sheet.append(_indicator_row(sheet, criterion, indicator, groups))
        if not indicators:
            for _row in range(BLANK_ROWS):
                sheet.append([None, code, *empty])
    _drop_downs(sheet, first, sheet.row + SPARE_ROWS, groups, criteria)
    _reference(workbook, criteria_set, criteria)
    return workbook


def _basis(criteria_set):
    basis = criteria_set.legal_basis or criteria_set.name
    line = f"({basis}; giai đoạn {criteria_set.period.label}"
    if criteria_set.version > 1:
        line += f"; phiên bản {criteria_set.version}"
    return line + f"; mã bộ: {criteria_set.code})"


def _guide(groups):
    if groups:
        need = (
            "Mỗi nhóm xã ghi ba cột: Yêu cầu (nguyên văn), So sánh (≥ > ≤ < = hoặc để trống "
            "nếu yêu cầu không phải là số) và Mức đạt (một số, ví dụ 90 hoặc 0,5)."
        )
    else:
        need = (
            "Giai đoạn không chia nhóm xã: ghi Yêu cầu (nguyên văn), So sánh (≥ > ≤ < = hoặc "
            "để trống) và Mức đạt (một số)."
        )
    return (
        "Mỗi chỉ tiêu một dòng, dưới dòng tiêu chí của nó; Số chỉ tiêu bắt đầu bằng số tiêu "
        "chí (2.3 thuộc tiêu chí 2). " + need + " Tệp nhập vào thay toàn bộ chỉ tiêu của bộ."
    )


def _indicator_row(sheet, criterion, indicator, groups):
    requirements = {r.group: r for r in indicator.requirements.all()}
    values = [
        criterion.number,
        sheet.cell(indicator.code, number_format=TEXT_FORMAT),
        indicator.name,
        indicator.unit,
    ]
    for group in groups or [1]:
        requirement = requirements.get(group)
        if requirement is None:
            values += [None, None, None]
            continue
        values += [
            requirement.text,
            sheet.cell(SYMBOLS.get(requirement.comparison), writer.CENTER),
            sheet.cell(requirement.target, number_format="General"),
        ]
    return values


def _drop_downs(sheet, first, last, groups, criteria):
    """The comparison columns offer ≥ > ≤ < =; the criterion column the set's numbers."""
    comparisons = DataValidation(
        type="list",
        formula1='"≥,>,≤,<,="',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Phép so sánh",
        error="Hãy chọn một trong ≥ > ≤ < = hoặc để trống.",
    )
    for index in range(len(groups or [None])):
        column = get_column_letter(4 + 3 * index + 2)
        comparisons.add(f"{column}{first}:{column}{last}")
    sheet.ws.data_validations.append(comparisons)
    if criteria:
        numbers = DataValidation(
            type="list",
            formula1='"' + ",".join(str(c.number) for c in criteria) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Số tiêu chí",
            error="Hãy chọn số một tiêu chí của bộ (xem trang Tieu chi).",
        )
        numbers.add(f"A{first}:A{last}")
        sheet.ws.data_validations.append(numbers)


def _reference(workbook, criteria_set, criteria):
    """The set's criteria and the period's commune groups, to read while filling in."""
    sheet = writer.Sheet(workbook, REFERENCE, [8, 60, 40, 14], freeze_columns=0)
    sheet.title_block([], [f"CÁC TIÊU CHÍ CỦA {criteria_set.name.upper()}"])
    sheet.header(["Số", "Tên tiêu chí", "Nhóm tiêu chí", "Số chỉ tiêu đã có"])
    for criterion in criteria:
        group = str(criterion.group) if criterion.group_id else None
        sheet.append(
            [criterion.number, criterion.name, group, len(criterion.indicators.all())],
            styles=[writer.CENTER, None, None, writer.CENTER],
        )
    definitions = list(criteria_set.period.group_definitions.all())
    sheet.blank()
    if not definitions:
        sheet.line((1, 4, f"Giai đoạn {criteria_set.period.label} không chia nhóm xã.", NOTE))
        return
    sheet.append(["Nhóm xã", "Tiêu chí phân nhóm", None, None], HEADER)
    for definition in definitions:
        sheet.append(
            [definition.number, definition.definition, None, None],
            styles=[writer.CENTER, None, None, None],
        )
