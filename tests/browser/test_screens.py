"""What the screens show a person at an office's 1366 px and on a 390 px phone (issue 16)."""

import pytest
from django.urls import reverse

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
