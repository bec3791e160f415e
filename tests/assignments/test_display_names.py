"""A person is named the same way on every page: full name, else login name, and a
sentence of the page's own for an account that no longer exists (core.formats.display_name)."""

import pytest
from django.urls import reverse

from assignments.models import FieldVisit, VisitEvent
from sampledata import lifecycle as demo
from tests.factories import make_visit

pytestmark = pytest.mark.django_db


def returned_visit(actor):
    visit = make_visit(
        assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE), status=FieldVisit.Status.RETURNED
    )
    VisitEvent.objects.create(
        visit=visit, action=VisitEvent.Action.RETURNED, comment="Bổ sung ảnh", actor=actor
    )
    return visit


def name(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()


def test_the_header_names_the_user_by_full_name_else_login(office_client, office_user):
    home = reverse("reports:dashboard")
    assert '<span class="user">vanphong</span>' in office_client.get(home).content.decode()

    name(office_user, "Lan", "Phạm Thị")

    assert '<span class="user">Lan Phạm Thị</span>' in office_client.get(home).content.decode()


def test_the_visit_thread_names_who_took_each_step(member_a_client, office_user):
    name(office_user, "Lan", "Phạm Thị")
    named, orphan = returned_visit(office_user), returned_visit(None)

    def thread(visit):
        url = reverse("assignments:visit_detail", args=[visit.pk])
        return member_a_client.get(url).content.decode()

    assert "– Lan Phạm Thị, " in thread(named)
    assert "– (tài khoản đã xoá), " in thread(orphan)


def test_my_work_says_who_returned_a_visit(member_a_client, office_user):
    name(office_user, "Lan", "Phạm Thị")
    returned_visit(office_user)
    returned_visit(None)

    html = member_a_client.get(reverse("assignments:my_work")).content.decode()

    assert "Lan Phạm Thị trả lại lúc" in html
    assert "Văn phòng trả lại lúc" in html
