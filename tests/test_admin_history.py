"""The admin's history pages speak Vietnamese and show values as the pages do, and a
workflow step records only what it changed (no participants added by confirming)."""

import pytest
from django.urls import reverse

from assignments.history import diff
from assignments.history.registry import REGISTRY
from assignments.models import FieldVisit, Support
from assignments.services import workflow
from sampledata import lifecycle as demo
from tests.factories import make_visit

pytestmark = pytest.mark.django_db

S = FieldVisit.Status
ENGLISH = [
    "Choose a date",
    "Changed by",
    "CHANGED BY",
    "Date/time",
    "Change reason",
    "None",
    "Deleted",
    "pk=",
    "submitted",
    "confirmed",
    "entries",
]


def history_page(client, visit):
    response = client.get(reverse("admin:assignments_fieldvisit_history", args=[visit.pk]))
    assert response.status_code == 200
    return response.content.decode()


def demo_visit_with_participants(status):
    return (
        FieldVisit.objects.filter(status=status, assignment__decision__is_demo=True)
        .exclude(participants=None)
        .order_by("pk")
        .first()
    )


def test_confirming_a_demo_visit_records_its_status_not_its_participants(office_user):
    visit = demo_visit_with_participants(S.SUBMITTED)

    workflow.confirm_visit(visit, office_user)

    newest, _total = diff.load(REGISTRY["visit"], visit.pk, limit=1)
    changed = {change.field.name for change in newest[0].changes}
    assert "status" in changed
    assert "participants" not in changed
    confirm, before = visit.history.order_by("-history_date", "-history_id")[:2]
    assert confirm.diff_against(before).changed_fields == ["status", "updated_by"]


def test_a_demo_support_item_first_record_names_its_criteria():
    support = Support.objects.filter(visit__assignment__decision__is_demo=True).exclude(
        criteria=None
    )[0]

    first = support.history.earliest("history_date")

    assert {row.criterion_id for row in first.criteria.all()} == set(
        support.criteria.values_list("pk", flat=True)
    )


def test_the_admin_history_of_a_confirmed_visit_is_in_vietnamese_with_displayed_values(
    office_client, office_user
):
    visit = demo_visit_with_participants(S.SUBMITTED)
    workflow.confirm_visit(visit, office_user)

    page = history_page(office_client, visit)

    for english in ENGLISH:
        assert english not in page, english
    assert "Chọn một thời điểm" in page
    assert "Người thực hiện" in page
    assert f"{S.SUBMITTED.label}&nbsp;&rarr;&nbsp;{S.CONFIRMED.label}" in page
    assert office_user.get_full_name() in page
    assert "Người tham gia" not in page.split("<tbody>")[1].split("</tr>")[0]  # the confirm row


def test_an_empty_last_editor_and_dates_read_as_on_the_pages(office_client, member_a_user):
    visit = make_visit(assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE), status=S.DRAFT)
    visit.updated_by = member_a_user
    visit.visited_on = visit.visited_on.replace(day=7)
    visit.save()

    page = history_page(office_client, visit)

    assert f"–&nbsp;&rarr;&nbsp;{member_a_user.get_full_name()}" in page
    assert "06/05/2024&nbsp;&rarr;&nbsp;07/05/2024" in page
    assert "Deleted" not in page and "None" not in page


def test_the_admin_version_page_offers_to_restore_in_vietnamese(office_client):
    visit = demo_visit_with_participants(S.CONFIRMED)
    record = visit.history.earliest("history_date")
    url = reverse("admin:assignments_fieldvisit_simple_history", args=[visit.pk, record.pk])

    page = office_client.get(url).content.decode()

    assert "Khôi phục phiên bản này" in page
    assert "Revert" not in page and "Press the" not in page
