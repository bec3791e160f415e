"""The inputs the form fuzzing found, pinned: each once failed with a server error
(or took a minute to answer) and now gets the page or the form's message."""

import pytest
from django.test import Client
from django.urls import reverse

from assignments.models import Assignment, Decision, FieldVisit, Support
from communes.models import CriteriaSet, CriterionGroup
from sampledata import lifecycle as demo
from sampledata.laocai import new_period
from tests.factories import make_visit

from .fuzzing import snapshot

pytestmark = pytest.mark.django_db

HUGE = "9" * 25  # an integer no database column holds


@pytest.fixture
def group_a():
    return demo.demo_assignment(demo.GROUP_A_COMMUNE)


def visit_post(**fields):
    return {
        "visited_on": "",
        "purpose": "",
        "supports-TOTAL_FORMS": "0",
        "supports-INITIAL_FORMS": "0",
        "recommendations-TOTAL_FORMS": "0",
        "recommendations-INITIAL_FORMS": "0",
        **fields,
    }


def test_a_restore_with_a_next_that_is_no_path_returns_to_the_history(office_client, group_a):
    visit = make_visit(assignment=group_a)
    record = FieldVisit.history.filter(id=visit.pk).first()
    url = reverse("assignments:history_restore", args=["visit", visit.pk, record.history_id])

    response = office_client.post(url, {"next": "xa"})

    assert response.status_code == 302
    assert response.url == reverse("assignments:history", args=["visit", visit.pk])


@pytest.mark.parametrize("rows", ["²", "٣", "-1", "abc"])
def test_the_amendment_page_takes_any_row_count(office_client, rows):
    base = Decision.objects.get(number=new_period.DECISION_NUMBER)
    url = reverse("assignments:decision_amend", args=[base.pk]) + f"?so_dong={rows}"

    response = office_client.get(url)

    assert response.status_code == 200
    assert 'name="xa-0-commune"' in response.content.decode()


def test_an_amendment_issued_on_the_first_day_a_date_can_hold_is_refused(office_client):
    base = Decision.objects.get(number=new_period.DECISION_NUMBER)
    old = base.assignments.filter(ended_on=None).order_by("pk").first()
    other = Assignment.objects.exclude(leader=old.leader).first().leader
    before = snapshot()

    response = office_client.post(
        reverse("assignments:decision_amend", args=[base.pk]),
        {
            "number": "99/QĐ-UBND",
            "issued_on": "01/01/0001",
            "title": "Sửa đổi",
            "xa-TOTAL_FORMS": "1",
            "xa-INITIAL_FORMS": "0",
            "xa-0-commune": str(old.commune_id),
            "xa-0-leader": str(other.pk),
        },
    )

    assert response.status_code == 200
    assert "nằm ngoài khoảng hợp lệ (01/01/1900 – 31/12/2100)" in response.content.decode()
    assert snapshot() == before


def test_a_hand_over_ending_on_the_last_day_a_date_can_hold_is_refused(office_client, group_a):
    other = Assignment.objects.exclude(leader=group_a.leader).first().leader
    before = snapshot()

    response = office_client.post(
        reverse("assignments:assignment_handover", args=[group_a.pk]),
        {"ended_on": "31/12/9999", "reason": "transferred", "leader": str(other.pk)},
    )

    assert response.status_code == 200
    assert "Ngày 31/12/9999 nằm ngoài khoảng hợp lệ" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("name", ["reports:commune_list", "assignments:visit_list"])
@pytest.mark.parametrize("query", ["year=²", "per_page=²", "per_page=0", "per_page=-1"])
def test_lists_take_any_year_and_page_size(reader_client, name, query):
    response = reader_client.get(f"{reverse(name)}?{query}")

    assert response.status_code == 200


def test_a_tampered_row_count_draws_no_more_than_a_hundred_rows(member_a_client, group_a):
    before = snapshot()

    response = member_a_client.post(
        reverse("assignments:visit_create", args=[group_a.pk]),
        visit_post(**{"supports-TOTAL_FORMS": "1000000000"}),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="supports-99-kind"' in page and 'name="supports-100-kind"' not in page
    assert snapshot() == before


def test_a_tampered_amendment_row_count_draws_no_more_than_two_hundred_rows(office_client):
    base = Decision.objects.get(number=new_period.DECISION_NUMBER)

    response = office_client.post(
        reverse("assignments:decision_amend", args=[base.pk]),
        {"xa-TOTAL_FORMS": HUGE, "xa-INITIAL_FORMS": "0"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="xa-199-commune"' in page and 'name="xa-200-commune"' not in page


@pytest.mark.parametrize("field", ["participants", "supports-0-criteria"])
def test_an_id_past_the_database_range_is_an_invalid_choice(member_a_client, group_a, field):
    before = snapshot()
    support = {"supports-TOTAL_FORMS": "1", "supports-0-kind": "money"}

    response = member_a_client.post(
        reverse("assignments:visit_create", args=[group_a.pk]),
        visit_post(**support, **{field: [HUGE]}),
    )

    assert response.status_code == 200
    assert HUGE in response.content.decode()  # named in the message
    assert snapshot() == before


@pytest.mark.parametrize("value", ["abc", "1.5", HUGE])
def test_the_admin_redraws_a_form_with_a_tampered_autocomplete_id(office_client, value):
    support = Support.objects.order_by("pk").first()
    url = reverse("admin:assignments_support_change", args=[support.pk])
    before = snapshot()

    for field in ("visit", "criteria"):
        response = office_client.post(url, {field: value, "kind": "money", "description": "x"})
        assert response.status_code == 200
        assert "errornote" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("number", [0, 11, 99])
def test_a_criterion_group_numbered_past_ten_is_saved_and_listed(office_client, number):
    criteria_set = CriteriaSet.objects.order_by("pk").first()

    response = office_client.post(
        reverse("admin:communes_criteriongroup_add"),
        {"criteria_set": criteria_set.pk, "number": number, "name": "Nhóm thử"},
    )

    assert response.status_code == 302
    group = CriterionGroup.objects.get(criteria_set=criteria_set, number=number)
    assert str(group) == f"{number}. Nhóm thử"
    listing = office_client.get(reverse("admin:communes_criteriongroup_changelist"))
    assert f"{number}. Nhóm thử" in listing.content.decode()


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_user_name_longer_than_the_lockout_records_hold_is_refused_as_a_wrong_login(url):
    client = Client()

    response = client.post(url, {"username": "Ư" * 300, "password": "sai"})

    assert response.status_code == 200
    assert client.get(reverse("reports:dashboard")).status_code == 302
