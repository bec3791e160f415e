"""The criteria matrix of a year from 2026: the year's set, its commune groups, its indicators.

The layout is a contract with the matrix importer (reports/imports/matrix.py and
matrix_indicators.py), so change them together:

* sheet "Tieu chi <year>": the title block (rows 1–2 the issuer, the title, one
  note per line: the set, and when it has indicators how its criteria follow from
  them, and the year's closing day when set), a blank row, then one header row:
  "STT", "Mã xã", "Tên xã", "TC1 Quy hoạch" … one column per criterion of the
  year's set (CriteriaSet.objects.for_year), "Số tiêu chí đạt", "Nhóm" (the
  commune's group for the period) and "Trạng thái" (the commune-year's review:
  Đang nhập / Đã trình duyệt / Đã duyệt). The units of today (scope.year_map),
  grouped by commune group ("Nhóm 1" … "Chưa xếp nhóm") with a "Cộng … (n xã)" row
  each and a total, which count communes meeting each criterion and the average
  criteria met (matrix_totals.py), and a note saying so;
* sheet "Chỉ tiêu", when the set has indicators: "STT", "Mã xã", "Tên xã", "Nhóm"
  and one column per indicator ("Chỉ tiêu 2.3"), the indicator's name under it
  and each group's requirement below; one row per unit, in the same order, with
  the value where one is recorded, else "Đạt" / "Chưa đạt", empty when there is
  no result; met cells green; "Số xã đạt" per indicator at the end.

The blank template (reports/imports/blank.py) is the same workbook without results.
"""

from itertools import groupby

from django.db.models import F, OuterRef, Subquery
from openpyxl.styles import Alignment

from communes import evaluation
from communes.models import (
    Commune,
    CommuneGroup,
    CommuneYear,
    CriteriaScore,
    CriteriaSet,
    Indicator,
    IndicatorResult,
    Map,
    YearClosing,
)
from core import formats
from core.excel import writer
from core.iterables import chunks

from ..imports.matrix_values import DERIVED
from . import maps
from .matrix_totals import NOTE, Tally

INDICATOR_SHEET = "Chỉ tiêu"
GROUP_COLUMN = "Nhóm"
STATUS_COLUMN = "Trạng thái"
UNGROUPED = "Chưa xếp nhóm"
CHUNK = 2000  # units read at a time
RESULT_CHUNK = 250  # units whose indicator results are read in one query


def year_units(communes, district, year):
    """The units a matrix of `year` (from 2026) lists: the programme's units of today that
    existed in the year (of an old `district`: those its xã went into), by commune group
    for the year's period, then in Vietnamese order; each with its `group_number`."""
    units = communes.filter(pk__in=Commune.objects.in_programme(Map.CURRENT).values("pk"))
    units = units.exclude(valid_from__year__gt=year).exclude(valid_to__year__lt=year)
    if district is not None:
        went_into = Commune.objects.filter(district=district).values("current_unit")
        units = units.filter(pk__in=went_into)
    group = CommuneGroup.objects.filter(
        commune=OuterRef("pk"), period__first_year__lte=year, period__last_year__gte=year
    ).values("number")[:1]
    return units.annotate(group_number=Subquery(group)).order_by(
        F("group_number").asc(nulls_last=True), "sort_name", "code"
    )


def group_title(number):
    return f"Nhóm {number}" if number else UNGROUPED


def subtotal_title(number):
    return f"Cộng nhóm {number}" if number else f"Cộng {UNGROUPED.lower()}"


def workbook(year, units, *, whole_province=True, today, blank=False, note=None):
    """The matrix of `year` for `units` (year_units, scoped to the user); `blank`: the
    template, without results. `note` replaces the line saying which units are listed."""
    criteria_set = CriteriaSet.objects.for_year(year)
    criteria = list(criteria_set.criteria.order_by("number"))
    indicators = list(
        Indicator.objects.filter(criterion__criteria_set=criteria_set)
        .select_related("criterion")
        .order_by("criterion__number", "order", "code")
    )
    if "group_number" not in units.query.annotations:
        units = year_units(units, None, year)
    book = writer.new_workbook()
    rows = units.values_list("pk", "code", "name", "group_number")
    statuses = _statuses(units, year)
    _criteria_sheet(
        book, year, criteria_set, criteria, indicators, rows, statuses,
        whole_province=whole_province, today=today, blank=blank, note=note,
    )  # fmt: skip
    if indicators:
        _indicator_sheet(book, year, criteria_set, indicators, rows, today=today, blank=blank)
    return book


def _statuses(units, year):
    """{unit id: the review's label}; a unit without a review is being entered (Đang nhập)."""
    reviews = CommuneYear.objects.filter(year=year, commune__in=units.values("pk")).values_list(
        "commune_id", "status"
    )
    labels = dict(CommuneYear.Status.choices)
    return {commune_id: labels[status] for commune_id, status in reviews.order_by()}


def _notes(year, criteria_set, indicators, note):
    notes = [f"(Bộ tiêu chí theo {criteria_set.legal_basis or criteria_set}; "
             f"{note or maps.heading(Map.CURRENT)})"]  # fmt: skip
    if indicators:
        derived = sorted({indicator.criterion.number for indicator in indicators})
        notes.append(
            "Tiêu chí có chỉ tiêu (TC"
            + ", TC".join(map(str, derived))
            + f", cột ghi “{DERIVED}”) đạt khi mọi chỉ tiêu của tiêu chí đạt theo yêu cầu của "
            f"nhóm xã: ghi kết quả ở trang “{INDICATOR_SHEET}”; khi nhập lại, cột của các tiêu "
            "chí đó không được đọc."
        )
    closing = YearClosing.objects.filter(year=year).first()
    if closing is not None:
        notes.append(
            f"Năm {year} khóa sổ từ ngày {formats.day(closing.closes_on)}: từ ngày đó không "
            "nhập, sửa kết quả của năm được nữa."
        )
    return notes


def _criteria_sheet(book, year, criteria_set, criteria, indicators, rows, statuses, **options):
    blank = options["blank"]
    notes = _notes(year, criteria_set, indicators, options["note"])
    first = 2 + 1 + len(notes) + 1 + 2  # issuer, title, notes, blank row, header: data
    widths = [5, 8, 18] + [6] * len(criteria) + [9, 7, 13]
    sheet = writer.Sheet(book, f"Tieu chi {year}", widths, freeze=f"D{first}")
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE],
        [f"KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}"],
        notes,
    )
    derived = {indicator.criterion_id for indicator in indicators}
    headings = [
        f"TC{c.number} {c.name} {DERIVED}" if c.pk in derived else f"TC{c.number} {c.name}"
        for c in criteria
    ]
    sheet.header(
        ["STT", "Mã xã", "Tên xã", *(_rotated(sheet, text) for text in headings),
         "Số tiêu chí đạt", GROUP_COLUMN, STATUS_COLUMN],
        heights=(150,),
    )  # fmt: skip
    numbers = [criterion.number for criterion in criteria]
    met = {} if blank else _met_masks(criteria_set, year, rows)
    draft = CommuneYear.Status.DRAFT.label
    styles = [writer.CENTER, writer.CENTER, None, *[writer.CENTER] * len(numbers)]
    styles += [None, writer.CENTER, None]
    met_cell = sheet.cell("Đạt", writer.MET)
    empty = [None] * (len(numbers) + 1)
    total = Tally(len(numbers))
    stt = 0
    for number, members in groupby(rows.iterator(chunk_size=CHUNK), key=lambda row: row[3]):
        sheet.group(group_title(number), at=3, merge=False)
        subtotal = Tally(len(numbers))
        for pk, code, name, group in members:
            stt += 1
            status = statuses.get(pk, draft)
            if blank:
                sheet.append([stt, code, name, *empty, group, status], styles=styles)
                continue
            mask = met.get(pk)
            flags = [bool((mask or 0) >> n & 1) for n in numbers]
            cells = [met_cell if flag else None for flag in flags]
            sheet.append([stt, code, name, *cells, sum(flags), group, status], styles=styles)
            subtotal.add(flags, assessed=mask is not None)
        if not blank:
            values = subtotal.values(subtotal_title(number))
            sheet.append([None, None, *values, None, None], writer.TOTAL)
            total.add_tally(subtotal)
    if not blank:
        label = "Toàn tỉnh" if options["whole_province"] else "Tổng cộng"
        sheet.append([None, None, *total.values(label), None, None], writer.TOTAL)
        sheet.line((1, sheet.columns, NOTE, writer.NOTE))
    sheet.signature(options["today"])


def _rotated(sheet, label):
    cell = sheet.cell(label, writer.HEADER)
    cell.alignment = Alignment(
        horizontal="center", vertical="center", wrap_text=True, textRotation=90
    )
    return cell


def _met_masks(criteria_set, year, rows):
    """{unit id: the criteria met as bits} from the units' yearly scores against the set."""
    scores = CriteriaScore.objects.filter(
        criteria_set=criteria_set, year=year, commune__in=rows.values("pk")
    )
    return dict(scores.values_list("commune_id", "met_mask").order_by().iterator(chunk_size=CHUNK))


def _indicator_sheet(book, year, criteria_set, indicators, rows, *, today, blank):
    requirements = evaluation.requirements_of(criteria_set)
    groups = sorted({group for _indicator, group in requirements})
    notes = [
        "(Chỉ tiêu có mức đạt bằng số theo nhóm của xã: ghi giá trị (số); chỉ tiêu còn lại: "
        "ghi “Đạt” hoặc “Chưa đạt”. Ô để trống: chưa có kết quả; nhập lại không xoá kết quả "
        "đã có. Xã chưa xếp nhóm chưa ghi được kết quả.)"
    ]
    header_rows = 2 + len(groups)
    first = 2 + 1 + len(notes) + 1 + header_rows + 1
    # Wide enough for a group's requirement in a few lines: the header is printed on every page.
    widths = [5, 8, 18, 6] + [16] * len(indicators)
    sheet = writer.Sheet(book, INDICATOR_SHEET, widths, freeze=f"E{first}")
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE],
        [f"KẾT QUẢ CÁC CHỈ TIÊU CỦA BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}"],
        notes,
    )
    header = [
        ["STT", "Mã xã", "Tên xã", GROUP_COLUMN, *(f"Chỉ tiêu {i.code}" for i in indicators)],
        [None, None, None, None, *(_rotated(sheet, _name(i)) for i in indicators)],
    ]
    for group in groups:
        texts = [getattr(requirements.get((i.pk, group)), "text", None) for i in indicators]
        header.append([None, None, None, group_title(group), *texts])
    sheet.header(*header, heights=(None, 120, *[45] * len(groups)))
    ids = [indicator.pk for indicator in indicators]
    met_count = [0] * len(ids)
    stt = 0
    base = [writer.CENTER, writer.CENTER, None, writer.CENTER]
    for units in chunks(rows.iterator(chunk_size=CHUNK), RESULT_CHUNK):
        results = {} if blank else _results(units, year, ids)
        for pk, code, name, group in units:
            stt += 1
            values, styles = [], list(base)
            for index, indicator_id in enumerate(ids):
                found = results.get((pk, indicator_id))
                if found is None:
                    values.append(None)
                    styles.append(writer.CENTER)
                    continue
                met, value = found
                values.append(value if value is not None else ("Đạt" if met else "Chưa đạt"))
                styles.append(writer.MET if met else writer.CENTER)
                met_count[index] += met
            sheet.append([stt, code, name, group, *values], styles=styles)
    if not blank:
        sheet.append([None, None, "Số xã đạt", None, *met_count], writer.TOTAL)
    sheet.signature(today)


def _name(indicator):
    unit = f" ({indicator.unit})" if indicator.unit else ""
    return f"{indicator.name}{unit}"


def _results(units, year, indicator_ids):
    """{(unit id, indicator id): (met, value)} of a chunk of units, in one query."""
    rows = IndicatorResult.objects.filter(
        year=year, commune_id__in=[unit[0] for unit in units], indicator_id__in=indicator_ids
    ).values_list("commune_id", "indicator_id", "met", "value")
    return {(commune, indicator): (met, value) for commune, indicator, met, value in rows}
