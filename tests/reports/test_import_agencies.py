"""An agency typed with or without its province is the agency the portal knows."""

import pytest

from assignments.models import Agency
from reports.imports import annex
from reports.imports.files import load_grids
from tests.factories import make_decision

from .import_workbooks import workbook_bytes

# Annexes of 2021–2025 decisions, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = pytest.mark.usefixtures("before_the_reform")

HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]


def plan(*rows):
    sheet = [HEADER, ["I. HUYỆN BÁT XÁT"], *rows]
    return annex.plan(load_grids(workbook_bytes(sheet)), make_decision())


def test_the_known_agency_typed_with_its_province_is_that_agency(db):
    known = Agency.objects.get(name="Sở Tài chính")
    result = plan(
        [1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính tỉnh Lào Cai", "Y Tý"],
        [2, "Trần Thị Bình", "Phó Giám đốc Sở Y tế tỉnh Lào Cai", None, "A Lù"],
    )
    assert not result.has_errors, [row.errors for row in result.rows]
    assert [row.agency for row in result.rows] == [known.name, "Sở Y tế"]
    assert "cơ quan mới" not in result.rows[0].notes
    assert any("không kèm tên tỉnh" in note for note in result.rows[0].notes)
    assert Agency.objects.filter(name__startswith="Sở Tài chính").count() == 1


def test_a_known_agency_named_with_its_province_matches_the_name_without_it(db):
    known = Agency.objects.create(name="Trung tâm Khuyến nông tỉnh Lào Cai")
    result = plan([1, "Nguyễn Văn An", "Giám đốc", "Trung tâm Khuyến nông", "Y Tý"])
    assert result.rows[0].agency == known.name
    assert "cơ quan mới" not in result.rows[0].notes


def test_two_agencies_left_with_one_name_are_never_guessed(db):
    Agency.objects.get_or_create(name="Hội Làm vườn tỉnh")
    Agency.objects.get_or_create(name="Hội Làm vườn tỉnh Lào Cai")
    result = plan([1, "Nguyễn Văn An", "Chủ tịch", "Hội Làm vườn", "Y Tý"])
    assert result.rows[0].agency == "Hội Làm vườn"
    assert "cơ quan mới" in result.rows[0].notes


def test_another_province_is_not_left_out(db):
    result = plan([1, "Nguyễn Văn An", "Giám đốc", "Sở Tài chính tỉnh Yên Bái", "Y Tý"])
    assert result.rows[0].agency == "Sở Tài chính tỉnh Yên Bái"
    assert "cơ quan mới" in result.rows[0].notes
