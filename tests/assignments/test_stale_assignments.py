"""'Quá 90 ngày chưa đi cơ sở': counted from the later of the assignment's start and its
working group's last confirmed visit to the commune (Assignment.objects.stale), the same on
the dashboard card, the list it opens, the agency page and the alerts digest."""

import datetime

import pytest
from django.urls import reverse

from assignments import alerts
from assignments.models import Assignment
from assignments.services import succession
from sampledata import lifecycle as demo
from tests.factories import (
    make_assignment,
    make_commune,
    make_decision,
    make_group,
    make_leader,
    make_visit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

DAYS = datetime.timedelta(days=1)
LIST = reverse("assignments:assignment_list")


def stale_card(client):
    """(figure, url) of the dashboard's stale card."""
    response = client.get(reverse("reports:dashboard"))
    [card] = [
        card
        for section in response.context["figure_sections"]
        for card in section["cards"]
        if "stale=1" in card.url
    ]
    return int(card.figure.replace(".", "")), card.url


def listed(client, url):
    response = client.get(f"{url}&per_page=500")
    return {row.record.pk for row in response.context["table"].page.object_list}


def digested(today, agency):
    return {a.pk for digest in alerts.digests(today=today, agency=agency) for a in digest.stale}


def test_an_assignment_handed_over_today_is_not_stale_anywhere(office_client, today):
    old = demo.demo_assignment(demo.GROUP_A_COMMUNE)
    figure_before, _url = stale_card(office_client)
    agency = make_leader().agency

    new = succession.hand_over(
        old,
        ended_on=today - DAYS,
        reason=Assignment.EndReason.TRANSFERRED,
        new_leader=make_leader(agency=agency),
    )

    assert new.started_on == today and not new.visits.exists()
    assert not Assignment.objects.stale(today).filter(pk=new.pk).exists()
    figure, url = stale_card(office_client)
    assert figure == figure_before  # the old one was not stale either (visited lately)
    assert new.pk not in listed(office_client, url)
    assert len(listed(office_client, url)) == figure
    assert digested(today, agency) == set()  # nobody chases the new leader


def test_an_unvisited_assignment_becomes_stale_the_91st_day_after_its_start(office_client, today):
    on_day_90 = make_assignment(started_on=today - 90 * DAYS)
    on_day_91 = make_assignment(started_on=today - 91 * DAYS)

    _figure, url = stale_card(office_client)
    shown = listed(office_client, url)

    assert on_day_90.pk not in shown
    assert on_day_91.pk in shown
    assert digested(today, on_day_91.leader.agency) == {on_day_91.pk}
    text = alerts.digests(today=today, agency=on_day_91.leader.agency)[0].text
    assert "chưa đi lần nào từ ngày nhận phân công 19/08/2026" in text


def test_the_groups_visit_under_another_decision_counts_for_the_commune(today):
    group, commune = make_group(), make_commune()
    earlier = make_assignment(commune=commune, working_group=group)
    later = make_assignment(commune=commune, working_group=group, decision=make_decision(),
                            started_on=datetime.date(2026, 1, 1))  # fmt: skip
    make_visit(assignment=earlier, status="confirmed", visited_on=today - 10 * DAYS)

    stale = set(Assignment.objects.stale(today).values_list("pk", flat=True))

    assert earlier.pk not in stale and later.pk not in stale
    assert Assignment.objects.with_visit_clock().get(pk=later.pk).last_group_visit_on == (
        today - 10 * DAYS
    )


def test_another_groups_visit_or_an_unconfirmed_one_does_not_count(today):
    commune = make_commune()
    ours = make_assignment(commune=commune, working_group=make_group())
    theirs = make_assignment(commune=commune, working_group=make_group(), decision=make_decision())
    make_visit(assignment=theirs, status="confirmed", visited_on=today - 5 * DAYS)
    make_visit(assignment=ours, status="submitted", visited_on=today - 5 * DAYS)
    make_visit(assignment=ours, status="confirmed", visited_on=today - 120 * DAYS)

    stale = set(Assignment.objects.stale(today).values_list("pk", flat=True))

    assert ours.pk in stale and theirs.pk not in stale
    text = alerts.digests(today=today, agency=ours.leader.agency)[0].text
    assert f"lần gần nhất {(today - 120 * DAYS):%d/%m/%Y}" in text
