"""Rows as tall as their wrapped text, and the page's scale (core/excel/fit.py, Sheet).

LibreOffice prints a row at the height stored in the file: a row of wrapped text
without one is one line tall and its text runs over the rows below. The print
itself is checked by `make print-check` (tests/reports/test_print.py).
"""

import io

from openpyxl import load_workbook
from openpyxl.styles import Alignment

from core.excel import fit, writer

FINDINGS = (
    "Khảo sát nhu cầu hỗ trợ của xã, làm việc với Đảng ủy và Ủy ban nhân dân xã về tiến độ "
    "xây dựng nông thôn mới, kiểm tra các công trình giao thông, thủy lợi và nhà văn hóa thôn."
)


def saved(workbook):
    data = io.BytesIO()
    workbook.save(data)
    return load_workbook(io.BytesIO(data.getvalue()))


def height(ws, row):
    return ws.row_dimensions[row].height


def test_lines_are_counted_by_words_as_a_spreadsheet_wraps():
    room = fit.capacity(20)

    assert fit.line_count("Bản Vược", 20) == 1
    assert fit.line_count("a" * room, 20) == 1
    assert fit.line_count("a" * room + " b", 20) == 2  # the word does not fit: next line
    assert fit.line_count("a" * (2 * room + 1), 20) == 3  # a word longer than a line is cut
    assert fit.line_count("Xã A\nXã B\n\nXã C", 20) == 4  # each line break a line
    assert fit.line_count(FINDINGS, 40) == 5  # LibreOffice prints 4: a line to spare
    assert fit.line_count(FINDINGS, 10) > fit.line_count(FINDINGS, 20) > 2


def test_capitals_and_bold_take_more_room():
    text = "NHẬT KÝ CHUYẾN CÔNG TÁC CƠ SỞ GIÚP ĐỠ CÁC XÃ"

    assert fit.line_count(text.lower(), 45) == 1 < fit.line_count(text, 45)
    assert fit.capacity(30, bold=True) < fit.capacity(30)


def test_a_row_of_wrapped_text_is_stored_as_tall_as_its_lines_and_a_short_row_is_left_alone():
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Nhat ky", [5, 12, 40])
    short = sheet.append([1, "Bản Vược", "Khảo sát"])
    long = sheet.append([2, "Bản Vược", FINDINGS])
    broken = sheet.append([3, "Bản Vược", "Xi măng: 20 tấn\nThép: 2 tấn\nCát: 10 m3"])
    centred = sheet.append([4, FINDINGS, None], styles=[None, writer.CENTER, None])

    ws = saved(workbook)["Nhat ky"]
    assert height(ws, short) is None
    assert height(ws, long) == fit.height(5) > fit.ONE_LINE
    assert height(ws, broken) == fit.height(3)
    assert height(ws, centred) is None  # a centred cell does not wrap: one line


def test_a_merged_cell_wraps_across_its_columns():
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Tong", [5, 11, 14, 14, 24, 20, 14])
    label = "Cộng Huyện Bát Xát (25 chuyến đã xác nhận)"
    merged = sheet.append([None, None, label, None, None, None, 5], writer.TOTAL, spans=[(3, 6)])
    alone = sheet.append([None, None, label, None, None, None, 5], writer.TOTAL)

    ws = saved(workbook)["Tong"]
    assert "C1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert height(ws, merged) is None
    assert height(ws, alone) == fit.height(fit.line_count(label, 14, bold=True))


def test_header_rows_are_as_tall_as_their_headings_and_a_cell_merged_down_fits_its_rows():
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Bang", [5, 10, 8, 8])
    leader = "Lãnh đạo trực tiếp đi cơ sở giúp đỡ xã"  # merged down through both rows
    sheet.header(["STT", leader, "Kiến nghị", writer.SPAN], [None, None, "Chưa", "Đã"])
    sheet.header(["STT", "Ngày", "Kiến nghị", writer.SPAN], [None, None, "Chưa giải quyết", "Đã"])

    ws = saved(workbook)["Bang"]
    assert height(ws, 1) is None  # "Kiến nghị" spans two columns: one line
    assert fit.line_count(leader, 10, bold=True) == 5
    assert height(ws, 2) == fit.height(5) - fit.ONE_LINE  # the two rows hold the 5 lines
    assert height(ws, 3) is None
    assert height(ws, 4) == fit.height(fit.line_count("Chưa giải quyết", 8, bold=True))


def test_a_given_header_height_is_a_minimum_turned_text_gets_the_height_it_needs():
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Tieu chi", [5, 5])
    turned = sheet.cell("Hệ thống chính trị và tiếp cận pháp luật", writer.HEADER)
    turned.alignment = Alignment(wrap_text=True, textRotation=90)
    sheet.header(["STT", "TC18"], [None, turned], heights=(None, 40))

    ws = saved(workbook)["Tieu chi"]
    assert height(ws, 2) == fit.turned_height(turned.value, 5, bold=True) > 40


def test_title_lines_are_as_tall_as_their_wrapped_text():
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Nhat ky", [5, 11, 14])
    title = "NHẬT KÝ CHUYẾN CÔNG TÁC CƠ SỞ GIÚP ĐỠ CÁC XÃ XÂY DỰNG NÔNG THÔN MỚI"
    sheet.title_block([writer.PROVINCE, writer.OFFICE], [title])

    sheet.title_block([writer.PROVINCE, writer.OFFICE], ["NĂM 2025"])

    ws = saved(workbook)["Nhat ky"]
    assert height(ws, 3) == fit.height(fit.line_count(title, 30, bold=True), 13)
    assert height(ws, 7) == fit.height(1, 13) > fit.ONE_LINE  # one line of 13 pt


def test_a_wide_sheet_prints_scaled_to_the_page_width_and_a_narrow_one_at_full_size():
    workbook = writer.new_workbook()
    wide = writer.Sheet(workbook, "Rong", [5, 11, 14, 14, 24, 20, 10, 12, 30, 40, 40, 14, 40])
    narrow = writer.Sheet(workbook, "Hep", [6, 26, 20])

    assert narrow.ws.page_setup.scale == 100
    assert 40 < wide.ws.page_setup.scale < 60
    assert sum(wide.widths) * fit.POINTS_PER_WIDTH * wide.ws.page_setup.scale / 100 <= (
        fit.PAGE_WIDTH
    )
    assert wide.ws.sheet_properties.pageSetUpPr.fitToPage and wide.ws.page_setup.fitToWidth == 1
