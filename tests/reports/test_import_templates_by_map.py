"""The blank templates and the criteria matrix on the map of their time: the old Lào Cai's
and the old Yên Bái's xã by old province and district up to 2025, today's units after."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from communes.models import Assessment, Commune, CommuneYear, Map
from reports.imports import annex, blank, matrix, terms
from reports.imports.files import load_grids, open_workbook

from .import_workbooks import save, workbook_bytes

pytestmark = pytest.mark.django_db
D = datetime.date


def loaded(book):
    return openpyxl.load_workbook(io.BytesIO(save(book)))


def rows_of(book):
    """(group rows, commune codes, the note under the title) of a matrix template."""
    sheet = book.worksheets[0]
    groups, codes = [], []
    for row in sheet.iter_rows(min_row=8, values_only=True):
        if isinstance(row[1], str) and row[1].isdigit():
            codes.append(row[1])
        elif row[0] is None and row[2] and not str(row[2]).startswith(("Cộng", "Toàn")):
            groups.append(row[2])
    return groups, codes, sheet.cell(4, 1).value


def test_the_2024_template_lists_both_old_provinces_by_province_and_district(office_client):
    response = office_client.get(
        reverse("reports:import_template", args=["tieu-chi"]), {"year": 2024}
    )
    groups, codes, note = rows_of(openpyxl.load_workbook(io.BytesIO(response.content)))
    programme = Commune.objects.in_programme(Map.OLD)
    assert len(codes) == 127 + 146 and set(codes) == set(programme.values_list("code", flat=True))
    assert "02872" in codes  # Tà Chải, merged on 01/11/2024, was assessed in 2024
    lao_cai, yen_bai = groups.index("LÀO CAI (CŨ)"), groups.index("YÊN BÁI (CŨ)")
    assert lao_cai == 0 and groups[1] == "Thành phố Lào Cai"
    assert groups[yen_bai + 1] == "Thành phố Yên Bái" and len(groups) == 2 + 18
    # Each xã under its own district.
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    under, district_of = None, {}
    for row in sheet.iter_rows(min_row=8, values_only=True):
        if isinstance(row[1], str) and row[1].isdigit():
            district_of[row[1]] = under
        elif row[2] and row[0] is None:
            under = row[2]
    assert all(district_of[c.code] == c.district.name for c in programme.select_related("district"))
    assert "danh sách xã trước 01/07/2025, theo tỉnh và huyện cũ" in note


def test_the_2025_template_says_the_year_is_on_the_old_xa():
    groups, codes, note = rows_of(loaded(blank.matrix_template(2025, D(2025, 12, 1))))
    assert len(codes) == 126 + 146 and "02872" not in codes
    assert "năm 2025 ghi theo các xã trước 01/07/2025" in note


def test_a_template_after_2025_lists_todays_units_without_districts():
    groups, codes, note = rows_of(loaded(blank.matrix_template(2026, D(2026, 11, 18))))
    today = Commune.objects.in_programme(Map.CURRENT)
    assert len(codes) == today.count() == 97
    assert set(codes) == set(today.values_list("code", flat=True))
    # From 2026 grouped by commune group (reports/excel/matrix_sets.py), not by province.
    assert groups and set(groups) <= {"Nhóm 1", "Nhóm 2", "Nhóm 3", "Chưa xếp nhóm"}
    assert "danh sách đơn vị hành chính từ 01/07/2025 (không còn cấp huyện)" in note


def matrix_of(year, rows):
    header = ["STT", "Mã xã", "Tên xã", "TC1", "TC2"]
    data = workbook_bytes([[f"Tieu chi {year}"], header, *rows], title=f"Tieu chi {year}")
    with open_workbook(data) as book:
        return matrix.plan(book, year)


def test_a_2025_result_for_a_xa_merged_in_2024_is_refused_naming_its_successor():
    ta_chai = Commune.objects.get(code="02872", era="pre2025")
    plan = matrix_of(2025, [[1, ta_chai.code, "Tà Chải", "x", None]])
    (row,) = plan.rows
    assert row.action == "error"
    assert row.errors == [
        "Dòng 3: Xã Tà Chải không còn từ 01/11/2024 (đã sáp nhập vào Xã Bắc Hà). Kết quả đánh "
        "giá năm 2025 ghi cho Xã Bắc Hà."
    ]
    # Left empty, the row changes nothing and is no error.
    assert matrix_of(2025, [[1, ta_chai.code, "Tà Chải", None, None]]).rows == []


def test_a_result_after_2025_is_for_todays_units_and_an_old_xa_names_its_successor():
    bac_ha = Commune.objects.in_programme(Map.CURRENT).get(name="Bắc Hà")
    ban_pho = Commune.objects.in_programme(Map.OLD).get(name="Bản Phố")
    assert not Commune.objects.in_programme(Map.CURRENT).filter(code=ban_pho.code).exists()
    # The demo approved Bắc Hà's 2026 with TC1 met: reopen it, TC1 not yet assessed.
    CommuneYear.objects.filter(commune=bac_ha, year=2026).delete()
    Assessment.objects.filter(commune=bac_ha, year=2026, criterion__number=1).delete()
    plan = matrix_of(
        2026, [[1, bac_ha.code, "Bắc Hà", "x", None], [2, ban_pho.code, "Bản Phố", "x"]]
    )
    created, refused = plan.rows
    assert (created.action, created.commune_id, created.criterion.split(".")[0]) == (
        "create", bac_ha.pk, "TC1",
    )  # fmt: skip
    assert refused.errors == [
        "Dòng 4: Xã Bản Phố không còn từ 01/07/2025 (đã sáp nhập vào Xã Bắc Hà). Kết quả đánh "
        "giá năm 2026 ghi cho Xã Bắc Hà."
    ]


@pytest.mark.usefixtures("pairs_before_the_new_period")  # Decision 1599's pairs in force
def test_the_annex_template_of_today_has_no_district_column(office_client, decision, today):
    response = office_client.get(reverse("reports:import_template", args=["phu-luc"]))
    assert response["Content-Disposition"] == 'attachment; filename="mau-phu-luc-phan-cong.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    main = book.worksheets[0]
    values = [row for row in main.iter_rows(values_only=True) if any(row)]
    assert list(values[-1]) == [
        "STT",
        "Họ và tên",
        "Chức vụ",
        "Cơ quan, đơn vị",
        "Xã được phân công",
    ]
    ((title, cells),) = book.defined_names["DS_Xa"].destinations
    units = [row[0].value for row in book[title][cells.replace("$", "")]]
    assert sorted(units) == sorted(
        Commune.objects.in_programme(Map.CURRENT).values_list("name", flat=True)
    )
    assert "DS_Huyen" not in book.defined_names
    (commune,) = [dv for dv in main.data_validations.dataValidation if dv.formula1 == "DS_Xa"]
    assert str(commune.sqref).startswith("E")
    # Filled from its list for an annex of today, its rows are today's units.
    main.append([1, "Người Thử", "Giám đốc", "Sở Tài chính", units[0]])
    amending = {"number": "2468/QĐ-UBND", "issued_on": D(2025, 9, 15), "title": "Sửa đổi"}
    agreed = terms.resolve(decision, amendment=amending)
    (row,) = annex.plan(load_grids(save(book)), decision, terms=agreed).rows
    assert row.errors == []
    assert row.target["commune"] == Commune.objects.in_programme(Map.CURRENT).get(name=units[0])


def test_the_import_page_offers_the_annex_template_on_each_map(office_client, today):
    page = office_client.get(reverse("reports:import_index")).content.decode()
    url = reverse("reports:import_template", args=["phu-luc"])
    assert f'href="{url}?map=current"' in page and f'href="{url}?map=old"' in page
    old = office_client.get(url, {"map": "old"})
    assert old["Content-Disposition"].endswith('mau-phu-luc-phan-cong-truoc-01-07-2025.xlsx"')
    assert office_client.get(url, {"map": "old", "province": "x"}).status_code == 404
