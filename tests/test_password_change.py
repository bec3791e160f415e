"""Every signed-in user changes their own password from the link by their name, in
Vietnamese, checked by the project's validators; the admin's page is for staff only."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERSONAS = [
    "office_user",
    "office_head_user",
    "member_a_user",
    "member_b_user",
    "leader_user",
    "reader_user",
]
NEW = "Ruong-bac-thang-2026"


def password(username):
    return f"{username}-demo-2025"


def signed_in(user):
    """A browser signed in through the login page (django-axes needs the request)."""
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": password(user.username)})
    assert client.session.get("_auth_user_id") == str(user.pk)
    return client


def change(client, old, new1, new2=None):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
        follow=True,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_finds_the_page_from_the_header(persona, request):
    client = signed_in(request.getfixturevalue(persona))

    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    page = client.get(reverse("password_change"))

    assert f'href="{reverse("password_change")}">Đổi mật khẩu</a>' in dashboard
    text = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Đổi mật khẩu</h1>" in text
    assert "Mật khẩu cũ" in text and "Xác nhận mật khẩu mới" in text
    assert "Mật khẩu của bạn phải chứa ít nhất 8 ký tự." in text


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_changes_their_own_password_and_stays_signed_in(persona, request):
    user = request.getfixturevalue(persona)
    client = signed_in(user)

    response = change(client, password(user.username), NEW)

    assert "Đã đổi mật khẩu." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("reports:dashboard")
    assert client.get(reverse("reports:dashboard")).status_code == 200  # still signed in
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not user.check_password(password(user.username))


def test_the_other_browsers_of_that_user_are_signed_out(member_a_user):
    here, elsewhere = signed_in(member_a_user), signed_in(member_a_user)

    change(here, password("thanhvien_a"), NEW)

    response = elsewhere.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("old", "new1", "new2", "message"),
    [
        ("sai-mat-khau", NEW, NEW, "Mật khẩu cũ không chính xác."),
        (None, NEW, NEW + "x", "Hai trường mật khẩu không giống nhau."),
        (None, "Ab-12", "Ab-12", "Mật khẩu này quá ngắn: cần ít nhất 8 ký tự."),
        (None, "password123", "password123", "Mật khẩu này quá phổ biến."),
        (None, "20262027202820", "20262027202820", "Mật khẩu này hoàn toàn là số."),
        (None, "thanhvien_a1", "thanhvien_a1", "Mật khẩu quá giống với Tên đăng nhập."),
    ],
    ids=["wrong old", "mismatch", "short", "common", "numeric", "like the username"],
)
def test_a_refused_password_says_why_in_vietnamese_and_changes_nothing(
    member_a_user, old, new1, new2, message
):
    client = signed_in(member_a_user)

    response = change(client, old or password("thanhvien_a"), new1, new2)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "This password" not in page
    member_a_user.refresh_from_db()
    assert member_a_user.check_password(password("thanhvien_a"))


def test_an_anonymous_visitor_is_sent_to_the_login_page(anonymous_client):
    response = anonymous_client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_change_is_in_the_security_log(member_a_user, caplog):
    client = signed_in(member_a_user)

    with caplog.at_level("INFO", logger="ntm.security"):
        change(client, password("thanhvien_a"), NEW)

    assert any(
        "event=password_changed" in line and "user=thanhvien_a" in line for line in caplog.messages
    )
    assert NEW not in caplog.text
