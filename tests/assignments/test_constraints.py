"""The database itself refuses rows that break the assignments app's invariants."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from assignments.models import Assignment, Member
from tests.factories import (
    make_assignment,
    make_decision,
    make_group,
    make_recommendation,
    make_support,
)

pytestmark = pytest.mark.django_db


def refused(create):
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_a_commune_has_at_most_one_active_assignment_per_decision():
    first = make_assignment()
    assert refused(lambda: make_assignment(decision=first.decision, commune=first.commune))
    assert Assignment.objects.filter(commune=first.commune).count() == 1


def test_an_ended_assignment_leaves_room_for_its_successor():
    first = make_assignment()
    first.ended_on = datetime.date(2023, 6, 30)
    first.end_reason = Assignment.EndReason.TRANSFERRED
    first.save()
    successor = make_assignment(
        decision=first.decision, commune=first.commune, started_on=datetime.date(2023, 7, 1)
    )
    assert Assignment.objects.active().get(commune=first.commune) == successor


def test_another_decision_may_assign_the_same_commune():
    first = make_assignment()
    assert not refused(lambda: make_assignment(decision=make_decision(), commune=first.commune))


def test_an_assignment_cannot_end_before_it_starts():
    assert refused(
        lambda: make_assignment(
            started_on=datetime.date(2022, 1, 1),
            ended_on=datetime.date(2021, 12, 31),
            end_reason=Assignment.EndReason.OTHER,
        )
    )


def test_an_ended_assignment_needs_a_reason():
    assert refused(lambda: make_assignment(ended_on=datetime.date(2024, 1, 1)))


def test_support_amount_cannot_be_negative():
    assert refused(lambda: make_support(amount_vnd=-1))
    assert not refused(lambda: make_support(amount_vnd=0))


def test_support_quantity_cannot_be_negative():
    assert refused(lambda: make_support(quantity=-5))


def test_a_member_cannot_leave_before_joining():
    group = make_group(members=0)
    assert refused(
        lambda: Member.objects.create(
            group=group,
            full_name="Nguyễn Văn Thử",
            joined_on=datetime.date(2023, 1, 1),
            left_on=datetime.date(2022, 1, 1),
        )
    )


def test_a_resolved_recommendation_records_when():
    assert refused(lambda: make_recommendation(status="resolved"))
    assert not refused(
        lambda: make_recommendation(status="resolved", resolved_on=datetime.date(2024, 3, 1))
    )


def test_decision_period_cannot_run_backwards():
    assert refused(lambda: make_decision(period_start=2025, period_end=2021))
