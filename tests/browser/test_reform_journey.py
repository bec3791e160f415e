"""Issue 14's "done when", in a real browser, on the demo data as `make run` loads it.

The office opens the dashboard on the current map, finds the old Yên Bái's units
among the new province's, opens a unit of today and finds its predecessors' history
and totals, reads the same totals on the old map, and carries old Si Ma Cai's pairs
(which the demo leaves for it) over in one previewed step; a visit of 2026 on a
unit that no longer exists is refused, naming its successor.
"""

import re

import pytest
from django.urls import reverse

from assignments.models import Assignment, FieldVisit
from communes.models import Commune, Era
from sampledata.laocai.reform import LEFT_FOR_THE_OFFICE
from tests.support.browser import log_in, password_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def figure(page, label):
    """The number on the dashboard card whose label contains `label`."""
    card = page.locator(".card, a").filter(has_text=label).first
    return re.search(r"[\d.]+", card.inner_text()).group(0)


def test_the_office_reads_the_province_of_today_and_carries_old_pairs_over(page, screenshot):
    log_in(page, "vanphong", password_of("vanphong"))

    # The dashboard opens on the current map; the old map gives the same activity totals.
    assert page.locator(".map-switch [aria-current]").inner_text().startswith("Bản đồ hiện nay")
    visits_today = figure(page, "chuyến công tác trong 90 ngày qua")
    screenshot(page, "reform-dashboard-current")
    page.get_by_role("link", name=re.compile("^Bản đồ cũ")).click()
    page.wait_for_load_state()
    assert "map=old" in page.url
    assert figure(page, "chuyến công tác trong 90 ngày qua") == visits_today
    assert page.locator("#id_district optgroup[label='Yên Bái (cũ)']").count() == 1

    # The communes of today include the old Yên Bái's, labelled with their old districts.
    page.goto(reverse("reports:commune_list") + "?q=au+lau")
    au_lau = page.locator("table tbody tr").filter(has_text="Âu Lâu")
    assert "Yên Bái" in au_lau.inner_text()

    # A unit of today: its predecessors' records, labelled, counted in its totals.
    bac_ha = Commune.objects.get(name="Bắc Hà", era=Era.FROM_2025)
    page.goto(reverse("reports:commune_detail", args=[bac_ha.pk]))
    main = page.locator("main").inner_text()
    assert "7 đơn vị cũ đã sáp nhập vào xã này" in main
    assert "Xã Bản Phố (Huyện Bắc Hà, trước 01/07/2025)" in main
    counted = FieldVisit.objects.filter(
        assignment__commune__current_unit=bac_ha, status=FieldVisit.Status.CONFIRMED
    ).count()
    assert figure(page, "chuyến công tác đã xác nhận") == str(counted)
    screenshot(page, "reform-dossier-bac-ha")

    # An old unit's pair still in force: a 2026 visit for it is refused, naming its successor.
    left = (
        Assignment.objects.active()
        .filter(commune__district__code=LEFT_FOR_THE_OFFICE)
        .select_related("commune__current_unit")
        .order_by("pk")
    )
    old = left.first()
    page.goto(reverse("assignments:visit_create", args=[old.pk]))
    page.fill("#id_visited_on", "2026-08-06")
    page.fill("#id_purpose", "Kiểm tra tiến độ")
    page.locator("main form button[type=submit]").first.click()
    # Saved through the phone's send queue: the server's refusal shows beside the date.
    page.get_by_text(f"Xã {old.commune.name} không còn từ 01/07/2025").first.wait_for()
    refusal = page.locator("main").inner_text()
    assert f"Xã {old.commune.name} không còn từ 01/07/2025" in refusal
    assert f"Xã {old.commune.current_unit.name}" in refusal
    assert not FieldVisit.objects.filter(assignment=old, visited_on__year=2026).exists()

    # The carry-over: preview, a leader to choose where several land, then one step.
    page.goto(reverse("assignments:carry_over"))
    summary = page.locator("#summary").inner_text()
    assert f"{left.count()} phân công" in summary
    screenshot(page, "reform-carry-over-preview")
    page.get_by_role("button", name="Chuyển phân công").click()
    page.wait_for_load_state()
    assert page.locator(".form-errors, .errorlist").first.is_visible()  # nobody chosen yet
    assert Assignment.objects.active().filter(pk__in=[a.pk for a in left]).count() == left.count()
    for group in page.locator("tbody:has(tr.choose)").all():
        group.get_by_label("Tiếp tục phụ trách").first.check()
    page.get_by_role("button", name="Chuyển phân công").click()
    page.wait_for_load_state()
    assert "Đã chuyển" in page.locator("main").inner_text()
    page.goto(reverse("assignments:carry_over"))
    assert "Không còn phân công nào cần chuyển." in page.locator("main").inner_text()
    screenshot(page, "reform-carry-over-done")
