"""The office imports a hand-typed annex in the browser: upload, preview, confirm.

The annexes are of today: their pairs take effect after 01/07/2025, so they name today's
units (reports/imports/scope.py), where the demo's groups A and B work since the
carry-over (Xã Bát Xát, Xã Y Tý); an old district heading is orientation only.
"""

import datetime

import pytest
from django.urls import reverse

from assignments.models import Assignment, Decision
from communes.models import Commune
from sampledata.lifecycle import GROUP_A_COMMUNE, GROUP_B_COMMUNE, demo_assignment
from tests.conftest import load_session_data
from tests.reports.import_workbooks import nfd, workbook_bytes
from tests.support.browser import log_in, password_of

# Decision 1599's pairs carried over on 01/07/2025 in force, as before the demo's 2026–2030
# decision re-confirmed them (tests/conftest.py). That fixture writes; on PostgreSQL the
# live server has its own connection and would wait for ever on rows this test's open
# transaction holds, so these tests commit (transaction=True), and the session's data is
# loaded again when a test emptied it, and after the module.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pairs_before_the_new_period"),
]


def _session_data():
    if not Commune.objects.exists():
        load_session_data()


@pytest.fixture(scope="module", autouse=True)
def session_data_afterwards(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        _session_data()


@pytest.fixture(autouse=True)
def session_data(transactional_db):
    _session_data()


def active_on(unit):
    """The pair of Decision 1599 in force on `unit` (a unit of today)."""
    return Assignment.objects.active().get(commune=unit, decision__number="1599/QĐ-UBND")


def test_office_imports_a_messy_annex_and_finds_the_assignment_updated(page, tmp_path, screenshot):
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    bat_xat = demo_assignment(GROUP_A_COMMUNE)  # group A's pair, on Xã Bát Xát
    kept = demo_assignment(GROUP_B_COMMUNE)  # group B's, on Xã Y Tý
    assert (bat_xat.commune.name, kept.commune.name) == ("Bát Xát", "Y Tý")
    rows = [
        ["UBND TỈNH LÀO CAI"],
        ["PHỤ LỤC"],
        ["Ho va ten", "STT", "Chuc vu", "Xa", "Co quan"],  # no diacritics, any order
        ["I. HUYỆN BÁT XÁT"],  # the old district, as people still say
        [f"Đ/c {kept.leader.full_name}", 1, kept.leader.position, "Y Tý",
         kept.leader.agency.name],
        ["Bà Trần Thị Thử", 2, "Phó Giám đốc", nfd("xã  Bát  Xát"),
         bat_xat.leader.agency.name],
        ["Tổng cộng"],
    ]  # fmt: skip
    path = tmp_path / "phu-luc-go-tay.xlsx"
    path.write_bytes(workbook_bytes(rows, merges=["A4:E4"]))

    log_in(page, "vanphong", password_of("vanphong"))
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Nhập Excel"
    ).click()
    page.goto(reverse("reports:import_annex"))
    page.select_option("#id_decision", str(decision.pk))
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_load_state()

    # Read on today's map: the old district heading names no unit.
    assert (
        "đơn vị hành chính từ 01/07/2025 (không còn cấp huyện" in page.locator("main").inner_text()
    )
    plan = page.locator(".plan-table").first
    assert plan.is_visible()
    assert "Bát Xát" in plan.inner_text()
    screenshot(page, "import-preview")
    # Nothing is written before the office confirms.
    assert active_on(bat_xat.commune).pk == bat_xat.pk

    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    new = active_on(bat_xat.commune)
    assert new.leader.full_name == "Trần Thị Thử"
    assert new.working_group_id == bat_xat.working_group_id
    bat_xat.refresh_from_db()
    assert bat_xat.ended_on is not None and bat_xat.successor_id == new.pk
    assert active_on(kept.commune).pk == kept.pk


def test_office_imports_an_amending_decisions_annex_from_a_chosen_day(page, tmp_path):
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    y_ty = demo_assignment(GROUP_B_COMMUNE)  # on Xã Y Tý since 01/07/2025
    rows = [
        ["Họ và tên", "Chức vụ", "Cơ quan", "Xã"],
        ["Sần Thị Mai", "Phó Giám đốc", y_ty.leader.agency.name, "Y Tý"],
    ]
    path = tmp_path / "phu-luc-sua-doi.xlsx"
    path.write_bytes(workbook_bytes(rows))

    log_in(page, "vanphong", password_of("vanphong"))
    page.goto(reverse("reports:import_annex"))
    page.select_option("#id_decision", str(decision.pk))
    page.get_by_label("một quyết định sửa đổi, bổ sung quyết định đã chọn").check()
    page.fill("#id_amendment_number", "88/QĐ-UBND")
    page.fill("#id_amendment_issued_on", "10/09/2025")
    page.fill("#id_amendment_title", "Sửa đổi, bổ sung Phụ lục Quyết định 1599/QĐ-UBND")
    page.fill("#id_effective_on", "15/09/2025")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_load_state()

    assert "Các cặp mới có hiệu lực từ ngày 15/09/2025" in page.locator("main").inner_text()
    row = page.locator(".plan-table tbody tr").first
    assert "Y Tý" in row.inner_text() and "15/09/2025" in row.inner_text()
    assert not Decision.objects.filter(number="88/QĐ-UBND").exists()

    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    amendment = Decision.objects.get(number="88/QĐ-UBND", amends=decision)
    y_ty.refresh_from_db()
    assert (y_ty.ended_on, y_ty.end_reason) == (datetime.date(2025, 9, 14), "amended")
    assert (y_ty.successor.decision, y_ty.successor.started_on) == (
        amendment,
        datetime.date(2025, 9, 15),
    )
