"""Reading back what the portal writes: our exports are write-only workbooks, whose sheets
declare no size (<dimension>); the reader reads each sheet once, cell for cell."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.worksheet._reader import WorkSheetParser

from communes.models import IndicatorResult
from reports.imports import files
from tests.support import matrix_2026 as m

pytestmark = pytest.mark.django_db


def expected_cells(data):
    """{title: {(row, column): value}} as openpyxl's full reader sees the file, cleaned as the
    importer cleans a value, a merged range's top-left value in each of its cells."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in book.worksheets:
        values = {}
        for row in sheet.iter_rows():
            for cell in row:
                if (value := files.clean_value(cell.value)) is not None:
                    values[(cell.row, cell.column)] = value
        for merged in sheet.merged_cells.ranges:
            top = values.get((merged.min_row, merged.min_col))
            for row, column in merged.cells:
                if top is not None:
                    values[(row, column)] = top
        sheets[sheet.title] = values
    return sheets


def test_an_exported_matrix_is_read_back_cell_for_cell_each_sheet_once(monkeypatch):
    units = m.fresh_year()
    indicators = m.add_indicators()
    IndicatorResult.objects.create(
        commune=units[0], indicator=indicators["2.1"], year=m.YEAR, met=True, value=Decimal("85")
    )
    data = m.exported()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<dimension" in archive.read(n) for n in sheets)
    parsed = []
    parse = WorkSheetParser.parse
    monkeypatch.setattr(WorkSheetParser, "parse", lambda self: parsed.append(1) or parse(self))
    monkeypatch.setattr(
        WorkSheetParser, "parse_dimensions", lambda self: parsed.append("size") or None
    )

    with files.open_workbook(data) as book:
        assert parsed == []  # opening reads no sheet
        read = {title: files._grid(title, book.rows(title)).values for title in book.titles}

    assert parsed == [1] * len(sheets)
    assert read == expected_cells(data)
    assert read["Chỉ tiêu"]
    assert 85 in read["Chỉ tiêu"].values()


def test_a_sheet_declaring_too_small_a_size_is_read_whole():
    book = openpyxl.Workbook()
    sheet = book.active
    for row in range(1, 6):
        sheet.append([row, f"dòng {row}"])
    stream = io.BytesIO()
    book.save(stream)
    data = stream.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:B5"/>' in xml
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<dimension ref="A1:B5"/>', b'<dimension ref="A1:A2"/>')
            target.writestr(item, content)

    with files.open_workbook(out.getvalue()) as opened:
        rows = [row.values for row in opened.rows(opened.titles[0])]

    assert rows == [[n, f"dòng {n}"] for n in range(1, 6)]
