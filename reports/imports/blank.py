"""Blank workbooks the office fills in and imports: the annex and the criteria matrix.

Written with the exports' toolkit (core/excel/writer.py), so they print like
the reports and hold no formula in a cell; the importers read them back as they are.

The annex template offers drop-down lists (data validation) read from a hidden
sheet: the programme's districts, the communes of the district chosen on the
row (one named range per district, picked by INDIRECT; the whole list while no
district is chosen) and the agencies already known. A district or commune outside
the lists is refused; a new agency is allowed after a warning.
"""

from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from assignments.models import Agency
from communes import text
from communes.models import Commune, Criterion, District
from core.excel import writer

from ..excel import matrix as matrix_export

ANNEX_HEADINGS = ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Huyện", "Xã được phân công"]
ANNEX_WIDTHS = [6, 26, 24, 42, 20, 22]
AGENCY, DISTRICT, COMMUNE = "D", "E", "F"
# Rows below the header that carry the drop-down lists.
ANNEX_ROWS = 1000
LISTS = "DanhSach"  # the hidden sheet; a title without spaces needs no quotes in a formula
# The communes of the n-th district are the range "Xa_n": a valid name in Excel and
# LibreOffice (a letter first, an underscore, so never a cell reference like "XA1").
RANGE_PREFIX = "Xa_"


def annex_template(today):
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Phu luc", ANNEX_WIDTHS, freeze_columns=0)
    sheet.title_block(
        [writer.PROVINCE],
        [
            "PHỤ LỤC",
            "DANH SÁCH PHÂN CÔNG LÃNH ĐẠO CÁC CƠ QUAN, ĐƠN VỊ, DOANH NGHIỆP GIÚP ĐỠ CÁC XÃ "
            "XÂY DỰNG NÔNG THÔN MỚI",
        ],
        [
            "(Kèm theo Quyết định số      /QĐ-UBND ngày    tháng    năm      "
            "của UBND tỉnh Lào Cai)",
            "Mỗi xã một dòng. Chọn Huyện rồi chọn Xã trong danh sách của huyện đó; chọn Cơ "
            "quan trong danh sách các cơ quan đã có, hoặc gõ tên cơ quan mới.",
        ],
    )
    first = sheet.header(ANNEX_HEADINGS) + 1
    _annex_lists(workbook, sheet.ws, first, first + ANNEX_ROWS - 1)
    return workbook


def _annex_lists(workbook, main, first, last):
    """The hidden sheet of lists, its named ranges and the drop-downs of rows first..last."""
    districts = list(District.objects.in_programme().order_by("code"))
    communes = sorted(
        Commune.objects.in_programme().filter(district__in=districts),
        key=lambda commune: (commune.district_id, commune.sort_name, commune.code),
    )
    district_names = {district.pk: district.name for district in districts}
    by_district = {district.pk: [] for district in districts}
    for commune in communes:
        by_district[commune.district_id].append(commune)
    ordered = [commune for district in districts for commune in by_district[district.pk]]
    agencies = sorted(Agency.objects.values_list("name", flat=True), key=text.sort_key)

    lists = writer.Sheet(workbook, LISTS, [24, 40, 24, 24])
    lists.ws.sheet_state = "hidden"
    # Headings the annex reader never takes for an annex's header.
    lists.header(["Danh sách huyện", "Danh sách cơ quan, đơn vị", "Danh sách xã", "Huyện của xã"])
    columns = [
        [district.name for district in districts],
        agencies,
        [commune.name for commune in ordered],
        [district_names[commune.district_id] for commune in ordered],
    ]
    for index in range(max(map(len, columns), default=0)):
        lists.append([column[index] if index < len(column) else None for column in columns])

    def name(label, column, top, bottom):
        reference = f"{LISTS}!${column}${top}:${column}${bottom}"
        workbook.defined_names[label] = DefinedName(label, attr_text=reference)

    row = 2
    for index, district in enumerate(districts, 1):
        size = len(by_district[district.pk])
        name(district_range(index), "C", row, row + size - 1)
        row += size
    if districts:
        name("DS_Huyen", "A", 2, len(districts) + 1)
        name("DS_Xa", "C", 2, len(ordered) + 1)
        chosen = f"${DISTRICT}{first}"
        _validate(
            main,
            "DS_Huyen",
            f"{DISTRICT}{first}:{DISTRICT}{last}",
            "stop",
            "Huyện không có trong danh sách",
            "Hãy chọn huyện trong danh sách.",
        )
        _validate(
            main,
            f'IF({chosen}="",DS_Xa,INDIRECT("{RANGE_PREFIX}"&MATCH({chosen},DS_Huyen,0)))',
            f"{COMMUNE}{first}:{COMMUNE}{last}",
            "stop",
            "Xã không có trong danh sách",
            "Hãy chọn xã trong danh sách các xã của huyện đã chọn ở cột Huyện.",
        )
    if agencies:
        name("DS_CoQuan", "B", 2, len(agencies) + 1)
        _validate(
            main,
            "DS_CoQuan",
            f"{AGENCY}{first}:{AGENCY}{last}",
            "warning",
            "Cơ quan chưa có trong danh sách",
            "Tên này khác mọi cơ quan đã có. Nếu đúng là một cơ quan mới, hãy giữ tên vừa gõ "
            "(Yes); nếu là một cơ quan đã có, hãy chọn trong danh sách (No).",
        )


def district_range(index):
    """The name of the range of the `index`-th district's communes (1-based), e.g. "Xa_3"."""
    return f"{RANGE_PREFIX}{index}"


def _validate(sheet, formula, cells, style, title, message):
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle=style,
        errorTitle=title,
        error=message,
    )
    validation.add(cells)
    sheet.data_validations.append(validation)


def template_communes(year):
    """The programme's communes that still existed in `year`, as the export orders them."""
    communes = Commune.objects.filter(valid_to__isnull=True) | Commune.objects.filter(
        valid_to__year__gte=year
    )
    return matrix_export.matrix_communes(communes)


def matrix_template(year, today):
    """The matrix layout of `year` with every commune listed and every criterion cell empty."""
    criteria = list(Criterion.objects.programme().order_by("number"))
    workbook = writer.new_workbook()
    widths = [5, 8, 18] + [5] * len(criteria) + [9]
    sheet = writer.Sheet(
        workbook,
        matrix_export.sheet_name(year),
        widths,
        freeze=f"D{matrix_export.FIRST_DATA_ROW}",
    )
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE],
        [f"KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}"],
        ["(Bộ tiêu chí theo Quyết định 318/QĐ-TTg ngày 08/03/2022)"],
    )
    sheet.header(
        ["STT", "Mã xã", "Tên xã", *(f"TC{c.number}" for c in criteria), "Số tiêu chí đạt"],
        [None, None, None, *(c.name for c in criteria), None],
        heights=(None, 150),
    )
    empty = [None] * (len(criteria) + 1)
    district_id = object()
    for stt, commune in enumerate(template_communes(year), start=1):
        if commune.district_id != district_id:
            district_id = commune.district_id
            sheet.group(commune.district.name if commune.district else "", at=3, merge=False)
        sheet.append(
            [stt, commune.code, commune.name, *empty],
            styles=[writer.CENTER, writer.CENTER, *[None] * (len(empty) + 1)],
        )
    sheet.signature(today)
    return workbook
