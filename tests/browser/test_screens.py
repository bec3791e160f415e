"""What the screens show a person at an office's 1366 px and on a 390 px phone (issue 16)."""

import logging
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments.models import Support
from sampledata.lifecycle import GROUP_A_COMMUNE, demo_assignment
from tests.support.browser import log_in, password_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TABLE_OVERFLOW = (
    "Array.from(document.querySelectorAll('.table-scroll')).map(e => e.scrollWidth - e.clientWidth)"
)


@pytest.fixture
def office_page(browser, live_server_url):
    context = browser.new_context(
        base_url=live_server_url, locale="vi-VN", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "vanphong", password_of("vanphong"))
    yield page
    context.close()


@pytest.mark.parametrize(
    "query",
    ["", "?year=2025", "?map=old", "?map=old&year=2025"],
    ids=["current", "2025", "old", "old-2025"],
)
def test_the_communes_table_fits_1366_px_without_sideways_scrolling(office_page, query, screenshot):
    office_page.goto(reverse("reports:commune_list") + query)
    assert office_page.locator("table.commune-list tbody tr").count() >= 25
    assert office_page.evaluate(TABLE_OVERFLOW) == [0]
    screenshot(office_page, f"communes-1366{query.replace('?', '-').replace('&', '-')}")


def test_money_is_grouped_as_typed_and_a_long_phone_form_opens_at_its_first_error(
    phone_page, screenshot
):
    assignment = demo_assignment(GROUP_A_COMMUNE)
    purpose = "Kiểm tra hỗ trợ tiền làm nhà văn hoá thôn"
    log_in(phone_page, "thanhvien_a", password_of("thanhvien_a"))
    phone_page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    phone_page.fill("#id_visited_on", timezone.localdate().isoformat())
    phone_page.fill("#id_purpose", purpose)
    phone_page.select_option("#id_supports-0-kind", "money")
    amount = phone_page.locator("#id_supports-0-amount_vnd")
    amount.press_sequentially("20000000")
    assert amount.input_value() == "20.000.000"
    # The support's description is left out: the server sends the form back with an error
    # far below the top of the page.
    phone_page.get_by_role("button", name="Lưu bản nháp").click()
    description = phone_page.locator("#id_supports-0-description")
    # The send queue (static/js/queue.js) shows the server's errors next to their fields.
    phone_page.locator("#id_supports-0-description[aria-invalid=true]").wait_for()
    assert description.evaluate("e => e === document.activeElement")
    box = description.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844  # on screen
    assert phone_page.evaluate("window.scrollY") > 0
    screenshot(phone_page, "visit-form-first-error-phone")

    assert amount.input_value() == "20.000.000"
    description.fill("Hỗ trợ tiền làm nhà văn hoá")
    phone_page.get_by_role("button", name="Lưu bản nháp").click()
    phone_page.wait_for_url(re.compile(r"/chuyen-cong-tac/\d+/$"))
    support = Support.objects.get(visit__purpose=purpose)
    assert support.amount_vnd == 20_000_000


class NotFound(logging.Handler):
    """The paths the server answered 404 (Django's request log)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.paths = []

    def emit(self, record):
        if getattr(record, "status_code", None) == 404:
            self.paths.append(record.request.path)


@pytest.fixture
def not_found():
    handler = NotFound()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield handler.paths
    logger.removeHandler(handler)


def test_pages_name_their_own_icon_and_the_browser_asks_for_no_missing_one(page, not_found):
    log_in(page, "vanphong", password_of("vanphong"))
    page.goto(reverse("reports:commune_list"))
    icon = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
    response = page.request.get(icon)
    assert response.status == 200 and response.headers["content-type"] == "image/svg+xml"
    page.wait_for_timeout(1000)  # the browser asks for a page's icon after loading it
    assert not_found == []
