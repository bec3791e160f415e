"""How the annex importer reads what the office types: headers, names, group and total rows."""

import pytest

from reports.imports import annex_layout as layout
from reports.imports.files import load_grids
from reports.imports.names import split_name, without_agency
from reports.imports.reference import Reference

from .import_workbooks import workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "header, role",
    [("STT", "stt"), ("Họ và tên", "name"), ("HO TEN", "name"), ("Lãnh đạo", "name"),
     ("Chức vụ", "position"), ("chuc danh", "position"), ("Cơ quan", "agency"),
     ("Đơn vị", "agency"), ("Cơ quan, đơn vị", "agency"), ("Xã", "commune"),
     ("Xa duoc phan cong", "commune"), ("Xã giúp đỡ", "commune"), ("Huyện", "district"),
     ("Ghi chú", None), ("Danh sách lãnh đạo các sở giúp đỡ các xã xây dựng nông thôn mới", None)],
)  # fmt: skip
def test_header_cells_name_their_columns(header, role):
    assert layout.header_role(header) == role


@pytest.mark.parametrize(
    "cell, name, position",
    [("Nguyễn Văn A", "Nguyễn Văn A", ""),
     ("Đ/c Nguyễn Văn A", "Nguyễn Văn A", ""),
     ("Đ/c: Nguyễn Văn A", "Nguyễn Văn A", ""),
     ("Đồng chí Nguyễn Văn A", "Nguyễn Văn A", ""),
     ("Ông Giàng Seo Páo", "Giàng Seo Páo", ""),
     ("Bà Lò Thị Mai", "Lò Thị Mai", ""),
     ("Bàn Văn Sơn", "Bàn Văn Sơn", ""),  # a family name, not "Bà"
     ("Nguyễn Văn Chánh", "Nguyễn Văn Chánh", ""),  # a given name, not a position
     ("Giám đốc Sở Tài chính – Nguyễn Văn A", "Nguyễn Văn A", "Giám đốc Sở Tài chính"),
     ("Nguyễn Văn A, Phó Giám đốc", "Nguyễn Văn A", "Phó Giám đốc"),
     ("Nguyễn Văn A - Trưởng phòng Kế hoạch – Tài chính", "Nguyễn Văn A",
      "Trưởng phòng Kế hoạch – Tài chính"),
     ("Phó Chủ tịch – Đ/c Hà Thị B", "Hà Thị B", "Phó Chủ tịch"),
     ("Nguyễn Văn A Phó Giám đốc", "Nguyễn Văn A", "Phó Giám đốc")],
)  # fmt: skip
def test_names_lose_honorifics_and_give_up_their_positions(cell, name, position):
    assert split_name(cell) == (name, position)


def test_a_position_loses_the_agency_it_repeats():
    assert without_agency("Giám đốc Sở Tài chính", {"Sở Tài chính"}) == "Giám đốc"
    assert without_agency("Giám đốc", {"Sở Tài chính"}) == "Giám đốc"


HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]


def rows_of(*rows, merges=()):
    return layout.read_rows(load_grids(workbook_bytes([HEADER, *rows], merges)), Reference())


@pytest.mark.parametrize(
    "group", [["I. HUYỆN BÁT XÁT"], ["Huyện Bát Xát"], [None, "BÁT XÁT"], ["II", "Bat Xat"],
              ["1.", "H. Bát Xát"], ["A. HUYỆN BÁT XÁT (20 xã)"]],
)  # fmt: skip
def test_group_rows_set_the_district_of_the_rows_below(group):
    (row,) = rows_of(group, [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Vược"])
    assert (row.row, row.district.name, row.commune) == (3, "Huyện Bát Xát", "Bản Vược")


def test_blank_total_numbering_and_signature_rows_are_skipped():
    rows = rows_of(
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Vược"],
        [],
        ["Cộng", None, None, None, "1 xã"],
        ["Tổng cộng: 1 xã"],
        [None, None, "Lào Cai, ngày 24 tháng 11 năm 2025"],
        ["NGƯỜI LẬP BIỂU", None, "THỦ TRƯỞNG ĐƠN VỊ"],
        [2, "Nguyễn Văn Bình", "Giám đốc", "Sở Tài chính", "Bản Qua"],
        merges=["C7:E7", "C8:E8"],
    )
    assert [row.commune for row in rows] == ["Bản Vược"]


def test_a_mistyped_district_row_is_an_error_not_a_silent_heading():
    (group, row) = rows_of(["I. HUYỆN BÁT SÁT"], [1, "Nguyễn Văn An", "Giám đốc", "Sở TC", "Y Tý"])
    assert "không nhận ra huyện “I. HUYỆN BÁT SÁT”" in group.error
    assert row.district is None and not row.error


def test_a_two_row_header_is_read_as_one():
    rows = [["STT", "Lãnh đạo", None, "Cơ quan", "Xã"], [None, "Họ và tên", "Chức vụ"],
            [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Vược"]]  # fmt: skip
    grids = load_grids(workbook_bytes(rows, ["B1:C1", "A1:A2", "D1:D2", "E1:E2"]))
    (row,) = layout.read_rows(grids, Reference())
    assert (row.row, row.name, row.position) == (3, "Nguyễn Văn An", "Giám đốc")
