"""Security headers, cookie flags, CSRF, and pages that only read.

The production values come from the settings module itself, loaded in a fresh
interpreter with DJANGO_ENV=production (tests/test_settings.py checks that it
starts), so these tests follow any change to it. The pages are those of the
permission matrix (tests/support/permission_matrix.py).
"""

import hashlib
import json
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse

from assignments.models import FieldVisit
from tests.support import permission_matrix as matrix
from tests.support.interpreter import production_env, run_python

pytestmark = pytest.mark.django_db


@pytest.fixture
def o(member_a_user):
    """The permission matrix's objects (a draft, a submitted visit, an attachment…)."""
    return matrix.objects(member_a_user)


PRODUCTION_NAMES = [
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "ALLOWED_HOSTS",
]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The production values of the security settings, as DJANGO_ENV=production sets them."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {PRODUCTION_NAMES!r}}}))"
    )
    result = run_python(code, production_env(tmp_path_factory.mktemp("static")))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    values["ALLOWED_HOSTS"] = [*values["ALLOWED_HOSTS"], "testserver"]
    return values


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_a_page_sends_the_security_headers(office_client):
    response = office_client.get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert csp_directives(response) == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_redirects_to_https_and_sends_hsts(production):
    with override_settings(**production):
        plain = Client().get(reverse("login"))
        behind_proxy = Client().get(reverse("login"), headers={"x-forwarded-proto": "https"})

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/login/"
    assert behind_proxy.status_code == 200
    hsts = behind_proxy["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains; preload"


def test_production_cookies_are_secure_http_only_and_same_site(production):
    client = Client(headers={"x-forwarded-proto": "https"})
    with override_settings(**production):
        login_page = client.get(reverse("login"))
        logged_in = client.post(
            reverse("login"), {"username": "vanphong", "password": "vanphong-demo-2025"}
        )

    assert logged_in.status_code == 302
    cookies = [login_page.cookies["csrftoken"], logged_in.cookies["sessionid"]]
    for cookie in cookies:
        assert cookie["secure"] is True, cookie.key
        assert cookie["httponly"] is True, cookie.key
        assert cookie["samesite"] == "Lax", cookie.key
    assert Session.objects.filter(session_key=cookies[1].value).exists()


def test_a_login_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("login"), {"username": "vanphong", "password": "vanphong-demo-2025"}
    )

    assert response.status_code == 403
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


def test_a_form_posted_without_csrf_token_changes_nothing(o, office_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user)

    response = client.post(
        reverse("assignments:visit_return", args=[o.submitted_a.pk]),
        {"comment": "Đề nghị bổ sung biên bản."},
    )

    assert response.status_code == 403
    assert FieldVisit.objects.get(pk=o.submitted_a.pk).status == "submitted"


def office_get_urls(o):
    """Every URL of the app the office can GET, and each admin changelist and change form."""
    urls = [matrix.url_for(row, o) for row in matrix.ROWS if row[1] == "get"]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        first = model._base_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
    return urls


def data_fingerprint():
    """Row counts and a checksum of every table but the sessions."""
    counts, digest = {}, hashlib.sha256()
    for model in apps.get_models():
        if model is Session:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        counts[model._meta.label] = rows.count()
        for row in rows.iterator():
            digest.update(repr(row).encode())
    return counts, digest.hexdigest()


class InlineCode(HTMLParser):
    """Collects what a `script-src 'self'; style-src 'self'` policy would block."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {name}=" for name in names if name == "style" or name[:2] == "on"]


def inline_code(response):
    if not response["Content-Type"].startswith("text/html"):
        return []
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


def test_office_pages_change_no_data_and_hold_no_inline_code(o, office_client):
    # One walk for both checks: ~90 pages, exports and admin screens included.
    urls = office_get_urls(o)
    before = data_fingerprint()

    responses = {url: office_client.get(url) for url in urls}

    assert data_fingerprint() == before
    statuses = {url: response.status_code for url, response in responses.items()}
    assert len(urls) > 60
    assert not [url for url, status in statuses.items() if status >= 500]
    assert statuses[reverse("admin:assignments_fieldvisit_changelist")] == 200
    found = {url: inline_code(response) for url, response in responses.items()}
    assert sum(status == 200 for status in statuses.values()) > 50
    assert {url: code for url, code in found.items() if code} == {}
