"""The office demo user answers its daily questions in a real browser."""

import pytest
from django.urls import reverse

from communes.models import Commune, District
from tests.support.browser import log_in, no_horizontal_scroll, password_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_office_logs_in_and_sees_the_dashboard_charts(page, screenshot):
    log_in(page, "vanphong", password_of("vanphong"))
    assert page.url.endswith(reverse("reports:dashboard"))
    charts = page.locator("svg.chart-svg")
    assert charts.count() >= 2  # today's map (the default) has no district chart
    assert charts.first.is_visible()
    # Every chart is named for screen readers.
    for i in range(charts.count()):
        assert charts.nth(i).locator(":scope > title").count() == 1
    assert page.locator(".demo-notice").is_visible()
    screenshot(page, "dashboard")


def test_office_filters_communes_by_district(page):
    log_in(page, "vanphong", password_of("vanphong"))
    bac_ha = District.objects.get(code="085")
    page.goto(reverse("reports:commune_list") + "?map=old")  # districts: the old map
    page.select_option("#id_district", str(bac_ha.pk))
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert f"district={bac_ha.pk}" in page.url
    shown = page.locator("table tbody tr").count()
    expected = Commune.objects.in_programme().filter(district=bac_ha).count()
    assert shown == expected
    assert page.locator("table tbody").inner_text().count("Bắc Hà") >= expected


def test_office_searches_without_accents_and_opens_ban_vuoc(page, screenshot):
    log_in(page, "vanphong", password_of("vanphong"))
    page.goto(reverse("reports:commune_list") + "?map=old")  # Bản Vược: a unit of the old map
    page.fill("#id_q", "ban vuoc")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    page.get_by_role("link", name="Bản Vược", exact=True).click()
    page.wait_for_load_state()
    ban_vuoc = Commune.objects.get(name="Bản Vược")
    assert page.url.endswith(reverse("reports:commune_detail", args=[ban_vuoc.pk]))
    assert page.locator("h1").inner_text().endswith("Bản Vược")
    assert page.locator("#tieu-chi").is_visible()
    screenshot(page, "dossier-desktop")


def test_office_switches_to_english_and_back(page):
    log_in(page, "vanphong", password_of("vanphong"))
    page.goto(reverse("reports:commune_list"))
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("navigation", name="Điều hướng chính").is_visible()
    page.click("form.lang button[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    menu = page.get_by_role("navigation", name="Main navigation")
    assert menu.get_by_role("link", name="Communes").is_visible()
    page.click("form.lang button[value=vi]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert (
        page.get_by_role("navigation", name="Điều hướng chính")
        .get_by_role("link", name="Xã", exact=True)
        .is_visible()
    )


def test_the_dossier_fits_a_phone_without_horizontal_scrolling(phone_page, screenshot):
    log_in(phone_page, "vanphong", password_of("vanphong"))
    ban_vuoc = Commune.objects.get(name="Bản Vược")
    phone_page.goto(reverse("reports:commune_detail", args=[ban_vuoc.pk]))
    assert phone_page.locator("h1").is_visible()
    assert no_horizontal_scroll(phone_page)
    screenshot(phone_page, "dossier-phone")
