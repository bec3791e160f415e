"""What the phone's send queue is told when its copy of a visit cannot be saved (issue 17):
a sentence of its own, since the phone keeps the member's copy and shows the current
version below, while the HTML form shows what was typed again and says so."""

import pytest

from assignments.models import FieldVisit
from tests.assignments.test_exactly_once import TOKEN, edit_url, queue_post
from tests.factories import make_visit
from tests.support.visit_form import create_url, days_ago, group_a, visit_data

pytestmark = pytest.mark.django_db

TYPED_BELOW = "Nội dung bạn gõ vẫn còn dưới đây"
KEPT_ON_PHONE = "Bản của bạn vẫn giữ trên máy này."


def stale_edit(client, user, **extra):
    """A visit saved at version 2 since, then posted again at version 1."""
    assignment = group_a(user)
    queue_post(client, create_url(assignment), visit_data(assignment, draft_token=TOKEN))
    visit = FieldVisit.objects.get(client_token=TOKEN)
    client.post(edit_url(visit), visit_data(assignment, version="1", purpose="Bản mới"), **extra)
    return client.post(
        edit_url(visit), visit_data(assignment, version="1", purpose="Bản cũ"), **extra
    )


def test_a_stale_visit_sent_by_the_queue_is_told_its_copy_stays_on_the_phone(
    member_a_client, member_a_user
):
    response = stale_edit(member_a_client, member_a_user, HTTP_X_NTM_QUEUE="1")

    message = response.json()["message"]
    assert response.status_code == 409
    assert message.startswith("Chưa gửi được: chuyến công tác này đã được ")
    assert "sau khi bạn mở biểu mẫu" in message
    assert message.endswith(KEPT_ON_PHONE)
    assert TYPED_BELOW not in message


def test_the_html_form_still_says_the_typed_text_is_below(member_a_client, member_a_user):
    response = stale_edit(member_a_client, member_a_user)

    assert response.status_code == 200
    assert TYPED_BELOW in response.content.decode()
    assert KEPT_ON_PHONE not in response.content.decode()


def test_a_locked_visit_sent_by_the_queue_gets_the_reason_without_the_forms_tail(
    member_a_client, member_a_user
):
    visit = make_visit(
        assignment=group_a(member_a_user), status="submitted", visited_on=days_ago(3)
    )
    data = visit_data(visit.assignment, version="1", purpose="Muộn")

    queued = queue_post(member_a_client, edit_url(visit), data).json()["message"]
    html = member_a_client.post(edit_url(visit), data).content.decode()

    assert queued.startswith("Không lưu được: chuyến công tác này ")
    assert "không còn sửa được nữa." in queued and queued.endswith(KEPT_ON_PHONE)
    assert TYPED_BELOW not in queued
    assert TYPED_BELOW in html
