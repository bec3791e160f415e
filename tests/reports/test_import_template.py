"""The blank annex template offers drop-down lists (district, the district's communes, the
known agencies) from a hidden sheet, and a file filled from them imports without an error."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException

from assignments.models import Agency, Decision
from communes.models import Commune, District, Province
from reports.imports import service

from .import_workbooks import save, upload

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Huyện", "Xã được phân công"]


def lao_cai():
    """The old Lào Cai, whose Decision 1599 the template is filled in for."""
    return Province.objects.get(name="Tỉnh Lào Cai", era="pre2025")


@pytest.fixture
def template(office_client):
    """The blank annex by district of the old Lào Cai (before 01/07/2025)."""
    response = office_client.get(
        reverse("reports:import_template", args=["phu-luc"]),
        {"map": "old", "province": lao_cai().pk},
    )
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def header_row(sheet):
    for row in sheet.iter_rows():
        if [cell.value for cell in row] == HEADER:
            return row[0].row
    raise AssertionError("no header")


def named(book, name):
    """The values of the cells a defined name points at (one column)."""
    ((title, cells),) = book.defined_names[name].destinations
    return title, [row[0].value for row in book[title][cells.replace("$", "")]]


def validations(sheet):
    return {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}


def is_valid_name(name):
    """A defined name Excel and LibreOffice both accept: letters, digits, _ and ., starting
    with a letter or _, and not something that reads as a cell reference."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) or name.upper() in {"R", "C"}:
        return False
    try:
        coordinate_from_string(name)  # "XA1" is column XA, row 1
    except CellCoordinatesException:
        return not re.fullmatch(r"[Rr]\d*[Cc]\d*", name)
    return False


def test_the_lists_are_on_a_hidden_sheet_with_valid_names(template):
    main, lists = template.worksheets
    assert (main.sheet_state, lists.sheet_state) == ("visible", "hidden")
    districts = list(District.objects.in_programme().filter(province=lao_cai()).order_by("code"))
    assert len(districts) == 9
    assert named(template, "DS_Huyen") == (lists.title, [d.name for d in districts])
    for index, district in enumerate(districts, 1):
        title, communes = named(template, f"Xa_{index}")
        expected = Commune.objects.in_programme().filter(district=district)
        assert title == lists.title
        assert sorted(communes) == sorted(expected.values_list("name", flat=True)), district
    _title, everything = named(template, "DS_Xa")
    assert len(everything) == Commune.objects.in_programme().filter(province=lao_cai()).count()
    assert len(everything) == 127
    _title, agencies = named(template, "DS_CoQuan")
    assert sorted(agencies) == sorted(Agency.objects.values_list("name", flat=True))
    assert len(agencies) > 10
    assert all(is_valid_name(name) for name in template.defined_names), list(template.defined_names)


def test_district_and_commune_are_chosen_from_the_lists_and_a_new_agency_may_be_typed(template):
    main = template.worksheets[0]
    first = header_row(main) + 1
    last = first + 999
    found = validations(main)
    assert set(found) == {f"{c}{first}:{c}{last}" for c in "DEF"}
    district, commune, agency = (found[f"{c}{first}:{c}{last}"] for c in "EFD")
    assert (district.type, district.formula1, district.errorStyle) == ("list", "DS_Huyen", "stop")
    # The commune list follows the district chosen on the same row (relative row), the
    # whole list while none is chosen; nothing outside it is accepted.
    assert commune.formula1 == (
        f'IF($E{first}="",DS_Xa,INDIRECT("Xa_"&MATCH($E{first},DS_Huyen,0)))'
    )
    assert commune.errorStyle == "stop"
    assert (agency.formula1, agency.errorStyle) == ("DS_CoQuan", "warning")
    assert "cơ quan mới" in agency.error
    assert all(dv.showErrorMessage and dv.allow_blank for dv in found.values())


def test_a_template_filled_from_its_lists_previews_without_an_error(template, office_user):
    main = template.worksheets[0]
    _title, districts = named(template, "DS_Huyen")
    _title, agencies = named(template, "DS_CoQuan")
    rows = []
    # Two communes of each of three districts, Thanh Bình of Mường Khương and of Sa Pa
    # among them: the district column tells the two apart.
    for index in (4, 9, 3):
        _title, communes = named(template, f"Xa_{index}")
        rows += [(districts[index - 1], commune) for commune in communes[:2]]
    for index, district in enumerate(districts, 1):
        _title, communes = named(template, f"Xa_{index}")
        if "Thanh Bình" in communes and (district, "Thanh Bình") not in rows:
            rows.append((district, "Thanh Bình"))
    row = header_row(main)
    for number, (district, commune) in enumerate(rows, 1):
        agency = agencies[number] if number < len(rows) else "Trung tâm Thử nghiệm Mẫu"
        main.append([number, f"Người Thử {number}", "Phó Giám đốc", agency, district, commune])
        row += 1
    assert sum(1 for _d, c in rows if c == "Thanh Bình") == 2

    decision = Decision.objects.get(number="1599/QĐ-UBND")
    _batch, plan = service.preview("annex", upload(save(template)), decision, office_user)
    assert [r.errors for r in plan.rows if r.errors] == []
    assert [(r.district, r.commune) for r in plan.rows] == [
        (
            District.objects.get(name=district).name,
            Commune.objects.get(name=commune, district__name=district).name,
        )
        for district, commune in rows
    ]
    assert {r.action for r in plan.rows} == {"update"}
    assert plan.rows[-1].agency == "Trung tâm Thử nghiệm Mẫu"
    assert "cơ quan mới" in plan.rows[-1].notes


def test_the_blank_template_alone_imports_nothing(template):
    with pytest.raises(Exception, match="không có dòng phân công"):
        service.preview(
            "annex", upload(save(template)), Decision.objects.get(number="1599/QĐ-UBND"), None
        )
