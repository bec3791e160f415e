"""The visit's admin screen: its status moves only through the workflow, and the last
editor is whoever saved it, never a value typed in."""

import pytest
from django.urls import reverse
from lxml import html

from assignments.models import FieldVisit
from sampledata import lifecycle as demo
from tests.factories import make_visit
from tests.support.visit_form import visit_data

pytestmark = pytest.mark.django_db

S = FieldVisit.Status


def form_data(page):
    """What the browser would post back from the admin's change form, as shown."""
    form = html.fromstring(page).xpath('//form[@id="fieldvisit_form"]')[0]
    data = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def test_the_admin_shows_status_and_last_editor_but_does_not_let_them_be_typed(
    office_client, office_user, member_a_user, reader_user
):
    visit = make_visit(
        assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE),
        status=S.DRAFT,
        updated_by=member_a_user,
    )
    url = reverse("admin:assignments_fieldvisit_change", args=[visit.pk])
    page = office_client.get(url).content.decode()
    data = form_data(page)
    assert "status" not in data and "updated_by" not in data
    assert f'<div class="readonly">{S.DRAFT.label}</div>' in page  # shown, read-only

    data.update({"status": [S.CONFIRMED], "updated_by": [reader_user.pk], "purpose": ["Sửa"]})
    response = office_client.post(url, data)

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.purpose == "Sửa"
    assert visit.status == S.DRAFT
    assert visit.updated_by == office_user
    assert not visit.events.exists()


def test_an_admin_change_is_a_new_version_that_an_older_open_form_cannot_overwrite(
    office_client, member_a_client, member_a_user
):
    visit = make_visit(assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE), status=S.DRAFT)
    opened = visit.version  # the member opens the edit form
    url = reverse("admin:assignments_fieldvisit_change", args=[visit.pk])
    data = form_data(office_client.get(url).content.decode())
    data["purpose"] = ["Sửa trong trang quản trị"]
    assert office_client.post(url, data).status_code == 302

    form = visit_data(visit.assignment, version=str(opened), purpose="Sửa trên điện thoại")
    member_a_client.post(reverse("assignments:visit_edit", args=[visit.pk]), form)

    visit.refresh_from_db()
    assert visit.version == opened + 1
    assert visit.purpose == "Sửa trong trang quản trị"  # the older form did not overwrite it
