"""Blank workbooks the office fills in and imports: the annex, the criteria matrix and the
commune groups of a period.

Written with the exports' toolkit (core/excel/writer.py), so they print like
the reports and hold no formula in a cell; the importers read them back as they are.

The annex template offers drop-down lists (data validation) read from a hidden
sheet: on the old map the districts (of one old province or both), the communes of
the district chosen on the row (one named range per district, picked by INDIRECT;
the whole list while no district is chosen); on today's map the units from
01/07/2025, without a district column; and the agencies already known. A district
or commune outside the lists is refused; a new agency is allowed after a warning.

The matrix template lists the communes of its year's map (scope.year_map), and
its note under the title says which. From 2026 it is the year's matrix as exported
(reports/excel/matrix_sets.py: the year's criteria, the commune group, the indicator
sheet) without results.
"""

from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from assignments.models import Agency
from communes import grouping, text
from communes.models import Commune, Criterion, District, Map
from communes.reference import REFORM_DAY
from communes.validation import unit_title
from core.excel import writer

from ..excel import matrix as matrix_export
from ..excel import matrix_sets
from .reference import province_label
from .scope import year_map

ANNEX_HEADINGS = ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Huyện", "Xã được phân công"]
ANNEX_WIDTHS = [6, 26, 24, 42, 20, 22]
AGENCY, DISTRICT, COMMUNE = "D", "E", "F"
# Today's map has no districts: its template has no Huyện column.
CURRENT_HEADINGS = ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Xã được phân công"]
CURRENT_WIDTHS = [6, 26, 24, 42, 24]
CURRENT_COMMUNE = "E"
# Rows below the header that carry the drop-down lists.
ANNEX_ROWS = 1000
LISTS = "DanhSach"  # the hidden sheet; a title without spaces needs no quotes in a formula
# The communes of the n-th district are the range "Xa_n": a valid name in Excel and
# LibreOffice (a letter first, an underscore, so never a cell reference like "XA1").
RANGE_PREFIX = "Xa_"


def annex_template(today, map=Map.OLD, province=None):
    """The blank annex of `map`'s units.

    On the old map, by district: the xã of `province` (an old province) or of both
    old provinces; on today's map the units from 01/07/2025, without districts.
    """
    current = Map(map) == Map.CURRENT
    workbook = writer.new_workbook()
    widths = CURRENT_WIDTHS if current else ANNEX_WIDTHS
    sheet = writer.Sheet(workbook, "Phu luc", widths, freeze_columns=0)
    issuer = "UBND tỉnh Lào Cai"
    if province is not None:
        issuer = "UBND " + province.name[:1].lower() + province.name[1:]
    if current:
        guide = (
            "Mỗi xã một dòng, theo đơn vị hành chính từ 01/07/2025 (không còn cấp huyện). "
            "Chọn Xã trong danh sách; chọn Cơ quan trong danh sách các cơ quan đã có, hoặc gõ "
            "tên cơ quan mới."
        )
    else:
        guide = (
            "Mỗi xã một dòng, theo địa giới trước 01/07/2025. Chọn Huyện rồi chọn Xã trong "
            "danh sách của huyện đó; chọn Cơ quan trong danh sách các cơ quan đã có, hoặc gõ "
            "tên cơ quan mới."
        )
    sheet.title_block(
        [writer.PROVINCE],
        [
            "PHỤ LỤC",
            "DANH SÁCH PHÂN CÔNG LÃNH ĐẠO CÁC CƠ QUAN, ĐƠN VỊ, DOANH NGHIỆP GIÚP ĐỠ CÁC XÃ "
            "XÂY DỰNG NÔNG THÔN MỚI",
        ],
        [f"(Kèm theo Quyết định số      /QĐ-UBND ngày    tháng    năm      của {issuer})", guide],
    )
    first = sheet.header(CURRENT_HEADINGS if current else ANNEX_HEADINGS) + 1
    if current:
        districts = []
        communes = Commune.objects.in_programme(Map.CURRENT).order_by("sort_name", "code")
    else:
        districts = District.objects.in_programme()
        if province is not None:
            districts = districts.filter(province=province)
        districts = list(districts.order_by("code"))
        communes = Commune.objects.in_programme().filter(district__in=districts)
    _annex_lists(workbook, sheet.ws, first, first + ANNEX_ROWS - 1, districts, list(communes))
    return workbook


def _annex_lists(workbook, main, first, last, districts, communes):
    """The hidden sheet of lists, its named ranges and the drop-downs of rows first..last.

    `districts` empty: one list of `communes` (today's map), in their order.
    """
    district_names = {district.pk: district.name for district in districts}
    if districts:
        by_district = {district.pk: [] for district in districts}
        for commune in sorted(communes, key=lambda c: (c.sort_name, c.code)):
            by_district[commune.district_id].append(commune)
        ordered = [commune for district in districts for commune in by_district[district.pk]]
    else:
        ordered = communes
    agencies = sorted(Agency.objects.values_list("name", flat=True), key=text.sort_key)

    lists = writer.Sheet(workbook, LISTS, [24, 40, 24, 24])
    lists.ws.sheet_state = "hidden"
    # Headings the annex reader never takes for an annex's header.
    lists.header(["Danh sách huyện", "Danh sách cơ quan, đơn vị", "Danh sách xã", "Huyện của xã"])
    columns = [
        [district.name for district in districts],
        agencies,
        [commune.name for commune in ordered],
        [district_names.get(commune.district_id) for commune in ordered],
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
    if ordered:
        name("DS_Xa", "C", 2, len(ordered) + 1)
    if districts:
        name("DS_Huyen", "A", 2, len(districts) + 1)
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
    elif ordered:
        _validate(
            main,
            "DS_Xa",
            f"{CURRENT_COMMUNE}{first}:{CURRENT_COMMUNE}{last}",
            "stop",
            "Xã không có trong danh sách",
            "Hãy chọn xã trong danh sách các đơn vị hành chính từ 01/07/2025.",
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
    """The communes a matrix of `year` up to 2025 lists, in the order it lists them: the old
    map's xã that still existed in `year`, by old province and district as the export
    orders them (from 2026 the template is matrix_sets.workbook's)."""
    communes = matrix_export.matrix_communes(Commune.objects.all(), year=year)
    return communes.select_related("province")


def _matrix_note(year):
    """The line under the title: the criteria set, and which units the list has."""
    criteria = "Bộ tiêu chí theo Quyết định 318/QĐ-TTg ngày 08/03/2022"
    if year == REFORM_DAY.year:
        units = (
            "năm 2025 ghi theo các xã trước 01/07/2025, theo tỉnh và huyện cũ (kết quả năm "
            "2025 đã có đều ghi cho các xã này; không ghi cho đơn vị mới từ 01/07/2025)"
        )
    else:
        units = "danh sách xã trước 01/07/2025, theo tỉnh và huyện cũ"
    return f"({criteria}; {units})"


def matrix_template(year, today):
    """The matrix layout of `year` with every commune listed and every criterion cell empty."""
    if year_map(year) == Map.CURRENT:
        units = matrix_export.matrix_communes(Commune.objects.all(), year=year)
        note = "danh sách đơn vị hành chính từ 01/07/2025 (không còn cấp huyện)"
        return matrix_sets.workbook(year, units, today=today, blank=True, note=note)
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
        [_matrix_note(year)],
    )
    sheet.header(
        ["STT", "Mã xã", "Tên xã", *(f"TC{c.number}" for c in criteria), "Số tiêu chí đạt"],
        [None, None, None, *(c.name for c in criteria), None],
        heights=(None, 150),
    )
    empty = [None] * (len(criteria) + 1)
    province_id = district_id = object()
    for stt, commune in enumerate(template_communes(year), start=1):
        if commune.province_id != province_id:
            province_id = commune.province_id
            sheet.group(province_label(commune.province).upper(), at=3, merge=False)
        if commune.district_id != district_id and commune.district_id is not None:
            district_id = commune.district_id
            sheet.group(commune.district.name, at=3, merge=False)
        sheet.append(
            [stt, commune.code, commune.name, *empty],
            styles=[writer.CENTER, writer.CENTER, *[None] * (len(empty) + 1)],
        )
    sheet.signature(today)
    return workbook


GROUP_HEADINGS = ["STT", "Mã xã", "Tên xã", "Nhóm", "Căn cứ"]
GROUP_WIDTHS = [6, 9, 26, 8, 60]


def groups_template(period):
    """Every unit of `period` (communes.grouping.programme_communes) with its group and basis
    left empty; the Nhóm column offers 1, 2, 3."""
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Nhom xa", GROUP_WIDTHS, freeze_columns=3)
    definitions = [
        f"Nhóm {d.number}: {d.definition}" for d in period.group_definitions.order_by("number")
    ]
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE],
        [f"DANH SÁCH XẾP NHÓM XÃ GIAI ĐOẠN {period.label}"],
        [
            f"({period.legal_basis}; mỗi đơn vị một dòng: ghi Nhóm 1, 2 hoặc 3 và Căn cứ, ví dụ "
            "“khu vực III theo Quyết định 2752/QĐ-UBND ngày 31/12/2025”; để trống Nhóm: giữ "
            "nguyên nhóm đang có)",
            *definitions,
        ],
    )
    first = sheet.header(GROUP_HEADINGS) + 1
    units = grouping.programme_communes(period).order_by("sort_name", "code")
    for stt, unit in enumerate(units, start=1):
        sheet.append(
            [stt, unit.code, unit_title(unit), None, None],
            styles=[writer.CENTER, writer.CENTER, None, writer.CENTER, None],
        )
    if sheet.row >= first:
        _validate(
            sheet.ws,
            '"1,2,3"',
            f"D{first}:D{sheet.row}",
            "stop",
            "Nhóm không hợp lệ",
            "Nhóm là 1, 2 hoặc 3.",
        )
    return workbook
