"""Answering the office's return comment sends the visit back to the office in the same
step; answering and resubmitting a returned visit are the group's steps, not the office's."""

import pytest
from django.db.models import F
from django.urls import reverse

from assignments.models import FieldVisit, VisitEvent
from assignments.services import errors, workflow
from sampledata import lifecycle as demo
from tests.factories import make_visit

pytestmark = pytest.mark.django_db

S = FieldVisit.Status


def returned_visit():
    return make_visit(
        assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE), status=S.RETURNED, version=2
    )


def post(client, name, visit, **data):
    return client.post(reverse(f"assignments:{name}", args=[visit.pk]), data, follow=True)


def detail(client, visit):
    return client.get(reverse("assignments:visit_detail", args=[visit.pk])).content.decode()


def test_answering_records_the_answer_and_submits_the_visit(member_a_user):
    visit = returned_visit()

    workflow.answer_visit(visit, member_a_user, "  Đã bổ sung biên bản  ")

    visit.refresh_from_db()
    assert (visit.status, visit.version, visit.updated_by) == (S.SUBMITTED, 3, member_a_user)
    event = visit.events.get()
    assert (event.action, event.actor, event.comment) == (
        VisitEvent.Action.ANSWERED,
        member_a_user,
        "Đã bổ sung biên bản",
    )
    assert visit.history.first().history_user == member_a_user


def test_an_answer_to_a_visit_changed_meanwhile_is_refused_and_writes_nothing(
    member_a_user, member_b_user
):
    visit = returned_visit()  # as the member's page loaded it
    FieldVisit.objects.filter(pk=visit.pk).update(
        version=F("version") + 1, updated_by=member_b_user
    )

    with pytest.raises(errors.WorkflowError, match="vừa được thanhvien_b thay đổi"):
        workflow.answer_visit(visit, member_a_user, "Đã bổ sung")

    current = FieldVisit.objects.get(pk=visit.pk)
    assert (current.status, current.version) == (S.RETURNED, 3)
    assert not current.events.exists()


def test_an_empty_answer_is_refused_and_the_visit_stays_returned(member_a_client):
    visit = returned_visit()

    html = post(member_a_client, "visit_answer", visit, comment="  ").content.decode()

    assert "Hãy ghi nội dung trả lời" in html
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (S.RETURNED, 2)
    assert not visit.events.exists()


def test_the_member_answers_in_one_click_and_the_office_finds_it_in_its_queue(
    member_a_client, office_client
):
    visit = returned_visit()
    waiting = office_client.get(reverse("assignments:my_work")).context["counts"]["submitted"]

    response = post(member_a_client, "visit_answer", visit, comment="Đã bổ sung biên bản")

    html = response.content.decode()
    assert "Đã gửi trả lời cho văn phòng và gửi lại chuyến công tác" in html
    assert "Đã gửi, đang chờ văn phòng hoặc lãnh đạo phụ trách xác nhận" in html
    assert reverse("assignments:visit_answer", args=[visit.pk]) not in html
    visit.refresh_from_db()
    assert visit.status == S.SUBMITTED
    assert office_client.get(reverse("assignments:my_work")).context["counts"]["submitted"] == (
        waiting + 1
    )
    office_page = detail(office_client, visit)
    assert "Đã bổ sung biên bản" in office_page
    assert reverse("assignments:visit_confirm", args=[visit.pk]) in office_page


def test_a_second_answer_after_the_visit_went_back_is_refused_with_a_message(member_a_client):
    visit = returned_visit()
    post(member_a_client, "visit_answer", visit, comment="Trả lời lần một")

    html = post(member_a_client, "visit_answer", visit, comment="Lần hai").content.decode()

    assert "Không thể trả lời và gửi lại văn phòng" in html
    assert list(visit.events.values_list("comment", flat=True)) == ["Trả lời lần một"]


def test_the_member_may_still_resubmit_without_an_answer(member_a_client, member_a_user):
    visit = returned_visit()

    html = detail(member_a_client, visit)
    assert "Gửi trả lời và gửi lại văn phòng" in html
    assert "Gửi lại văn phòng không kèm trả lời" in html

    post(member_a_client, "visit_submit", visit)

    visit.refresh_from_db()
    assert visit.status == S.SUBMITTED
    assert list(visit.events.values_list("action", "comment")) == [("submitted", "")]


def test_the_office_is_not_offered_the_groups_answer_or_resend_on_a_visit_it_returned(
    office_client,
):
    visit = make_visit(assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE), status=S.SUBMITTED)
    post(office_client, "visit_return", visit, comment="Bổ sung biên bản")

    html = detail(office_client, visit)

    assert "Đã trả lại cho tổ giúp việc để bổ sung" in html
    for name in ("visit_answer", "visit_submit", "visit_confirm"):
        assert reverse(f"assignments:{name}", args=[visit.pk]) not in html
    assert "Trả lời ý kiến của văn phòng" not in html
    assert "Gửi lại văn phòng" not in html
    # The office may still edit the visit, as any visit.
    assert reverse("assignments:visit_edit", args=[visit.pk]) in html


@pytest.mark.parametrize("name", ["visit_answer", "visit_submit"])
def test_an_office_post_of_the_groups_step_is_refused_and_writes_nothing(office_client, name):
    visit = returned_visit()

    response = post(office_client, name, visit, comment="Văn phòng tự trả lời")

    assert response.redirect_chain[-1][0] == reverse("assignments:visit_detail", args=[visit.pk])
    assert "Chỉ tổ giúp việc được" in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (S.RETURNED, 2)
    assert not visit.events.exists()
