"""Workbooks for the import tests, built with openpyxl in code (no binary fixtures)."""

import datetime
import io
import unicodedata
import zipfile
from xml.etree import ElementTree

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from assignments.models import Assignment
from communes.models import Commune
from reports.excel.matrix import matrix_communes, matrix_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TODAY = datetime.date(2025, 11, 24)


def workbook_bytes(rows, merges=(), title="Phu luc"):
    """A one-sheet workbook: `rows` from row 1 (None for an empty cell), `merges` like "A5:E5"."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for values in rows:
        sheet.append(list(values))
    for merged in merges:
        sheet.merge_cells(merged)
    return save(book)


def save(book):
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def upload(data, name="phu-luc.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def nfd(value):
    return unicodedata.normalize("NFD", value)


def active_assignment(commune_name, district_name=None):
    queryset = Assignment.objects.active().select_related("leader__agency", "commune__district")
    queryset = queryset.filter(commune__name=commune_name)
    if district_name:
        queryset = queryset.filter(commune__district__name=district_name)
    return queryset.get()


def annex_rows_for(assignments, spellings=None):
    """The annex of `assignments` as the office types it: district rows, then one row each.

    `spellings` ({commune id: name}) types those communes' names another way.
    """
    rows = [
        ["UBND TỈNH LÀO CAI"],
        ["PHỤ LỤC"],
        ["Danh sách phân công lãnh đạo giúp đỡ các xã"],
        ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Xã được phân công"],
    ]
    district = None
    for stt, assignment in enumerate(assignments, start=1):
        commune = assignment.commune
        if commune.district_id != district:
            district = commune.district_id
            rows.append([None, commune.district.name.upper()])
        leader = assignment.leader
        name = (spellings or {}).get(commune.pk, commune.name)
        rows.append([stt, leader.full_name, leader.position, leader.agency.name, name])
    return rows


def matrix_bytes(year, district=None):
    """The export of `year`'s criteria matrix (of one district), as the office downloads it."""
    communes = matrix_communes(Commune.objects.all())
    if district:
        communes = communes.filter(district__name=district)
    book = matrix_workbook(year, communes, whole_province=not district, today=TODAY)
    return save(book)


def edited(data, changes):
    """The workbook `data` with {cell: value} changed, saved as Excel would."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for cell, value in changes.items():
        sheet[cell].value = value
    return save(book)


def matrix_cells(data):
    """{(code, TC number): cell name} of the matrix workbook `data`."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    numbers = {
        cell.column_letter: int(str(cell.value)[2:])
        for cell in sheet[6]
        if isinstance(cell.value, str) and cell.value.startswith("TC")
    }
    cells = {}
    for row in sheet.iter_rows(min_row=8):
        code = row[1].value
        if isinstance(code, str) and code.isdigit() and len(code) == 5:
            for cell in row:
                if cell.column_letter in numbers:
                    cells[(code, numbers[cell.column_letter])] = cell.coordinate
    return cells


SHEET_XML = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def rewritten(data, entry, change):
    """The workbook `data` with the bytes of ZIP entry `entry` replaced by change(bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item, change(content) if item.filename == entry else content)
    return out.getvalue()


def as_office_saves(data):
    """`data` with the covered cells of its merged ranges written as Excel and LibreOffice
    write them: an empty styled <c r="D5" s="0"/> in each row of the range (openpyxl
    leaves them out), including a row that holds nothing else."""

    def tag(name):
        return f"{{{MAIN}}}{name}"

    def change(xml):
        ElementTree.register_namespace("", MAIN)
        root = ElementTree.fromstring(xml)
        sheet_data = root.find(tag("sheetData"))
        rows = {int(row.get("r")): row for row in sheet_data}
        for merge in root.iter(tag("mergeCell")):
            min_col, min_row, max_col, max_row = range_boundaries(merge.get("ref"))
            for number in range(min_row, max_row + 1):
                if number not in rows:
                    rows[number] = ElementTree.Element(tag("row"), {"r": str(number)})
                    later = [r for r in rows if r > number and rows[r] in list(sheet_data)]
                    at = list(sheet_data).index(rows[min(later)]) if later else len(sheet_data)
                    sheet_data.insert(at, rows[number])
                row = rows[number]
                for column in range(min_col, max_col + 1):
                    ref = f"{get_column_letter(column)}{number}"
                    if (number, column) == (min_row, min_col) or row.find(
                        f"{tag('c')}[@r='{ref}']"
                    ) is not None:
                        continue
                    cells = list(row)
                    at = next(
                        (
                            i
                            for i, cell in enumerate(cells)
                            if range_boundaries(f"{cell.get('r')}:{cell.get('r')}")[0] > column
                        ),
                        len(cells),
                    )
                    row.insert(at, ElementTree.Element(tag("c"), {"r": ref, "s": "0"}))
        return ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")

    return rewritten(data, SHEET_XML, change)


def downloaded(client, url, params=None):
    """The bytes of the file the portal serves at `url` (a report or a list's Excel button)."""
    response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
