"""Issue 15's approve → lock → reopen loop in a real browser, on the demo data.

The office records a 2026 result of Xã Bát Xát (which the demo leaves in draft) and
submits the year; the office head finds it on "Duyệt kết quả" and approves it; the
results page is then read-only for the office, saying why; the office head reopens it
with a reason, which the log shows; the office edits again.
"""

import pytest
from django.urls import reverse

from communes.models import Assessment, CommuneYear
from tests.support.browser import log_in, password_of
from tests.support.reviews import YEAR, criterion_2026, unit_of_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

NOTE = "Ghi chú tiêu chí 1"
REASON = "Xã gửi bổ sung biên bản thẩm định tiêu chí 1."


def badge(page):
    return page.locator(".review [data-status]").inner_text()


def test_the_office_head_approves_a_year_which_locks_it_then_reopens_it_with_a_reason(
    browser, live_server_url, page, screenshot
):
    # Everything is written through the server: on PostgreSQL the live server has its own
    # connection, and a row written by this test's (uncommitted) transaction would keep
    # the server's save waiting for ever.
    commune = unit_of_today()
    results = reverse("reports:commune_results", args=[commune.pk, YEAR])

    # The office records a result and submits the year.
    log_in(page, "vanphong", password_of("vanphong"))
    page.goto(results)
    page.get_by_label("Kết quả tiêu chí 1", exact=True).select_option("1")
    page.get_by_label(NOTE, exact=True).fill("Đã đối chiếu hồ sơ của xã")
    page.get_by_role("button", name=f"Lưu kết quả năm {YEAR}").click()
    page.wait_for_load_state()
    criterion = criterion_2026(1)
    assert Assessment.objects.get(commune=commune, criterion=criterion, year=YEAR).note == (
        "Đã đối chiếu hồ sơ của xã"
    )
    assert page.get_by_role("button", name="Duyệt và khóa kết quả").count() == 0
    page.get_by_role("button", name="Trình duyệt").click()
    page.wait_for_load_state()
    assert badge(page) == "Đã trình duyệt"
    screenshot(page, "approval-submitted")

    # The office head finds it among those waiting and approves it.
    head_context = browser.new_context(
        base_url=live_server_url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    head = head_context.new_page()
    log_in(head, "truongvp", password_of("truongvp"))
    head.goto(reverse("reports:review_list") + f"?nam={YEAR}")
    waiting = head.locator("#trang-thai-submitted")
    screenshot(head, "approval-review-list")
    waiting.get_by_role("link", name=f"Xã {commune.name}").click()
    head.wait_for_load_state()
    head.get_by_role("button", name="Duyệt và khóa kết quả").click()
    head.wait_for_load_state()
    assert badge(head) == "Đã duyệt"
    assert CommuneYear.objects.get(commune=commune, year=YEAR).status == "approved"

    # The office's page is read-only now, and says why.
    page.goto(results)
    main = page.locator("main").inner_text()
    assert "đã được duyệt nên không sửa được" in main
    assert page.get_by_label(NOTE, exact=True).is_disabled()
    assert page.get_by_role("button", name=f"Lưu kết quả năm {YEAR}").count() == 0
    assert page.locator(".review form").count() == 0  # nothing the office may do
    screenshot(page, "approval-locked")

    # The office head reopens it with a written reason, which the log shows.
    head.locator(".review details summary", has_text="Mở lại kèm lý do").click()
    head.get_by_label("Lý do mở lại").fill(REASON)
    head.get_by_role("button", name="Mở lại", exact=True).click()
    head.wait_for_load_state()
    assert badge(head) == "Đang nhập"
    log = head.locator(".review-log").inner_text()
    assert "Mở lại" in log and REASON in log and "Duyệt" in log
    screenshot(head, "approval-reopened")
    head_context.close()

    # The office edits again.
    page.goto(results)
    assert REASON in page.locator(".review-log").inner_text()
    page.get_by_label(NOTE, exact=True).fill("Đã bổ sung biên bản")
    page.get_by_role("button", name=f"Lưu kết quả năm {YEAR}").click()
    page.wait_for_load_state()
    assert Assessment.objects.get(commune=commune, criterion=criterion, year=YEAR).note == (
        "Đã bổ sung biên bản"
    )
    screenshot(page, "approval-editable-again")
