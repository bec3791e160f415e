"""A leader's whole title typed in the position cell (the agency cell empty) is split into the
position and the agency; the preview can show the title as typed (RawRow.split_from)."""

import pytest
from django.urls import reverse

from assignments.models import Agency, Decision, Leader
from reports.imports import annex
from reports.imports import annex_layout as layout
from reports.imports.files import load_grids
from reports.imports.reference import Reference
from reports.imports.titles import KnownAgencies, Title, split_title
from tests.factories import make_decision

from .import_workbooks import nfd, upload, workbook_bytes

# Annexes of 2021–2025 decisions, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

# Each word that starts an agency name, in a title as offices type it (invented agencies).
BY_AGENCY_WORD = [
    ("Phó Giám đốc Sở Tư pháp", "Phó Giám đốc", "Sở Tư pháp"),
    ("Trưởng Ban Dân tộc", "Trưởng Ban", "Ban Dân tộc"),
    ("Phó Chánh Văn phòng Văn phòng UBND tỉnh", "Phó Chánh Văn phòng", "Văn phòng UBND tỉnh"),
    ("Chánh Thanh tra tỉnh", "Chánh Thanh tra", "Thanh tra tỉnh"),
    ("Cục trưởng Cục Thống kê tỉnh", "Cục trưởng", "Cục Thống kê tỉnh"),
    ("Chi cục trưởng Chi cục Kiểm lâm", "Chi cục trưởng", "Chi cục Kiểm lâm"),
    ("Giám đốc Kho bạc Nhà nước tỉnh", "Giám đốc", "Kho bạc Nhà nước tỉnh"),
    ("Phó Giám đốc Bảo hiểm xã hội tỉnh", "Phó Giám đốc", "Bảo hiểm xã hội tỉnh"),
    ("Phó Giám đốc Công an tỉnh", "Phó Giám đốc", "Công an tỉnh"),
    ("Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", "Chỉ huy trưởng", "Bộ Chỉ huy Quân sự tỉnh"),
    ("Tổng Biên tập Báo Lào Cai", "Tổng Biên tập", "Báo Lào Cai"),
    ("Giám đốc Đài Phát thanh và Truyền hình tỉnh", "Giám đốc",
     "Đài Phát thanh và Truyền hình tỉnh"),
    ("Hiệu trưởng Trường Cao đẳng Lào Cai", "Hiệu trưởng", "Trường Cao đẳng Lào Cai"),
    ("Giám đốc Công ty Điện lực Lào Cai", "Giám đốc", "Công ty Điện lực Lào Cai"),
    ("Phó Giám đốc Ngân hàng Chính sách xã hội – Chi nhánh tỉnh Lào Cai", "Phó Giám đốc",
     "Ngân hàng Chính sách xã hội – Chi nhánh tỉnh Lào Cai"),
    ("Phó Tổng Giám đốc Tổng công ty Giấy Việt Nam", "Phó Tổng Giám đốc",
     "Tổng công ty Giấy Việt Nam"),
    ("Chủ tịch Liên đoàn Lao động tỉnh", "Chủ tịch", "Liên đoàn Lao động tỉnh"),
    ("Chủ tịch Hội Nông dân tỉnh", "Chủ tịch", "Hội Nông dân tỉnh"),
    ("Phó Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Phó Chủ tịch",
     "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    ("Phó Chủ tịch Uỷ ban MTTQ tỉnh", "Phó Chủ tịch", "Uỷ ban MTTQ tỉnh"),
    ("Bí thư Tỉnh đoàn", "Bí thư", "Tỉnh đoàn"),
    ("Giám đốc Viettel Lào Cai", "Giám đốc", "Viettel Lào Cai"),
    ("Giám đốc VNPT Lào Cai", "Giám đốc", "VNPT Lào Cai"),
    ("Giám đốc Agribank Lào Cai", "Giám đốc", "Agribank Lào Cai"),
    ("Giám đốc Trung tâm Y tế huyện Bát Xát", "Giám đốc", "Trung tâm Y tế huyện Bát Xát"),
    ("Viện trưởng Viện Kiểm sát nhân dân tỉnh", "Viện trưởng", "Viện Kiểm sát nhân dân tỉnh"),
    ("Bí thư Đảng ủy Khối các cơ quan tỉnh", "Bí thư", "Đảng ủy Khối các cơ quan tỉnh"),
    ("Chủ tịch Liên minh Hợp tác xã tỉnh", "Chủ tịch", "Liên minh Hợp tác xã tỉnh"),
    ("Phó Chủ tịch Mặt trận Tổ quốc tỉnh", "Phó Chủ tịch", "Mặt trận Tổ quốc tỉnh"),
    ("Giám đốc Quỹ Đầu tư phát triển tỉnh", "Giám đốc", "Quỹ Đầu tư phát triển tỉnh"),
    ("Giám đốc Điện lực Bát Xát", "Giám đốc", "Điện lực Bát Xát"),
]  # fmt: skip
# Positions holding an agency word of their own, and titles naming two bodies.
TRICKY = [
    ("Chánh Văn phòng UBND tỉnh", "Chánh Văn phòng", "Văn phòng UBND tỉnh"),
    ("Chánh Văn phòng Sở Nông nghiệp và PTNT", "Chánh Văn phòng", "Sở Nông nghiệp và PTNT"),
    ("Phó Trưởng ban Ban Dân tộc tỉnh", "Phó Trưởng ban", "Ban Dân tộc tỉnh"),
    ("Trưởng ban Dân vận Tỉnh ủy", "Trưởng ban", "Ban Dân vận Tỉnh ủy"),
    ("Chánh Thanh tra Sở Y tế", "Chánh Thanh tra", "Sở Y tế"),
    ("Trưởng đoàn Đoàn ĐBQH tỉnh", "Trưởng đoàn", "Đoàn ĐBQH tỉnh"),
    ("Phó Chỉ huy trưởng Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Phó Chỉ huy trưởng",
     "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"),
    ("Chủ tịch Hội đồng quản trị Công ty Cổ phần Apatit", "Chủ tịch Hội đồng quản trị",
     "Công ty Cổ phần Apatit"),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Giám đốc Sở Y tế",
     "Ủy viên Ban Thường vụ Tỉnh ủy, Giám đốc", "Sở Y tế"),
    ("Trưởng phòng Kế hoạch – Tài chính Sở Tài chính", "Trưởng phòng Kế hoạch – Tài chính",
     "Sở Tài chính"),
    ("Hiệu trưởng trường Cao đẳng Lào Cai", "Hiệu trưởng", "Trường Cao đẳng Lào Cai"),
    ("PGĐ Sở Tư pháp", "PGĐ", "Sở Tư pháp"),
    ("Phó Giám đốc, Sở Tư pháp", "Phó Giám đốc", "Sở Tư pháp"),
    ("Phó Giám đốc - Sở Tư pháp", "Phó Giám đốc", "Sở Tư pháp"),
    ("Giám đốc VNPT", "Giám đốc", "VNPT"),
]  # fmt: skip


@pytest.mark.parametrize("title, position, agency", BY_AGENCY_WORD + TRICKY, ids=lambda v: v)
def test_a_title_splits_where_its_agency_begins(title, position, agency):
    assert split_title(title) == Title(position, agency)


@pytest.mark.parametrize(
    "title",
    ["Giám đốc", "Phó Giám đốc phụ trách", "Chánh", "Trưởng phòng Nghiệp vụ", "Giám đốc Sở", ""],
)
def test_a_title_naming_no_agency_is_not_split(title):
    assert split_title(title) is None


def test_the_agencies_the_portal_knows_come_first_and_the_longest_wins():
    known = KnownAgencies(["Sở Y tế", "Điện lực Lào Cai", "Công ty Điện lực Lào Cai", "Du lịch"])
    # By the agency words alone the inspectorate would start the agency.
    assert split_title("Trưởng phòng Thanh tra Sở Y tế") == Title(
        "Trưởng phòng", "Thanh tra Sở Y tế"
    )
    assert split_title("Trưởng phòng Thanh tra Sở Y tế", known) == Title(
        "Trưởng phòng Thanh tra", "Sở Y tế"
    )
    assert split_title("Giám đốc Công ty Điện lực Lào Cai", known) == Title(
        "Giám đốc", "Công ty Điện lực Lào Cai"
    )
    # A known name after "và" ends a longer name, not the title.
    assert split_title("Phó Giám đốc Sở Văn hóa, Thể thao và Du lịch", known) == Title(
        "Phó Giám đốc", "Sở Văn hóa, Thể thao và Du lịch"
    )


def test_known_agencies_match_by_short_name_tone_marks_and_case():
    known = KnownAgencies.load()
    agency = Agency.objects.get(name="Văn phòng UBND tỉnh")
    assert split_title(f"Chánh Văn phòng {agency.short_name}", known) == Title(
        "Chánh Văn phòng", agency.short_name
    )
    assert split_title("Phó Chủ tịch Uỷ ban Mặt trận Tổ quốc Việt Nam tỉnh", known) == Title(
        "Phó Chủ tịch", "Uỷ ban Mặt trận Tổ quốc Việt Nam tỉnh"
    )


HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]


def read(*rows, header=HEADER, merges=()):
    grids = load_grids(workbook_bytes([header, ["I. HUYỆN BÁT XÁT"], *rows], merges))
    return layout.read_rows(grids, Reference())


@pytest.mark.parametrize("title, position, agency", BY_AGENCY_WORD, ids=lambda v: v)
def test_a_title_in_the_position_cell_is_read_as_position_and_agency(title, position, agency):
    (row,) = read([1, "Nguyễn Văn An", title, None, "Y Tý"])
    assert (row.name, row.position, row.agency, row.split_from) == (
        "Nguyễn Văn An",
        position,
        agency,
        title,
    )


def test_the_title_is_split_wherever_the_office_typed_it():
    rows = read(
        # in the agency cell, the position cell empty
        [1, "Nguyễn Văn An", None, "Phó Giám đốc Sở Tư pháp", "Y Tý"],
        # with the name, and nothing else
        [2, "Đ/c Trần Thị Bình – Giám đốc Sở Y tế", None, None, "A Lù"],
        # decomposed, doubled spaces, old tone marks
        [3, "Lê Văn Cường", nfd("Phó  Chủ tịch  Uỷ ban MTTQ tỉnh "), None, "Bản Qua"],
    )
    assert [(r.name, r.position, r.agency, r.split_from) for r in rows] == [
        ("Nguyễn Văn An", "Phó Giám đốc", "Sở Tư pháp", "Phó Giám đốc Sở Tư pháp"),
        ("Trần Thị Bình", "Giám đốc", "Sở Y tế", "Giám đốc Sở Y tế"),
        ("Lê Văn Cường", "Phó Chủ tịch", "Uỷ ban MTTQ tỉnh", "Phó Chủ tịch Uỷ ban MTTQ tỉnh"),
    ]


def test_an_agency_is_never_split_and_separate_cells_stay_as_typed():
    rows = read(
        [1, "Nguyễn Văn An", None, "Công ty Điện lực Lào Cai", "Y Tý"],
        [2, "Trần Thị Bình", "Phó Giám đốc", "Sở Y tế", "A Lù"],
        [3, "Lê Văn Cường", "Giám đốc", None, "Bản Qua"],  # the agency is missing: an error
    )
    assert [(r.position, r.agency, r.split_from) for r in rows] == [
        ("", "Công ty Điện lực Lào Cai", ""),
        ("Phó Giám đốc", "Sở Y tế", ""),
        ("Giám đốc", "", ""),
    ]


def test_a_header_with_one_column_for_position_and_agency_is_an_annex_header():
    (row,) = read(
        [1, "Nguyễn Văn An", "Giám đốc Sở Tư pháp", "Y Tý"],
        header=["STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Xã được phân công"],
    )
    assert (row.position, row.agency, row.commune) == ("Giám đốc", "Sở Tư pháp", "Y Tý")


def test_split_titles_plan_with_the_known_agency_and_a_new_one():
    rows = [
        ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"],
        ["I. HUYỆN BÁT XÁT"],
        [1, "Nguyễn Văn An", "Phó Chánh Văn phòng Văn phòng UBND tỉnh", None, "Y Tý"],
        [2, "Trần Thị Bình", "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", None, "A Lù"],
        [3, "Lê Văn Cường", "Giám đốc Trung tâm Khuyến nông tỉnh", None, "Bản Qua"],
    ]
    plan = annex.plan(load_grids(workbook_bytes(rows)), make_decision())
    assert not plan.has_errors, [row.errors for row in plan.rows]
    assert [(r.leader, r.position, r.agency) for r in plan.rows] == [
        ("Nguyễn Văn An", "Phó Chánh Văn phòng", "Văn phòng UBND tỉnh"),
        ("Trần Thị Bình", "Chỉ huy trưởng", "Bộ Chỉ huy Quân sự tỉnh"),
        ("Lê Văn Cường", "Giám đốc", "Trung tâm Khuyến nông tỉnh"),
    ]
    assert "cơ quan mới" in plan.rows[2].notes


def test_every_known_agency_after_every_position_splits_back_exactly():
    known = KnownAgencies.load()
    positions = set(Leader.objects.values_list("position", flat=True)) | {"Chánh Văn phòng"}
    agencies = list(Agency.objects.all())
    assert len(positions) >= 10 and len(agencies) >= 30
    wrong = []
    for agency in agencies:
        for position in positions:
            for typed in {agency.name, agency.short_name} - {""}:
                if split_title(f"{position} {typed}", known) != (position, typed):
                    wrong.append((position, typed, split_title(f"{position} {typed}", known)))
            # Full names start with an agency word: split without knowing the agency too.
            if split_title(f"{position} {agency.name}") != (position, agency.name):
                wrong.append((position, agency.name, split_title(f"{position} {agency.name}")))
    assert wrong == []


def test_the_preview_shows_the_office_the_split_of_a_title(office_client):
    rows = [
        ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"],
        ["I. HUYỆN BÁT XÁT"],
        [1, "Nguyễn Văn An", "Phó Giám đốc Sở Tư pháp", None, "Y Tý"],
        [2, "Trần Thị Bình", "Phó Giám đốc", "Sở Y tế", "A Lù"],
    ]
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    response = office_client.post(
        reverse("reports:import_annex"),
        {"decision": decision.pk, "file": upload(workbook_bytes(rows))},
        follow=True,
    )
    page = response.content.decode()
    assert page.count("tách chức vụ và cơ quan từ ô") == 1
    assert "tách chức vụ và cơ quan từ ô “Phó Giám đốc Sở Tư pháp”" in page
    preview = [row for row in response.context["rows"] if row.row == 3][0]
    assert (preview.position, preview.agency) == ("Phó Giám đốc", "Sở Tư pháp")
