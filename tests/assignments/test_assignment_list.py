"""The assignments list (/phan-cong/): figures match the database, filters, bad input, queries."""

import datetime

import pytest
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment, Decision, FieldVisit, Recommendation, Support
from communes.models import Commune, Era
from sampledata.laocai import DECISION_NUMBER
from tests.factories import make_assignment, make_recommendation, make_support, make_visit

pytestmark = pytest.mark.django_db

URL = reverse("assignments:assignment_list")


def listed(response):
    """The assignments shown on the page, in order."""
    return [row.record for row in response.context["table"].page.object_list]


def vnd(amount):
    return f"{amount:,}".replace(",", ".") + " đ"


def ban_vuoc_unit():
    return Commune.objects.get(name="Bản Vược", era=Era.PRE_2025)


def ban_vuoc():
    """Bản Vược's pair in force today: on Bản Vược, or on the unit it went into on 01/07/2025
    once the demo carried it over."""
    old = ban_vuoc_unit()
    return Assignment.objects.get(
        commune__in=[old, old.current_unit], ended_on__isnull=True, decision__is_demo=True
    )


def test_assignments_list_shows_the_demo_decisions_127_pairs_and_what_carried_them_over(
    office_client,
):
    decision = Decision.objects.get(number=DECISION_NUMBER)
    pairs = Assignment.objects.filter(decision=decision)

    response = office_client.get(URL, {"decision": decision.pk, "per_page": 200})

    assert response.status_code == 200
    assert pairs.filter(commune__era=Era.PRE_2025).count() == 127
    assert response.context["result_count"] == len(listed(response)) == pairs.count()
    assert f"{pairs.count()} dòng" in response.content.decode()


def test_assignments_are_listed_in_vietnamese_order_of_commune_names(office_client):
    response = office_client.get(URL, {"map": "old", "per_page": 200})

    keys = [assignment.commune.sort_name for assignment in listed(response)]
    assert keys == sorted(keys)
    names = [assignment.commune.name for assignment in listed(response)]
    # Vietnamese order, not code points: "Cam Đường" after "Cam Cọn", "Cán Cấu" after both.
    assert names.index("Cam Cọn") < names.index("Cam Đường") < names.index("Cán Cấu")


def test_ban_vuoc_row_shows_this_years_visits_support_total_and_open_recommendations(
    office_client, today
):
    assignment = ban_vuoc()
    # Only confirmed visits (and their support and recommendations) count.
    visits = FieldVisit.objects.filter(assignment=assignment, status="confirmed")
    this_year = visits.filter(visited_on__year=today.year).count()
    last_visit = visits.aggregate(last=Max("visited_on"))["last"]
    support = Support.objects.filter(
        visit__assignment=assignment, visit__status="confirmed"
    ).aggregate(t=Sum("amount_vnd"))
    open_recs = (
        Recommendation.objects.filter(visit__assignment=assignment, visit__status="confirmed")
        .exclude(status=Recommendation.Status.RESOLVED)
        .count()
    )

    search = {"q": assignment.leader.search_name, "status": "active"}
    response = office_client.get(URL, search)

    [row] = listed(response)
    assert row.pk == assignment.pk
    assert this_year > 0
    assert row.visits_this_year == this_year
    assert row.last_visit_on == last_visit
    assert row.support_total == (support["t"] or 0)
    assert row.open_recommendations == open_recs
    html = response.content.decode()
    assert vnd(support["t"] or 0) in html
    assert last_visit.strftime("%d/%m/%Y") in html
    assert assignment.leader.full_name in html
    assert reverse("assignments:leader_detail", args=[assignment.leader_id]) in html
    # The unit the pair counts for today (itself, or the unit Bản Vược went into).
    today_unit = assignment.commune.current_unit_id or assignment.commune_id
    assert reverse("reports:commune_detail", args=[today_unit]) in html

    # A draft visit of today, with support and an open recommendation, changes no figure.
    draft = make_visit(assignment=assignment, visited_on=today, status="draft")
    make_support(visit=draft, amount_vnd=5_000_000)
    make_recommendation(visit=draft)
    [row] = listed(office_client.get(URL, search))
    assert row.visits_this_year == this_year
    assert row.last_visit_on == last_visit
    assert row.support_total == (support["t"] or 0)
    assert row.open_recommendations == open_recs


def test_search_without_accents_finds_a_leader(office_client):
    leader = ban_vuoc().leader
    folded = leader.search_name

    response = office_client.get(URL, {"q": folded})

    assert all(
        folded in a.leader.search_name or folded in a.commune.search_name for a in listed(response)
    )
    assert leader.pk in {a.leader_id for a in listed(response)}


def test_stale_filter_lists_active_assignments_without_a_recent_visit(office_client, today):
    cutoff = today - datetime.timedelta(days=settings.NTM_STALE_VISIT_DAYS)
    # The last confirmed visit: drafts, submitted and returned visits do not count.
    last_visits = {
        a.pk: a.last
        for a in Assignment.objects.filter(ended_on__isnull=True).annotate(
            last=Max("visits__visited_on", filter=Q(visits__status="confirmed"))
        )
    }
    expected = {pk for pk, last in last_visits.items() if last is None or last < cutoff}

    response = office_client.get(URL, {"stale": "1", "per_page": 200})

    assert expected  # the demo data has stale assignments
    assert {a.pk for a in listed(response)} == expected


def test_status_filter_separates_active_and_ended_assignments(office_client):
    ended = office_client.get(URL, {"status": "ended", "per_page": 200})
    active = office_client.get(URL, {"status": "active", "per_page": 200})

    assert {a.pk for a in listed(ended)} == set(
        Assignment.objects.filter(ended_on__isnull=False).values_list("pk", flat=True)
    )
    assert "Xã sáp nhập" in ended.content.decode()  # Tà Chải's end reason
    assert {a.pk for a in listed(active)} == set(
        Assignment.objects.filter(ended_on__isnull=True).values_list("pk", flat=True)
    )


def test_overdue_and_open_recommendation_filters_match_the_database(office_client, today):
    # Recommendations count only when made on a confirmed visit.
    unresolved = Recommendation.objects.filter(visit__status="confirmed").exclude(
        status=Recommendation.Status.RESOLVED
    )
    overdue = set(unresolved.filter(due_on__lt=today).values_list("visit__assignment", flat=True))
    open_ = set(unresolved.values_list("visit__assignment", flat=True))
    assert overdue and open_ - overdue  # some open recommendations are overdue, some not

    assert {a.pk for a in listed(office_client.get(URL, {"overdue": "1", "per_page": 200}))} == (
        overdue
    )
    assert {a.pk for a in listed(office_client.get(URL, {"open_recs": "1", "per_page": 200}))} == (
        open_
    )


def test_district_and_agency_filters_keep_only_their_assignments(office_client):
    assignment = ban_vuoc()
    district = ban_vuoc_unit().district  # a link with an old district reads the old map
    agency = assignment.leader.agency

    by_district = listed(office_client.get(URL, {"district": district.pk, "per_page": 200}))
    by_agency = listed(office_client.get(URL, {"agency": agency.pk, "per_page": 200}))

    assert len(by_district) == Assignment.objects.filter(commune__district=district).count()
    assert {a.commune.district_id for a in by_district} == {district.pk}
    assert {a.pk for a in by_agency} == set(
        Assignment.objects.filter(leader__agency=agency).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "params",
    [{"decision": "abc"}, {"district": "999999"}, {"agency": "x"}, {"stale": "yes"}],
)
def test_bad_filter_values_are_ignored_with_a_message(office_client, params):
    response = office_client.get(URL, params)

    assert response.status_code == 200
    assert response.context["result_count"] == Assignment.objects.count()
    assert "Đã bỏ qua bộ lọc không hợp lệ" in response.content.decode()


def test_page_past_the_end_shows_the_last_page_with_a_message(office_client):
    response = office_client.get(URL, {"page": "999"})

    assert response.status_code == 200
    assert response.context["table"].page.number == response.context["table"].paginator.num_pages
    assert "Không có trang" in response.content.decode()


def test_anonymous_visitor_is_sent_to_the_login_page(anonymous_client):
    response = anonymous_client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_query_count_does_not_grow_with_assignments_visits_and_support(
    office_client, django_assert_num_queries
):
    # Decision 1599's pairs (127 of 2021 and those carried over in 2025), on one page.
    decision = Decision.objects.get(number=DECISION_NUMBER)
    params = {"per_page": 200, "decision": decision.pk}
    # (+1: the menu asks the user's role; +1: the decision filtered on)
    with django_assert_num_queries(10):
        office_client.get(URL, params)

    for _ in range(3):
        assignment = make_assignment(decision=decision)
        visit = make_visit(
            assignment=assignment, visited_on=timezone.localdate(), status="confirmed"
        )
        make_support(visit=visit)
        make_recommendation(visit=visit, due_on=datetime.date(2020, 1, 1))

    with django_assert_num_queries(10):
        response = office_client.get(URL, params)
    assert len(listed(response)) == decision.assignments.count() == 175
