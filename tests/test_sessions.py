"""Sessions end after 30 idle minutes and 12 hours after the login (core/sessions.py).

Time is moved by rewriting the timestamps the session holds, as if the user had
come back later.
"""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.sessions import LOGIN_AT, SEEN_AT

pytestmark = pytest.mark.django_db

MINUTE, HOUR = 60, 3600


@pytest.fixture
def office(db):
    client = Client()
    response = client.post(
        reverse("login"), {"username": "vanphong", "password": "vanphong-demo-2025"}
    )
    assert response.status_code == 302
    return client


def go_back(client, **ago):
    """Rewrite the session's timestamps to so many seconds ago."""
    session = client.session
    now = int(time.time())
    for key, seconds in ago.items():
        session[{"login": LOGIN_AT, "seen": SEEN_AT}[key]] = now - seconds
    session.save()


def session_row(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def assert_sent_to_login(response, client, message):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    page = client.get(response.url)
    assert message in page.content.decode()
    assert client.get(reverse("reports:dashboard")).status_code == 302


def test_a_login_starts_a_session_of_thirty_idle_minutes(office):
    expires_in = session_row(office).expire_date - timezone.now()

    assert timedelta(minutes=29) < expires_in <= timedelta(minutes=30)
    assert office.session[LOGIN_AT] == office.session[SEEN_AT]
    assert office.get(reverse("reports:dashboard")).status_code == 200


def test_a_session_idle_past_the_timeout_ends_on_the_login_page(office):
    go_back(office, login=31 * MINUTE, seen=31 * MINUTE)

    response = office.get(reverse("reports:dashboard"))

    assert_sent_to_login(response, office, "không hoạt động trong 30 phút")
    assert response.url == f"{reverse('login')}?next=/"


def test_a_session_past_its_expiry_date_is_gone(office):
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = office.get(reverse("reports:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_activity_keeps_the_session_and_moves_its_expiry(office):
    go_back(office, login=2 * HOUR, seen=29 * MINUTE)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))

    response = office.get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert int(time.time()) - office.session[SEEN_AT] < MINUTE
    assert session_row(office).expire_date - timezone.now() > timedelta(minutes=29)


def test_requests_within_a_minute_do_not_write_the_session(office):
    go_back(office, seen=10)
    seen, expiry = office.session[SEEN_AT], session_row(office).expire_date

    assert office.get(reverse("reports:dashboard")).status_code == 200

    assert office.session[SEEN_AT] == seen
    assert session_row(office).expire_date == expiry


def test_the_absolute_lifetime_ends_even_an_active_session(office):
    go_back(office, login=12 * HOUR + 1, seen=0)

    response = office.get(reverse("assignments:visit_list"))

    assert_sent_to_login(response, office, "sau 12 giờ kể từ khi đăng nhập")


def test_a_form_posted_after_the_end_goes_to_the_login_page_without_next(office):
    go_back(office, login=13 * HOUR)

    response = office.post(reverse("set_language"), {"language": "vi", "next": "/"})

    assert response.status_code == 302
    assert response.url == reverse("login")


def test_a_new_login_restarts_the_lifetime(office):
    go_back(office, login=11 * HOUR)

    office.post(reverse("login"), {"username": "vanphong", "password": "vanphong-demo-2025"})

    assert int(time.time()) - office.session[LOGIN_AT] < MINUTE


def test_a_user_set_inactive_loses_the_session_at_the_next_request(office, office_user):
    assert office.get(reverse("reports:dashboard")).status_code == 200
    office_user.is_active = False
    office_user.save(update_fields=["is_active"])

    response = office.get(reverse("reports:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    office_user.is_active = True
    office_user.save(update_fields=["is_active"])
    # Set active again, the user still has to log in again.
    assert office.get(reverse("reports:dashboard")).status_code == 302


def test_the_session_limits_come_from_the_settings(office, settings):
    settings.NTM_SESSION_MAX_HOURS = 2
    go_back(office, login=2 * HOUR + 1)

    response = office.get(reverse("reports:dashboard"))

    assert_sent_to_login(response, office, "sau 2 giờ kể từ khi đăng nhập")


def test_the_message_is_translated_to_english(office):
    office.cookies["django_language"] = "en"
    go_back(office, login=13 * HOUR)

    response = office.get(reverse("reports:dashboard"))

    assert_sent_to_login(response, office, "Your session ended 12 hours after you signed in.")
