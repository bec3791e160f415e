"""The installable app on a phone (issue 17): the worker controls the pages, "Việc của
tôi" and a visit form never opened still open offline, other pages and other users'
pages never come from the phone's copies, logging out warns and clears the phone."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assignments import access
from assignments.models import Assignment, FieldVisit
from tests.support.browser import log_in, password_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# The member's pages kept in the worker's cache for this user (templates/app_shell/sw.js).
PAGES_KEPT = """async ([user, url]) => {
  const names = await caches.keys();
  const name = names.find((n) => n.startsWith("ntm-pages-") && n.endsWith("-" + user));
  if (!name) return false;
  const cache = await caches.open(name);
  return Boolean(await cache.match(new URL(url, location.href).href));
}"""

OUR_CACHES = """async () => (await caches.keys()).filter((n) => n.startsWith("ntm-"))"""

QUEUE_DATABASE = """async () => (await indexedDB.databases()).some((d) => d.name === "ntm-queue")"""

# Nothing left to send in the queue's database (static/js/queue.js, store "items").
QUEUE_EMPTY = """() => new Promise((resolve) => {
  const request = indexedDB.open("ntm-queue");
  request.onsuccess = () => {
    const db = request.result;
    const all = db.transaction("items", "readonly").objectStore("items").getAll();
    all.onsuccess = () => {
      db.close();
      resolve(all.result.length > 0 && all.result.every((item) => item.state === "sent"));
    };
  };
})"""

MAKE_QUEUE_DATABASE = """() => new Promise((resolve) => {
  const request = indexedDB.open("ntm-queue-test-probe");
  request.onsuccess = () => { request.result.close(); resolve(); };
}).then(() => new Promise((resolve, reject) => {
  const request = indexedDB.open("ntm-queue");
  request.onupgradeneeded = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains("probe")) db.createObjectStore("probe");
  };
  request.onsuccess = () => { request.result.close(); resolve(); };
  request.onerror = () => reject(request.error);
}))"""


def wait_until(page, script, arg=None, tries=300):
    """Until the (async) script answers true: page.wait_for_function takes the promise
    an async function returns for a true answer and would not wait."""
    for _ in range(tries):
        if page.evaluate(script, arg):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"Still false after {tries} tries: {script}")


def _user(username):
    return get_user_model().objects.get(username=username)


def _never_opened_form(user):
    """The visit form of one of the member's assignments (the page never opened)."""
    assignment = next(
        a
        for a in Assignment.objects.filter(pk__in=access.member_assignment_ids(user))
        if access.may_record_visit_for(user, a)
    )
    return reverse("assignments:visit_create", args=[assignment.pk])


def _controlled_and_prepared(page, user, form_url):
    page.goto(reverse("assignments:my_work"))
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("() => Boolean(navigator.serviceWorker.controller)")
    wait_until(page, PAGES_KEPT, [str(user.pk), form_url])
    wait_until(page, PAGES_KEPT, [str(user.pk), "/cua-toi/"])


def test_member_pages_open_offline_and_nothing_else_does(phone_page):
    page = phone_page
    member = _user("thanhvien_a")
    form_url = _never_opened_form(member)
    log_in(page, "thanhvien_a", password_of("thanhvien_a"))
    # Installable: a manifest and a worker that controls the page after a reload.
    manifest = page.evaluate(
        "() => fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())"
    )
    assert manifest["start_url"] == "/cua-toi/" and manifest["display"] == "standalone"
    _controlled_and_prepared(page, member, form_url)
    # Chromium's own check of the install prompt's criteria (manifest, icons, worker);
    # Playwright's contexts are incognito ones, which Chromium never offers to install.
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    cdp.detach()
    # The worker has the send queue (static/js/queue.js, importScripts).
    worker = page.context.service_workers[0]
    assert worker.evaluate("typeof self.NTMQueue.sendAll") == "function"

    page.context.set_offline(True)
    try:
        page.goto(reverse("assignments:my_work"))
        assert page.get_by_role("heading", name="Việc của tôi").first.is_visible()
        banner = page.locator("#ntm-offline")
        assert banner.is_visible()
        assert banner.inner_text().startswith("Đang ngoại tuyến – trang lưu lúc ")

        # A visit form never opened: kept by the worker when the member signed in.
        page.goto(form_url)
        assert page.locator("#id_purpose").is_visible()

        # Any other page: the offline page, with the way back to "Việc của tôi".
        page.goto(reverse("assignments:assignment_list"))
        assert page.get_by_role("heading", name="Đang ngoại tuyến").is_visible()
        assert page.get_by_role("link", name="Mở Việc của tôi").is_visible()
        page.goto("/admin/")
        assert page.get_by_role("heading", name="Đang ngoại tuyến").is_visible()
    finally:
        page.context.set_offline(False)


def test_logout_clears_the_phone_and_the_next_user_gets_none_of_it(phone_page):
    page = phone_page
    member = _user("thanhvien_a")
    log_in(page, "thanhvien_a", password_of("thanhvien_a"))
    _controlled_and_prepared(page, member, _never_opened_form(member))
    page.evaluate(MAKE_QUEUE_DATABASE)
    assert page.evaluate(QUEUE_DATABASE)

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/accounts/login/?da-dang-xuat=1")
    page.wait_for_selector("body[data-ntm-cleared]")
    assert page.evaluate(OUR_CACHES) == []
    assert not page.evaluate(QUEUE_DATABASE)

    # The office signs in on the same phone: its pages are never kept, and the
    # member's pages are gone.
    log_in(page, "vanphong", password_of("vanphong"))
    page.goto(reverse("assignments:my_work"))
    office_name = page.locator(".header-tools .user").inner_text()
    page.goto("/admin/")
    page.goto(reverse("assignments:assignment_list"))
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.context.set_offline(True)
    try:
        for url in ("/admin/", reverse("assignments:assignment_list")):
            page.goto(url)
            assert page.get_by_role("heading", name="Đang ngoại tuyến").is_visible(), url
        # "Việc của tôi" offline is the office's own, never the member's copy.
        page.goto(reverse("assignments:my_work"))
        assert page.locator(".header-tools .user").inner_text() == office_name
        page.goto(_never_opened_form(member))
        assert page.get_by_role("heading", name="Đang ngoại tuyến").is_visible()
    finally:
        page.context.set_offline(False)


def test_an_expired_session_keeps_the_queue(phone_page):
    page = phone_page
    log_in(page, "thanhvien_a", password_of("thanhvien_a"))
    page.goto(reverse("assignments:my_work"))
    page.evaluate(MAKE_QUEUE_DATABASE)
    page.context.clear_cookies()  # the session ends without a logout
    page.goto(reverse("assignments:my_work"))
    page.wait_for_url(lambda url: "/accounts/login/" in url and "next=" in url)
    page.wait_for_load_state("load")
    assert page.evaluate(QUEUE_DATABASE)


def test_logout_with_unsent_visits_asks_first(phone_page):
    page = phone_page
    log_in(page, "thanhvien_a", password_of("thanhvien_a"))
    page.goto(reverse("assignments:my_work"))
    page.wait_for_load_state("load")
    # Two visits waiting in the queue (the count is the queue's, static/js/queue.js).
    page.evaluate(
        "() => { window.NTMQueue = window.NTMQueue || {};"
        " window.NTMQueue.count = () => Promise.resolve(2); }"
    )
    page.get_by_role("button", name="Đăng xuất").click()
    dialog = page.get_by_role("dialog", name="Còn chuyến chưa gửi")
    assert dialog.is_visible()
    assert "Còn 2 chuyến chưa gửi." in dialog.inner_text()
    dialog.get_by_role("button", name="Ở lại để gửi").click()
    assert not dialog.is_visible()
    assert page.url.endswith(reverse("assignments:my_work"))

    page.get_by_role("button", name="Đăng xuất").click()
    dialog.get_by_role("button", name="Vẫn đăng xuất").click()
    page.wait_for_url("**/accounts/login/?da-dang-xuat=1")


def test_the_worker_sends_the_queue_by_itself(phone_page):
    """{type: "ntm-sync"} (and Background Sync "ntm-send") reach NTMQueue.sendAll in the
    worker: the visit saved offline arrives from a page that runs no script of ours."""
    page = phone_page
    member = _user("thanhvien_a")
    form_url = _never_opened_form(member)
    assignment = Assignment.objects.get(pk=int(form_url.strip("/").split("/")[1]))
    taken = set(assignment.visits.values_list("visited_on", flat=True))
    day = datetime.date.today() - datetime.timedelta(days=11)
    while day in taken:
        day -= datetime.timedelta(days=1)
    purpose = "Gửi từ service worker khi có sóng trở lại"
    log_in(page, "thanhvien_a", password_of("thanhvien_a"))
    _controlled_and_prepared(page, member, form_url)

    page.context.set_offline(True)
    page.goto(form_url)
    page.fill("#id_visited_on", day.isoformat())
    page.fill("#id_purpose", purpose)
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.get_by_text("Đã lưu trên máy").first.wait_for()
    assert not FieldVisit.objects.filter(purpose=purpose).exists()

    # The offline page loads no script: only the worker can send from here.
    page.goto("/ngoai-tuyen/")
    page.context.set_offline(False)
    page.evaluate("() => navigator.serviceWorker.controller.postMessage({type: 'ntm-sync'})")
    wait_until(page, QUEUE_EMPTY)
    assert FieldVisit.objects.filter(purpose=purpose).count() == 1
