"""HEAD (uptime monitors, `curl -I`) gets the GET's status and headers, no body,
from the application itself: gunicorn passes on whatever body it is given."""

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory


def served(method, path, data=None, **extra):
    """(status, headers, body) as a WSGI server such as gunicorn receives them."""
    environ = getattr(RequestFactory(), method.lower())(path, data, **extra).environ
    environ["wsgi.input"] = io.BytesIO(b"")
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=dict(headers))

    # As Django's test client does: the test's transaction keeps its connection, which
    # the handler would otherwise close at the start and end of the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = WSGIHandler()(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started["status"], started["headers"], body


@pytest.mark.django_db
def test_head_of_a_page_has_the_gets_headers_and_no_body():
    get_status, get_headers, get_body = served("GET", "/accounts/login/")
    status, headers, body = served("HEAD", "/accounts/login/")

    assert get_status == status == "200 OK"
    assert "Đăng nhập" in get_body.decode()
    assert body == b""
    assert headers["Content-Type"] == get_headers["Content-Type"]
    assert int(headers["Content-Length"]) > 1000  # the page's length, as for GET


@pytest.mark.django_db
def test_head_of_a_missing_page_is_a_404_without_body():
    status, _headers, body = served("HEAD", "/khong-co-trang-nay/")

    assert status.startswith("404") and body == b""


@pytest.mark.django_db
def test_head_of_a_streamed_download_sends_no_body(office_user):
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(office_user.pk)
    session[HASH_SESSION_KEY] = office_user.get_session_auth_hash()
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    cookie = {"HTTP_COOKIE": f"sessionid={session.session_key}"}

    export = {"export": "xlsx"}  # a list's Excel file, streamed from a temporary file
    get_status, _h, get_body = served("GET", "/xa/", export, **cookie)
    status, headers, body = served("HEAD", "/xa/", export, **cookie)

    assert get_status == status == "200 OK" and get_body.startswith(b"PK")
    assert body == b"" and "attachment" in headers["Content-Disposition"]
