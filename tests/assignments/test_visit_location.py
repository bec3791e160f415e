"""The phone's position when a visit is recorded (issue 17): optional, checked, shown on
the visit's page to the office and the group only, never in an export."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assignments.models import FieldVisit
from tests.factories import make_visit
from tests.support.visit_form import counts, create_url, days_ago, group_a, visit_data

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 11, 30, 2, 5, tzinfo=datetime.UTC)  # 09:05 in Hà Nội


def test_the_position_is_saved_with_the_visit(member_a_client, member_a_user):
    assignment = group_a(member_a_user)
    data = visit_data(
        assignment,
        latitude="22.4812345678",
        longitude="103.97",
        location_accuracy="15",
        located_at="2026-11-30T02:05:00.000Z",
    )

    response = member_a_client.post(create_url(assignment), data)

    assert response.status_code == 302
    visit = FieldVisit.objects.get(purpose=data["purpose"])
    assert (visit.latitude, visit.longitude) == (Decimal("22.481235"), Decimal("103.970000"))
    assert (visit.location_accuracy, visit.located_at) == (15, AT)


def test_a_visit_without_a_position_is_saved_as_before(member_a_client, member_a_user):
    assignment = group_a(member_a_user)

    member_a_client.post(create_url(assignment), visit_data(assignment))

    visit = FieldVisit.objects.latest("pk")
    assert (visit.latitude, visit.longitude, visit.location_accuracy, visit.located_at) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"latitude": "91", "longitude": "103"}, "Vị trí ghi từ điện thoại không hợp lệ"),
        ({"latitude": "22", "longitude": "-181"}, "Vị trí ghi từ điện thoại không hợp lệ"),
        ({"latitude": "abc", "longitude": "103"}, "Vị trí ghi từ điện thoại không hợp lệ"),
        ({"latitude": "22"}, "Vị trí cần cả vĩ độ và kinh độ"),
        (
            {"latitude": "22", "longitude": "103", "location_accuracy": "-3"},
            "Vị trí ghi từ điện thoại không hợp lệ",
        ),
        (
            {"latitude": "22", "longitude": "103", "located_at": "2099-01-01T00:00:00Z"},
            "Thời điểm ghi vị trí không được sau lúc này",
        ),
        (
            {"latitude": "22", "longitude": "103", "located_at": "hôm qua"},
            "Vị trí ghi từ điện thoại không hợp lệ",
        ),
    ],
)
def test_a_bad_position_is_refused_with_a_clear_message(
    member_a_client, member_a_user, fields, message
):
    assignment = group_a(member_a_user)
    before = counts()

    response = member_a_client.post(create_url(assignment), visit_data(assignment, **fields))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


@pytest.fixture
def placed(member_a_user):
    """A submitted visit of group A (every role may read it) with a position."""
    return make_visit(
        assignment=group_a(member_a_user),
        status="submitted",
        purpose="Chuyến có vị trí",
        visited_on=days_ago(4),
        latitude=Decimal("22.480000"),
        longitude=Decimal("103.970000"),
        location_accuracy=15,
        located_at=AT,
    )


def page(client, visit):
    response = client.get(reverse("assignments:visit_detail", args=[visit.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_office_and_the_group_see_where_the_visit_was_recorded(
    office_client, member_a_client, placed
):
    for client in (office_client, member_a_client):
        html = page(client, placed)
        assert "Vị trí khi ghi" in html
        assert "22.48, 103.97 (±15 m, lúc 09:05 30/11/2026)" in html
        assert (
            "https://www.openstreetmap.org/?mlat=22.48&amp;mlon=103.97#map=17/22.48/103.97" in html
        )


def test_other_groups_leaders_and_readers_do_not(
    member_b_client, leader_client, reader_client, placed
):
    for client in (member_b_client, leader_client, reader_client):
        html = page(client, placed)
        assert "Vị trí khi ghi" not in html and "openstreetmap" not in html
        assert "103.97" not in html


def test_the_position_is_in_no_export(office_client, placed):
    FieldVisit.objects.filter(pk=placed.pk).update(status="confirmed")

    log = office_client.get(reverse("reports:export_visits"))

    book = load_workbook(io.BytesIO(b"".join(log.streaming_content)))
    cells = [
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    ]
    assert any("Chuyến có vị trí" in c for c in cells)
    assert not any("103.97" in c or "22.48" in c for c in cells)


def test_the_edit_form_carries_the_position_so_a_save_keeps_it(member_a_client, member_a_user):
    visit = make_visit(
        assignment=group_a(member_a_user),
        visited_on=days_ago(4),
        latitude=Decimal("22.480000"),
        longitude=Decimal("103.970000"),
        location_accuracy=15,
        located_at=timezone.now() - datetime.timedelta(hours=1),
    )
    form = member_a_client.get(reverse("assignments:visit_edit", args=[visit.pk]))
    html = form.content.decode()
    assert 'name="latitude" value="22.480000"' in html
