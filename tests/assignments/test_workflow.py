"""A visit's workflow: draft → submitted → confirmed, or returned with a comment
that the group answers, which resubmits it; who may take each step."""

import pytest
from django.db.models import F
from django.urls import reverse

from assignments.models import FieldVisit, VisitEvent
from assignments.services import errors, workflow
from sampledata import lifecycle as demo
from tests.factories import make_visit

pytestmark = pytest.mark.django_db

S = FieldVisit.Status


def group_a_visit(status=S.DRAFT):
    return make_visit(assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE), status=status)


def group_b_visit(status=S.DRAFT):
    return make_visit(assignment=demo.demo_assignment(demo.GROUP_B_COMMUNE), status=status)


def step(client, name, visit, **data):
    return client.post(reverse(f"assignments:{name}", args=[visit.pk]), data, follow=True)


def page(client, visit):
    return client.get(reverse("assignments:visit_detail", args=[visit.pk])).content.decode()


def test_member_submits_their_groups_draft(member_a_client, member_a_user):
    visit = group_a_visit()

    response = step(member_a_client, "visit_submit", visit)

    assert response.redirect_chain[-1][0] == reverse("assignments:visit_detail", args=[visit.pk])
    assert "Đã gửi chuyến công tác cho văn phòng" in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.version, visit.updated_by) == (S.SUBMITTED, 2, member_a_user)
    event = visit.events.get()
    assert (event.action, event.actor) == (VisitEvent.Action.SUBMITTED, member_a_user)


def test_member_of_another_group_cannot_submit(member_b_client):
    draft, returned = group_a_visit(), group_a_visit(S.RETURNED)

    assert step(member_b_client, "visit_submit", draft).status_code == 404
    assert step(member_b_client, "visit_submit", returned).status_code == 403
    assert list(
        FieldVisit.objects.filter(pk__in=[draft.pk, returned.pk])
        .values_list("status", flat=True)
        .order_by("pk")
    ) == [S.DRAFT, S.RETURNED]
    assert not VisitEvent.objects.filter(visit__in=[draft, returned]).exists()


def test_leader_confirms_a_submitted_visit_of_their_group(leader_client, leader_user):
    visit = group_a_visit(S.SUBMITTED)

    response = step(leader_client, "visit_confirm", visit)

    assert "Đã xác nhận chuyến công tác" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == S.CONFIRMED
    assert visit.events.get().actor == leader_user
    assert visit.history.first().history_user == leader_user


def test_leader_of_another_commune_does_not_even_see_the_visit(leader_client):
    visit = group_b_visit(S.SUBMITTED)

    assert step(leader_client, "visit_confirm", visit).status_code == 404
    visit.refresh_from_db()
    assert visit.status == S.SUBMITTED


@pytest.mark.parametrize("name", ["visit_submit", "visit_confirm", "visit_return"])
def test_reader_may_take_no_step(reader_client, name):
    visit = group_a_visit(S.SUBMITTED)

    assert step(reader_client, name, visit, comment="Bổ sung").status_code == 403
    visit.refresh_from_db()
    assert visit.status == S.SUBMITTED


@pytest.mark.parametrize("client_name", ["member_a_client", "leader_client"])
def test_only_the_office_returns_a_visit(request, client_name):
    visit = group_a_visit(S.SUBMITTED)

    response = step(request.getfixturevalue(client_name), "visit_return", visit, comment="Sai")

    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.status == S.SUBMITTED


def test_returning_without_a_comment_is_refused_and_changes_nothing(office_client):
    visit = group_a_visit(S.SUBMITTED)

    response = step(office_client, "visit_return", visit, comment="   ")

    assert "Hãy ghi ý kiến trả lại" in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (S.SUBMITTED, 1)
    assert not visit.events.exists()


def test_the_whole_loop_return_answer_confirm(
    office_client, member_a_client, office_user, member_a_user
):
    visit = group_a_visit(S.SUBMITTED)
    comment = "Đề nghị bổ sung biên bản làm việc với UBND xã"

    html = step(office_client, "visit_return", visit, comment=comment).content.decode()
    assert "Đã trả lại chuyến công tác" in html

    html = page(member_a_client, visit)
    assert comment in html
    assert "Văn phòng đã trả lại chuyến công tác này" in html
    assert reverse("assignments:visit_answer", args=[visit.pk]) in html
    assert "Gửi lại văn phòng" in html

    # The answer goes back to the office with the visit, in one step.
    html = step(member_a_client, "visit_answer", visit, comment="Đã bổ sung biên bản").content
    assert "Đã gửi trả lời cho văn phòng" in html.decode()
    visit.refresh_from_db()
    assert visit.status == S.SUBMITTED

    html = step(office_client, "visit_confirm", visit).content.decode()

    visit.refresh_from_db()
    assert visit.status == S.CONFIRMED
    assert visit.version == 4  # returned, answered (resubmitted), confirmed
    events = list(visit.events.values_list("action", "actor", "comment"))
    assert events == [
        ("returned", office_user.pk, comment),
        ("answered", member_a_user.pk, "Đã bổ sung biên bản"),
        ("confirmed", office_user.pk, ""),
    ]
    assert comment in html and "Đã bổ sung biên bản" in html
    assert "Đã xác nhận: chuyến công tác được tính vào số liệu tổng hợp" in html


def test_member_of_another_group_cannot_answer(member_b_client):
    visit = group_a_visit(S.RETURNED)

    assert step(member_b_client, "visit_answer", visit, comment="Tôi trả lời").status_code == 403
    assert not visit.events.exists()


@pytest.mark.parametrize(
    ("client_name", "name", "status", "says"),
    [
        ("office_client", "visit_confirm", S.DRAFT, "Không thể xác nhận"),
        ("office_client", "visit_return", S.DRAFT, "Không thể trả lại"),
        ("member_a_client", "visit_submit", S.CONFIRMED, "Không thể gửi văn phòng"),
        ("member_a_client", "visit_answer", S.SUBMITTED, "Không thể trả lời"),
        ("leader_client", "visit_confirm", S.CONFIRMED, "Không thể xác nhận"),
    ],
)
def test_a_step_from_the_wrong_state_is_refused_with_a_message(
    request, client_name, name, status, says
):
    visit = group_a_visit(status)

    response = step(request.getfixturevalue(client_name), name, visit, comment="Ý kiến")

    assert response.status_code == 200
    assert says in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (status, 1)
    assert not visit.events.exists()


@pytest.mark.parametrize("name", ["visit_submit", "visit_confirm", "visit_return", "visit_answer"])
def test_workflow_urls_answer_only_post(office_client, name):
    visit = group_a_visit(S.SUBMITTED)

    assert office_client.get(reverse(f"assignments:{name}", args=[visit.pk])).status_code == 405


def test_anonymous_visitor_is_sent_to_log_in(anonymous_client):
    visit = group_a_visit(S.SUBMITTED)

    response = anonymous_client.post(reverse("assignments:visit_confirm", args=[visit.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("client_name", "status", "shown", "hidden"),
    [
        ("office_client", S.SUBMITTED, ["visit_confirm", "visit_return"], ["visit_submit"]),
        ("leader_client", S.SUBMITTED, ["visit_confirm"], ["visit_return", "visit_submit"]),
        ("member_a_client", S.SUBMITTED, [], ["visit_confirm", "visit_return", "visit_submit"]),
        ("member_a_client", S.DRAFT, ["visit_submit"], ["visit_confirm", "visit_answer"]),
        ("reader_client", S.SUBMITTED, [], ["visit_confirm", "visit_return", "visit_submit"]),
        ("member_b_client", S.RETURNED, [], ["visit_submit", "visit_answer"]),
    ],
)
def test_buttons_appear_only_for_those_who_may_use_them(
    request, client_name, status, shown, hidden
):
    visit = group_a_visit(status)

    html = page(request.getfixturevalue(client_name), visit)

    assert visit.get_status_display() in html
    for name in shown:
        assert reverse(f"assignments:{name}", args=[visit.pk]) in html
    for name in hidden:
        assert reverse(f"assignments:{name}", args=[visit.pk]) not in html


def test_a_step_on_a_visit_changed_meanwhile_is_refused_naming_who(member_a_user, office_user):
    visit = group_a_visit()  # as the member's page loaded it
    FieldVisit.objects.filter(pk=visit.pk).update(version=F("version") + 1, updated_by=office_user)

    with pytest.raises(errors.WorkflowError, match="vừa được vanphong thay đổi"):
        workflow.submit_visit(visit, member_a_user)

    current = FieldVisit.objects.get(pk=visit.pk)
    assert (current.status, current.version) == (S.DRAFT, 2)
    assert not current.events.exists()
