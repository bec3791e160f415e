"""The office picks two misspelt communes in the preview once; the next file matches by itself.

The file is Decision 1599's annex of 2021–2025, on the xã before 01/07/2025: uploaded
with its pairs effective on a day before then, it is read on the old map (reports/imports/
scope.py), where these pairs are those in force on 30/06/2025, since ended by the carry-over.
"""

import datetime

import pytest
from django.urls import reverse

from assignments.models import Assignment, Decision
from reports.models import CommuneAlias
from tests.reports.import_workbooks import annex_rows_for, workbook_bytes
from tests.support.browser import log_in, password_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

NAMES = ("Sàng Ma Sáo", "Y Tý", "Dền Sáng", "Dền Thàng")  # rows 6 to 9, under Bát Xát
MISSPELT = {"Sàng Ma Sáo": "Xàng Ma Sáo", "Dền Sáng": "Rền Sáng"}
LAST_DAY = datetime.date(2025, 6, 30)  # the last day of the old map


def annex_file(folder, name):
    pairs = [
        Assignment.objects.active(on=LAST_DAY)
        .select_related("leader__agency", "commune")
        .get(commune__name=commune, commune__district__name="Huyện Bát Xát")
        for commune in NAMES
    ]
    typed = {a.commune_id: MISSPELT[a.commune.name] for a in pairs if a.commune.name in MISSPELT}
    path = folder / name
    path.write_bytes(workbook_bytes(annex_rows_for(pairs, typed)))
    return path


def upload(page, decision, path):
    page.goto(reverse("reports:import_annex"))
    page.select_option("#id_decision", str(decision.pk))
    page.fill("#id_effective_on", LAST_DAY.strftime("%d/%m/%Y"))
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_load_state()


def test_office_picks_two_communes_once_and_the_next_file_matches_them_by_alias(
    page, tmp_path, screenshot
):
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    log_in(page, "vanphong", password_of("vanphong"))
    upload(page, decision, annex_file(tmp_path, "phu-luc-lan-1.xlsx"))

    main = page.locator("main")
    assert "Tên xã được so với 127 xã trước 01/07/2025 của Lào Cai (cũ)" in main.inner_text()
    assert "Tên xã ở các dòng 6, 8 không khớp đúng một xã" in main.inner_text()
    pick = page.get_by_label("Chọn xã cho dòng 8")
    # The closest names first: Dền Sáng before Dền Thàng, nothing chosen for the office.
    assert pick.locator("optgroup").first.get_attribute("label") == "Gần giống nhất"
    assert pick.locator("optgroup").first.locator("option").all_inner_texts()[:2] == [
        "Dền Sáng",
        "Dền Thàng",
    ]
    assert pick.input_value() == ""
    assert page.locator("select.pick").count() == 2
    screenshot(page, "import-pick-1-preview")

    # Confirming with one row unpicked writes nothing and keeps the pick made.
    page.get_by_label("Chọn xã cho dòng 6").select_option(label="Sàng Ma Sáo")
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    assert "Chưa ghi gì: dòng 8 chưa chọn xã." in main.inner_text()
    assert not CommuneAlias.objects.exists()
    assert page.get_by_label("Chọn xã cho dòng 6").locator("option:checked").inner_text() == (
        "Sàng Ma Sáo"
    )

    page.get_by_label("Chọn xã cho dòng 8").select_option(label="Dền Sáng")
    page.get_by_role("button", name="Xem lại với các xã đã chọn").click()
    page.wait_for_load_state()
    assert "xã đã chọn: “Rền Sáng” là xã Dền Sáng" in main.inner_text()
    assert page.locator(".plan-table tr.error").count() == 0
    assert "xác nhận chỉ ghi nhớ các xã đã chọn làm tên gọi khác" in main.inner_text()
    screenshot(page, "import-pick-2-checked")
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    assert "Đã nhập: 0 thêm mới, 0 cập nhật, 4 không đổi." in main.inner_text()
    assert {(a.spelling, a.commune.name) for a in CommuneAlias.objects.all()} == {
        ("Xàng Ma Sáo", "Sàng Ma Sáo"),
        ("Rền Sáng", "Dền Sáng"),
    }

    upload(page, decision, annex_file(tmp_path, "phu-luc-lan-2.xlsx"))
    assert page.locator("select.pick").count() == 0
    assert page.locator(".plan-table tr.error").count() == 0
    notes = main.inner_text()
    assert "khớp theo tên gọi khác đã chọn trước: “Xàng Ma Sáo” là xã Sàng Ma Sáo" in notes
    assert "khớp theo tên gọi khác đã chọn trước: “Rền Sáng” là xã Dền Sáng" in notes
    assert page.get_by_role("button", name="Xác nhận nhập").is_enabled()
    screenshot(page, "import-pick-3-by-alias")
