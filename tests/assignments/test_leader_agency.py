"""Leader and agency pages: scorecards that match the database, alerts, query counts."""

import datetime

import pytest
from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse

from assignments.models import Assignment, FieldVisit, Recommendation, Support
from communes.models import Assessment
from sampledata.lifecycle import GROUP_A_COMMUNE, demo_assignment
from tests.factories import (
    make_assignment,
    make_commune,
    make_leader,
    make_recommendation,
    make_support,
    make_visit,
)

pytestmark = pytest.mark.django_db

NTM_SET = "qd318-2021-2025"


def ban_vuoc():
    """Group A's pair in force: Bản Vược's, carried over to Xã Bát Xát on 01/07/2025 and
    re-confirmed there from 01/01/2026 (the demo's 2026–2030 decision)."""
    return demo_assignment(GROUP_A_COMMUNE)


def leader_url(leader_id):
    return reverse("assignments:leader_detail", args=[leader_id])


def agency_url(agency_id):
    return reverse("assignments:agency_detail", args=[agency_id])


def vnd(amount):
    return f"{amount:,}".replace(",", ".") + " đ"


def criteria_met(commune, year):
    return Assessment.objects.filter(
        commune=commune, year=year, met=True, criterion__criteria_set__code=NTM_SET
    ).count()


def test_leader_page_shows_position_agency_and_commune(office_client):
    assignment = ban_vuoc()
    leader = assignment.leader

    html = office_client.get(leader_url(leader.pk)).content.decode()

    assert leader.full_name in html
    assert leader.position in html
    assert agency_url(leader.agency_id) in html
    assert "Bản Vược" in html


def test_leader_scorecard_matches_the_database(office_client, today):
    now = ban_vuoc()  # on Xã Bát Xát since 01/01/2026 (the 2026–2030 decision)
    carried = now.predecessor  # on Xã Bát Xát, 01/07/2025 – 31/12/2025
    before = carried.predecessor  # the same leader's pair on Bản Vược, 2021 – 30/06/2025
    resolved = Q(status=Recommendation.Status.RESOLVED)

    response = office_client.get(leader_url(now.leader_id))

    cards = response.context["cards"]
    assert [card.assignment.pk for card in cards] == [now.pk, carried.pk, before.pk]
    html = response.content.decode()
    for card in cards:
        assignment = card.assignment
        # Only confirmed visits, and the support and recommendations of those, count.
        visits = FieldVisit.objects.filter(assignment=assignment, status="confirmed")
        supports = Support.objects.filter(visit__assignment=assignment, visit__status="confirmed")
        recs = Recommendation.objects.filter(
            visit__assignment=assignment, visit__status="confirmed"
        )
        assert card.visits == visits.count()
        assert card.visits_leader_present == visits.filter(leader_present=True).count()
        for row in card.years:
            assert row.visits == visits.filter(visited_on__year=row.year).count()
        assert card.support_total == (supports.aggregate(t=Sum("amount_vnd"))["t"] or 0)
        by_kind = dict(supports.values_list("kind").annotate(t=Sum("amount_vnd")))
        assert {row.kind: row.total for row in card.support_by_kind} == by_kind
        assert card.recommendations_open == recs.exclude(resolved).count()
        assert card.recommendations_resolved == recs.filter(resolved).count()
        assert card.recommendations_overdue == (
            recs.exclude(resolved).filter(due_on__lt=today).count()
        )
        assert vnd(card.support_total) in html
    now_card, carried_card, before_card = cards
    assert now_card.visits > 0 and before_card.visits > 0
    assert [row.year for row in now_card.years] == [2026]
    assert [row.year for row in carried_card.years] == [2025]
    assert before_card.years[-1].year == 2025
    # Criteria: Bản Vược's assessments of 2021–2025; Xã Bát Xát has none of 2025 (assessed on
    # the old xã), so the carried pair's card shows no criteria gained; its own are of 2026.
    years = Assessment.objects.filter(
        commune=before.commune, criterion__criteria_set__code=NTM_SET
    ).values_list("year", flat=True)
    start_year, latest_year = min(years), max(years)
    assert before_card.criteria_start == criteria_met(before.commune, start_year)
    assert before_card.criteria_latest == criteria_met(before.commune, latest_year)
    assert before_card.criteria_gained == before_card.criteria_latest - before_card.criteria_start
    assert f"{before_card.criteria_start}/19 ({start_year})" in html
    assert f"{before_card.criteria_latest}/19 ({latest_year})" in html
    assert not Assessment.objects.filter(commune=now.commune, year__lt=2026).exists()
    assert carried_card.criteria_gained is None
    assert now_card.criteria_start_year == now_card.criteria_latest_year == 2026
    # Bản Vược's pair (2021–2025) and the pair of 2026 (its results of 2026), not the carried one.
    assert html.count("tiêu chí tăng thêm từ khi phân công") == 2


def test_leader_page_shows_past_assignments_too(office_client):
    ta_chai = Assignment.objects.get(commune__code="02872")

    response = office_client.get(leader_url(ta_chai.leader_id))

    [card] = response.context["cards"]
    assert card.assignment.pk == ta_chai.pk
    html = response.content.decode()
    assert "Đã kết thúc" in html
    assert "31/10/2024" in html
    # Visits per year run to the end of the assignment, not to today.
    assert card.years[-1].year == 2024


def test_agency_page_lists_each_leader_assignment_with_its_scorecard(office_client):
    agency = ban_vuoc().leader.agency
    assignments = Assignment.objects.filter(leader__agency=agency)

    response = office_client.get(agency_url(agency.pk))

    rows = response.context["rows"]
    assert {card.assignment.pk for _leader, card in rows} == set(
        assignments.values_list("pk", flat=True)
    )
    confirmed = Count("visits", filter=Q(visits__status="confirmed"))
    totals = dict(assignments.annotate(n=confirmed).values_list("pk", "n"))
    assert {card.assignment.pk: card.visits for _leader, card in rows} == totals
    html = response.content.decode()
    for assignment in assignments.select_related("leader", "commune"):
        assert assignment.leader.full_name in html
        assert leader_url(assignment.leader_id) in html
        assert assignment.commune.name in html


def stale_assignments(agency, today):
    cutoff = today - datetime.timedelta(days=settings.NTM_STALE_VISIT_DAYS)
    rows = Assignment.objects.filter(leader__agency=agency, ended_on__isnull=True).annotate(
        last=Max("visits__visited_on", filter=Q(visits__status="confirmed"))
    )
    return {a.pk for a in rows if a.last is None or a.last < cutoff}


def test_agency_page_flags_stale_assignments_and_overdue_recommendations(office_client, today):
    agency = ban_vuoc().leader.agency
    # A new assignment of this agency with no visit at all is stale.
    quiet = make_assignment(leader=make_leader(agency=agency), commune=make_commune(name="Lặng Im"))
    late = make_recommendation(
        visit=make_visit(
            assignment=quiet, visited_on=today - datetime.timedelta(days=400), status="confirmed"
        ),
        text="Kiến nghị đã quá hạn lâu",
        due_on=today - datetime.timedelta(days=300),
    )

    response = office_client.get(agency_url(agency.pk))

    assert {a.pk for a in response.context["stale"]} == stale_assignments(agency, today)
    assert quiet.pk in {a.pk for a in response.context["stale"]}
    overdue = Recommendation.objects.filter(
        visit__assignment__leader__agency=agency, visit__status="confirmed", due_on__lt=today
    ).exclude(status=Recommendation.Status.RESOLVED)
    assert {r.pk for r in response.context["overdue"]} == set(overdue.values_list("pk", flat=True))
    assert late.pk in {r.pk for r in response.context["overdue"]}
    html = response.content.decode()
    assert "Lặng Im" in html
    assert "Kiến nghị đã quá hạn lâu" in html


@pytest.mark.parametrize("name", ["assignments:leader_detail", "assignments:agency_detail"])
def test_unknown_leader_or_agency_is_not_found(office_client, name):
    assert office_client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("page", ["leader", "agency"])
def test_anonymous_visitor_is_sent_to_the_login_page(anonymous_client, page):
    assignment = ban_vuoc()
    url = (
        leader_url(assignment.leader_id)
        if page == "leader"
        else agency_url(assignment.leader.agency_id)
    )

    response = anonymous_client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def add_assignment_with_activity(leader):
    assignment = make_assignment(leader=leader)
    for day in (1, 2):
        visit = make_visit(
            assignment=assignment, visited_on=datetime.date(2024, 3, day), status="confirmed"
        )
        make_support(visit=visit)
        make_recommendation(visit=visit, due_on=datetime.date(2024, 4, 1))
    return assignment


def test_leader_page_query_count_does_not_grow_with_assignments(
    office_client, django_assert_num_queries
):
    leader = ban_vuoc().leader
    # (+1: the menu asks the user's role)
    with django_assert_num_queries(10):
        response = office_client.get(leader_url(leader.pk))
    # Bản Vược's pair and, since 01/07/2025, Xã Bát Xát's (re-confirmed from 01/01/2026).
    assert len(response.context["cards"]) == 3

    for _ in range(3):
        add_assignment_with_activity(leader)

    with django_assert_num_queries(10):
        response = office_client.get(leader_url(leader.pk))
    assert len(response.context["cards"]) == 6


def test_agency_page_query_count_does_not_grow_with_leaders_and_assignments(
    office_client, django_assert_num_queries
):
    agency = ban_vuoc().leader.agency
    # (+1: the menu asks the user's role)
    with django_assert_num_queries(13):
        before = office_client.get(agency_url(agency.pk))

    for _ in range(3):
        add_assignment_with_activity(make_leader(agency=agency))

    with django_assert_num_queries(13):
        after = office_client.get(agency_url(agency.pk))
    assert len(after.context["rows"]) == len(before.context["rows"]) + 3
