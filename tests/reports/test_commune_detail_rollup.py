"""A current unit's dossier with its old units' records: a fixed number of queries
whatever the number of old units, and each user sees only the visits they may open."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignments.models import Assignment, FieldVisit
from communes.lineage import refresh_current_units
from communes.models import Commune, CommuneChange, CriteriaSet, Criterion, Era, Recognition
from communes.reference import REFORM_DAY
from tests.factories import (
    make_assessment,
    make_assignment,
    make_commune,
    make_decision,
    make_district,
    make_group,
    make_recommendation,
    make_support,
    make_visit,
)

pytestmark = pytest.mark.django_db

_codes = itertools.count(1)


def dossier_url(unit):
    return reverse("reports:commune_detail", args=[unit.pk])


def with_records(unit, decision, criteria):
    """An assignment with its group, confirmed visits with support and recommendations,
    a year of criteria results and a recognition."""
    assignment = make_assignment(decision=decision, commune=unit, working_group=make_group())
    for day in (6, 7):
        visit = make_visit(assignment, visited_on=datetime.date(2024, 5, day), status="confirmed")
        visit.participants.set(assignment.working_group.members.all())
        make_support(visit=visit)
        make_recommendation(visit=visit)
    for criterion in criteria:
        make_assessment(
            commune=unit, criterion=criterion, year=2024, met=bool(criterion.number % 2)
        )
    Recognition.objects.create(
        commune=unit,
        level=CriteriaSet.Level.NTM,
        decision_number=f"{next(_codes)}/QĐ-UBND",
        decided_on=datetime.date(2024, 12, 1),
    )


def current_unit_with(predecessors):
    """A unit of today's map made of `predecessors` old units, each with its records."""
    province = Commune.objects.filter(era=Era.FROM_2025).first().province
    unit = Commune.objects.create(
        province=province, code=f"8{next(_codes):04d}", name="Thử Mới", era=Era.FROM_2025
    )
    decision = make_decision()
    criteria = list(Criterion.objects.programme().order_by("number")[:4])
    district = make_district()
    with_records(unit, decision, criteria)
    for _ in range(predecessors):
        old = make_commune(district=district, valid_to=REFORM_DAY - datetime.timedelta(days=1))
        CommuneChange.objects.create(
            predecessor=old, successor=unit, effective_on=REFORM_DAY, legal_basis="NQ thử"
        )
        with_records(old, decision, criteria)
    refresh_current_units()
    return unit


def queries_of(client, url):
    client.get(url)  # warm up: session and caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_dossier_queries_do_not_depend_on_the_number_of_old_units(office_client, today):
    small, large = current_unit_with(1), current_unit_with(3)

    count_small, response_small = queries_of(office_client, dossier_url(small))
    count_large, response_large = queries_of(office_client, dossier_url(large))

    assert len(response_small.context["dossier"].predecessor_grids) == 1
    assert len(response_large.context["dossier"].predecessor_grids) == 3
    assert len(response_large.context["dossier"].visits) == 8
    assert len(response_large.context["dossier"].recognitions) == 4
    assert count_small == count_large
    # The old-unit dossier's 19, plus one for the old units (the lineage's one query) and
    # one for the unit's commune group in the 2026–2030 period (reports.dossier_results).
    assert count_large == 21


def test_a_members_dossier_queries_do_not_depend_on_the_number_of_old_units(member_a_client, today):
    small, large = current_unit_with(1), current_unit_with(3)

    count_small, _response = queries_of(member_a_client, dossier_url(small))
    count_large, response = queries_of(member_a_client, dossier_url(large))

    assert len(response.context["dossier"].visits) == 8
    assert count_small == count_large


def ban_vuoc_assignment():
    """Group A's and the demo leader's assignment to the old xã Bản Vược."""
    return Assignment.objects.filter(
        commune__name="Bản Vược", commune__era=Era.PRE_2025, leader__user__username="lanhdao"
    ).get()


def test_a_member_sees_the_old_units_visits_but_not_another_groups_drafts(
    member_a_client, office_client, today
):
    own = ban_vuoc_assignment()
    unit = own.commune.current_unit
    other = (
        Assignment.objects.filter(commune__current_unit=unit, visits__status="confirmed")
        .exclude(working_group=own.working_group)
        .first()
    )
    own_draft = make_visit(own, status="draft", purpose="Nháp của tổ A")
    other_draft = make_visit(other, status="draft", purpose="Nháp của tổ khác")
    other_confirmed = FieldVisit.objects.filter(assignment=other, status="confirmed").first()

    shown = member_a_client.get(dossier_url(unit)).context["dossier"].visits
    office = office_client.get(dossier_url(unit)).context["dossier"].visits

    assert other.commune != unit  # an old unit's visits
    assert own_draft in shown and other_confirmed in shown
    assert other_draft not in shown
    assert {own_draft, other_draft, other_confirmed} <= set(office)


def test_a_leader_sees_on_the_current_unit_only_the_visits_of_his_assignments(leader_client, today):
    own = ban_vuoc_assignment()
    unit = own.commune.current_unit
    url = dossier_url(unit)
    if not Assignment.objects.filter(leader=own.leader, commune=unit).exists():
        # Not his unit until he is assigned to it (as the 2025 carry-over does).
        assert leader_client.get(url).status_code == 404
        make_assignment(decision=make_decision(), leader=own.leader, commune=unit)

    visits = leader_client.get(url).context["dossier"].visits

    rolled_up = FieldVisit.objects.filter(assignment__commune__current_unit=unit)
    assert rolled_up.exclude(assignment__leader=own.leader).exists()
    his = rolled_up.filter(assignment__leader=own.leader).exclude(status="draft")
    assert own.visits.exclude(status="draft").exists()
    assert visits == list(his.order_by("-visited_on", "-id"))
