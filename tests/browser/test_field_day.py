"""Issue 17's "Done when" in a real browser on a 390×844 phone: a member records three
visits with camera photos while the network goes off and on between and during them,
tapping nothing but "Lưu"; the office receives each exactly once, with every photo,
shrunk. And the conflict case end to end: the office changes a draft the member is
editing offline; the phone keeps its copy, shows what differs, and the member's text
ends in the current version."""

import re

import pytest
from django.urls import reverse

from assignments.models import FieldVisit
from sampledata.lifecycle import GROUP_A_COMMUNE, demo_assignment
from tests.browser.test_offline_queue import (
    KEPT_OFFLINE,
    VISIT_PAGE,
    camera_photo,
    fill_visit,
    free_day,
    phone,
    pick_photos,
    record,
    shot,
    stored_sizes,
    wait_until,
)
from tests.support.browser import log_in, no_horizontal_scroll, password_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SAVE = "Lưu bản nháp"
SAVED_OFFLINE = "Đã lưu trên máy. Chuyến này sẽ tự gửi khi có sóng."

# The phone's queued items (static/js/queue.js), as plain data.
QUEUED = """() => NTMQueue.list().then((items) => items.map((it) => ({
  id: it.id, state: it.state, visitedOn: it.visitedOn,
  files: it.files.map((f) => ({clientId: f.clientId, sent: f.sent})),
})))"""

# The worker controls the page (its network-first copies serve the forms offline).
CONTROLLED = "() => navigator.serviceWorker.ready.then(() => true)"


@pytest.fixture
def assignment():
    return demo_assignment(GROUP_A_COMMUNE)


def queued(page):
    return {item["visitedOn"]: item for item in page.evaluate(QUEUED)}


def client_id_of(route):
    body = route.request.post_data_buffer or b""
    match = re.search(rb'name="client_id"\r\n\r\n([A-Za-z0-9-]+)', body)
    return match.group(1).decode() if match else ""


def test_a_field_day_three_visits_arrive_once_with_every_photo_shrunk(
    browser, live_server_url, assignment, tmp_path
):
    context, page = phone(browser, live_server_url)
    form_url = reverse("assignments:visit_create", args=[assignment.pk])
    my_work = reverse("assignments:my_work")
    days = [free_day(assignment, skip=20 + i) for i in range(3)]
    purposes = [f"Ngày thực địa – chuyến {n}" for n in (1, 2, 3)]
    photos = {
        1: [camera_photo(tmp_path, f"V1_{k}.jpg", (40 + 30 * k, 120, 60)) for k in range(2)],
        2: [camera_photo(tmp_path, f"V2_{k}.jpg", (150, 80 + 30 * k, 40)) for k in range(2)],
        3: [camera_photo(tmp_path, f"V3_{k}.jpg", (20, 60, 100 + 40 * k)) for k in range(3)],
    }

    # Every photo upload, by client id; the second photo of visit 3 is cut once, the
    # network going down with it (context.route sees the worker's requests too).
    uploads = []
    cut = {"client_id": None, "done": False}

    def upload(route):
        client_id = client_id_of(route)
        uploads.append(client_id)
        if client_id == cut["client_id"] and not cut["done"]:
            cut["done"] = True
            context.set_offline(True)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    context.route("**/tep/moi/", upload)

    # Morning, in the office's yard: the worker takes over and keeps the form offline.
    page.goto(my_work)
    page.evaluate(CONTROLLED)
    page.reload()
    assert page.evaluate("() => Boolean(navigator.serviceWorker.controller)")
    wait_until(page, KEPT_OFFLINE, form_url)

    # Visit 1: the signal drops while typing and is back for "Lưu".
    page.goto(form_url)
    context.set_offline(True)
    fill_visit(page, days[0], purposes[0])
    pick_photos(page, photos[1])
    context.set_offline(False)
    page.get_by_role("button", name=SAVE).click()
    page.wait_for_url(VISIT_PAGE)  # "Đã gửi xong. Đang mở trang chuyến công tác…"

    # Visit 2: started with a signal, lost before "Lưu".
    page.goto(form_url)
    fill_visit(page, days[1], purposes[1])
    context.set_offline(True)
    pick_photos(page, photos[2])
    page.locator("#photo-list").scroll_into_view_if_needed()
    shot(page, "e-1-form-with-photos", full=False)
    page.get_by_role("button", name=SAVE).click()
    page.locator("#queue-status").get_by_text(SAVED_OFFLINE).wait_for()
    page.locator("#ntm-queue").get_by_text("1 chuyến chờ gửi").wait_for()
    shot(page, "e-2-saved-offline", full=False)

    # Visit 3: the form reopened without a signal (the worker's copy), saved offline.
    page.goto(form_url)
    assert page.locator("#ntm-offline").is_visible()
    fill_visit(page, days[2], purposes[2])
    pick_photos(page, photos[3])
    page.get_by_role("button", name=SAVE).click()
    page.locator("#queue-status").get_by_text(SAVED_OFFLINE).wait_for()
    page.locator("#ntm-queue").get_by_text("2 chuyến chờ gửi").wait_for()
    assert no_horizontal_scroll(page)
    assert not FieldVisit.objects.filter(purpose__in=purposes[1:]).exists()
    on_phone = queued(page)
    third = on_phone[days[2].isoformat()]
    cut["client_id"] = third["files"][1]["clientId"]

    # The signal comes back: visit 2 goes by itself, then visit 3 and its first photo;
    # the signal is lost again in the middle of visit 3's second photo.
    context.set_offline(False)
    wait_until(
        page,
        """(id) => NTMQueue.get(id).then((it) => it.state === "waiting"
             && it.files[0].sent && !it.files[1].sent)""",
        third["id"],
    )
    assert cut["done"]
    assert FieldVisit.objects.get(purpose=purposes[1]).attachments.count() == 2
    assert FieldVisit.objects.get(purpose=purposes[2]).attachments.count() == 1
    page.locator("#ntm-queue").get_by_text("1 chuyến chờ gửi").wait_for()
    shot(page, "e-3-cut-mid-photo", full=False)

    # Online for good: the rest goes by itself, the cut photo once more.
    context.set_offline(False)
    page.locator("#ntm-queue").wait_for(state="hidden")
    page.locator("#queue-status").get_by_text("Đã gửi xong").wait_for()
    shot(page, "e-4-form-after-arrival", full=False)

    # The member sees each one arrive on "Việc của tôi"; nothing waits.
    page.goto(my_work)
    items = page.locator("#queue-list [data-queue-item]")
    for n in range(3):
        items.nth(n).locator(".queue-state", has_text="Đã tới lúc").wait_for()
    assert items.count() == 3
    for n, count in enumerate((2, 2, 3)):
        assert f"ảnh, tệp đã tới: {count}/{count}" in items.nth(n).inner_text()
    assert page.locator("#ntm-queue").is_hidden()
    assert page.evaluate("NTMQueue.count()") == 0
    shot(page, "e-5-my-work-all-arrived")

    # Exactly once: one visit per draft token, every photo once, shrunk.
    tokens = [item["id"] for item in page.evaluate(QUEUED)]
    visits = FieldVisit.objects.filter(client_token__in=tokens)
    assert sorted(visits.values_list("purpose", flat=True)) == purposes
    assert FieldVisit.objects.filter(purpose__in=purposes).count() == 3
    phone_files = {item["id"]: item["files"] for item in page.evaluate(QUEUED)}
    for visit in visits:
        sent = sorted(f["clientId"] for f in phone_files[visit.client_token])
        assert sorted(visit.attachments.values_list("client_id", flat=True)) == sent
        assert all(max(size) <= 2560 for size in stored_sizes(visit))
    assert len(uploads) == 2 + 2 + 3 + 1  # only the cut photo went twice
    context.close()

    # The office sees the three visits in its list.
    office_context = browser.new_context(base_url=live_server_url, locale="vi-VN")
    office = office_context.new_page()
    log_in(office, "vanphong", password_of("vanphong"))
    office.goto(
        reverse("assignments:visit_list")
        + f"?date_from={min(days):%d/%m/%Y}&date_to={max(days):%d/%m/%Y}"
    )
    for visit in visits:
        detail = reverse("assignments:visit_detail", args=[visit.pk])
        assert office.locator(f'main a[href="{detail}"]').count() >= 1, visit.purpose
    office_context.close()


def test_the_office_changes_a_draft_edited_offline_and_the_members_text_is_kept(
    browser, live_server_url, assignment
):
    context, page = phone(browser, live_server_url)
    purpose = "Chuyến sửa ngoại tuyến, văn phòng sửa cùng lúc"
    visit = record(page, assignment, free_day(assignment, skip=30), purpose)
    edit = reverse("assignments:visit_edit", args=[visit.pk])
    mine = "Bản của thành viên: thôn Nậm Thử còn 450 m đường chưa đổ bê tông."

    # The member edits the draft in the commune, without a signal, and saves on the phone.
    page.goto(edit)
    context.set_offline(True)
    page.fill("#id_findings", mine)
    page.get_by_role("button", name="Lưu thay đổi").click()
    page.locator("#queue-status").get_by_text(SAVED_OFFLINE).wait_for()

    # Meanwhile the office changes the same draft in its own browser.
    office_context = browser.new_context(base_url=live_server_url, locale="vi-VN")
    office = office_context.new_page()
    log_in(office, "vanphong", password_of("vanphong"))
    office.goto(edit)
    office.fill("#id_purpose", "Văn phòng sửa mục đích")
    office.fill("#id_findings", "Văn phòng ghi: đã nhận báo cáo của xã.")
    office.get_by_role("button", name="Lưu thay đổi").click()
    office.wait_for_url(VISIT_PAGE)
    office_context.close()

    # The signal returns: the server refuses the stale copy; the phone keeps it.
    context.set_offline(False)
    page.locator("#ntm-queue").get_by_text("Có chuyến cần bạn xem lại.").wait_for()
    visit.refresh_from_db()
    assert visit.findings == "Văn phòng ghi: đã nhận báo cáo của xã."
    assert page.evaluate("NTMQueue.count()") == 1

    page.goto(reverse("assignments:my_work"))
    item = page.locator("#queue-list [data-queue-item]", has_text="Chưa gửi được")
    item.get_by_text("Chưa gửi được: chuyến đã được thay đổi trên máy chủ").wait_for()
    shot(page, "e-6-my-work-conflict")
    item.get_by_role("link", name="Xem khác biệt, chép nội dung của tôi").click()

    panel = page.locator("#queue-conflict")
    panel.get_by_role("heading", name="Bản trên máy của bạn khác bản hiện tại").wait_for()
    findings = panel.locator(".conflict-field", has_text="Văn phòng ghi")
    assert mine in findings.inner_text()
    assert page.locator("#id_findings").input_value() == "Văn phòng ghi: đã nhận báo cáo của xã."
    assert no_horizontal_scroll(page)
    shot(page, "e-7-conflict-panel", full=False)
    findings.get_by_role("button", name="Dùng nội dung của tôi").click()
    assert page.locator("#id_findings").input_value() == mine
    page.get_by_role("button", name="Lưu thay đổi").click()
    page.wait_for_url(VISIT_PAGE)

    visit.refresh_from_db()
    assert visit.findings == mine
    assert visit.purpose == "Văn phòng sửa mục đích"  # the office's change stays too
    assert FieldVisit.objects.filter(client_token=visit.client_token).count() == 1
    page.goto(reverse("assignments:my_work"))
    assert page.evaluate("NTMQueue.count()") == 0
    context.close()


OUR_STORAGE = """async () => ({
  caches: (await caches.keys()).filter((n) => n.startsWith("ntm-")),
  queue: (await indexedDB.databases()).some((d) => d.name === "ntm-queue"),
  copies: Object.keys(localStorage).filter((k) => k.startsWith("ntm-")),
})"""


def test_logging_out_with_a_visit_still_on_the_phone_leaves_nothing_of_it(
    browser, live_server_url, assignment, tmp_path
):
    context, page = phone(browser, live_server_url)
    form_url = reverse("assignments:visit_create", args=[assignment.pk])
    purpose = "Chuyến chưa gửi khi đăng xuất"
    page.goto(reverse("assignments:my_work"))
    page.evaluate(CONTROLLED)
    page.reload()
    wait_until(page, KEPT_OFFLINE, form_url)

    # A visit with a photo saved offline, and another form half typed (its local copy).
    context.set_offline(True)
    page.goto(form_url)
    fill_visit(page, free_day(assignment, skip=31), purpose)
    pick_photos(page, [camera_photo(tmp_path, "F.jpg", (60, 60, 60))])
    page.get_by_role("button", name=SAVE).click()
    page.locator("#queue-status").get_by_text(SAVED_OFFLINE).wait_for()
    page.goto(form_url)
    page.fill("#id_purpose", "Gõ dở")
    page.locator("#draft-status").wait_for()
    # Back online, but the visit cannot get through yet (a weak link): it keeps waiting.
    context.route(re.compile(r".*/chuyen-cong-tac/moi/$"), lambda route: route.abort("failed"))
    context.set_offline(False)
    page.goto(reverse("assignments:my_work"))
    page.locator("#ntm-queue").get_by_text("1 chuyến chờ gửi").wait_for()
    stored = page.evaluate(OUR_STORAGE)
    assert stored["caches"] and stored["queue"] and stored["copies"]

    page.get_by_role("button", name="Đăng xuất").click()
    dialog = page.get_by_role("dialog", name="Còn chuyến chưa gửi")
    assert "Còn 1 chuyến chưa gửi." in dialog.inner_text()
    dialog.get_by_role("button", name="Vẫn đăng xuất").click()
    page.wait_for_url("**/accounts/login/?da-dang-xuat=1")
    page.wait_for_selector("body[data-ntm-cleared]")
    assert page.evaluate(OUR_STORAGE) == {"caches": [], "queue": False, "copies": []}

    # Signed in again on the same phone: nothing of it waits, nothing was sent.
    context.unroute(re.compile(r".*/chuyen-cong-tac/moi/$"))
    log_in(page, "thanhvien_a", password_of("thanhvien_a"))
    page.goto(reverse("assignments:my_work"))
    page.wait_for_load_state("load")
    assert page.evaluate("NTMQueue.count()") == 0
    assert page.locator("#queue-list").is_hidden()
    assert not FieldVisit.objects.filter(purpose=purpose).exists()
    context.close()
