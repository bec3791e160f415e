"""Exactly once (issue 17): a visit is created once per draft token and a file attached
once per client id, whatever the retries, Back presses or double taps; the phone's queue
(`X-NTM-Queue: 1`) is answered in JSON. Runs on SQLite and on PostgreSQL
(DATABASE_URL=postgres://…); the concurrent posts: test_exactly_once_race.py."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from PIL import Image

from assignments.models import Attachment, FieldVisit, PhotoUpload
from tests.factories import make_visit
from tests.support.visit_form import counts, create_url, days_ago, group_a, jpeg, visit_data

pytestmark = pytest.mark.django_db

QUEUE = {"HTTP_X_NTM_QUEUE": "1"}
TOKEN = "0b7f3c1e-5d2a-4f4b-9a8e-1c2d3e4f5a6b"


def stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


def upload_url(visit):
    return reverse("assignments:attachment_upload", args=[visit.pk])


def queue_post(client, url, data, **extra):
    return client.post(url, data, **QUEUE, **extra)


def test_the_same_visit_posted_five_times_is_saved_once(member_a_client, member_a_user):
    assignment = group_a(member_a_user)
    data = visit_data(assignment, draft_token=TOKEN)
    before = FieldVisit.objects.count()

    answers = [queue_post(member_a_client, create_url(assignment), data) for _ in range(5)]

    assert [a.status_code for a in answers] == [201, 200, 200, 200, 200]
    assert FieldVisit.objects.count() == before + 1
    visit = FieldVisit.objects.get(client_token=TOKEN)
    first, *retries = [a.json() for a in answers]
    assert first == {
        "visit": visit.pk,
        "created": True,
        "url": reverse("assignments:visit_detail", args=[visit.pk]),
        "edit_url": reverse("assignments:visit_edit", args=[visit.pk]),
        "upload_url": upload_url(visit),
        "version": 1,
        "status": "draft",
    }
    assert all(r == {**first, "created": False} for r in retries)
    assert visit.history.count() == 1  # the retries wrote nothing


def test_the_html_form_saved_twice_back_then_save_makes_one_visit(member_a_client, member_a_user):
    assignment = group_a(member_a_user)
    data = visit_data(assignment, draft_token=TOKEN)

    first = member_a_client.post(create_url(assignment), data)
    again = member_a_client.post(create_url(assignment), data)

    visit = FieldVisit.objects.get(client_token=TOKEN)
    assert first.status_code == again.status_code == 302
    assert again.url == reverse("assignments:visit_detail", args=[visit.pk])
    texts = [str(m) for m in get_messages(again.wsgi_request)]
    assert "Chuyến công tác này đã được lưu trước đó." in texts
    assert FieldVisit.objects.filter(purpose=data["purpose"]).count() == 1


def test_a_retry_with_the_same_token_is_never_asked_the_same_day_question(
    member_a_client, member_a_user
):
    assignment = group_a(member_a_user)
    data = visit_data(assignment, draft_token=TOKEN)
    queue_post(member_a_client, create_url(assignment), data)

    # The same post again: the visit of that day is itself, not another one.
    again = queue_post(member_a_client, create_url(assignment), data)

    assert again.status_code == 200 and again.json()["created"] is False


def test_a_token_of_a_visit_the_user_may_not_see_is_refused(
    member_a_client, member_a_user, member_b_user
):
    other = make_visit(
        assignment=group_a(member_b_user), status="draft", client_token=TOKEN, purpose="Của B"
    )
    assignment = group_a(member_a_user)
    before = counts()

    response = queue_post(
        member_a_client, create_url(assignment), visit_data(assignment, draft_token=TOKEN)
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["draft_token"]
    assert counts() == before
    assert FieldVisit.objects.get(pk=other.pk).purpose == "Của B"


def test_a_queue_post_without_a_draft_token_is_refused(member_a_client, member_a_user):
    assignment = group_a(member_a_user)
    before = counts()

    response = queue_post(member_a_client, create_url(assignment), visit_data(assignment))

    assert response.status_code == 400
    assert response.json()["errors"] == {"draft_token": ["Thiếu mã bản nháp."]}
    assert counts() == before


def test_errors_are_keyed_by_the_input_names_of_the_html_form(member_a_client, member_a_user):
    assignment = group_a(member_a_user)
    data = visit_data(
        assignment,
        supports=[{"kind": "money", "amount_vnd": "-5", "description": "Xi măng"}],
        draft_token=TOKEN,
        purpose="",
        latitude="95",
        longitude="103.9",
    )

    response = queue_post(member_a_client, create_url(assignment), data)

    body = response.json()
    assert response.status_code == 400
    assert body["message"].startswith("Chưa lưu gì")
    assert {"purpose", "supports-0-amount_vnd", "latitude"} <= set(body["errors"])
    assert body["errors"]["purpose"] == ["Hãy ghi mục đích chuyến đi."]
    assert "Vị trí ghi từ điện thoại không hợp lệ" in body["errors"]["latitude"][0]
    assert not FieldVisit.objects.filter(client_token=TOKEN).exists()


def test_a_queue_post_without_a_session_gets_401_with_the_login_url(client, member_a_user):
    assignment = group_a(member_a_user)
    url = create_url(assignment)

    response = queue_post(client, url, visit_data(assignment, draft_token=TOKEN))

    assert response.status_code == 401
    assert response.json() == {"login_url": f"/accounts/login/?next={url.replace('/', '%2F')}"}
    upload = queue_post(client, upload_url(make_visit(assignment=assignment)), {})
    assert upload.status_code == 401


def test_a_queue_post_out_of_scope_gets_json_not_a_page(member_b_client, member_a_user):
    assignment = group_a(member_a_user)

    response = queue_post(
        member_b_client, create_url(assignment), visit_data(assignment, draft_token=TOKEN)
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "message" in response.json()


# --- the same day --------------------------------------------------------------------


def test_a_second_visit_on_the_same_day_is_asked_first_in_json(member_a_client, member_a_user):
    assignment = group_a(member_a_user)
    existing = make_visit(assignment=assignment, visited_on=days_ago(3), purpose="Chuyến sáng")
    make_visit(assignment=assignment, visited_on=days_ago(3), status="deleted", purpose="Đã xoá")
    data = visit_data(assignment, draft_token=TOKEN)
    before = counts()

    asked = queue_post(member_a_client, create_url(assignment), data)

    assert asked.status_code == 409
    assert asked.json() == {
        "same_day": True,
        "message": f"Đã có chuyến công tác ngày {days_ago(3):%d/%m/%Y} – vẫn lưu?",
        "date": days_ago(3).isoformat(),
        "visits": [
            {
                "url": reverse("assignments:visit_detail", args=[existing.pk]),
                "status": "draft",
                "purpose": "Chuyến sáng",
            }
        ],
    }
    assert counts() == before
    saved = queue_post(member_a_client, create_url(assignment), {**data, "same_day_ok": "1"})
    assert saved.status_code == 201


def test_the_html_form_asks_the_same_day_question_keeping_what_was_typed(
    member_a_client, member_a_user
):
    assignment = group_a(member_a_user)
    existing = make_visit(assignment=assignment, visited_on=days_ago(3), purpose="Chuyến sáng")
    data = visit_data(assignment, draft_token=TOKEN, findings="Ghi chép dài ở thôn Nậm Pung")
    before = counts()

    response = member_a_client.post(create_url(assignment), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Đã có chuyến công tác ngày {days_ago(3):%d/%m/%Y} – vẫn lưu?" in html
    assert reverse("assignments:visit_detail", args=[existing.pk]) in html
    assert 'name="same_day_ok"' in html
    assert "Ghi chép dài ở thôn Nậm Pung" in html
    assert counts() == before
    confirmed = member_a_client.post(create_url(assignment), {**data, "same_day_ok": "on"})
    assert confirmed.status_code == 302
    assert FieldVisit.objects.filter(assignment=assignment, visited_on=days_ago(3)).count() == 2


# --- edits ---------------------------------------------------------------------------


def edit_url(visit):
    return reverse("assignments:visit_edit", args=[visit.pk])


def test_a_queue_edit_is_answered_200_with_the_new_version(member_a_client, member_a_user):
    assignment = group_a(member_a_user)
    queue_post(member_a_client, create_url(assignment), visit_data(assignment, draft_token=TOKEN))
    visit = FieldVisit.objects.get(client_token=TOKEN)

    response = queue_post(
        member_a_client, edit_url(visit), visit_data(assignment, version="1", purpose="Sửa lại")
    )

    assert response.status_code == 200
    assert response.json()["created"] is False and response.json()["version"] == 2
    assert FieldVisit.objects.get(pk=visit.pk).purpose == "Sửa lại"


def test_a_stale_queue_edit_is_a_conflict_with_the_stored_values(member_a_client, member_a_user):
    assignment = group_a(member_a_user)
    queue_post(member_a_client, create_url(assignment), visit_data(assignment, draft_token=TOKEN))
    visit = FieldVisit.objects.get(client_token=TOKEN)
    queue_post(
        member_a_client, edit_url(visit), visit_data(assignment, version="1", purpose="Bản mới")
    )

    response = queue_post(
        member_a_client, edit_url(visit), visit_data(assignment, version="1", purpose="Bản cũ")
    )

    body = response.json()
    assert response.status_code == 409
    assert body["conflict"] is True and body["locked"] is False
    assert (body["version"], body["status"], body["edit_url"]) == (2, "draft", edit_url(visit))
    assert body["current"]["purpose"] == "Bản mới"
    assert body["current"]["visited_on"] == days_ago(3).isoformat()  # as the date input shows it
    assert body["current"]["supports-INITIAL_FORMS"] == "0"
    assert isinstance(body["current"]["participants"], list)
    assert FieldVisit.objects.get(pk=visit.pk).purpose == "Bản mới"


def test_a_queue_edit_of_a_visit_submitted_meanwhile_is_a_locked_conflict(
    member_a_client, member_a_user
):
    assignment = group_a(member_a_user)
    visit = make_visit(assignment=assignment, status="submitted", visited_on=days_ago(3))

    response = queue_post(
        member_a_client, edit_url(visit), visit_data(assignment, version="1", purpose="Muộn")
    )

    assert response.status_code == 409
    assert response.json()["locked"] is True and response.json()["status"] == "submitted"
    assert "không còn sửa được nữa" in response.json()["message"]


# --- files, one by one -----------------------------------------------------------------


@pytest.fixture
def draft(member_a_user):
    return make_visit(assignment=group_a(member_a_user), status="draft", visited_on=days_ago(3))


def test_the_same_photo_sent_three_times_is_stored_once(member_a_client, draft, media_root):
    answers = [
        queue_post(
            member_a_client,
            upload_url(draft),
            {"file": jpeg("anh-1.jpg"), "client_id": "photo-1", "kind": "photo"},
        )
        for _ in range(3)
    ]

    assert [a.status_code for a in answers] == [201, 200, 200]
    attachment = Attachment.objects.get(visit=draft)
    assert attachment.client_id == "photo-1"
    assert answers[0].json() == {
        "attachment": attachment.pk,
        "created": True,
        "name": "anh-1.jpg",
        "size": attachment.size,
    }
    assert answers[2].json() == {**answers[0].json(), "created": False}
    assert len(stored_files(media_root)) == 1
    assert PhotoUpload.objects.count() == 1  # a retry is neither decoded nor counted


def test_two_photos_with_their_own_ids_are_both_stored(member_a_client, draft, media_root):
    for n in (1, 2):
        queue_post(member_a_client, upload_url(draft), {"file": jpeg(), "client_id": f"p-{n}"})

    assert draft.attachments.count() == 2 and len(stored_files(media_root)) == 2


def test_an_upload_without_a_client_id_or_a_bad_file_is_refused_in_json(
    member_a_client, draft, media_root
):
    no_id = queue_post(member_a_client, upload_url(draft), {"file": jpeg()})
    not_an_image = queue_post(
        member_a_client,
        upload_url(draft),
        {"file": io.BytesIO(b"plain text, not a photo"), "client_id": "x-1"},
    )

    assert no_id.status_code == not_an_image.status_code == 400
    assert no_id.json()["message"] == "Thiếu mã tệp (client_id)."
    assert "không phải ảnh JPEG, PNG hay tài liệu PDF" in not_an_image.json()["message"]
    assert not draft.attachments.exists() and stored_files(media_root) == []


def test_an_upload_over_the_users_limit_is_429(member_a_client, draft, settings, media_root):
    settings.NTM_UPLOAD_PIXELS_PER_WINDOW = 1_000

    response = queue_post(
        member_a_client, upload_url(draft), {"file": jpeg(size=(40, 30)), "client_id": "big"}
    )

    assert response.status_code == 429
    assert "Bạn đã gửi nhiều ảnh" in response.json()["message"]
    assert stored_files(media_root) == []


def test_an_upload_to_a_visit_the_user_may_not_edit_is_refused_in_json(
    member_a_client, member_b_client, member_a_user
):
    submitted = make_visit(assignment=group_a(member_a_user), status="submitted")
    draft = make_visit(assignment=group_a(member_a_user), status="draft")

    locked = queue_post(member_a_client, upload_url(submitted), {"file": jpeg(), "client_id": "a"})
    unseen = queue_post(member_b_client, upload_url(draft), {"file": jpeg(), "client_id": "a"})

    assert (locked.status_code, unseen.status_code) == (403, 404)
    assert "message" in locked.json() and "message" in unseen.json()
    assert not Attachment.objects.filter(visit__in=[submitted, draft]).exists()


def test_the_visit_page_adds_a_file_without_the_queue(member_a_client, draft, media_root):
    response = member_a_client.post(upload_url(draft), {"file": jpeg("bien-ban.jpg")})

    assert response.status_code == 302
    assert response.url == reverse("assignments:visit_detail", args=[draft.pk])
    assert [a.original_name for a in draft.attachments.all()] == ["bien-ban.jpg"]
    page = member_a_client.get(response.url).content.decode()
    assert "Đã đính kèm tệp «bien-ban.jpg»." in page


def test_every_stored_photo_loses_its_exif_position_and_stays_upright(
    member_a_client, draft, media_root
):
    image = Image.new("RGB", (40, 20), "green")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    exif[0x8825] = {1: "N", 2: (22.0, 28.0, 48.0), 3: "E", 4: (103.0, 58.0, 12.0)}  # GPS
    exif[0x010F] = "Máy ảnh thử"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif().get_ifd(0x8825)
    upload = jpeg("gps.jpg")
    upload.file = io.BytesIO(buffer.getvalue())
    upload.size = len(buffer.getvalue())

    queue_post(member_a_client, upload_url(draft), {"file": upload, "client_id": "gps-1"})

    (path,) = stored_files(media_root)
    with Image.open(path) as stored:
        assert stored.size == (20, 40)  # the orientation applied to the pixels
        exif = stored.getexif()
        assert not exif.get_ifd(0x8825) and 0x8825 not in exif and 0x0112 not in exif
        assert b"Exif" not in path.read_bytes()[:4096]
