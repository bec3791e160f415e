"""The whole visit loop in a real browser, on a phone-sized screen:
a member records a visit, the office returns it with a comment, the member
fixes it and answers (which resubmits it), the office confirms, and the dashboard counts it."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from assignments.models import FieldVisit
from reports.figures import recent_visit_count
from tests.support.browser import log_in, no_horizontal_scroll, password_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
VISIT_PAGE = re.compile(r"/chuyen-cong-tac/\d+/$")


def photo(tmp_path):
    path = tmp_path / "anh-hien-truong.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 120, 60)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def free_day(create_url):
    """The latest day of the past week without a visit on the form's assignment: the
    loop is not about the same-day question ("Đã có chuyến công tác ngày này – vẫn
    lưu?"), which a visit of today left by the data would ask."""
    assignment = int(re.search(r"/phan-cong/(\d+)/", create_url).group(1))
    taken = set(
        FieldVisit.objects.filter(assignment_id=assignment)
        .exclude(status=FieldVisit.Status.DELETED)
        .values_list("visited_on", flat=True)
    )
    week = [timezone.localdate() - timedelta(days=n) for n in range(7)]
    return next(day for day in week if day not in taken)


def open_visit(page, visit):
    page.goto(reverse("assignments:visit_detail", args=[visit.pk]))


def test_member_records_office_returns_member_fixes_office_confirms(
    browser, live_server_url, phone_page, tmp_path, screenshot
):
    counted_before = recent_visit_count()
    member = phone_page
    log_in(member, "thanhvien_a", password_of("thanhvien_a"))

    # The member records the visit from "My work".
    member.goto(reverse("assignments:my_work"))
    member.get_by_role("link", name="Ghi chuyến công tác").first.click()
    member.wait_for_load_state()
    member.fill("#id_visited_on", free_day(member.url).isoformat())
    member.fill("#id_purpose", "Kiểm tra tiến độ đường giao thông thôn Nậm Thử")
    member.fill("#id_findings", "Đường đã đổ bê tông 300 m.")
    member.select_option("#id_supports-0-kind", "money")
    member.fill("#id_supports-0-amount_vnd", "1.000.000")
    member.fill("#id_supports-0-description", "Hỗ trợ xi măng làm đường")
    member.click("[data-add-row=supports]")
    member.select_option("#id_supports-1-kind", "in_kind")
    member.fill("#id_supports-1-amount_vnd", "2500000")
    member.fill("#id_supports-1-description", "Tặng 20 bộ bàn ghế cho trường")
    member.fill("#id_recommendations-0-text", "Đề nghị huyện bố trí vốn làm rãnh thoát nước")
    member.select_option("#id_recommendations-0-addressed_to", "district")
    member.set_input_files("#id_files", str(photo(tmp_path)))
    assert no_horizontal_scroll(member)
    screenshot(member, "visit-form-phone")
    member.get_by_role("button", name="Lưu bản nháp").click()
    # Saved through the phone's send queue (static/js/queue.js), then on the visit's page.
    member.wait_for_url(VISIT_PAGE)

    visit = FieldVisit.objects.get(purpose="Kiểm tra tiến độ đường giao thông thôn Nậm Thử")
    assert visit.status == FieldVisit.Status.DRAFT
    assert sorted(visit.supports.values_list("amount_vnd", flat=True)) == [1_000_000, 2_500_000]
    assert visit.recommendations.count() == 1
    assert visit.attachments.get().content_type == "image/jpeg"
    member.get_by_role("button", name="Gửi văn phòng").click()
    member.wait_for_load_state()
    visit.refresh_from_db()
    assert visit.status == FieldVisit.Status.SUBMITTED

    # The office returns it with a comment.
    office_context = browser.new_context(base_url=live_server_url, locale="vi-VN")
    office = office_context.new_page()
    log_in(office, "vanphong", password_of("vanphong"))
    open_visit(office, visit)
    office.locator("details.workflow-return summary").click()
    office.fill("#return-comment", "Ghi rõ chiều dài đoạn đường còn lại.")
    office.get_by_role("button", name="Trả lại", exact=True).click()
    office.wait_for_load_state()
    visit.refresh_from_db()
    assert visit.status == FieldVisit.Status.RETURNED

    # The member sees the comment, fixes the visit, answers and resubmits.
    open_visit(member, visit)
    assert "Ghi rõ chiều dài đoạn đường còn lại." in member.locator(".return-comment").inner_text()
    member.get_by_role("link", name="Sửa chuyến công tác").click()
    member.wait_for_load_state()
    member.fill("#id_findings", "Đường đã đổ bê tông 300 m, còn 450 m chưa làm.")
    member.get_by_role("button", name="Lưu thay đổi").click()
    member.wait_for_url(VISIT_PAGE)
    member.fill("#answer-comment", "Đã bổ sung: còn 450 m.")
    # One click answers and resubmits (a second "Gửi lại văn phòng" is no longer needed).
    member.get_by_role("button", name="Gửi trả lời").click()
    member.wait_for_load_state()
    visit.refresh_from_db()
    assert visit.status == FieldVisit.Status.SUBMITTED
    assert visit.findings.endswith("còn 450 m chưa làm.")

    # The office confirms; the dashboard counts it.
    open_visit(office, visit)
    office.get_by_role("button", name="Xác nhận chuyến công tác").click()
    office.wait_for_load_state()
    visit.refresh_from_db()
    assert visit.status == FieldVisit.Status.CONFIRMED
    assert recent_visit_count() == counted_before + 1
    office.goto(reverse("reports:dashboard"))
    assert (
        str(counted_before + 1)
        in office.locator(".card").filter(has_text="chuyến công tác trong 90 ngày qua").inner_text()
    )
    office_context.close()

    # The member sees it confirmed.
    open_visit(member, visit)
    assert "Đã xác nhận" in member.locator(".workflow h2").inner_text()
    assert no_horizontal_scroll(member)
    screenshot(member, "visit-confirmed-phone")
