"""The phone's send queue (issue 17) in a real browser on a 390×844 screen: a visit saved
without a signal stays on the phone with its photos (shrunk there), is sent once when the
signal returns, each photo in its own request; a cut photo is retried, not doubled; the
same-day question; the server's errors next to their fields; the GPS button."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from assignments.models import FieldVisit
from sampledata.lifecycle import GROUP_A_COMMUNE, demo_assignment
from tests.support.browser import log_in, no_horizontal_scroll, password_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SHOTS = Path("/tmp/i17/shots")
VISIT_PAGE = re.compile(r"/chuyen-cong-tac/\d+/$")
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "vi-VN",
}


def shot(page, name, full=True):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def camera_photo(tmp_path, name, colour):
    """A 4000×3000 JPEG, as a phone's camera makes them."""
    image = Image.new("RGB", (4000, 3000), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, 4000, 250):
        draw.rectangle([i, (i * 3) % 3000, i + 120, (i * 3) % 3000 + 400], fill=(i % 255, 90, 200))
    path = tmp_path / name
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    path.write_bytes(buffer.getvalue())
    return path


def free_day(assignment, skip=0):
    """A recent day with no visit of the assignment yet (the `skip`-th such day back)."""
    taken = set(assignment.visits.values_list("visited_on", flat=True))
    # Not today: other browser tests record today's visit (and on PostgreSQL what the
    # live server saves stays).
    day = timezone.localdate() - datetime.timedelta(days=7)
    while True:
        if day not in taken and day >= assignment.started_on:
            if skip == 0:
                return day
            skip -= 1
        day -= datetime.timedelta(days=1)


@pytest.fixture
def assignment():
    return demo_assignment(GROUP_A_COMMUNE)


def phone(browser, live_server_url, **options):
    context = browser.new_context(base_url=live_server_url, **{**PHONE, **options})
    context.set_default_timeout(20_000)
    page = context.new_page()
    log_in(page, "thanhvien_a", password_of("thanhvien_a"))
    return context, page


def fill_visit(page, day, purpose):
    page.fill("#id_visited_on", day.isoformat())
    page.fill("#id_purpose", purpose)
    page.fill("#id_findings", "Đường bê tông thôn Nậm Thử đã xong 300 m.")


def pick_photos(page, paths):
    page.set_input_files("#id_files", [str(p) for p in paths])
    page.locator("#photo-list li").nth(len(paths) - 1).wait_for()


def record(page, assignment, day, purpose):
    """A visit saved through the form, online (what the test makes, the live server sees
    on PostgreSQL too: it does not share the test's transaction there)."""
    page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    fill_visit(page, day, purpose)
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(VISIT_PAGE)
    return FieldVisit.objects.get(purpose=purpose)


def stored_sizes(visit):
    sizes = []
    for attachment in visit.attachments.order_by("pk"):
        with attachment.file.open("rb") as handle, Image.open(handle) as image:
            sizes.append(image.size)
    return sizes


def wait_until(page, script, arg=None, tries=300):
    """Poll until the script answers true. page.wait_for_function would not wait for an
    async predicate: it takes the promise it returns for a true answer at once."""
    for _ in range(tries):
        if page.evaluate(script, arg):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"Still false after {tries} tries: {script}")


KEPT_OFFLINE = """async (path) => {
  for (const name of await caches.keys()) {
    if (name.startsWith("ntm-pages-") && await (await caches.open(name)).match(path)) return true;
  }
  return false;
}"""


FOUR_DAYS_OLDER = """NTMQueue.list()
  .then((items) => NTMQueue.update(items[0].id, (it) => { it.createdAt -= 4 * 24 * 3600 * 1000; }))
  .then(() => document.dispatchEvent(new CustomEvent("ntm-queue-changed")))"""


def test_visit_saved_offline_waits_on_the_phone_and_arrives_once_with_shrunk_photos(
    browser, live_server_url, assignment, tmp_path
):
    context, page = phone(browser, live_server_url)
    my_work = reverse("assignments:my_work")
    purpose = "Chuyến ghi khi mất sóng ở Nậm Thử"
    photos = [
        camera_photo(tmp_path, "IMG_0001.jpg", (40, 120, 60)),
        camera_photo(tmp_path, "IMG_0002.jpg", (150, 80, 40)),
    ]
    # Online first: the service worker keeps "Việc của tôi" for this member.
    page.goto(my_work)
    wait_until(page, KEPT_OFFLINE, my_work)
    page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    fill_visit(page, free_day(assignment), purpose)
    pick_photos(page, photos)
    # Each photo is listed with its size before and after shrinking, and can be removed.
    assert page.locator("#photo-list li").count() == 2
    assert "→" in page.locator("#photo-list li").first.inner_text()
    assert page.get_by_role("button", name="Bỏ IMG_0001.jpg").is_visible()
    assert no_horizontal_scroll(page)
    page.locator("#photo-list").scroll_into_view_if_needed()
    shot(page, "q1-form-with-photos", full=False)

    context.set_offline(True)
    page.get_by_role("button", name="Lưu bản nháp").click()
    status = page.locator("#queue-status")
    status.get_by_text("Đã lưu trên máy. Chuyến này sẽ tự gửi khi có sóng.").wait_for()
    assert status.get_by_role("link", name="Về “Việc của tôi”").is_visible()
    shot(page, "q2-saved-offline", full=False)
    assert not FieldVisit.objects.filter(purpose=purpose).exists()
    page.close()

    # Reopened later, still without a signal: the visit waits on the phone.
    page = context.new_page()
    page.goto(my_work)
    page.locator("#ntm-queue").get_by_text("1 chuyến chờ gửi").wait_for()
    item = page.locator("#queue-list [data-queue-item]")
    assert "Chờ gửi" in item.inner_text()
    assert "ảnh, tệp đã tới: 0/2" in item.inner_text()
    assert "chờ từ " in item.inner_text()
    assert "Đã chờ hơn 3 ngày" not in item.inner_text()
    # Four days later (the phone's record made older), the visit is flagged.
    page.evaluate(FOUR_DAYS_OLDER)
    item.get_by_text("Đã chờ hơn 3 ngày").wait_for()
    shot(page, "q3-my-work-waiting")
    assert not FieldVisit.objects.filter(purpose=purpose).exists()

    # The signal is back: it is sent by itself; the list says when it arrived.
    context.set_offline(False)
    item.locator(".queue-state", has_text="Đã tới lúc").wait_for()
    assert "ảnh, tệp đã tới: 2/2" in item.inner_text()
    page.locator("#ntm-queue").wait_for(state="hidden")
    shot(page, "q4-my-work-arrived")

    visit = FieldVisit.objects.get(purpose=purpose)
    assert visit.attachments.count() == 2
    assert all(max(size) <= 2560 for size in stored_sizes(visit))
    item.get_by_role("link", name="Xem chuyến công tác").click()
    page.wait_for_url(f"**{reverse('assignments:visit_detail', args=[visit.pk])}")

    # Sending again (another tap) doubles nothing.
    page.goto(my_work)
    page.evaluate("NTMQueue.sendAll()")
    assert FieldVisit.objects.filter(purpose=purpose).count() == 1
    assert visit.attachments.count() == 2
    context.close()


def test_a_photo_cut_on_the_way_is_sent_again_and_nothing_doubles(
    browser, live_server_url, assignment, tmp_path
):
    context, page = phone(browser, live_server_url, service_workers="block")
    purpose = "Chuyến có ảnh thứ hai bị mất sóng giữa chừng"
    photos = [
        camera_photo(tmp_path, "A.jpg", (20, 60, 160)),
        camera_photo(tmp_path, "B.jpg", (160, 60, 20)),
    ]
    uploads = []

    def cut_second_photo_once(route):
        client_id = route.request.post_data_buffer.split(b'name="client_id"\r\n\r\n')[1][:36]
        uploads.append(client_id)
        seen = list(dict.fromkeys(uploads))
        if uploads.count(client_id) == 1 and seen.index(client_id) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/tep/moi/", cut_second_photo_once)
    page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    fill_visit(page, free_day(assignment, skip=1), purpose)
    pick_photos(page, photos)
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.locator("#queue-status").get_by_text("Đã lưu trên máy").wait_for()
    visit = FieldVisit.objects.get(purpose=purpose)
    assert visit.attachments.count() == 1
    page.locator("#ntm-queue").get_by_text("1 chuyến chờ gửi").wait_for()
    shot(page, "q5-second-photo-cut", full=False)

    page.locator("#ntm-queue").get_by_role("button", name="Gửi ngay").click()
    page.locator("#ntm-queue").wait_for(state="hidden")
    assert FieldVisit.objects.filter(purpose=purpose).count() == 1
    assert visit.attachments.count() == 2
    assert len(uploads) == 3  # A once, B cut then sent again
    assert len(set(visit.attachments.values_list("client_id", flat=True))) == 2
    context.close()


def test_a_second_visit_on_the_same_day_is_asked_first(browser, live_server_url, assignment):
    context, page = phone(browser, live_server_url, service_workers="block")
    day = free_day(assignment, skip=2)
    record(page, assignment, day, "Chuyến đã có trong ngày")
    purpose = "Chuyến thứ hai cùng ngày"
    page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    fill_visit(page, day, purpose)
    page.get_by_role("button", name="Lưu bản nháp").click()
    dialog = page.locator("#same-day-dialog")
    dialog.get_by_text(f"Đã có chuyến công tác ngày {day:%d/%m/%Y} – vẫn lưu?").wait_for()
    shot(page, "q6-same-day-dialog", full=False)
    assert not FieldVisit.objects.filter(purpose=purpose).exists()
    dialog.get_by_role("button", name="Vẫn lưu").click()
    page.wait_for_url(VISIT_PAGE)
    assert FieldVisit.objects.filter(purpose=purpose).count() == 1
    assert FieldVisit.objects.filter(assignment=assignment, visited_on=day).count() == 2
    context.close()


def test_the_servers_errors_show_next_to_their_fields_and_saving_again_saves_once(
    browser, live_server_url, assignment
):
    context, page = phone(
        browser,
        live_server_url,
        service_workers="block",
        permissions=["geolocation"],
        geolocation={"latitude": 22.5521, "longitude": 103.8767, "accuracy": 15},
    )
    purpose = "Chuyến có lỗi khi lưu"
    page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    fill_visit(page, assignment.started_on - datetime.timedelta(days=3), purpose)
    page.select_option("#id_supports-0-kind", "money")
    page.fill("#id_supports-0-amount_vnd", "nhiều tiền")
    page.fill("#id_supports-0-description", "Hỗ trợ xi măng")

    # The position: asked with a button, never required.
    page.get_by_role("button", name="Ghi vị trí hiện tại").click()
    page.locator("#gps").get_by_text("Đã ghi vị trí (±15 m)").wait_for()
    assert page.get_by_role("button", name="Bỏ vị trí").is_visible()

    page.get_by_role("button", name="Lưu bản nháp").click()
    summary = page.locator("#queue-errors")
    summary.wait_for()
    day_field = page.locator("#id_visited_on")
    assert day_field.get_attribute("aria-invalid") == "true"
    assert "trước ngày bắt đầu phân công" in page.locator(".field", has=day_field).inner_text()
    amount = page.locator("#id_supports-0-amount_vnd")
    assert amount.get_attribute("aria-invalid") == "true"
    assert page.locator(".field", has=amount).locator(".errorlist").count() == 1
    assert page.evaluate("document.activeElement.id") == "id_visited_on"
    assert no_horizontal_scroll(page)
    shot(page, "q7-errors-next-to-fields", full=False)
    assert not FieldVisit.objects.filter(purpose=purpose).exists()

    day = free_day(assignment, skip=3)
    page.fill("#id_visited_on", day.isoformat())
    page.fill("#id_supports-0-amount_vnd", "1.000.000")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(VISIT_PAGE)
    visit = FieldVisit.objects.get(purpose=purpose)
    assert visit.supports.get().amount_vnd == 1_000_000
    assert float(visit.latitude) == pytest.approx(22.5521)
    assert visit.location_accuracy == 15
    assert page.locator(".errorlist").count() == 0
    context.close()


def test_a_visit_changed_meanwhile_shows_what_differs_and_takes_the_members_text(
    browser, live_server_url, assignment
):
    context, page = phone(browser, live_server_url, service_workers="block")
    visit = record(page, assignment, free_day(assignment, skip=4), "Chuyến sửa ở hai nơi")
    edit = reverse("assignments:visit_edit", args=[visit.pk])
    page.goto(edit)
    page.fill("#id_findings", "Bản của thành viên: còn 450 m chưa làm.")
    # Meanwhile the visit is changed and saved elsewhere (a newer version).
    other = context.new_page()
    other.goto(edit)
    other.fill("#id_findings", "Bản văn phòng sửa.")
    other.get_by_role("button", name="Lưu thay đổi").click()
    other.wait_for_url(VISIT_PAGE)
    other.close()
    page.get_by_role("button", name="Lưu thay đổi").click()
    panel = page.locator("#queue-conflict")
    panel.get_by_role("heading", name="Bản trên máy của bạn khác bản hiện tại").wait_for()
    assert "ban-cua-toi=" in page.url
    difference = panel.locator(".conflict-field")
    assert difference.count() == 1
    assert "Bản của thành viên: còn 450 m chưa làm." in difference.inner_text()
    assert "Bản văn phòng sửa." in difference.inner_text()
    assert page.locator("#id_findings").input_value() == "Bản văn phòng sửa."
    shot(page, "q8-conflict-panel", full=False)

    difference.get_by_role("button", name="Dùng nội dung của tôi").click()
    assert page.locator("#id_findings").input_value() == "Bản của thành viên: còn 450 m chưa làm."
    page.get_by_role("button", name="Lưu thay đổi").click()
    page.wait_for_url(VISIT_PAGE)
    visit.refresh_from_db()
    assert visit.findings == "Bản của thành viên: còn 450 m chưa làm."
    assert visit.version == 3
    # The queued copy was replaced by the save, then sent: nothing waits.
    page.goto(reverse("assignments:my_work"))
    assert page.evaluate("NTMQueue.count()") == 0
    context.close()


def test_photos_picked_on_a_form_left_unsaved_come_back_with_the_text(
    browser, live_server_url, assignment, tmp_path
):
    context, page = phone(browser, live_server_url, service_workers="block")
    purpose = "Chuyến gõ dở, trang bị đóng"
    create = reverse("assignments:visit_create", args=[assignment.pk])
    page.goto(create)
    fill_visit(page, free_day(assignment, skip=5), purpose)
    pick_photos(page, [camera_photo(tmp_path, "C.jpg", (90, 90, 30))])
    page.locator("#draft-status").wait_for()
    page.close()

    page = context.new_page()
    page.goto(create)
    banner = page.locator("#draft-restore")
    banner.get_by_text("(kèm 1 ảnh, tệp đã chọn)").wait_for()
    shot(page, "q9-restore-with-photos", full=False)
    banner.get_by_role("button", name="Khôi phục nội dung đã gõ").click()
    assert page.locator("#id_purpose").input_value() == purpose
    assert page.locator("#photo-list li").count() == 1
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(VISIT_PAGE)
    assert FieldVisit.objects.get(purpose=purpose).attachments.count() == 1
    context.close()


def test_the_same_day_is_asked_offline_when_the_phone_knows_it_and_later_on_my_work(
    browser, live_server_url, assignment
):
    context, page = phone(browser, live_server_url, service_workers="block")
    known, unknown = free_day(assignment, skip=6), free_day(assignment, skip=7)
    # Another phone of the group records two visits: the first before this phone asks
    # the server which days have visits, the second after.
    other_context, other = phone(browser, live_server_url, service_workers="block")
    record(other, assignment, known, "Đã có (biết)")
    purpose = "Chuyến ghi ngoại tuyến vào ngày đã có chuyến"
    page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    wait_until(page, "() => NTMQueue.cachedState().then((s) => !!s && s.assignments.length > 0)")
    # Recorded by someone else after the phone last asked the server.
    record(other, assignment, unknown, "Đã có (chưa biết)")
    other_context.close()

    context.set_offline(True)
    fill_visit(page, known, purpose)
    page.get_by_role("button", name="Lưu bản nháp").click()
    dialog = page.locator("#same-day-dialog")
    dialog.get_by_text(f"Đã có chuyến công tác ngày {known:%d/%m/%Y} – vẫn lưu?").wait_for()
    dialog.get_by_role("button", name="Không lưu").click()
    assert page.evaluate("NTMQueue.count()") == 0

    page.fill("#id_visited_on", unknown.isoformat())
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.locator("#queue-status").get_by_text("Đã lưu trên máy").wait_for()

    # Online, the server asks; "Việc của tôi" shows the question with its two answers.
    context.set_offline(False)
    page.goto(reverse("assignments:my_work"))
    item = page.locator("#queue-list [data-queue-item]")
    item.get_by_text("Chờ bạn trả lời: ngày này đã có chuyến công tác").wait_for()
    assert item.get_by_role("button", name="Bỏ").is_visible()
    shot(page, "q10-my-work-same-day")
    assert not FieldVisit.objects.filter(purpose=purpose).exists()
    item.get_by_role("button", name="Vẫn lưu").click()
    item.locator(".queue-state", has_text="Đã tới lúc").wait_for()
    assert FieldVisit.objects.filter(purpose=purpose, visited_on=unknown).count() == 1
    context.close()


def test_a_queued_visit_the_server_refuses_is_reopened_with_its_errors_and_fixed(
    browser, live_server_url, assignment, tmp_path
):
    context, page = phone(browser, live_server_url, service_workers="block")
    purpose = "Chuyến ghi ngoại tuyến với ngày sai"
    page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    fill_visit(page, assignment.started_on - datetime.timedelta(days=1), purpose)
    pick_photos(page, [camera_photo(tmp_path, "D.jpg", (30, 30, 120))])
    context.set_offline(True)
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.locator("#queue-status").get_by_text("Đã lưu trên máy").wait_for()

    # The session has ended meanwhile: the visit stays, and says how to send it.
    context.clear_cookies()
    context.set_offline(False)
    page.goto(reverse("assignments:my_work"))
    page.wait_for_url("**/accounts/login/**")
    log_in(page, "thanhvien_a", password_of("thanhvien_a"))
    page.goto(reverse("assignments:my_work"))
    item = page.locator("#queue-list [data-queue-item]")
    item.get_by_text("Chưa gửi được: cần sửa").wait_for()
    shot(page, "q11-my-work-invalid")
    item.get_by_role("link", name="Mở lại biểu mẫu để sửa").click()
    page.locator("#queue-errors").wait_for()
    assert page.locator("#id_purpose").input_value() == purpose
    assert page.locator("#id_visited_on").get_attribute("aria-invalid") == "true"
    assert page.locator("#photo-list li").count() == 1
    page.fill("#id_visited_on", free_day(assignment, skip=8).isoformat())
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(VISIT_PAGE)
    visit = FieldVisit.objects.get(purpose=purpose)
    assert visit.attachments.count() == 1
    page.goto(reverse("assignments:my_work"))
    assert page.evaluate("NTMQueue.count()") == 0
    context.close()


BROKEN_INDEXEDDB = """
Object.defineProperty(window, "indexedDB", {
  value: {
    open() {
      const request = {};
      setTimeout(() => {
        request.error = new Error("refused");
        if (request.onerror) request.onerror();
      });
      return request;
    },
  },
});
"""


def test_a_phone_that_cannot_keep_the_visit_posts_the_form_with_the_shrunk_photos(
    browser, live_server_url, assignment, tmp_path
):
    context, page = phone(browser, live_server_url, service_workers="block")
    page.add_init_script(BROKEN_INDEXEDDB)
    purpose = "Chuyến lưu khi trình duyệt không cho giữ dữ liệu"
    page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    fill_visit(page, free_day(assignment, skip=9), purpose)
    pick_photos(page, [camera_photo(tmp_path, "E.jpg", (120, 30, 30))])
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(VISIT_PAGE)
    visit = FieldVisit.objects.get(purpose=purpose)
    assert [max(size) for size in stored_sizes(visit)] == [2560]
    context.close()
