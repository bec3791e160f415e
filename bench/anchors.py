"""The exports' anchors: the same cells as an export, written bare by openpyxl's write-only
mode and by XlsxWriter's constant_memory mode, from the export's own query.

``CELLS`` holds, per export that has anchors (a report's identifier in the registry, or
"list" for the communes list's Excel button), its sheet names and its cells; ``WRITERS`` the
two bare writers. An export without an entry is measured alone.
"""

import datetime
import io
import tempfile
from pathlib import Path

# The export anchors write the same cells as the export, from the same query (the export's
# own query functions), bare: plain values, no styles, merges or print setup. "Same cells":
# the file's every row (title block, headers, a group row and totals per district, data
# rows, signature) and every cell of it, a cell the export fills with formatting only (the
# border of an unmet criterion, of an empty note) being "" so that the anchor writes it too.
# Rows come as (sheet number, values): the visit log's three sheets are written side by
# side from one pass over the visits, as the export does.


def _blank(values):
    return ["" if value is None else value for value in values]


def _title_rows(sheet, title, notes):
    yield sheet, ["UBND TỈNH LÀO CAI"]
    yield sheet, ["VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI"]
    yield sheet, [title]
    for note in notes:
        yield sheet, [note]
    yield sheet, []


def _signature_rows(sheet, columns):
    from core import formats

    half = columns // 2
    yield sheet, []
    yield sheet, [None] * half + [f"Lào Cai, ngày {formats.day(datetime.date.today())}"]
    yield sheet, ["NGƯỜI LẬP BIỂU"] + [None] * (half - 1) + ["THỦ TRƯỞNG ĐƠN VỊ"]
    yield sheet, ["(Ký, ghi rõ họ tên)"] + [None] * (half - 1) + ["(Ký tên, đóng dấu)"]


def _matrix_cells(year, map):
    """The criteria matrix's cells as (0, row of plain values), from the export's query."""
    from itertools import groupby
    from operator import itemgetter

    from communes.models import Commune, CriteriaSet, Map
    from reports.excel import maps, matrix
    from reports.excel.matrix_totals import NOTE, Tally

    criteria_set = CriteriaSet.objects.for_year(year)  # the year's: 19 criteria, 10 from 2026
    criteria = list(criteria_set.criteria.order_by("number"))
    numbers = [c.number for c in criteria]
    old = [matrix.OLD_DISTRICT] if map == Map.CURRENT else []
    blank = [""] * len(old)
    title = f"KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}"
    note = f"(Bộ tiêu chí theo {criteria_set.legal_basis}; {maps.heading(map)})"
    yield from _title_rows(0, title, [note])
    yield 0, ["STT", "Mã xã", "Tên xã", *(f"TC{n}" for n in numbers), "Số tiêu chí đạt", *old]
    yield 0, ["", "", "", *(c.name for c in criteria), "", *blank]
    communes = matrix.matrix_communes(Commune.objects.all(), None, year, map)
    province = Tally(len(numbers))
    stt = 0
    rows = matrix.matrix_rows(communes, year, numbers, map)
    for (_key, group), members in groupby(rows, key=itemgetter(0)):
        yield 0, ["", "", group, *[""] * (len(numbers) + 1), *blank]
        subtotal = Tally(len(numbers))
        for _group, code, name, district, flags, assessed in members:
            stt += 1
            district = [district] if old else []
            yield 0, [stt, code, name, *(matrix.MET if f else "" for f in flags), sum(flags),
                      *district]  # fmt: skip
            subtotal.add(flags, assessed=assessed)
        yield 0, ["", "", *subtotal.values(f"Cộng {group}"), *blank]
        province.add_tally(subtotal)
    yield 0, ["", "", *province.values("Toàn tỉnh"), *blank]
    yield 0, [NOTE]
    yield from _signature_rows(0, 3 + len(numbers) + 1 + len(old))


def _list_cells(year, _map):
    """The communes list export's cells on the old map as (0, row of plain values), from the
    page's query: title block, filter notes, headers, one row per commune as the page shows
    it."""
    from django.utils import timezone

    from assignments.models.visits import LAST_VISIT_HELP
    from communes.models import Commune, CommuneYear, CriteriaSet, Map
    from core import formats
    from reports.queries import communes_for_list

    levels = dict(CriteriaSet.Level.choices)
    statuses = dict(CommuneYear.Status.choices)
    units = Commune.objects.on_map(Map.OLD).filter(kind=Commune.Kind.RURAL)
    rows = communes_for_list(year, units=units, map=Map.OLD).order_by("sort_name", "code")
    yield from _title_rows(0, "DANH SÁCH XÃ", [
        f"Bộ lọc: Đọc theo: {Map.OLD.label}; Năm đánh giá: {year}",
        "Sắp xếp theo: Tên xã (tăng dần)",
        f"Xuất ngày {formats.day(timezone.localdate())}: {rows.count()} dòng.",
        str(LAST_VISIT_HELP),
    ])  # fmt: skip
    yield 0, ["Tên xã", "Huyện", "Loại", "Mức đạt chuẩn", f"Số tiêu chí đạt ({year})",
              f"Duyệt kết quả năm {year}", "Cơ quan được phân công", "Lãnh đạo phụ trách",
              "Lần đi cơ sở gần nhất"]  # fmt: skip
    for c in rows:
        yield 0, [c.name, c.district.name, c.get_kind_display(),
                  str(levels.get(c.ntm_level, "Chưa công nhận")),
                  "–" if c.criteria_met is None else c.criteria_met,
                  "–" if c.criteria_met is None else str(statuses[c.year_status or "draft"]),
                  c.active_agency_short or c.active_agency_name or "–",
                  c.active_leader_name or "–", c.last_visit or "Chưa có"]  # fmt: skip


def _visit_sheets(_year, map):
    """The visit log's cells as (sheet 0–2, row of plain values), from the export's query."""
    from itertools import chain, groupby
    from operator import itemgetter

    from django.utils import timezone

    from assignments.models import FieldVisit
    from core import formats
    from reports.excel import maps
    from reports.excel import visits as log

    specs = (log.VISITS_SHEET, log.SUPPORTS_SHEET, log.RECOMMENDATIONS_SHEET)
    widths = [len(spec[2]) for spec in specs]
    scope = f"(Tất cả chuyến công tác đến ngày {formats.day(timezone.localdate())})"
    for sheet, (_name, title, _widths, headings) in enumerate(specs):
        yield from _title_rows(sheet, title, [maps.heading(map).upper(), scope, log.COUNTING_NOTE])
        yield sheet, [*headings[:2], *log.PLACE_HEADINGS[map], *headings[4:]]
    counts = [0, 0, 0]
    for index, (heading, subtotal, total, part_of) in enumerate(log.PARTS):
        entries_of = log.log_entries(part_of(FieldVisit.objects.all()), map)
        first = next(entries_of, None)
        if first is None and index > 0:
            continue
        entries_of = chain([first] if first else [], entries_of)
        for sheet, width in enumerate(widths):
            yield sheet, [heading, *[""] * (width - 1)]
        part_visits = part_support = 0
        for (_key, group), entries in groupby(entries_of, itemgetter(0)):
            for sheet, width in enumerate(widths):
                yield sheet, [group, *[""] * (width - 1)]
            visits = support = 0
            for _group, visit, supports, recommendations in entries:
                counts[0] += 1
                visits += 1
                amount = sum(s.amount_vnd for s in supports)
                support += amount
                notes = "\n".join(log.recommendation_summary(r) for r in recommendations)
                summaries = ["\n".join(log.support_summary(s) for s in supports), amount, notes]
                yield 0, _blank([counts[0], *visit, *summaries])
                for item in supports:
                    counts[1] += 1
                    yield 1, _blank([counts[1], *visit[:4], visit.status, *item])
                for item in recommendations:
                    counts[2] += 1
                    yield 2, _blank([counts[2], *visit[:4], *item])
            label = subtotal.format(group=group, n=visits)
            yield 0, ["", "", label, *[""] * 8, support, ""]
            yield 1, ["", "", label, *[""] * 7, support]
            part_visits += visits
            part_support += support
        label = total.format(n=part_visits)
        yield 0, ["", "", label, *[""] * 8, part_support, ""]
        yield 1, ["", "", label, *[""] * 7, part_support]
    yield from _signature_rows(0, widths[0])


def _bare_openpyxl(names, rows):
    """A bare openpyxl write-only loop: each row appended as it comes. Returns the file size."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheets = [workbook.create_sheet(name) for name in names]
    for sheet, values in rows:
        sheets[sheet].append(values)
    stream = io.BytesIO()
    workbook.save(stream)
    return len(stream.getvalue())


def _xlsxwriter(names, rows):
    """XlsxWriter in constant_memory mode; every cell bordered (a blank is written only with a
    format), dates dd/mm/yyyy. Returns the file size."""
    import xlsxwriter

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.xlsx"
        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": folder})
        cell = workbook.add_format({"border": 1, "valign": "top", "text_wrap": True})
        date = workbook.add_format({"border": 1, "valign": "top", "num_format": "dd/mm/yyyy"})
        sheets = [workbook.add_worksheet(name[:31]) for name in names]
        next_row = [0] * len(sheets)
        for index, values in rows:
            sheet, r = sheets[index], next_row[index]
            next_row[index] += 1
            for c, value in enumerate(values):
                if isinstance(value, datetime.date):
                    sheet.write_datetime(r, c, value, date)
                elif value is not None:
                    sheet.write(r, c, value, cell)
        workbook.close()
        return path.stat().st_size


# identifier → (sheet names, cells(year, map) yielding (sheet number, row of plain values)).
CELLS = {
    "matrix": (["Tieu chi"], _matrix_cells),
    "visits": (["Chuyến công tác", "Hỗ trợ", "Kiến nghị"], _visit_sheets),
    "list": (["Danh sach xa"], _list_cells),
}
WRITERS = {"openpyxl": _bare_openpyxl, "xlsxwriter": _xlsxwriter}
