"""Login throttling across addresses: a guesser who changes address is stopped by a
per-username limit with a short cool-off, and X-Forwarded-For is read only on a
connection from the configured proxies (a forged header cannot pick the address the
lockout counts)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.lockouts import client_ip

pytestmark = pytest.mark.django_db

PROXY, DIRECT = "127.0.0.1", "198.51.100.9"


def password(username):
    return f"{username}-demo-2025"


def log_in(username, secret, ip, **headers):
    client = Client(REMOTE_ADDR=ip, **headers)
    response = client.post(reverse("login"), {"username": username, "password": secret})
    return response, client.session.get("_auth_user_id")


def guess_from_many_addresses(username, count):
    for attempt in range(count):
        _response, user_id = log_in(username, f"doan-{attempt}", f"203.0.113.{attempt + 1}")
        assert user_id is None


def test_the_username_wide_limit_and_cool_off_are_the_documented_defaults():
    assert settings.NTM_LOGIN_USERNAME_FAILURE_LIMIT == 20
    assert settings.NTM_LOGIN_USERNAME_COOLOFF_MINUTES == 10
    assert settings.NTM_PROXY_ADDRESSES == ["127.0.0.1", "::1"]


def test_a_guesser_changing_address_is_stopped_on_every_computer(member_a_user):
    guess_from_many_addresses("thanhvien_a", settings.NTM_LOGIN_USERNAME_FAILURE_LIMIT)

    # Even the right password, from a computer that never failed.
    response, user_id = log_in("thanhvien_a", password("thanhvien_a"), "192.0.2.50")

    page = response.content.decode()
    assert response.status_code == 429 and user_id is None
    assert "Tài khoản tạm bị khoá trên mọi máy" in page
    assert "đã bị nhập sai 20 lần trong 10 phút, từ nhiều máy khác nhau" in page


def test_fewer_failures_across_addresses_do_not_lock(member_a_user):
    guess_from_many_addresses("thanhvien_a", settings.NTM_LOGIN_USERNAME_FAILURE_LIMIT - 1)

    response, user_id = log_in("thanhvien_a", password("thanhvien_a"), "192.0.2.50")

    assert response.status_code == 302 and user_id == str(member_a_user.pk)


def test_other_accounts_still_log_in(reader_user):
    guess_from_many_addresses("thanhvien_a", settings.NTM_LOGIN_USERNAME_FAILURE_LIMIT)

    _response, user_id = log_in("nguoixem", password("nguoixem"), "203.0.113.1")

    assert user_id == str(reader_user.pk)


def test_the_username_wide_lock_ends_after_its_short_cool_off(member_a_user):
    guess_from_many_addresses("thanhvien_a", settings.NTM_LOGIN_USERNAME_FAILURE_LIMIT)
    cool_off = datetime.timedelta(minutes=settings.NTM_LOGIN_USERNAME_COOLOFF_MINUTES)
    # Ten minutes without failures: the attempts are moved back rather than waited for.
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - datetime.timedelta(1))

    _response, user_id = log_in("thanhvien_a", password("thanhvien_a"), "192.0.2.50")

    assert user_id == str(member_a_user.pk)


def test_the_office_sees_the_lock_on_every_computer_and_lifts_it(office_client, member_a_user):
    guess_from_many_addresses("thanhvien_a", settings.NTM_LOGIN_USERNAME_FAILURE_LIMIT)

    page = office_client.get(reverse("lockouts")).content.decode()
    assert "thanhvien_a" in page and "mọi máy" in page and 'name="everywhere"' in page

    response = office_client.post(
        reverse("unlock"), {"username": "thanhvien_a", "everywhere": "1"}, follow=True
    )

    assert "Đã mở khoá tài khoản “thanhvien_a” trên mọi máy." in response.content.decode()
    assert not AccessAttempt.objects.filter(username="thanhvien_a").exists()
    _response, user_id = log_in("thanhvien_a", password("thanhvien_a"), "192.0.2.50")
    assert user_id == str(member_a_user.pk)


def address(meta):
    return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("remote", "forwarded_for", "expected"),
    [
        # From nginx on the same machine: the address nginx appended.
        (PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        # gunicorn reached directly: the header is the client's own words.
        (DIRECT, "203.0.113.7", DIRECT),
        (DIRECT, "6.6.6.6, 203.0.113.7", DIRECT),
        # From the proxy, but the header is not an address.
        (PROXY, "nonsense", PROXY),
    ],
)
def test_x_forwarded_for_is_read_only_on_a_proxys_connection(
    settings, remote, forwarded_for, expected
):
    settings.NTM_TRUSTED_PROXIES = 1
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded_for}

    assert address(meta) == expected


def test_a_proxy_network_can_be_named(settings):
    settings.NTM_TRUSTED_PROXIES = 1
    settings.NTM_PROXY_ADDRESSES = ["10.0.0.0/24"]
    meta = {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}

    assert address(meta) == "203.0.113.7"


def test_forged_headers_on_a_direct_connection_do_not_turn_the_lockout_off(settings, member_a_user):
    settings.NTM_TRUSTED_PROXIES = 1
    # A different forged address on every try, straight to gunicorn.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in("thanhvien_a", f"doan-{attempt}", DIRECT, HTTP_X_FORWARDED_FOR=f"6.6.6.{attempt}")

    response, user_id = log_in(
        "thanhvien_a", password("thanhvien_a"), DIRECT, HTTP_X_FORWARDED_FOR="6.6.6.99"
    )

    assert response.status_code == 429 and user_id is None
    assert "Tài khoản tạm bị khoá trên máy này" in response.content.decode()
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {DIRECT}
