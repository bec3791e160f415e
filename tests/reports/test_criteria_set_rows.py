"""Bad rows and hand-typed files of a criteria-set workbook: one error per row, nothing written."""

import unicodedata
from decimal import Decimal

import pytest

from communes.models import Indicator
from reports.imports import service
from reports.imports.criteria_set import cells
from reports.imports.files import ImportFileError
from reports.models import ImportBatch

from .criteria_set_workbooks import (
    HEADER,
    TITLE,
    YES,
    book,
    good_rows,
    grouped_set,
    preview,
    requirements,
    row,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria_set(db):
    return grouped_set()


def nothing_written(criteria_set):
    return not Indicator.objects.filter(criterion__criteria_set=criteria_set).exists()


NUMBER = ("≥ 90%", "≥", 90)
BAD_ROWS = {
    "duplicate number": (
        row(2, "2.1", "Tỷ lệ đường giao thông", "%", NUMBER, NUMBER, NUMBER),
        "số chỉ tiêu 2.1 đã có ở dòng 7",
    ),
    "unknown criterion": (row(9, "9.1", "Chỉ tiêu lạ", None), "không có tiêu chí số 9"),
    "criterion not a number": (row("Ba", "3.2", "Chỉ tiêu", None), "“Ba” không phải số tiêu chí"),
    "number of another criterion": (
        row(2, "3.2", "Chỉ tiêu ghi nhầm tiêu chí", None),
        "số chỉ tiêu 3.2 không bắt đầu bằng số tiêu chí 2",
    ),
    "number not a number": (row(2, "hai", "Chỉ tiêu", None), "“hai” không phải số chỉ tiêu"),
    "number missing": (row(2, None, "Chỉ tiêu không số", None), "thiếu số chỉ tiêu"),
    "content missing": (row(2, "2.5", None, None), "thiếu nội dung chỉ tiêu"),
    "target not a number": (
        row(2, "2.5", "Tỷ lệ", "%", NUMBER, ("cao", "≥", "cao"), NUMBER),
        "nhóm 2: mức đạt “cao” không phải là số",
    ),
    "comparison without target": (
        row(2, "2.5", "Tỷ lệ", "%", NUMBER, NUMBER, ("≥ 70%", "≥", None)),
        "nhóm 3: có phép so sánh “≥” nhưng chưa ghi mức đạt",
    ),
    "target without comparison": (
        row(2, "2.5", "Tỷ lệ", "%", ("90%", None, 90), NUMBER, NUMBER),
        "nhóm 1: có mức đạt 90 nhưng chưa ghi phép so sánh",
    ),
    "unknown comparison": (
        row(2, "2.5", "Tỷ lệ", "%", NUMBER, ("khoảng 80", "~", 80), NUMBER),
        "nhóm 2: “~” không phải phép so sánh",
    ),
    "group left blank": (
        row(2, "2.5", "Tỷ lệ", "%", NUMBER, NUMBER, (None, None, None)),
        "nhóm 3: chưa ghi yêu cầu (cột “Yêu cầu nhóm 3”)",
    ),
    "too many decimals": (
        row(2, "2.5", "Tỷ lệ", "%", NUMBER, NUMBER, ("≥ 0,12345", "≥", "0,12345")),
        "có quá 4 chữ số sau dấu thập phân",
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_a_bad_row_is_an_error_of_its_own_and_nothing_is_written(criteria_set, office_user, case):
    bad, message = BAD_ROWS[case]
    rows = good_rows(extra=[bad])  # row 10, after the five good ones
    batch, plan = preview(book(rows), criteria_set, office_user)
    assert plan.error_rows == [10]
    (failed,) = [r for r in plan.rows if r.errors]
    assert any(error.startswith("Dòng 10:") and message in error for error in failed.errors), (
        failed.errors
    )
    assert plan.created == 4  # the good rows are still shown as they would be written
    assert batch.error_count == 1
    with pytest.raises(service.ImportRefused, match="dòng 10"):
        service.apply(batch, office_user)
    assert nothing_written(criteria_set)


def test_an_indicator_under_no_criterion_is_an_error(criteria_set, office_user):
    rows = TITLE + [HEADER, row(None, "1.2", "Có quy hoạch chi tiết", None), *good_rows()[4:]]
    _batch, plan = preview(book(rows), criteria_set, office_user)
    assert plan.error_rows == [5]
    assert "chỉ tiêu không thuộc tiêu chí nào" in plan.rows[0].errors[0]


def test_each_bad_row_is_listed_with_all_its_errors(criteria_set, office_user):
    bad = row(9, "3.1", None, None, YES, ("x", "≈", "y"), (None, None, None))
    rows = good_rows(extra=[bad, row(2, "2.1", "Lặp lại", None)])
    _batch, plan = preview(book(rows), criteria_set, office_user)
    assert plan.error_rows == [10, 11]
    first = next(r for r in plan.rows if r.row == 10)
    assert len(first.errors) == 5  # criterion, duplicate 3.1, content, group 2, group 3
    assert nothing_written(criteria_set)


@pytest.mark.parametrize(
    ("drop", "missing"),
    [("So sánh nhóm 2", "“So sánh nhóm 2”"), ("Số chỉ tiêu", "Không tìm thấy dòng tiêu đề")],
)
def test_a_missing_column_is_a_file_error_naming_its_header(
    criteria_set, office_user, drop, missing
):
    column = HEADER.index(drop)
    rows = [r[:column] + r[column + 1 :] if len(r) > column else r for r in good_rows()]
    with pytest.raises(ImportFileError, match=missing):
        preview(book(rows), criteria_set, office_user)
    failed = ImportBatch.objects.get(criteria_set=criteria_set)
    assert failed.status == ImportBatch.Status.FAILED and missing in failed.message
    assert nothing_written(criteria_set)


def test_a_column_of_a_group_the_period_lacks_is_a_file_error(criteria_set, office_user):
    rows = good_rows()
    rows[3] = HEADER + ["Yêu cầu nhóm 4"]
    with pytest.raises(ImportFileError, match="chỉ có nhóm 1, 2, 3; tệp có cột “Yêu cầu nhóm 4”"):
        preview(book(rows), criteria_set, office_user)


def test_a_hand_typed_file_reads_as_the_template_does(criteria_set, office_user):
    """Two-row header with merged group cells, NFD text, doubled spaces, numbers typed as
    text, a numbering row, blank rows, a merged criterion cell, notes under the table."""

    def nfd(value):
        return unicodedata.normalize("NFD", value)

    top = ["Tiêu  chí", " Số chỉ tiêu ", nfd("Nội dung chỉ tiêu"), "Đơn vị"]
    top += [f"Nhóm {group}" for group in (1, 2, 3) for _part in range(3)]
    below = [None] * 4 + [nfd("Yêu cầu"), "So sánh", "Mức đạt"] * 3
    rows = [
        ["BẢNG CHỈ TIÊU (gõ tay)"],
        [],
        top,
        below,
        [f"({n})" for n in range(1, 14)],
        [],
        ["2", None, nfd("Hạ tầng kinh tế – xã hội")],
        [None, " 2.1 ", nfd("Tỷ lệ  km đường xã được cứng hóa"), "%"]
        + ["100%", ">=", "100", "≥ 90%", "≥", " 90 ", "≥ 70%", "≥", "70,5"],
        [],
        [None, "2,2", "Có nhà văn hóa xã", None, "Đạt", None, None, "Đạt", None, None]
        + ["Đạt", None, None],
        ["Tiêu chí 3: Kinh tế"],
        [None, 3.1, "Thu nhập", "triệu đồng", "≥ 80", "≥", 80.0, "≥ 70", "≥", 70, "≥ 60"]
        + ["≥", "1.500"],
        [],
        ["Ghi chú: số liệu gõ tay"],
    ]
    merges = ["A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:G3", "H3:J3", "K3:M3", "A7:A10"]
    batch, plan = preview(book(rows, merges), criteria_set, office_user)
    assert plan.errors == 0, [r.errors for r in plan.rows if r.errors]
    assert [(r.criterion[:2], r.code, r.name) for r in plan.rows] == [
        ("2.", "2.1", "Tỷ lệ km đường xã được cứng hóa"),
        ("2.", "2.2", "Có nhà văn hóa xã"),
        ("3.", "3.1", "Thu nhập"),
    ]
    service.apply(batch, office_user)
    found = requirements(criteria_set)
    assert found[("2.1", 2)] == ("≥ 90%", ">=", Decimal("90"))
    assert found[("2.1", 3)] == ("≥ 70%", ">=", Decimal("70.5"))
    assert found[("3.1", 3)] == ("≥ 60", ">=", Decimal("1500"))
    assert found[("2.2", 1)] == ("Đạt", "", None)
    name = Indicator.objects.get(criterion__criteria_set=criteria_set, code="2.1").name
    assert name == unicodedata.normalize("NFC", name)


def test_a_comparison_excel_took_for_a_formula_is_an_error(criteria_set, office_user):
    bad = row(2, "2.5", "Tỷ lệ", "%", NUMBER, ("≥ 80%", "=>", 80), NUMBER)  # "=>": a formula
    _batch, plan = preview(book(good_rows(extra=[bad])), criteria_set, office_user)
    assert plan.error_rows == [10]
    assert "ô I10 là công thức chưa có giá trị" in plan.for_display()[0].errors[0]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        (90, Decimal("90")),
        (0.1 + 0.2, Decimal("0.3")),
        ("90%", Decimal("90")),
        ("0,5", Decimal("0.5")),
        ("2.5", Decimal("2.5")),
        ("1.500", Decimal("1500")),
        ("1.500,25", Decimal("1500.25")),
        (" 12 ", Decimal("12")),
        (None, None),
    ],
)
def test_targets_are_read_as_the_office_types_them(typed, number):
    assert cells.target(typed) == number


@pytest.mark.parametrize("typed", ["cao", "1,2,3", "1.2.3", "90 phần trăm", True, "1,5.2"])
def test_a_target_that_is_not_a_number_is_refused(typed):
    with pytest.raises(cells.CellError):
        cells.target(typed)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("2.3", "2.3"), (2.3, "2.3"), ("2,3", "2.3"), ("2.3.", "2.3"), ("Chỉ tiêu 17.8a", "17.8a")],
)
def test_indicator_numbers_are_read_as_the_office_types_them(typed, code):
    assert cells.indicator_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "symbol"), [("≥", ">="), (">=", ">="), ("=>", ">="), ("≤", "<="), (" < ", "<")]
)
def test_comparisons_are_read_in_both_spellings(typed, symbol):
    assert cells.comparison(typed) == symbol
