"""The Content-Security-Policy blocks nothing the portal or its admin needs.

The policy allows no inline script or style (ntm_portal/settings.py); a page
that still had some would lose it silently, so the browser's violation reports
are collected and must stay empty, and the pages' own scripts must have run.
"""

import pytest
from django.urls import reverse

from assignments.models import FieldVisit
from sampledata.lifecycle import GROUP_A_COMMUNE, demo_assignment
from tests.support.browser import log_in, password_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


@pytest.fixture
def violations(page):
    """Log the office in on `page`; returns a function listing the policy's violations so far."""
    page.add_init_script(COLLECT_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, "vanphong", password_of("vanphong"))
    return lambda: (
        page.evaluate("window.__cspViolations")
        + [text for text in console if "Content Security Policy" in text]
    )


def test_portal_pages_run_under_the_policy(page, violations):
    assignment = demo_assignment(GROUP_A_COMMUNE)  # Bản Vược's, on Xã Bát Xát since 2025
    pages = [
        reverse("reports:dashboard"),
        reverse("reports:commune_detail", args=[assignment.commune_id]),
        reverse("assignments:visit_list"),
        reverse("assignments:visit_create", args=[assignment.pk]),
    ]
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        assert "content-security-policy" in response.headers
        assert violations() == [], url

    # visit_form.js ran: it shows the "add a row" button, which adds a row.
    rows = page.locator("[data-row]").count()
    page.locator("[data-add-row=supports]").click()
    assert page.locator("[data-row]").count() == rows + 1
    assert violations() == []


def test_admin_pages_run_under_the_policy(page, violations):
    visit = FieldVisit.objects.order_by("pk").first()

    page.goto(reverse("admin:index"))
    assert page.locator("#content").is_visible()

    # actions.js: ticking every row counts them.
    page.goto(reverse("admin:assignments_fieldvisit_changelist"))
    page.check("#action-toggle")
    assert page.locator(".action-counter").inner_text().split()[0] != "0"

    # DateTimeShortcuts.js and inlines.js: calendar links and "add another" rows.
    page.goto(reverse("admin:assignments_fieldvisit_change", args=[visit.pk]))
    page.fill("#id_visited_on", "")
    page.locator(".datetimeshortcuts a").first.click()  # "today"
    assert page.locator("#id_visited_on").input_value() != ""
    assert page.locator(".add-row a").count() >= 1

    assert violations() == []
