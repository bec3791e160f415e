"""The installable app and item 9 of issue 17: the offline state the phone reads, the
service worker, the manifest and icons, logging out clears the phone, hashed static
names cached for good, compressed pages."""

import gzip
import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.http import FileResponse, HttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from assignments import access
from assignments.models import Assignment, FieldVisit
from core.compression import TextGZipMiddleware

STATE_URL = "/cua-toi/ngoai-tuyen/"
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


# --- GET /cua-toi/ngoai-tuyen/ -------------------------------------------------------


@pytest.mark.django_db
def test_offline_state_names_the_user_and_only_their_assignments(member_a_client, member_a_user):
    response = member_a_client.get(STATE_URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    state = response.json()
    assert state["user"] == member_a_user.pk
    assert state["csrf"]
    ids = {entry["id"] for entry in state["assignments"]}
    own = {
        a.pk
        for a in Assignment.objects.filter(pk__in=access.member_assignment_ids(member_a_user))
        if access.may_record_visit_for(member_a_user, a)
    }
    assert ids == own and ids
    assert state["pages"][0] == reverse("assignments:my_work")
    assert sorted(state["pages"][1:]) == sorted(
        reverse("assignments:visit_create", args=[pk]) for pk in own
    )
    for entry in state["assignments"]:
        assert entry["create_url"] == reverse("assignments:visit_create", args=[entry["id"]])
        assert entry["commune"] == Assignment.objects.get(pk=entry["id"]).commune.name


@pytest.mark.django_db
def test_offline_state_other_member_sees_none_of_group_a(member_a_client, member_b_client):
    pages_a = set(member_a_client.get(STATE_URL).json()["pages"][1:])
    pages_b = set(member_b_client.get(STATE_URL).json()["pages"][1:])
    assert pages_a and pages_b and not pages_a & pages_b


@pytest.mark.django_db
def test_offline_state_lists_the_days_with_a_visit_not_deleted(member_a_client, member_a_user):
    state = member_a_client.get(STATE_URL).json()
    entry = state["assignments"][0]
    visits = FieldVisit.objects.filter(assignment_id=entry["id"])
    expected = sorted({v.visited_on.isoformat() for v in visits.exclude(status="deleted")})
    assert entry["visit_days"] == expected
    if visits.exists():
        # A deleted draft is no visit of that day (when it is the day's only one).
        visit = visits.order_by("visited_on").first()
        visits.filter(visited_on=visit.visited_on).update(status="deleted")
        again = member_a_client.get(STATE_URL).json()["assignments"][0]
        assert visit.visited_on.isoformat() not in again["visit_days"]


@pytest.mark.django_db
def test_offline_state_for_a_member_without_group_lists_only_my_work(reader_client):
    state = reader_client.get(STATE_URL).json()
    assert state["pages"] == [reverse("assignments:my_work")]
    assert state["assignments"] == []


@pytest.mark.django_db
def test_offline_state_without_session_answers_the_queue_in_json(anonymous_client):
    response = anonymous_client.get(STATE_URL, headers={"X-NTM-Queue": "1"})
    assert response.status_code == 401
    assert response.json() == {"login_url": "/accounts/login/?next=%2Fcua-toi%2Fngoai-tuyen%2F"}
    # A browser (no marker) is sent to the login page as before.
    assert anonymous_client.get(STATE_URL).status_code == 302


# --- the service worker, the manifest, the offline page -----------------------------------


@pytest.mark.django_db
def test_service_worker_is_served_from_the_root_and_names_the_queue(anonymous_client):
    response = anonymous_client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'importScripts("/static/js/queue.js")' in body
    assert '"/ngoai-tuyen/"' in body
    # Member pages only: "Việc của tôi", the visit form and page, never the admin.
    assert "cua-toi" in body and "/admin/" not in body
    version = re.search(r'var VERSION = "([0-9a-f]{12})";', body)
    assert version


@pytest.mark.django_db
def test_manifest_is_valid_json_with_its_icons(anonymous_client):
    response = anonymous_client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "NTM Portal – Lào Cai"
    assert manifest["short_name"] == "NTM"
    assert manifest["start_url"] == "/cua-toi/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "vi"
    assert manifest["theme_color"] == "#1b6e3c"
    assert "--green: #1b6e3c" in (STATIC_DIR / "css" / "portal.css").read_text()
    purposes = set()
    for icon in manifest["icons"]:
        path = STATIC_DIR / icon["src"].removeprefix("/static/")
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
        purposes.add((icon["sizes"], icon.get("purpose", "any")))
    assert purposes == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }


@pytest.mark.django_db
def test_pages_link_the_manifest_and_register_the_worker(member_a_client, member_a_user):
    html = member_a_client.get("/cua-toi/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#1b6e3c">' in html
    assert f'data-ntm-user="{member_a_user.pk}"' in html
    assert "Ở lại để gửi" in html and "Vẫn đăng xuất" in html


@pytest.mark.django_db
def test_pages_say_whose_they_are_for_the_worker(member_a_client, member_a_user, anonymous_client):
    assert member_a_client.get("/cua-toi/")["X-NTM-User"] == str(member_a_user.pk)
    assert "X-NTM-User" not in anonymous_client.get("/accounts/login/")


@pytest.mark.django_db
def test_offline_page_carries_no_user(member_a_client, member_a_user):
    response = member_a_client.get("/ngoai-tuyen/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đang ngoại tuyến" in html and 'href="/cua-toi/"' in html
    assert "csrfmiddlewaretoken" not in html and member_a_user.username not in html


@pytest.mark.django_db
def test_csp_allows_our_own_worker_and_manifest(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


# --- logging out -------------------------------------------------------------------


@pytest.mark.django_db
def test_logout_clears_the_site_data_and_says_so_to_the_login_page(member_a_client):
    response = member_a_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert response["Location"] == "/accounts/login/?da-dang-xuat=1"


@pytest.mark.django_db
def test_an_expired_session_reaches_the_login_page_without_the_flag(anonymous_client):
    response = anonymous_client.get("/cua-toi/")
    assert response.status_code == 302
    assert "da-dang-xuat" not in response["Location"]
    assert "Clear-Site-Data" not in response


# --- compressed pages --------------------------------------------------------------


@pytest.mark.django_db
def test_pages_are_gzipped_with_the_breach_mitigation(member_a_client):
    response = member_a_client.get("/cua-toi/", headers={"Accept-Encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    # Heal The Breach: the gzip header carries a file name of random length (FNAME flag).
    assert response.content[3] & gzip.FNAME
    html = gzip.decompress(response.content).decode()
    assert "Việc của tôi" in html
    plain = member_a_client.get("/cua-toi/")
    assert "Content-Encoding" not in plain


def test_photos_and_files_are_not_gzipped_again(rf):
    """Attachments and exports (JPEG, PDF, XLSX) stream as they are: length and ranges kept."""
    middleware = TextGZipMiddleware(lambda request: None)
    request = rf.get("/tep/1/", headers={"Accept-Encoding": "gzip"})
    photo = FileResponse(io.BytesIO(b"\xff\xd8" + b"x" * 5000), content_type="image/jpeg")
    assert "Content-Encoding" not in middleware.process_response(request, photo)
    page = HttpResponse("<p>" + "Việc của tôi " * 100 + "</p>")
    assert middleware.process_response(request, page)["Content-Encoding"] == "gzip"


# --- hashed static names, cached for good -------------------------------------------


def manifest_storage(root):
    """The settings' own storage (tests/conftest.py gives the others plain names)."""
    from ntm_portal import settings as project_settings

    storages = project_settings.STORAGES
    assert storages["staticfiles"]["BACKEND"] == "core.staticfiles.ManifestStaticFilesStorage"
    return override_settings(STATIC_ROOT=root, STORAGES=storages)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    with manifest_storage(root):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.mark.django_db
def test_pages_name_hashed_static_files_cached_for_good(collected, member_a_user):
    with manifest_storage(collected):
        client = Client()
        client.force_login(member_a_user)
        html = client.get("/cua-toi/").content.decode()
        css = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', html)
        assert css, html[:800]
        assert re.search(r'src="/static/js/app\.[0-9a-f]{12}\.js"', html)
        response = client.get(css.group(1))
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        # The worker names the hashed files it keeps, the queue's among them.
        worker = client.get("/sw.js").content.decode()
        assert re.search(r'importScripts\("/static/js/queue\.[0-9a-f]{12}\.js"\)', worker)
        assert css.group(1) in worker
        # A name without hash: a short max-age only.
        plain = client.get("/static/css/portal.css")
        assert "immutable" not in plain["Cache-Control"]


def test_without_collectstatic_names_stay_plain_outside_production(settings, tmp_path):
    """runserver from a checkout, no manifest: the plain name, served from static/."""
    with manifest_storage(tmp_path):
        from django.templatetags.static import static

        assert static("css/portal.css") == "/static/css/portal.css"
        settings.PRODUCTION = True
        with pytest.raises(ValueError):
            static("css/portal.css")


# --- the worker's background requests ----------------------------------------------


@pytest.mark.django_db
def test_the_workers_background_fetch_leaves_messages_and_session_alone(member_a_client, rf):
    """A message waiting for the member's next page is not eaten by the worker keeping
    "Việc của tôi" offline, nor what the page takes from the session once."""
    session = member_a_client.session
    session["visit_form_saved_drafts"] = ["token-1"]
    session.save()
    waiting = Message(constants.SUCCESS, "Đã lưu chuyến công tác thử.")
    member_a_client.cookies["messages"] = CookieStorage(rf.get("/"))._encode([waiting])

    background = member_a_client.get("/cua-toi/", headers={"X-NTM-Prefetch": "1"})
    assert background.status_code == 200
    assert member_a_client.session.get("visit_form_saved_drafts") == ["token-1"]

    # The member's own visit shows and takes them, once.
    html = member_a_client.get("/cua-toi/").content.decode()
    assert "Đã lưu chuyến công tác thử." in html
    assert 'data-saved-drafts="token-1"' in html
    assert member_a_client.session.get("visit_form_saved_drafts") is None
    assert "Đã lưu chuyến công tác thử." not in member_a_client.get("/cua-toi/").content.decode()
