"""The workflow table (assignments/transitions.py): every step × state × persona, as
access decides it and as the services carry it out.

The expected table is written out here, not read from the module, so that a change
to the table has to be a change to this test too.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from assignments import access, transitions
from assignments.models import FieldVisit, VisitEvent
from assignments.services import errors, workflow
from sampledata import lifecycle as demo
from tests.factories import make_visit

pytestmark = pytest.mark.django_db

S = FieldVisit.Status
PERSONAS = ("office", "member_a", "member_b", "leader", "reader", "anonymous")

# step: {persona: states from which they may take it on a visit of group A}.
MAY = {
    "edit": {"office": set(S) - {S.DELETED}, "member_a": {S.DRAFT, S.RETURNED}},
    "submit": {"office": {S.DRAFT}, "member_a": {S.DRAFT, S.RETURNED}},
    "answer": {"member_a": {S.RETURNED}},
    "confirm": {"office": {S.SUBMITTED}, "leader": {S.SUBMITTED}},
    "return": {"office": {S.SUBMITTED, S.CONFIRMED}},
    "delete": {"office": {S.DRAFT}, "member_a": {S.DRAFT}},
    "restore": {"office": {S.DELETED}},
}
LEADS_TO = {
    "submit": (S.SUBMITTED, VisitEvent.Action.SUBMITTED),
    "answer": (S.SUBMITTED, VisitEvent.Action.ANSWERED),
    "confirm": (S.CONFIRMED, VisitEvent.Action.CONFIRMED),
    "return": (S.RETURNED, VisitEvent.Action.RETURNED),
    "delete": (S.DELETED, VisitEvent.Action.DELETED),
    "restore": (S.DRAFT, VisitEvent.Action.RESTORED),
}
SERVICES = {
    "submit": workflow.submit_visit,
    "answer": workflow.answer_visit,
    "confirm": workflow.confirm_visit,
    "return": workflow.return_visit,
    "delete": workflow.delete_visit,
    "restore": workflow.restore_visit,
}
CASES = [(step, status, persona) for step in MAY for status in S.values for persona in PERSONAS]
MOVES = [case for case in CASES if case[0] in SERVICES and case[2] != "anonymous"]


@pytest.fixture
def people(office_user, member_a_user, member_b_user, leader_user, reader_user):
    return {
        "office": office_user,
        "member_a": member_a_user,
        "member_b": member_b_user,
        "leader": leader_user,
        "reader": reader_user,
        "anonymous": AnonymousUser(),
    }


def group_a_visit(status):
    return make_visit(assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE), status=status)


def test_the_table_holds_exactly_the_steps_and_moves_of_the_workflow():
    assert set(transitions.STEPS) == set(MAY)
    for name, (target, event) in LEADS_TO.items():
        step = transitions.STEPS[name]
        assert (step.target, step.event) == (target, event), name
    assert transitions.STEPS["edit"].target is None
    assert {S.DRAFT, S.RETURNED} == transitions.EDITABLE_BY_GROUP


@pytest.mark.parametrize(("step", "status", "persona"), CASES, ids=["-".join(c) for c in CASES])
def test_access_allows_exactly_what_the_table_says(people, step, status, persona):
    visit = FieldVisit(assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE), status=status)
    expected = status in MAY[step].get(persona, set())

    assert access.may(people[persona], visit, step) is expected
    assert access.steps_for(people[persona], visit)[step] is expected


@pytest.mark.parametrize(("step", "status", "persona"), MOVES, ids=["-".join(c) for c in MOVES])
def test_each_service_moves_the_visit_only_when_the_table_allows_it(people, step, status, persona):
    visit = group_a_visit(status)
    user = people[persona]
    allowed = status in MAY[step].get(persona, set())

    if allowed:
        SERVICES[step](visit, user, "Ý kiến")
        target, event = LEADS_TO[step]
        visit.refresh_from_db()
        assert (visit.status, visit.version, visit.updated_by) == (target, 2, user)
        assert list(visit.events.values_list("action", "actor")) == [(event, user.pk)]
    else:
        with pytest.raises(errors.WorkflowError):
            SERVICES[step](visit, user, "Ý kiến")
        visit.refresh_from_db()
        assert (visit.status, visit.version) == (status, 1)
        assert not visit.events.exists()


def test_the_office_is_told_whose_step_answering_a_returned_visit_is(office_user):
    visit = group_a_visit(S.RETURNED)

    with pytest.raises(errors.WorkflowError, match="Chỉ tổ giúp việc được trả lời"):
        workflow.answer_visit(visit, office_user, "Văn phòng tự trả lời")
    with pytest.raises(errors.WorkflowError, match="Chỉ tổ giúp việc được gửi văn phòng"):
        workflow.submit_visit(visit, office_user)

    visit.refresh_from_db()
    assert (visit.status, visit.version) == (S.RETURNED, 1)
    assert not visit.events.exists()


@pytest.mark.parametrize(
    ("persona", "step", "takes_part"),
    [
        ("office", "answer", True),  # refused with a message, not a 403
        ("member_a", "confirm", False),
        ("member_b", "answer", False),
        ("leader", "answer", False),
        ("leader", "confirm", True),
        ("reader", "edit", False),
    ],
)
def test_who_takes_part_in_a_step_in_some_state(people, persona, step, takes_part):
    visit = FieldVisit(assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE), status=S.DRAFT)

    assert access.takes_part_in(people[persona], visit, step) is takes_part
