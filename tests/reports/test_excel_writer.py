"""The Excel toolkit at scale: streamed downloads, shared styles and cells, chunked reading."""

import datetime
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import FileResponse, HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.styles import Alignment

from assignments.models import FieldVisit
from core.excel import download, writer
from reports.excel import matrix, visits

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 11, 24)


def small_workbook():
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Thu", [6, 20, 12], freeze_columns=1)
    sheet.title_block([writer.PROVINCE, writer.OFFICE], ["DANH SÁCH"])
    sheet.header(["STT", "Tên", "Ngày"])
    sheet.append([1, "Bản Vược", datetime.date(2025, 2, 3)])
    sheet.signature(TODAY)
    return workbook


def cells(data):
    """{(sheet, coordinate): (value, number format, border, fill, alignment)} of a file."""
    book = load_workbook(io.BytesIO(data))
    return {
        (ws.title, c.coordinate): (c.value, c.number_format, repr(c.border), repr(c.fill),
                                   repr(c.alignment))
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
    }  # fmt: skip


def test_a_download_streams_the_saved_file_and_reads_back_as_the_same_workbook():
    response = download.workbook_download(small_workbook(), "thu-2025-11-24.xlsx")

    assert isinstance(response, FileResponse) and response.streaming
    assert response["Content-Type"] == download.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="thu-2025-11-24.xlsx"'
    data = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(data)
    in_memory = download.workbook_response(small_workbook(), "thu.xlsx")
    assert isinstance(in_memory, HttpResponse) and not in_memory.streaming
    assert cells(data) == cells(in_memory.content)
    assert cells(data)[("Thu", "B6")][0] == "Bản Vược"


def test_the_temporary_file_is_closed_with_the_response():
    response = download.workbook_download(small_workbook(), "thu.xlsx")
    handle = response.file_to_stream

    response.close()

    assert handle.closed


def test_a_cell_given_in_several_places_is_written_in_each():
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Thu", [5] * 4)
    met = sheet.cell("Đạt", writer.MET)
    sheet.append([met, None, met, ""], writer.CENTER)
    sheet.append([None, met, "", met], writer.CENTER)
    data = io.BytesIO()
    workbook.save(data)

    ws = load_workbook(data)["Thu"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values == [["Đạt", None, "Đạt", None], [None, "Đạt", None, "Đạt"]]
    fills = [[c.fill.fgColor.rgb[-6:] for c in row] for row in ws.iter_rows()]
    assert fills == [["C6EFCE", "000000", "C6EFCE", "000000"],
                     ["000000", "C6EFCE", "000000", "C6EFCE"]]  # fmt: skip
    assert all(c.border.left.style == "thin" for row in ws.iter_rows() for c in row)


def test_restyling_one_cell_changes_no_other_cell_of_its_style():
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Thu", [5, 5, 5])
    rotated = sheet.cell("TC1", writer.HEADER)
    rotated.alignment = Alignment(textRotation=90)
    sheet.append([rotated, "TC2", sheet.cell("TC3", writer.HEADER)], writer.HEADER)
    data = io.BytesIO()
    workbook.save(data)

    ws = load_workbook(data)["Thu"]
    assert [c.alignment.textRotation for c in ws[1]] == [90, 0, 0]
    assert [c.font.bold for c in ws[1]] == [True, True, True]


def test_values_are_typed_the_way_the_office_reads_them():
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Thu", [10] * 10)
    aware = datetime.datetime(2025, 2, 3, 1, 30, tzinfo=ZoneInfo("UTC"))
    sheet.append([datetime.date(2025, 2, 3), aware, Decimal("1500000"), Decimal("2.50"), 7,
                  4.25, True, False, "=1+2", "Dòng một\x07\x0bdòng hai"])  # fmt: skip
    data = io.BytesIO()
    workbook.save(data)

    row = load_workbook(data)["Thu"][1]
    assert [(c.value, c.number_format) for c in row[:6]] == [
        (datetime.datetime(2025, 2, 3), "dd/mm/yyyy"),
        (datetime.datetime(2025, 2, 3, 8, 30), "dd/mm/yyyy hh:mm"),  # Asia/Ho_Chi_Minh
        (1500000, "#,##0"),
        (2.5, "#,##0.00"),
        (7, "#,##0"),
        (4.25, "#,##0.0"),
    ]
    assert [c.value for c in row[6:8]] == ["Có", "Không"]
    assert (row[8].value, row[8].data_type, row[8].quotePrefix) == ("=1+2", "s", True)
    assert row[9].value == "Dòng một\ndòng hai" and not row[9].quotePrefix


def test_merged_ranges_are_all_kept():
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Thu", [5] * 6)
    for _ in range(300):
        sheet.group("Huyện")
    data = io.BytesIO()
    workbook.save(data)

    merged = load_workbook(data)["Thu"].merged_cells.ranges
    assert sorted(str(r) for r in merged) == sorted(f"A{n}:F{n}" for n in range(1, 301))


def log_cells(client, params=None):
    response = client.get(reverse("reports:export_visits"), params or {})
    return cells(b"".join(response.streaming_content))


def test_the_visit_log_is_the_same_whatever_the_chunk_it_is_read_by(office_client, monkeypatch):
    whole = log_cells(office_client)

    monkeypatch.setattr(visits, "CHUNK", 3)
    chunked = log_cells(office_client)

    assert chunked == whole
    assert FieldVisit.objects.count() > 3 * 10  # many chunks, districts across their edges


def test_the_visit_log_reads_each_chunk_of_visits_in_three_queries(office_client, monkeypatch):
    monkeypatch.setattr(visits, "CHUNK", 10)
    chunks = -(-FieldVisit.objects.count() // 10)

    with CaptureQueriesContext(connection) as queries:
        office_client.get(reverse("reports:export_visits"))

    sql = [q["sql"] for q in queries]
    assert sum(bool(re.search(r'FROM "assignments_support"', s)) for s in sql) == chunks
    assert sum(bool(re.search(r'FROM "assignments_recommendation"', s)) for s in sql) == chunks


def test_the_matrix_is_the_same_whatever_the_chunk_it_is_read_by(office_client, monkeypatch):
    url = reverse("reports:export_matrix")
    whole = cells(b"".join(office_client.get(url, {"year": 2025}).streaming_content))

    monkeypatch.setattr(matrix, "CHUNK", 7)
    chunked = cells(b"".join(office_client.get(url, {"year": 2025}).streaming_content))

    assert chunked == whole
