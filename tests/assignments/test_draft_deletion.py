"""A draft made by mistake (issue 17): its group deletes it (a workflow step; nothing is
removed, history and the event kept), the office restores it; a deleted visit is in no
list, figure, export, "Việc của tôi", follow-up or same-day question."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assignments.models import FieldVisit, VisitEvent
from assignments.views.visit_form import open_recommendations
from tests.factories import make_recommendation, make_visit
from tests.support.visit_form import days_ago, group_a

pytestmark = pytest.mark.django_db

PURPOSE = "Nháp ghi nhầm của tổ A"


@pytest.fixture
def draft(member_a_user):
    return make_visit(
        assignment=group_a(member_a_user), status="draft", purpose=PURPOSE, visited_on=days_ago(2)
    )


def delete(client, visit):
    return client.post(reverse("assignments:visit_delete", args=[visit.pk]), follow=True)


def restore(client, visit):
    return client.post(reverse("assignments:visit_restore", args=[visit.pk]), follow=True)


def test_the_group_deletes_its_draft_after_a_confirm_step(member_a_client, member_a_user, draft):
    page = member_a_client.get(reverse("assignments:visit_detail", args=[draft.pk]))
    html = page.content.decode()
    assert "Xoá bản nháp" in html
    assert "văn phòng điều phối có thể khôi phục" in html
    assert reverse("assignments:visit_delete", args=[draft.pk]) in html

    response = delete(member_a_client, draft)

    draft.refresh_from_db()
    assert draft.status == FieldVisit.Status.DELETED
    assert list(draft.events.values_list("action", "actor")) == [
        (VisitEvent.Action.DELETED, member_a_user.pk)
    ]
    assert draft.history.first().status == "deleted"  # kept in the change history
    html = response.content.decode()
    assert "Đã xoá bản nháp" in html and "Bản nháp này đã bị xoá" in html
    assert reverse("assignments:visit_restore", args=[draft.pk]) not in html  # the office's


@pytest.mark.parametrize("status", ["submitted", "returned", "confirmed"])
def test_only_a_draft_is_deleted(member_a_client, member_a_user, status):
    visit = make_visit(assignment=group_a(member_a_user), status=status)

    response = delete(member_a_client, visit)

    visit.refresh_from_db()
    assert visit.status == status and not visit.events.exists()
    assert "Không thể xoá bản nháp" in response.content.decode()


def test_another_group_a_leader_and_a_reader_cannot_delete_a_draft(
    member_b_client, leader_client, reader_client, draft
):
    for client in (member_b_client, leader_client, reader_client):
        assert delete(client, draft).status_code == 404  # a draft is not theirs to see
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_office_restores_a_deleted_draft(office_client, office_user, member_a_client, draft):
    delete(member_a_client, draft)
    assert restore(member_a_client, draft).status_code == 403

    response = restore(office_client, draft)

    draft.refresh_from_db()
    assert draft.status == FieldVisit.Status.DRAFT
    assert list(draft.events.values_list("action", flat=True)) == ["deleted", "restored"]
    assert "Đã khôi phục chuyến công tác thành bản nháp." in response.content.decode()


def test_no_one_edits_a_deleted_visit(office_client, member_a_client, draft):
    delete(member_a_client, draft)
    edit = reverse("assignments:visit_edit", args=[draft.pk])

    assert office_client.get(edit).status_code == 403
    assert member_a_client.get(edit).status_code == 403
    page = office_client.get(reverse("assignments:visit_detail", args=[draft.pk])).content
    assert "Khôi phục" in page.decode() and "Sửa chuyến công tác" not in page.decode()


def test_a_deleted_visit_leaves_my_work_the_lists_and_the_exports(
    office_client, member_a_client, reader_client, member_a_user, draft
):
    submitted = make_visit(
        assignment=group_a(member_a_user), status="submitted", purpose="Đã gửi rồi xoá?"
    )
    FieldVisit.objects.filter(pk=submitted.pk).update(status="deleted")  # as if restored+deleted
    assert PURPOSE in member_a_client.get(reverse("assignments:my_work")).content.decode()
    delete(member_a_client, draft)
    listing = reverse("assignments:visit_list")

    assert PURPOSE not in member_a_client.get(reverse("assignments:my_work")).content.decode()
    for client in (office_client, member_a_client, reader_client):
        html = client.get(listing).content.decode()
        for visit in (draft, submitted):
            assert reverse("assignments:visit_detail", args=[visit.pk]) not in html
    filtered = office_client.get(listing, {"status": "deleted"}).content.decode()
    assert reverse("assignments:visit_detail", args=[draft.pk]) in filtered
    assert (
        "Đã gửi rồi xoá?" not in reader_client.get(listing, {"status": "deleted"}).content.decode()
    )
    log = office_client.get(reverse("reports:export_visits"))
    book = load_workbook(io.BytesIO(b"".join(log.streaming_content)))
    cells = {
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    }
    assert not any(PURPOSE in c or "Đã gửi rồi xoá?" in c for c in cells)
    assert not FieldVisit.objects.uncounted().filter(status="deleted").exists()


def test_a_deleted_visit_has_no_recommendations_to_follow_up(office_user, member_a_user):
    assignment = group_a(member_a_user)
    earlier = make_visit(assignment=assignment, status="submitted", visited_on=days_ago(20))
    make_recommendation(visit=earlier, text="Làm lại cầu treo")
    assert open_recommendations(office_user, assignment).exists()

    FieldVisit.objects.filter(pk=earlier.pk).update(status="deleted")

    assert not open_recommendations(office_user, assignment).exists()
