"""Error pages: friendly Vietnamese pages, no traceback; the 500 page shows the
request id, renders with the database down, and the log has the rest."""

import io
import logging
import re

import pytest
from django.contrib.auth.decorators import login_required
from django.db import OperationalError, connection
from django.test import Client
from django.urls import path, reverse

from core.request_id import RequestIdFilter
from ntm_portal import urls as project_urls
from tests.support.visit_form import group_a

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SECRET_DETAIL = "chi tiết nội bộ không được lộ ra"


@login_required
def boom(request):
    raise RuntimeError(SECRET_DETAIL)


# This module is the URLconf of its tests: the project's, plus a page that fails.
urlpatterns = [path("boom/", boom), *project_urls.urlpatterns]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler500 = project_urls.handler500

PYTHON_TEXT = ("Traceback", "RuntimeError", "OperationalError", "PermissionDenied", 'File "')


def assert_friendly(response, status, *texts):
    page = response.content.decode()
    assert response.status_code == status
    for text in texts:
        assert text in page
    for text in (*PYTHON_TEXT, SECRET_DETAIL):
        assert text not in page
    assert 'href="/"' in page  # a way home


def failing(client):
    client.raise_request_exception = False
    return client


@pytest.fixture
def log_output():
    """What the project's console handler writes (the one with the request id filter)."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_settings_do_not_show_debug_pages(settings):
    assert settings.DEBUG is False


def test_404_is_friendly(office_client):
    response = office_client.get("/khong-co-trang-nay/")

    assert_friendly(response, 404, "Không tìm thấy trang", "Về trang chủ")


def test_403_is_friendly(member_a_client):
    response = member_a_client.get(reverse("reports:import_index"))

    assert_friendly(response, 403, "Bạn không có quyền thực hiện việc này")


def test_a_bad_host_gets_the_400_page(anonymous_client):
    response = anonymous_client.get("/", HTTP_HOST="ke-gian.example")

    assert_friendly(response, 400, "Yêu cầu không hợp lệ")
    assert "ke-gian" not in response.content.decode()


def test_a_stale_form_gets_the_csrf_page(office_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user)

    response = client.post(reverse("logout"))

    assert_friendly(
        response,
        403,
        "Phiên làm việc đã hết hạn hoặc trang đã mở quá lâu; hãy tải lại trang và thử lại.",
    )
    assert "CSRF" not in response.content.decode()


def test_a_queued_visit_with_a_stale_token_gets_json_not_a_page(member_a_user):
    # The phone's send queue reads JSON; a stale token leaves the item waiting for the
    # next round, which fetches a fresh token (static/js/queue.js).
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_a_user)
    url = reverse("assignments:visit_create", args=[group_a(member_a_user).pk])

    response = client.post(url, {"purpose": "x"}, HTTP_X_NTM_QUEUE="1", HTTP_X_CSRFTOKEN="cu")

    assert response.status_code == 403
    assert response.json() == {"csrf_refused": True}
    assert "message" not in response.json()  # not a refusal the member must read


def test_500_shows_the_request_id_and_no_detail(office_client):
    response = failing(office_client).get("/boom/")

    assert_friendly(response, 500, "Đã có lỗi xảy ra", "Văn phòng điều phối NTM")
    code = re.search(r"Mã lỗi: <code>([0-9a-f]{32})</code>", response.content.decode())
    assert code and code.group(1) == response["X-Request-ID"]


def test_500_is_logged_with_request_id_user_path_and_traceback(
    office_client, office_user, log_output
):
    response = failing(office_client).get("/boom/", HTTP_X_REQUEST_ID="proxy-id-4242")

    assert response["X-Request-ID"] == "proxy-id-4242"
    assert "proxy-id-4242" in response.content.decode()
    logged = log_output.getvalue()
    assert f"ERROR [proxy-id-4242 user={office_user.pk}] django.request: " in logged
    assert "Internal Server Error: /boom/" in logged
    assert "Traceback" in logged and SECRET_DETAIL in logged


def refuse(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


def test_500_renders_while_the_database_is_down(office_client, log_output):
    with connection.execute_wrapper(refuse):
        response = failing(office_client).get(reverse("reports:dashboard"))

    assert_friendly(response, 500, "Đã có lỗi xảy ra", "Mã lỗi:")
    assert response["X-Request-ID"] in response.content.decode()
    assert "OperationalError: connection to server" in log_output.getvalue()


def test_500_is_in_english_for_an_english_reader(office_client):
    office_client.cookies["django_language"] = "en"

    response = failing(office_client).get("/boom/")

    assert_friendly(response, 500, "Something went wrong", "Error code:")


@pytest.mark.parametrize("given", ["", "short", "a b c d e f g h", "<script>x</script>", "x" * 65])
def test_a_request_id_that_is_not_a_sane_token_is_replaced(anonymous_client, given):
    response = anonymous_client.get(reverse("login"), HTTP_X_REQUEST_ID=given)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_each_request_gets_its_own_id(anonymous_client):
    first = anonymous_client.get(reverse("login"))["X-Request-ID"]
    second = anonymous_client.get(reverse("login"))["X-Request-ID"]

    assert first != second
