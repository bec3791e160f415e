"""Login throttling (django-axes): a username is locked from one computer only,
for a cool-off period, and the office can lift the lockout."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.support.interpreter import environment, run_python

pytestmark = pytest.mark.django_db

OFFICE_PC, OTHER_PC = "10.0.0.1", "10.0.0.2"


def password(username):
    return f"{username}-demo-2025"


def log_in(username, secret, ip):
    """A fresh browser on the computer `ip`: (response, logged-in user's id or None)."""
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": username, "password": secret})
    return response, client.session.get("_auth_user_id")


def lock(username, ip=OFFICE_PC):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response, user_id = log_in(username, f"wrong-{attempt}", ip)
        assert user_id is None
    return response


def test_the_limit_and_the_cool_off_are_the_documented_defaults():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_wrong_passwords_below_the_limit_do_not_lock():
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response, _user = log_in("thanhvien_a", f"wrong-{attempt}", OFFICE_PC)
        assert response.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    response, user_id = log_in("thanhvien_a", password("thanhvien_a"), OFFICE_PC)
    assert response.status_code == 302 and user_id is not None


def test_a_locked_user_cannot_log_in_from_that_computer_even_with_the_right_password(
    member_a_user,
):
    response = lock("thanhvien_a")
    assert response.status_code == 429

    response, user_id = log_in("thanhvien_a", password("thanhvien_a"), OFFICE_PC)

    assert response.status_code == 429
    assert user_id is None


def test_another_user_on_the_same_computer_still_logs_in(reader_user):
    lock("thanhvien_a")

    response, user_id = log_in("nguoixem", password("nguoixem"), OFFICE_PC)

    assert response.status_code == 302
    assert user_id == str(reader_user.pk)


def test_the_locked_user_still_logs_in_from_another_computer(member_a_user):
    lock("thanhvien_a")

    response, user_id = log_in("thanhvien_a", password("thanhvien_a"), OTHER_PC)

    assert response.status_code == 302
    assert user_id == str(member_a_user.pk)


def test_the_lockout_ends_after_the_cool_off(member_a_user):
    lock("thanhvien_a")
    # Fifteen minutes pass: the attempts are moved back rather than waited for.
    long_ago = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=long_ago)

    response, user_id = log_in("thanhvien_a", password("thanhvien_a"), OFFICE_PC)

    assert response.status_code == 302
    assert user_id == str(member_a_user.pk)


def test_a_successful_login_resets_the_count():
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("thanhvien_a", f"wrong-{attempt}", OFFICE_PC)
    log_in("thanhvien_a", password("thanhvien_a"), OFFICE_PC)

    response, user_id = log_in("thanhvien_a", "wrong-again", OFFICE_PC)

    assert response.status_code == 200 and user_id is None
    assert not AccessAttempt.objects.filter(failures_since_start__gte=2).exists()


def test_the_lockout_page_is_vietnamese_and_says_for_how_long_and_whom_to_call(settings):
    settings.NTM_OFFICE_CONTACT = "0214 3840 000"

    response = lock("thanhvien_a")

    page = response.content.decode()
    assert response.status_code == 429
    assert "Tài khoản tạm bị khoá trên máy này" in page
    assert "Mật khẩu đã bị nhập sai 5 lần liên tiếp." in page
    assert "trong 15 phút" in page
    assert "Văn phòng điều phối NTM tỉnh Lào Cai (0214 3840 000)" in page
    assert "Account locked" not in page


def test_the_office_sees_the_lockout_and_lifts_it(office_client, member_a_user):
    lock("thanhvien_a")

    page = office_client.get(reverse("lockouts")).content.decode()
    assert "thanhvien_a" in page and OFFICE_PC in page and "Mở khoá" in page

    response = office_client.post(
        reverse("unlock"), {"username": "thanhvien_a", "ip_address": OFFICE_PC}, follow=True
    )

    assert "Đã mở khoá tài khoản “thanhvien_a” trên máy 10.0.0.1." in response.content.decode()
    assert "Hiện không có tài khoản nào bị khoá." in response.content.decode()
    assert not AccessAttempt.objects.filter(username="thanhvien_a").exists()
    response, user_id = log_in("thanhvien_a", password("thanhvien_a"), OFFICE_PC)
    assert user_id == str(member_a_user.pk)


def test_the_lockouts_page_lists_nothing_when_no_one_is_locked(office_client):
    log_in("thanhvien_a", "wrong-once", OFFICE_PC)

    page = office_client.get(reverse("lockouts")).content.decode()

    assert "Hiện không có tài khoản nào bị khoá." in page
    assert "thanhvien_a" not in page


@pytest.mark.parametrize("persona", ["member_a_client", "leader_client", "reader_client"])
def test_only_the_office_opens_the_lockouts_and_unlocks(persona, request):
    client = request.getfixturevalue(persona)
    lock("thanhvien_b")

    assert client.get(reverse("lockouts")).status_code == 403
    response = client.post(reverse("unlock"), {"username": "thanhvien_b", "ip_address": OFFICE_PC})

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="thanhvien_b").exists()


def test_unlocking_needs_a_post(office_client):
    lock("thanhvien_a")

    response = office_client.get(reverse("unlock"), {"username": "thanhvien_a"})

    assert response.status_code == 405
    assert AccessAttempt.objects.filter(username="thanhvien_a").exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(anonymous_client):
    response = anonymous_client.get(reverse("lockouts"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def client_ip_with(trusted_proxies, meta):
    """The client IP django-axes resolves for `meta` under NTM_TRUSTED_PROXIES."""
    code = (
        "import django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from axes.helpers import get_client_ip_address\n"
        f"print(get_client_ip_address(RequestFactory().get('/', **{meta!r})))\n"
    )
    result = run_python(code, environment(NTM_TRUSTED_PROXIES=str(trusted_proxies)))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("trusted_proxies", "forwarded_for", "client_ip"),
    [
        # No proxy trusted: a client's header is ignored.
        (0, "6.6.6.6", "127.0.0.1"),
        # nginx appends the address it saw; what the client wrote in front is ignored.
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        # A load balancer, then nginx.
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
    ],
)
def test_x_forwarded_for_is_trusted_only_from_the_configured_proxies(
    trusted_proxies, forwarded_for, client_ip
):
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded_for}

    assert client_ip_with(trusted_proxies, meta) == client_ip
