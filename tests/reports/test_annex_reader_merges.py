"""A merged cell's value belongs to every row it spans: agency, position and district cells
merged over consecutive leaders, a blank row inside a merge, cells merged across columns."""

import pytest

from communes.models import Commune
from reports.imports import annex
from reports.imports import annex_layout as layout
from reports.imports.files import load_grids
from reports.imports.reference import Reference
from tests.factories import make_decision

from .import_workbooks import as_office_saves, workbook_bytes

# Annexes of 2021–2025 decisions, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]
TITLE = [["UBND TỈNH LÀO CAI"], ["PHỤ LỤC"], HEADER]  # the header is row 3
# Invented leaders of one agency, each helping a commune of Huyện Bát Xát.
BAT_XAT = ["Bản Vược", "Bản Qua", "Y Tý", "A Lù"]
PEOPLE = [("Nguyễn Văn An", "Giám đốc"), ("Trần Thị Bình", "Phó Giám đốc"),
          ("Lê Văn Cường", "Phó Giám đốc"), ("Hà Thị Dung", "Phó Giám đốc")]  # fmt: skip


def read(rows, merges=(), office=False):
    data = workbook_bytes([*TITLE, *rows], merges)
    data = as_office_saves(data) if office else data
    return layout.read_rows(load_grids(data), Reference())


def planned(rows, merges=()):
    grids = load_grids(workbook_bytes([*TITLE, *rows], merges))
    return annex.plan(grids, make_decision())


def fields(rows):
    return [(r.row, r.name, r.position, r.agency, r.commune) for r in rows]


def leaders(n, agency="Sở Tài chính"):
    return [
        [i + 1, name, position, agency if i == 0 else None, BAT_XAT[i]]
        for i, (name, position) in enumerate(PEOPLE[:n])
    ]


@pytest.mark.parametrize("office", [False, True], ids=["openpyxl", "as Excel and LibreOffice"])
@pytest.mark.parametrize("span", [2, 3, 4])
def test_an_agency_merged_over_consecutive_leaders_belongs_to_each(span, office):
    rows = read([["I. HUYỆN BÁT XÁT"], *leaders(span)], [f"D5:D{4 + span}"], office=office)
    assert fields(rows) == [
        (5 + i, name, position, "Sở Tài chính", BAT_XAT[i])
        for i, (name, position) in enumerate(PEOPLE[:span])
    ]
    assert all(row.district.name == "Huyện Bát Xát" and not row.error for row in rows)


@pytest.mark.parametrize("blank", [[], [None, None, None, None, None], ["3"]], ids=str)
@pytest.mark.parametrize("office", [False, True], ids=["openpyxl", "as Excel and LibreOffice"])
def test_a_blank_row_inside_a_merged_agency_is_skipped_and_the_rows_after_it_keep_it(blank, office):
    # Rows 5–7 share Sở Tài chính (merged D5:D7); row 6 is blank (or only numbered), and
    # row 7 is Thanh Bình, which only its district tells apart from Sa Pa's.
    rows = [
        ["Huyện Mường Khương"],
        [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Lầu"],
        blank,
        [2, "Trần Thị Bình", "Phó Giám đốc", None, "Thanh Bình"],
    ]
    read_rows = read(rows, ["D5:D7"], office=office)
    assert fields(read_rows) == [
        (5, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Lầu"),
        (7, "Trần Thị Bình", "Phó Giám đốc", "Sở Tài chính", "Thanh Bình"),
    ]
    assert {row.district.name for row in read_rows} == {"Huyện Mường Khương"}
    plan = planned(rows, ["D5:D7"])
    assert not plan.has_errors, [row.errors for row in plan.rows]
    (_first, second) = plan.rows
    commune = Commune.objects.get(name="Thanh Bình", district__name="Huyện Mường Khương")
    assert (second.target["commune"], second.agency) == (commune, "Sở Tài chính")


def test_the_top_of_a_merged_agency_on_a_row_of_its_own_is_no_heading():
    # The agency typed once on a row above its leaders and merged down over them.
    rows = read(
        [
            ["Huyện Mường Khương"],
            [None, None, None, "Sở Tài chính", None],
            [1, "Nguyễn Văn An", "Giám đốc", None, "Bản Lầu"],
            [2, "Trần Thị Bình", "Phó Giám đốc", None, "Thanh Bình"],
        ],
        ["D5:D7"],
    )
    assert [(r.agency, r.district.name) for r in rows] == [
        ("Sở Tài chính", "Huyện Mường Khương"),
        ("Sở Tài chính", "Huyện Mường Khương"),
    ]


def test_merged_position_and_district_cells_belong_to_every_row_they_span():
    header = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã", "Huyện"]
    data = workbook_bytes(
        [
            header,
            [1, "Nguyễn Văn An", "Phó Giám đốc", "Sở Tài chính", "Bản Lầu", "Huyện Mường Khương"],
            [2, "Trần Thị Bình", None, "Sở Y tế", "Thanh Bình", None],
            [3, "Lê Văn Cường", "Giám đốc", "Sở Xây dựng", "Thanh Bình", "Thị xã Sa Pa"],
        ],
        ["C2:C3", "F2:F3"],
    )
    rows = layout.read_rows(load_grids(data), Reference())
    assert [(r.position, r.district.name, r.commune) for r in rows] == [
        ("Phó Giám đốc", "Huyện Mường Khương", "Bản Lầu"),
        ("Phó Giám đốc", "Huyện Mường Khương", "Thanh Bình"),
        ("Giám đốc", "Thị xã Sa Pa", "Thanh Bình"),
    ]


def test_position_and_agency_merged_into_one_cell_are_split_not_repeated():
    rows = read(
        [["I. HUYỆN BÁT XÁT"], [1, "Nguyễn Văn An", "Phó Giám đốc Sở Tư pháp", None, "Y Tý"]],
        ["C5:D5"],
    )
    (row,) = rows
    assert (row.position, row.agency, row.split_from) == (
        "Phó Giám đốc",
        "Sở Tư pháp",
        "Phó Giám đốc Sở Tư pháp",
    )


def test_name_and_position_merged_into_one_cell_give_the_name_and_the_position():
    rows = read(
        [["I. HUYỆN BÁT XÁT"], [1, "Đ/c Nguyễn Văn An – Phó Giám đốc", None, "Sở Y tế", "Y Tý"]],
        ["B5:C5"],
    )
    assert fields(rows) == [(5, "Nguyễn Văn An", "Phó Giám đốc", "Sở Y tế", "Y Tý")]


def test_a_district_row_merged_across_the_table_sets_the_district():
    rows = read(
        [["II. HUYỆN MƯỜNG KHƯƠNG"], [1, "Nguyễn Văn An", "Giám đốc", "Sở Y tế", "Thanh Bình"]],
        ["A4:E4"],
        office=True,
    )
    assert [(r.district.name, r.commune) for r in rows] == [("Huyện Mường Khương", "Thanh Bình")]


def test_every_merge_together_plans_each_leader_position_and_agency_exactly():
    rows = [
        ["I. HUYỆN BÁT XÁT"],  # merged A4:E4
        [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Vược"],  # D5:D7
        [],
        [2, "Trần Thị Bình", "Phó Giám đốc", None, "Bản Qua"],
        [3, "Lê Văn Cường", "Phó Chánh Văn phòng Văn phòng UBND tỉnh", None, "Y Tý"],  # C8:D8
        [4, "Hà Thị Dung", "Phó Giám đốc", "Sở Y tế", "A Lù"],  # C9:C10
        [5, "Lò Văn Em", None, "Sở Xây dựng", "Quang Kim"],
    ]
    plan = planned(rows, ["A4:E4", "D5:D7", "C8:D8", "C9:C10"])
    assert not plan.has_errors, [row.errors for row in plan.rows]
    assert [(r.row, r.leader, r.position, r.agency, r.commune) for r in plan.rows] == [
        (5, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "Bản Vược"),
        (7, "Trần Thị Bình", "Phó Giám đốc", "Sở Tài chính", "Bản Qua"),
        (8, "Lê Văn Cường", "Phó Chánh Văn phòng", "Văn phòng UBND tỉnh", "Y Tý"),
        (9, "Hà Thị Dung", "Phó Giám đốc", "Sở Y tế", "A Lù"),
        (10, "Lò Văn Em", "Phó Giám đốc", "Sở Xây dựng", "Quang Kim"),
    ]
    assert {r.district for r in plan.rows} == {"Huyện Bát Xát"}


def test_a_header_merged_over_two_columns_reads_their_cells_as_one():
    header = ["STT", "Họ và tên", "Chức vụ, đơn vị công tác", None, "Xã"]
    rows = layout.read_rows(
        load_grids(
            workbook_bytes(
                [
                    header,
                    ["I. HUYỆN BÁT XÁT"],
                    [1, "Nguyễn Văn An", "Phó Giám đốc", "Sở Tư pháp", "Y Tý"],
                    [2, "Trần Thị Bình", "Giám đốc Sở Y tế", None, "A Lù"],
                ],
                ["C1:D1"],
            )
        ),
        Reference(),
    )
    assert [(r.position, r.agency) for r in rows] == [
        ("Phó Giám đốc", "Sở Tư pháp"),
        ("Giám đốc", "Sở Y tế"),
    ]
