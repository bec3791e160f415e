"""The office imports a hand-typed annex in the browser: upload, preview, confirm."""

import pytest
from django.urls import reverse

from assignments.models import Assignment, Decision
from sampledata.lifecycle import DEMO_ACCOUNTS
from tests.reports.import_workbooks import active_assignment, nfd, workbook_bytes

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def password_of(username):
    return next(a for a in DEMO_ACCOUNTS if a.username == username).password


def test_office_imports_a_messy_annex_and_finds_the_assignment_updated(
    page, tmp_path, settings, screenshot
):
    settings.MEDIA_ROOT = tmp_path
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    ban_vuoc = active_assignment("Bản Vược")
    kept = active_assignment("Y Tý")
    rows = [
        ["UBND TỈNH LÀO CAI"],
        ["PHỤ LỤC"],
        ["Ho va ten", "STT", "Chuc vu", "Xa", "Co quan"],  # no diacritics, any order
        ["I. HUYỆN BÁT XÁT"],
        [f"Đ/c {kept.leader.full_name}", 1, kept.leader.position, "Y Tý",
         kept.leader.agency.name],
        ["Bà Trần Thị Thử", 2, "Phó Giám đốc", nfd("xã  Bản  Vược"),
         ban_vuoc.leader.agency.name],
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

    plan = page.locator(".plan-table").first
    assert plan.is_visible()
    assert "Bản Vược" in plan.inner_text()
    screenshot(page, "import-preview")
    # Nothing is written before the office confirms.
    assert active_assignment("Bản Vược").pk == ban_vuoc.pk

    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    new = Assignment.objects.active().get(commune=ban_vuoc.commune, decision=decision)
    assert new.leader.full_name == "Trần Thị Thử"
    assert new.working_group_id == ban_vuoc.working_group_id
    ban_vuoc.refresh_from_db()
    assert ban_vuoc.ended_on is not None and ban_vuoc.successor_id == new.pk
    assert active_assignment("Y Tý").pk == kept.pk
