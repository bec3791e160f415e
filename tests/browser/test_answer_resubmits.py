"""In a real browser: the office returns a visit and is offered none of the group's
controls on it; the member answers with one click, and the visit is back in the
office's queue without a second button."""

import pytest
from django.urls import reverse

from assignments.models import FieldVisit, VisitEvent
from sampledata import lifecycle as demo
from tests.support.browser import log_in, password_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

COMMENT = "Ghi rõ kinh phí xã đối ứng."
ANSWER = "Đã bổ sung: xã đối ứng 40 triệu đồng."


def waiting_for_the_office(page):
    """The office's "Chuyến chờ xác nhận" figure on its "my work" page."""
    page.goto(reverse("assignments:my_work"))
    card = page.locator(".card").filter(has_text="Chuyến chờ xác nhận")
    return int(card.locator(".figure").inner_text().replace(".", ""))


def test_office_returns_member_answers_in_one_click_office_finds_it_submitted(
    browser, live_server_url, page, phone_page, screenshot
):
    # A visit of the demo data, which the live server sees on every database (a row made
    # in the test's own transaction is invisible to it on PostgreSQL): group A's latest
    # confirmed visit, which the office may return.
    visit = (
        FieldVisit.objects.filter(
            assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE),
            status=FieldVisit.Status.CONFIRMED,
        )
        .order_by("-visited_on", "-pk")
        .first()
    )
    assert visit is not None
    earlier_events = set(visit.events.values_list("pk", flat=True))
    detail = reverse("assignments:visit_detail", args=[visit.pk])
    office = page
    log_in(office, "vanphong", password_of("vanphong"))
    waiting = waiting_for_the_office(office)

    # The office returns the visit with a comment.
    office.goto(detail)
    office.locator("details.workflow-return summary").click()
    office.fill("#return-comment", COMMENT)
    office.get_by_role("button", name="Trả lại", exact=True).click()
    office.wait_for_load_state()
    visit.refresh_from_db()
    assert visit.status == FieldVisit.Status.RETURNED

    # Its page of the returned visit offers none of the group's controls.
    assert "Đã trả lại chuyến công tác cho tổ giúp việc" in office.locator(".messages").inner_text()
    workflow = office.locator("section.workflow")
    assert COMMENT in workflow.inner_text()
    assert office.locator("#answer-comment").count() == 0
    assert workflow.get_by_role("button").count() == 0
    assert (
        office.locator(
            f"form[action='{reverse('assignments:visit_submit', args=[visit.pk])}']"
        ).count()
        == 0
    )
    screenshot(office, "visit-returned-office")
    assert waiting_for_the_office(office) == waiting  # it was confirmed, not waiting

    # The member sees the comment and answers: one click.
    member = phone_page
    log_in(member, "thanhvien_a", password_of("thanhvien_a"))
    member.goto(detail)
    assert COMMENT in member.locator(".return-comment").inner_text()
    member.fill("#answer-comment", ANSWER)
    screenshot(member, "visit-answer-phone")
    member.get_by_role("button", name="Gửi trả lời và gửi lại văn phòng", exact=True).click()
    member.wait_for_load_state()

    assert "gửi lại chuyến công tác" in member.locator(".messages").inner_text()
    assert "Đã gửi" in member.locator(".workflow h2").inner_text()
    assert member.locator("#answer-comment").count() == 0
    assert member.locator(".workflow").get_by_role("button").count() == 0
    screenshot(member, "visit-answered-phone")
    visit.refresh_from_db()
    assert visit.status == FieldVisit.Status.SUBMITTED
    new_events = visit.events.exclude(pk__in=earlier_events).order_by("pk")
    assert list(new_events.values_list("action", "comment")) == [
        (VisitEvent.Action.RETURNED, COMMENT),
        (VisitEvent.Action.ANSWERED, ANSWER),
    ]

    # The office finds it back in its queue, with the answer, ready to confirm.
    assert waiting_for_the_office(office) == waiting + 1
    office.locator(".card").filter(has_text="Chuyến chờ xác nhận").locator(".figure").click()
    office.wait_for_load_state()
    office.locator(f"a[href='{detail}']").first.click()
    office.wait_for_load_state()
    assert ANSWER in office.locator(".workflow-thread").inner_text()
    assert office.get_by_role("button", name="Xác nhận chuyến công tác").count() == 1
    screenshot(office, "visit-answered-office")
