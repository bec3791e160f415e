"""axe-core finds no moderate, serious or critical accessibility violation on the main
pages, at an office's 1366 px and on a 390 px phone (issue 16)."""

import re

import pytest
from django.urls import reverse

from communes.models import Commune
from sampledata.lifecycle import GROUP_A_COMMUNE, demo_assignment
from tests.support.axe import violations as axe_violations
from tests.support.browser import log_in, password_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=WIDTHS)
def open_as(request, browser, live_server_url):
    """open_as(username): a page of that user's, logged in, at the parametrised width."""
    contexts = []

    def open_page(username):
        context = browser.new_context(
            base_url=live_server_url, locale="vi-VN", viewport=WIDTHS[request.param]
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, username, password_of(username))
        return page

    open_page.width = request.param
    yield open_page
    for context in contexts:
        context.close()


def violations_on(page, urls, screenshot=None, width=""):
    found = {}
    for name, url in urls.items():
        response = page.goto(url)
        assert response.status == 200, url
        violations = axe_violations(page)
        if violations:
            found[name] = violations
        if screenshot:
            screenshot(page, f"a11y-{name}-{width}")
    return found


def test_the_office_pages_have_no_accessibility_violation(open_as, screenshot):
    assignment = demo_assignment(GROUP_A_COMMUNE)  # Bản Vược's, on Xã Bát Xát since 2025
    ban_vuoc = Commune.objects.get(name="Bản Vược")  # an old xã: criteria 2021–2025 by year
    page = open_as("vanphong")
    urls = {
        "dashboard": reverse("reports:dashboard"),
        # 2021–2025 on the old map: the chart of districts, its bars linked.
        "dashboard-old-map": reverse("reports:dashboard") + "?map=old&year=2025",
        "communes": reverse("reports:commune_list"),
        "communes-old-map": reverse("reports:commune_list") + "?map=old",
        "dossier": reverse("reports:commune_detail", args=[assignment.commune_id]),
        "dossier-old-unit": reverse("reports:commune_detail", args=[ban_vuoc.pk]),
        "assignments": reverse("assignments:assignment_list"),
        "visits": reverse("assignments:visit_list"),
        "visit-form": reverse("assignments:visit_create", args=[assignment.pk]),
        "import-annex": reverse("reports:import_annex"),
    }
    assert violations_on(page, urls, screenshot, open_as.width) == {}


@pytest.mark.parametrize("username", ["thanhvien_a", "lanhdao"])
def test_my_work_has_no_accessibility_violation(open_as, username):
    page = open_as(username)
    assert violations_on(page, {"my-work": reverse("assignments:my_work")}) == {}


def test_a_phone_reaches_the_criteria_grid_and_hears_what_each_history_link_shows(phone_page):
    log_in(phone_page, "vanphong", password_of("vanphong"))
    ban_vuoc = Commune.objects.get(name="Bản Vược")
    phone_page.goto(reverse("reports:commune_detail", args=[ban_vuoc.pk]))
    grid = phone_page.get_by_role("region", name="Kết quả đánh giá từng tiêu chí theo năm")
    assert grid.evaluate("e => e.scrollWidth > e.clientWidth")  # it scrolls sideways…
    grid.focus()
    assert grid.evaluate("e => e === document.activeElement")  # …and the keyboard gets there
    name = re.compile(r"^TC1\W+Lịch sử đánh giá tiêu chí 1 năm 2025$")
    link = phone_page.get_by_role("link", name=name)
    shown = link.evaluate("e => e.firstChild.textContent")  # the rest is visually hidden
    assert shown == "TC1"  # the name begins with what the link shows
