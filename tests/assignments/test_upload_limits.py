"""What one save and one user may make the server decode: the pixels of a whole save,
the user's pixels over a short window, and large photos stored reduced (decoded at a
smaller scale, never whole)."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from assignments import upload_quota
from assignments.models import Attachment, PhotoUpload
from tests.support.visit_form import counts, create_url, group_a, jpeg, visit_data

pytestmark = pytest.mark.django_db


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def save_photos(client, user, *files):
    assignment = group_a(user)
    # Several saves on one day: the member has answered "vẫn lưu?" (same_day_ok).
    data = visit_data(assignment, files=list(files), same_day_ok="1")
    return client.post(create_url(assignment), data, follow=True)


def photos(n, size=(40, 20)):
    return [jpeg(f"anh-{i}.jpg", size=size) for i in range(1, n + 1)]


def test_a_save_over_the_pixel_budget_is_refused_with_nothing_written(
    member_a_client, member_a_user, media_root, settings
):
    settings.NTM_ATTACHMENT_REQUEST_PIXELS = 2_000  # three photos of 800 pixels go over
    before = counts()

    response = save_photos(member_a_client, member_a_user, *photos(3))

    html = response.content.decode()
    assert "Các ảnh chọn lần này có tổng cộng 0,0 triệu điểm ảnh" in html
    assert "mỗi lần lưu" in html
    assert counts() == before
    assert stored_files(media_root) == []
    assert not PhotoUpload.objects.exists()  # refused before anything was decoded or counted


def test_a_save_within_the_pixel_budget_is_stored_and_counted(
    member_a_client, member_a_user, media_root, settings
):
    settings.NTM_ATTACHMENT_REQUEST_PIXELS = 2_400

    save_photos(member_a_client, member_a_user, *photos(3))

    assert Attachment.objects.count() == 3 and len(stored_files(media_root)) == 3
    assert list(PhotoUpload.objects.values_list("user", "pixels")) == [(member_a_user.pk, 2_400)]


def test_a_user_over_their_upload_limit_waits_with_nothing_written(
    member_a_client, member_a_user, media_root, settings
):
    settings.NTM_UPLOAD_PIXELS_PER_WINDOW = 2_000
    save_photos(member_a_client, member_a_user, *photos(2))
    before, files_before = counts(), stored_files(media_root)

    response = save_photos(member_a_client, member_a_user, *photos(2))

    assert (
        "Bạn đã gửi nhiều ảnh trong 10 phút vừa qua: hãy đợi khoảng 10 phút rồi lưu lại"
        in response.content.decode()
    )
    assert counts() == before
    assert stored_files(media_root) == files_before
    assert PhotoUpload.objects.count() == 1


def test_the_upload_limit_counts_only_the_last_minutes(member_a_user, member_b_user, settings):
    settings.NTM_UPLOAD_PIXELS_PER_WINDOW = 1_000
    start = timezone.now()
    upload_quota.reserve(member_a_user, 600, now=start)
    upload_quota.reserve(member_b_user, 600, now=start)  # another user's own limit

    with pytest.raises(ValidationError, match="hãy đợi khoảng 4 phút"):
        upload_quota.reserve(member_a_user, 600, now=start + datetime.timedelta(minutes=6))
    upload_quota.reserve(member_a_user, 600, now=start + datetime.timedelta(minutes=10, seconds=1))

    assert PhotoUpload.objects.filter(user=member_a_user).count() == 1  # the old one deleted


def test_a_large_photo_is_stored_reduced(member_a_client, member_a_user, media_root, settings):
    settings.NTM_ATTACHMENT_STORED_PIXELS = 200  # 64 × 32 = 2048 pixels: 1/4 on each side

    save_photos(member_a_client, member_a_user, jpeg("lon.jpg", size=(64, 32)))

    attachment = Attachment.objects.get()
    with Image.open(media_root / attachment.file.name) as image:
        assert image.size == (16, 8)
    assert attachment.size == (media_root / attachment.file.name).stat().st_size


def test_a_png_larger_than_a_stored_photo_is_refused(member_a_client, member_a_user, settings):
    settings.NTM_ATTACHMENT_STORED_PIXELS = 200
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "PNG")
    png = SimpleUploadedFile("so-do.png", buffer.getvalue(), "image/png")

    response = save_photos(member_a_client, member_a_user, png)

    assert "Ảnh «so-do.png» (20 × 20) có quá nhiều điểm ảnh (tối đa 200 điểm ảnh)" in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()


def test_a_save_refused_for_its_other_fields_decodes_and_counts_no_photo(
    member_a_client, member_a_user, media_root
):
    assignment = group_a(member_a_user)
    data = visit_data(assignment, files=photos(2), visited_on="31/02/2025")

    response = member_a_client.post(create_url(assignment), data)

    assert "Chưa lưu gì" in response.content.decode()
    assert not PhotoUpload.objects.exists()
    assert stored_files(media_root) == []
