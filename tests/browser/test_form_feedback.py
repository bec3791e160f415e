"""What the visit form tells the member on a 390×844 phone while its visit is sent by
the queue (issue 17, after a user review): a visit that arrives by a send in the
background offers its page instead of claiming to open it; a send cut by a lost signal
says again that the visit waits on the phone, with the photos already arrived."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from assignments.models import FieldVisit
from sampledata.lifecycle import GROUP_A_COMMUNE, demo_assignment
from tests.browser.test_offline_queue import VISIT_PAGE, fill_visit, free_day, phone, shot
from tests.support.browser import no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SAVE = "Lưu bản nháp"
SAVED_OFFLINE = "Đã lưu trên máy. Chuyến này sẽ tự gửi khi có sóng."


@pytest.fixture
def assignment():
    return demo_assignment(GROUP_A_COMMUNE)


def small_photo(tmp_path, name, colour):
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue())
    return path


def client_id_of(route):
    body = route.request.post_data_buffer or b""
    match = re.search(rb'name="client_id"\r\n\r\n([A-Za-z0-9-]+)', body)
    return match.group(1).decode() if match else ""


def save_offline(context, page, assignment, day, purpose, photos=()):
    page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    fill_visit(page, day, purpose)
    if photos:
        page.set_input_files("#id_files", [str(p) for p in photos])
        page.locator("#photo-list li").nth(len(photos) - 1).wait_for()
    context.set_offline(True)
    page.get_by_role("button", name=SAVE).click()
    page.locator("#queue-status").get_by_text(SAVED_OFFLINE).wait_for()


def test_a_visit_sent_in_the_background_offers_its_page(browser, live_server_url, assignment):
    context, page = phone(browser, live_server_url, service_workers="block")
    purpose = "Chuyến tới khi có sóng lại, trang biểu mẫu còn mở"
    save_offline(context, page, assignment, free_day(assignment, skip=40), purpose)
    form_url = page.url

    context.set_offline(False)  # the "online" event: the page sends what waits
    status = page.locator("#queue-status")
    status.get_by_text("Đã gửi xong.").wait_for()
    visit = FieldVisit.objects.get(purpose=purpose)
    assert "Đang mở trang" not in status.inner_text()
    assert page.url == form_url
    shot(page, "f-1-arrived-in-background", full=False)
    status.get_by_role("link", name="Mở trang chuyến công tác").click()
    page.wait_for_url(f"**{reverse('assignments:visit_detail', args=[visit.pk])}")
    context.close()


def test_a_send_cut_mid_photo_says_the_visit_waits_with_the_photos_arrived(
    browser, live_server_url, assignment, tmp_path
):
    context, page = phone(browser, live_server_url, service_workers="block")
    purpose = "Chuyến mất sóng lúc gửi ảnh thứ hai"
    photos = [small_photo(tmp_path, f"P{k}.jpg", (40 * k, 90, 160)) for k in range(3)]
    seen = []

    def cut_second_photo_once(route):
        client_id = client_id_of(route)
        if client_id not in seen:
            seen.append(client_id)
            if len(seen) == 2:
                context.set_offline(True)
                route.abort("internetdisconnected")
                return
        route.continue_()

    page.route("**/tep/moi/", cut_second_photo_once)
    save_offline(context, page, assignment, free_day(assignment, skip=41), purpose, photos)

    context.set_offline(False)
    status = page.locator("#queue-status")
    status.get_by_text(f"{SAVED_OFFLINE} Ảnh, tệp đã tới: 1/3.").wait_for()
    assert "Đang gửi ảnh" not in status.inner_text()
    assert FieldVisit.objects.get(purpose=purpose).attachments.count() == 1
    shot(page, "f-2-cut-mid-photo", full=False)

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    status.get_by_text("Đã gửi xong.").wait_for()
    assert FieldVisit.objects.get(purpose=purpose).attachments.count() == 3
    context.close()


def test_saved_on_the_phone_the_form_offers_another_visit_and_cannot_queue_it_twice(
    browser, live_server_url, assignment
):
    context, page = phone(browser, live_server_url, service_workers="block")
    create = reverse("assignments:visit_create", args=[assignment.pk])
    first, second = "Chuyến đầu, giữ trên máy", "Chuyến thứ hai, ghi ngay sau"

    # No signal for sending (the pages themselves still load): the queue's requests fail.
    def no_signal(route):
        if route.request.method == "POST" or "/cua-toi/ngoai-tuyen/" in route.request.url:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/*", no_signal)
    page.goto(create)
    fill_visit(page, free_day(assignment, skip=42), first)
    page.get_by_role("button", name=SAVE).click()
    status = page.locator("#queue-status")
    status.get_by_text(SAVED_OFFLINE).wait_for()
    assert page.get_by_role("button", name=SAVE).is_disabled()
    assert status.get_by_role("link", name="Về “Việc của tôi”").is_visible()
    shot(page, "f-4-saved-on-phone", full=False)
    queued = page.evaluate("NTMQueue.list().then((items) => items.map((it) => it.id))")
    assert len(queued) == 1
    page.fill("#id_findings", "Gõ thêm sau khi đã lưu trên máy.")  # not kept under its token

    status.get_by_role("link", name="Ghi chuyến khác").click()
    page.wait_for_url(f"**{create}")
    page.locator("#id_purpose").wait_for()
    assert page.locator("#id_purpose").input_value() == ""
    assert page.locator("#draft-restore").is_hidden()
    assert page.locator('input[name="draft_token"]').input_value() not in queued
    page.unroute("**/*", no_signal)
    fill_visit(page, free_day(assignment, skip=43), second)
    page.get_by_role("button", name=SAVE).click()
    page.wait_for_url(VISIT_PAGE)
    assert FieldVisit.objects.get(purpose=first).client_token == queued[0]
    assert FieldVisit.objects.filter(purpose=second).count() == 1
    context.close()


QUEUE_TWO = """([createUrl, editUrl, day, long]) => {
  const user = document.body.getAttribute("data-ntm-user");
  const item = (id, url, purpose, isNew, at) => NTMQueue.add({
    id, userId: user, url, fields: [["visited_on", day], ["purpose", purpose]], files: [],
    commune: "Nậm Xé", visitedOn: day, isNew, createdAt: Date.now() + at,
  });
  return item("moi-1", createUrl, long, true, 1)
    .then(() => item("sua-1", editUrl, "Họp dân thôn Sín Chải", false, 2))
    .then(() => document.dispatchEvent(new CustomEvent("ntm-queue-changed")));
}"""


def test_my_work_tells_queued_visits_of_one_day_apart(browser, live_server_url, assignment):
    context, page = phone(browser, live_server_url, service_workers="block")
    day = free_day(assignment, skip=44)
    long = (
        "Kiểm tra tiến độ làm đường bê tông liên thôn Nậm Thử – Sín Chải và "
        "nghe dân phản ánh về hỗ trợ xi măng năm nay"
    )
    page.goto(reverse("assignments:my_work"))
    context.set_offline(True)  # nothing goes: the items only wait
    page.evaluate(
        QUEUE_TWO,
        [
            reverse("assignments:visit_create", args=[assignment.pk]),
            "/chuyen-cong-tac/999999/sua/",
            day.isoformat(),
            long,
        ],
    )
    items = page.locator("#queue-list [data-queue-item]")
    items.nth(1).wait_for()
    new, edit = items.nth(0), items.nth(1)
    assert new.locator(".badge").inner_text() == "Chuyến mới"
    assert edit.locator(".badge").inner_text() == "Sửa"
    shown = new.locator(".queue-purpose").inner_text()
    assert shown.startswith("Kiểm tra tiến độ làm đường bê tông") and shown.endswith("…")
    assert len(shown) <= 80
    assert edit.locator(".queue-purpose").inner_text() == "Họp dân thôn Sín Chải"
    assert no_horizontal_scroll(page)
    shot(page, "f-5-my-work-queued")
    context.close()


def test_photos_are_picked_with_a_vietnamese_button_reached_also_from_the_keyboard(
    browser, live_server_url, assignment, tmp_path
):
    context, page = phone(browser, live_server_url, service_workers="block")
    page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    picker = page.get_by_label("Chụp hoặc chọn ảnh, biên bản")  # the input, named by its label
    label = page.locator("label.file-button")
    assert picker.get_attribute("type") == "file"
    assert label.is_visible() and label.inner_text() == "Chụp hoặc chọn ảnh, biên bản"
    box = picker.bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1  # hidden from the eye only
    count = page.locator("#file-count")
    assert count.inner_text() == "Chưa chọn ảnh, tệp nào."

    # From the keyboard: Tab reaches the input (which the browser's own Space/Enter then
    # opens), and the label shows the focus.
    page.get_by_role("button", name="+ Thêm kiến nghị").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "files"
    assert label.evaluate("(el) => getComputedStyle(el).outlineStyle") == "solid"
    label.scroll_into_view_if_needed()
    shot(page, "f-6-file-button-focused", full=False)
    # A tap on the Vietnamese button opens the browser's picker (the label is the input's).
    with page.expect_file_chooser() as chooser:
        label.click()
    chooser.value.set_files(
        [str(small_photo(tmp_path, f"K{k}.jpg", (90, 40 * k, 60))) for k in (1, 2)]
    )
    count.get_by_text("Đã chọn 2 ảnh, tệp.").wait_for()
    assert page.locator("#photo-list li").count() == 2
    assert no_horizontal_scroll(page)
    context.close()
