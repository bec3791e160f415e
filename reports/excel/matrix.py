"""The commune × criteria matrix of one year: the file the office sends to the province.

The layout is a contract with the matrix importer (it reads the file back after
the office edits it), so change both together:

* one sheet "Tieu chi <year>"; rows 1–4 the title block, row 5 blank;
* row 6: "STT", "Mã xã", "Tên xã", "TC1" … "TC19", "Số tiêu chí đạt";
  row 7: each criterion's name under its TC column;
* from row 8, per district: a group row (the district's name in column C),
  its communes (A: STT, B: the GSO code as text, C: the name, "Đạt" or empty
  per criterion, the number met) and a "Cộng <district>" row; at the end a
  "Toàn tỉnh" row (or "Tổng cộng" when only part of the province is shown);
* met cells are green; panes frozen at D8; rows 6–7 printed on every page.

Every commune of the programme that existed in the year is listed, assessed
that year or not, so that the file can be filled in and imported.
"""

from itertools import groupby
from operator import itemgetter

from openpyxl.styles import Alignment

from communes.models import Commune, CriteriaScore, Criterion
from core.excel import writer

FIRST_DATA_ROW = 8
MET = "Đạt"
CHUNK = 2000  # rows fetched at a time: the whole country is streamed, never held


def sheet_name(year):
    return f"Tieu chi {year}"


def matrix_communes(communes, district=None, year=None):
    """The programme's communes (of `district`; existing in `year`), district by district.

    A commune merged away before `year` (Tà Chải, 31/10/2024) has no row in that
    year's matrix; every other one has, assessed or not.
    """
    communes = communes.filter(pk__in=Commune.objects.in_programme().values("pk"))
    if district is not None:
        communes = communes.filter(district=district)
    if year is not None:
        communes = communes.exclude(valid_to__year__lt=year)
    return communes.select_related("district").order_by("district__code", "sort_name", "code")


def met_criteria(communes, year):
    """{commune id: the criteria met in `year` as bits, 1 << number}, in one query.

    `communes` are ids or a queryset of communes. Read from the communes'
    yearly scores (CriteriaScore.met_mask), one row per commune.
    """
    rows = (
        CriteriaScore.objects.programme()
        .filter(year=year, commune__in=communes)
        .values_list("commune_id", "met_mask")
        .order_by()
    )
    return dict(rows.iterator(chunk_size=CHUNK))


def matrix_rows(communes, year, numbers):
    """(district id, its name, code, name, [met? per criterion of `numbers`]) per commune.

    `communes` (a queryset, in the matrix's order) are read as plain values,
    a chunk at a time.
    """
    met = met_criteria(communes.values("pk"), year)
    rows = communes.values_list("pk", "code", "name", "district_id", "district__name")
    for pk, code, name, district_id, district in rows.iterator(chunk_size=CHUNK):
        mask = met.get(pk, 0)
        flags = [bool(mask >> number & 1) for number in numbers]
        yield district_id, district or writer.NO_DISTRICT, code, name, flags


def matrix_workbook(year, communes, *, whole_province=True, today):
    """The matrix of `year` for `communes` (a queryset already scoped to the user)."""
    criteria = list(Criterion.objects.programme().order_by("number"))
    numbers = [criterion.number for criterion in criteria]

    workbook = writer.new_workbook()
    widths = [5, 8, 18] + [5] * len(criteria) + [9]
    sheet = writer.Sheet(workbook, sheet_name(year), widths, freeze=f"D{FIRST_DATA_ROW}")
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE],
        [f"KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}"],
        ["(Bộ tiêu chí theo Quyết định 318/QĐ-TTg ngày 08/03/2022)"],
    )
    names = []
    for criterion in criteria:
        cell = sheet.cell(criterion.name, writer.HEADER)
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True, textRotation=90
        )
        names.append(cell)
    sheet.header(
        ["STT", "Mã xã", "Tên xã", *(f"TC{n}" for n in numbers), "Số tiêu chí đạt"],
        [None, None, None, *names, None],
        heights=(None, 150),
    )

    met_cell = sheet.cell(MET, writer.MET)  # one cell, written wherever a criterion is met
    styles = [writer.CENTER, writer.CENTER, None, *[writer.CENTER] * len(numbers), None]
    province = [0] * (len(numbers) + 1)
    stt = 0
    rows = matrix_rows(communes, year, numbers)
    for (_id, district_name), members in groupby(rows, key=itemgetter(0, 1)):
        sheet.group(district_name, at=3, merge=False)
        subtotal = [0] * (len(numbers) + 1)
        for _district_id, _district_name, code, name, flags in members:
            stt += 1
            met = sum(flags)
            cells = [met_cell if flag else None for flag in flags]
            sheet.append([stt, code, name, *cells, met], styles=styles)
            for index, flag in enumerate(flags):
                subtotal[index] += flag
            subtotal[-1] += met
        sheet.append([None, None, f"Cộng {district_name}", *subtotal], writer.TOTAL)
        province = [a + b for a, b in zip(province, subtotal, strict=True)]
    sheet.append(
        [None, None, "Toàn tỉnh" if whole_province else "Tổng cộng", *province], writer.TOTAL
    )
    sheet.signature(today)
    return workbook
