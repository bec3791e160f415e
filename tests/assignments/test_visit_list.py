"""The visits list (/chuyen-cong-tac/): filters, figures, bad input, query count."""

import datetime

import pytest
from django.db.models import Sum
from django.urls import reverse

from assignments.models import Assignment, FieldVisit, Recommendation, Support
from tests.factories import make_recommendation, make_support, make_visit

pytestmark = pytest.mark.django_db

URL = reverse("assignments:visit_list")


def ban_vuoc():
    """Bản Vược's latest pair (on the old unit: ended 30/06/2025 once carried over)."""
    return Assignment.objects.filter(commune__name="Bản Vược").latest("started_on", "pk")


def listed(response):
    return [row.record for row in response.context["table"].page.object_list]


def test_visits_are_listed_newest_first_and_link_to_the_visit(office_client):
    response = office_client.get(URL)

    visits = listed(response)
    assert response.context["result_count"] == FieldVisit.objects.count()
    assert visits[0].visited_on == FieldVisit.objects.order_by("-visited_on").first().visited_on
    dates = [v.visited_on for v in visits]
    assert dates == sorted(dates, reverse=True)
    html = response.content.decode()
    assert reverse("assignments:visit_detail", args=[visits[0].pk]) in html
    assert visits[0].visited_on.strftime("%d/%m/%Y") in html


def test_each_row_counts_the_support_and_recommendations_of_its_visit(office_client):
    visit = (
        FieldVisit.objects.filter(supports__isnull=False, recommendations__isnull=False)
        .order_by("-visited_on", "-pk")
        .first()
    )
    day = visit.visited_on.strftime("%d/%m/%Y")

    response = office_client.get(URL, {"date_from": day, "date_to": day})

    row = next(v for v in listed(response) if v.pk == visit.pk)
    assert row.support_count == Support.objects.filter(visit=visit).count()
    assert (
        row.support_total == Support.objects.filter(visit=visit).aggregate(t=Sum("amount_vnd"))["t"]
    )
    assert row.recommendation_count == Recommendation.objects.filter(visit=visit).count()


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        ("01/01/2024", "31/03/2024"),
        ("2024-01-01", "2024-03-31"),
        ("1/1/24", "31/3/24"),  # as people type them (core.formats.parse_day)
        ("1.1.2024", "31-3-2024"),
    ],
)
def test_date_range_accepts_the_forms_people_type(office_client, date_from, date_to):
    expected = FieldVisit.objects.filter(
        visited_on__gte=datetime.date(2024, 1, 1), visited_on__lte=datetime.date(2024, 3, 31)
    )

    response = office_client.get(URL, {"date_from": date_from, "date_to": date_to, "per_page": 200})

    assert expected.exists()
    assert {v.pk for v in listed(response)} == set(expected.values_list("pk", flat=True))


def test_support_kind_filter_lists_each_visit_with_that_kind_once(office_client):
    kind = Support.Kind.TECHNOLOGY
    expected = set(
        FieldVisit.objects.filter(supports__kind=kind).values_list("pk", flat=True).distinct()
    )

    response = office_client.get(URL, {"support_kind": kind, "per_page": 200})

    shown = [v.pk for v in listed(response)]
    assert expected
    assert len(shown) == len(set(shown)) == len(expected)
    assert set(shown) == expected


def test_commune_leader_present_and_district_filters(office_client):
    assignment = ban_vuoc()

    by_commune = listed(office_client.get(URL, {"commune": assignment.commune_id}))
    present = listed(office_client.get(URL, {"leader_present": "true", "per_page": 200}))
    district = assignment.commune.district
    by_district = office_client.get(URL, {"district": district.pk})

    assert {v.pk for v in by_commune} == set(
        FieldVisit.objects.filter(assignment__commune=assignment.commune).values_list(
            "pk", flat=True
        )
    )
    assert len(present) == FieldVisit.objects.filter(leader_present=True).count()
    assert all(v.leader_present for v in present)
    assert by_district.context["result_count"] == (
        FieldVisit.objects.filter(assignment__commune__district=district).count()
    )


def test_nothing_matching_the_filter_is_told_apart_from_nothing_yet(office_client):
    response = office_client.get(URL, {"date_from": "01/01/1990", "date_to": "31/12/1990"})

    assert response.context["result_count"] == 0
    assert "Không có dòng nào khớp với bộ lọc" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "31/02/2024"},
        {"date_to": "hôm qua"},
        {"district": "999999"},
        {"commune": "abc"},
        {"support_kind": "gold"},
    ],
)
def test_bad_filter_values_are_ignored_with_a_message(office_client, params):
    response = office_client.get(URL, params)

    assert response.status_code == 200
    assert response.context["result_count"] == FieldVisit.objects.count()
    assert "Đã bỏ qua bộ lọc không hợp lệ" in response.content.decode()


def test_page_past_the_end_shows_the_last_page_with_a_message(office_client):
    response = office_client.get(URL, {"page": "999"})

    assert response.status_code == 200
    assert "Không có trang" in response.content.decode()


def test_anonymous_visitor_is_sent_to_the_login_page(anonymous_client):
    response = anonymous_client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_query_count_does_not_grow_with_visits(office_client, django_assert_num_queries):
    params = {"per_page": 200, "date_from": "01/01/2024"}
    # (+1: the menu asks the user's role)
    with django_assert_num_queries(9):
        first = office_client.get(URL, params)

    assignment = ban_vuoc()
    for day in range(1, 6):
        visit = make_visit(assignment=assignment, visited_on=datetime.date(2024, 6, day))
        make_support(visit=visit)
        make_recommendation(visit=visit)

    with django_assert_num_queries(9):
        second = office_client.get(URL, params)
    assert second.context["result_count"] == first.context["result_count"] + 5
