"""The comments exchanged on a visit's steps (the office's return comment, the group's
answer) are read by the group, the commune's leader and the office only; everyone else
who may see the visit sees its steps without them."""

import pytest
from django.urls import reverse

from assignments.models import FieldVisit
from assignments.services import workflow
from sampledata import lifecycle as demo
from tests.factories import make_visit

pytestmark = pytest.mark.django_db

S = FieldVisit.Status
RETURN_COMMENT = "Thiếu biên bản làm việc với UBND xã"
ANSWER = "Đã bổ sung biên bản ký ngày 02/12"


@pytest.fixture
def exchanged(office_user, member_a_user):
    """A visit of group A the office returned with a comment and the group answered."""
    visit = make_visit(assignment=demo.demo_assignment(demo.GROUP_A_COMMUNE), status=S.SUBMITTED)
    workflow.return_visit(visit, office_user, RETURN_COMMENT)
    workflow.answer_visit(visit, member_a_user, ANSWER)
    return visit


def page(client, visit):
    response = client.get(reverse("assignments:visit_detail", args=[visit.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["office_client", "member_a_client", "leader_client"])
def test_the_group_its_leader_and_the_office_read_the_comments(request, persona, exchanged):
    text = page(request.getfixturevalue(persona), exchanged)

    assert RETURN_COMMENT in text
    assert ANSWER in text
    assert "Ý kiến của văn phòng:" in text


@pytest.mark.parametrize("persona", ["reader_client", "member_b_client"])
def test_readers_and_other_groups_see_the_steps_without_the_comments(request, persona, exchanged):
    text = page(request.getfixturevalue(persona), exchanged)

    assert RETURN_COMMENT not in text
    assert ANSWER not in text
    assert "Ý kiến của văn phòng:" not in text
    # The steps themselves stay on the page: returned, then answered.
    assert "Quá trình xử lý" in text
    assert str(exchanged.events.first().get_action_display()) in text
