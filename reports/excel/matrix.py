"""The commune × criteria matrix of one year: the file the office sends to the province.

The layout is a contract with the matrix importer (it reads the file back after
the office edits it), so change both together:

* one sheet "Tieu chi <year>"; rows 1–4 the title block, row 5 blank;
* row 6: "STT", "Mã xã", "Tên xã", "TC1" … "TC19", "Số tiêu chí đạt";
  row 7: each criterion's name under its TC column;
* from row 8, per group: a group row (its name in column C), its communes
  (A: STT, B: the GSO code as text, C: the name, "Đạt" or empty per
  criterion, the number met) and a "Cộng <group> (n xã)" row; at the end a
  "Toàn tỉnh (n xã)" row (or "Tổng cộng …" when only part of the province is
  shown), then a note: those rows count communes meeting each criterion and the
  average criteria met (matrix_totals.py);
* met cells are green; panes frozen at D8; rows 6–7 printed on every page.

Every commune of the programme that existed in the year is listed, assessed
that year or not, so that the file can be filled in and imported. On the old
map the groups are the old districts. On the current map (reports/excel/maps.py)
the rows are the same units (results were made for them, and are never merged
into one row), grouped under the unit each counts for today, with their old
district in a last column "Huyện (trước 01/07/2025)" the importer ignores.

That is the layout of 2021–2025. From 2026 (scope.year_map: results are made for
today's units, against the 2026–2030 set) the matrix is matrix_sets.py's: the
year's criteria, the commune's group and review, and an indicator sheet.
"""

from itertools import groupby
from operator import itemgetter

from openpyxl.styles import Alignment

from communes.models import Commune, CriteriaScore, Criterion, Map
from core.excel import writer

from ..imports.scope import year_map
from . import maps, matrix_sets
from .matrix_totals import NOTE, Tally

FIRST_DATA_ROW = 8
MET = "Đạt"
OLD_DISTRICT = "Huyện (trước 01/07/2025)"
CHUNK = 2000  # rows fetched at a time: the whole country is streamed, never held


def sheet_name(year):
    return f"Tieu chi {year}"


ORDER = {
    Map.OLD: ("district__code", "sort_name", "code"),
    Map.CURRENT: ("current_unit__sort_name", "current_unit", "sort_name", "code"),
}


def matrix_communes(communes, district=None, year=None, map=Map.OLD):
    """The programme's communes (of `district`; existing in `year`), group by group on `map`.

    A commune merged away before `year` (Tà Chải, 31/10/2024) has no row in that
    year's matrix; every other one has, assessed or not. From 2026 the units of today,
    whatever `map` (matrix_sets.year_units).
    """
    if year is not None and year_map(year) == Map.CURRENT:
        return matrix_sets.year_units(communes, district, year)
    communes = communes.filter(pk__in=Commune.objects.in_programme().values("pk"))
    if district is not None:
        communes = communes.filter(district=district)
    if year is not None:
        communes = communes.exclude(valid_to__year__lt=year)
    return communes.select_related("district").order_by(*ORDER[map])


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


def matrix_rows(communes, year, numbers, map=Map.OLD):
    """((group key, its title), code, name, district name, [met? per criterion of `numbers`],
    assessed?) per commune, the group being its old district or its current unit (`map`);
    assessed: it has a result that year.

    `communes` (a queryset, in the matrix's order) are read as plain values,
    a chunk at a time.
    """
    met = met_criteria(communes.values("pk"), year)
    rows = communes.values_list(
        "pk", "code", "name", "district_id", "district__name", "current_unit_id",
        "current_unit__name", "current_unit__kind",
    )  # fmt: skip
    for pk, code, name, district_id, district, current_id, current, kind in rows.iterator(
        chunk_size=CHUNK
    ):
        mask = met.get(pk)
        flags = [bool((mask or 0) >> number & 1) for number in numbers]
        if map == Map.CURRENT:
            group = current_id or pk, maps.unit_title(kind, current or name)
        else:
            group = maps.district_group(district_id, district)
        yield group, code, name, district or "", flags, mask is not None


def matrix_workbook(year, communes, *, whole_province=True, today, map=Map.OLD):
    """The matrix of `year` for `communes` (a queryset already scoped to the user, in the
    order of `map`'s groups: matrix_communes)."""
    if year_map(year) == Map.CURRENT:
        return matrix_sets.workbook(year, communes, whole_province=whole_province, today=today)
    criteria = list(Criterion.objects.programme().order_by("number"))
    numbers = [criterion.number for criterion in criteria]
    on_current_map = map == Map.CURRENT

    workbook = writer.new_workbook()
    widths = [5, 8, 18] + [5] * len(criteria) + [9] + ([16] if on_current_map else [])
    sheet = writer.Sheet(workbook, sheet_name(year), widths, freeze=f"D{FIRST_DATA_ROW}")
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE],
        [f"KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}"],
        [f"(Bộ tiêu chí theo Quyết định 318/QĐ-TTg ngày 08/03/2022; {maps.heading(map)})"],
    )
    names = []
    for criterion in criteria:
        cell = sheet.cell(criterion.name, writer.HEADER)
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True, textRotation=90
        )
        names.append(cell)
    # On the current map the old district goes last, where the importer does not look.
    district_column = [OLD_DISTRICT] if on_current_map else []
    sheet.header(
        ["STT", "Mã xã", "Tên xã", *(f"TC{n}" for n in numbers), "Số tiêu chí đạt",
         *district_column],
        [None, None, None, *names, None, *[None] * len(district_column)],
        heights=(None, 150),
    )  # fmt: skip

    met_cell = sheet.cell(MET, writer.MET)  # one cell, written wherever a criterion is met
    styles = [writer.CENTER, writer.CENTER, None, *[writer.CENTER] * len(numbers), None]
    styles += [None] * len(district_column)
    blank = [None] * len(district_column)
    province = Tally(len(numbers))
    stt = 0
    rows = matrix_rows(communes, year, numbers, map)
    for (_key, group), members in groupby(rows, key=itemgetter(0)):
        sheet.group(group, at=3, merge=False)
        subtotal = Tally(len(numbers))
        for _group, code, name, district, flags, assessed in members:
            stt += 1
            cells = [met_cell if flag else None for flag in flags]
            old = [district] if on_current_map else []
            sheet.append([stt, code, name, *cells, sum(flags), *old], styles=styles)
            subtotal.add(flags, assessed=assessed)
        sheet.append([None, None, *subtotal.values(f"Cộng {group}"), *blank], writer.TOTAL)
        province.add_tally(subtotal)
    total = province.values("Toàn tỉnh" if whole_province else "Tổng cộng")
    sheet.append([None, None, *total, *blank], writer.TOTAL)
    sheet.line((1, sheet.columns, NOTE, writer.NOTE))
    sheet.signature(today)
    return workbook
