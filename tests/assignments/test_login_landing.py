"""Where each role lands after signing in: members and leaders on "Việc của tôi" (their
visits to record or confirm), the office and readers on the dashboard; a page the user
was sent from still wins."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def sign_in(user, **query):
    client = Client()
    url = reverse("login") + ("?next=" + query["next"] if query else "")
    response = client.post(
        url, {"username": user.username, "password": f"{user.username}-demo-2025"}, follow=True
    )
    assert response.wsgi_request.user == user
    return response


@pytest.mark.parametrize(
    "persona, landing",
    [
        ("member_a_user", "assignments:my_work"),
        ("leader_user", "assignments:my_work"),
        ("office_user", "reports:dashboard"),
        ("office_head_user", "reports:dashboard"),
        ("reader_user", "reports:dashboard"),
    ],
)
def test_each_role_lands_on_its_first_page_after_login(request, persona, landing):
    response = sign_in(request.getfixturevalue(persona))
    assert response.redirect_chain == [(reverse(landing), 302)]
    assert response.status_code == 200


def test_a_member_lands_on_my_work_and_sees_their_communes(member_a_user):
    response = sign_in(member_a_user)
    assert response.context["page_title"] == "Việc của tôi"
    assert "Bản Vược" in response.content.decode()


def test_a_member_sent_to_the_login_page_from_a_list_goes_back_to_it(member_a_user):
    visits = reverse("assignments:visit_list")
    response = sign_in(member_a_user, next=visits)
    assert response.redirect_chain == [(visits, 302)]
