"""Attachments: type by content, size and pixel limits, metadata stripped, nothing
stored on refusal, downloads and deletions only through the access helper."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assignments.models import Attachment, FieldVisit
from tests.factories import make_visit
from tests.support.visit_form import counts, create_url, group_a, jpeg, visit_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def post_with(client, user, *files, **fields):
    assignment = group_a(user)
    data = visit_data(assignment, files=list(files), **fields)
    return client.post(create_url(assignment), data), data


def png(size, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


REFUSED = {
    "an html page renamed .jpg": (
        lambda: SimpleUploadedFile(
            "anh-hien-truong.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"
        ),
        "Tệp «anh-hien-truong.jpg» không phải ảnh JPEG, PNG hay tài liệu PDF",
    ),
    "a 12 MB file": (
        lambda: SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n" + b"0" * (12 * 1024 * 1024)),
        "Tệp «bien-ban.pdf» lớn hơn 10 MB",
    ),
    # 100 megapixels in a 12 kB file: a decompression bomb for a phone-sized server.
    "a 10000 x 10000 pixel image": (
        lambda: SimpleUploadedFile("ban-do.png", png((10_000, 10_000), "1"), "image/png"),
        "Ảnh «ban-do.png» (10000 × 10000) có quá nhiều điểm ảnh",
    ),
    "a broken jpeg": (
        lambda: SimpleUploadedFile("hong.jpg", b"\xff\xd8\xff\xe0" + b"rac" * 50, "image/jpeg"),
        "Tệp «hong.jpg» không đọc được như một ảnh JPEG",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_file_stores_nothing_and_keeps_what_was_typed(
    member_a_client, member_a_user, media_root, case
):
    make_file, message = REFUSED[case]
    before = counts()

    response, data = post_with(member_a_client, member_a_user, jpeg("tot.jpg"), make_file())

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert counts() == before
    assert stored_files(media_root) == []
    assert data["purpose"] in html and "Chủ tịch UBND xã" in html


def test_the_pixel_limit_is_a_setting(member_a_client, member_a_user, settings):
    settings.NTM_ATTACHMENT_MAX_PIXELS = 100
    upload = SimpleUploadedFile("nho.png", png((20, 20)), "image/png")

    response, _data = post_with(member_a_client, member_a_user, upload)

    assert "có quá nhiều điểm ảnh (tối đa 100 điểm ảnh)" in response.content.decode()


def test_a_photo_is_stored_upright_without_exif_or_gps(member_a_client, member_a_user, media_root):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    exif[0x010F] = "Máy ảnh"
    exif[0x8825] = {1: "N", 2: (22.0, 30.0, 0.0), 3: "E", 4: (103.0, 58.0, 0.0)}  # GPS
    upload = jpeg("hien-truong.jpg", size=(60, 20), exif=exif, comment=b"bi mat")
    assert Image.open(upload).getexif().get(0x8825)
    upload.seek(0)

    post_with(member_a_client, member_a_user, upload)

    attachment = Attachment.objects.get(original_name="hien-truong.jpg")
    with Image.open(media_root / attachment.file.name) as image:
        assert image.format == "JPEG"
        assert image.size == (20, 60)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "comment" not in image.info
    assert attachment.size == (media_root / attachment.file.name).stat().st_size


def test_a_pdf_is_accepted_as_it_is(member_a_client, member_a_user, media_root):
    upload = SimpleUploadedFile("bien-ban.docx", PDF, content_type="application/msword")

    post_with(member_a_client, member_a_user, upload, kind="minutes")

    attachment = Attachment.objects.get(original_name="bien-ban.docx")
    assert (attachment.content_type, attachment.kind) == ("application/pdf", "minutes")
    assert attachment.file.name.endswith(".pdf")
    assert (media_root / attachment.file.name).read_bytes() == PDF


def attach(visit, name="bien-ban-họp.pdf", content=PDF, content_type="application/pdf"):
    attachment = Attachment(visit=visit, original_name=name, content_type=content_type)
    attachment.file.save("x.pdf", ContentFile(content), save=True)
    return attachment


def download_url(attachment):
    return reverse("assignments:attachment_download", args=[attachment.pk])


def test_the_group_downloads_its_draft_inline_with_its_name(member_a_client, member_a_user):
    attachment = attach(make_visit(assignment=group_a(member_a_user), status="draft"))

    response = member_a_client.get(download_url(attachment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline")
    assert "filename*=utf-8''bien-ban-h%E1%BB%8Dp.pdf" in disposition
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    "persona, status, expected",
    [
        ("member_b_client", "draft", 404),
        ("member_b_client", "submitted", 200),
        ("reader_client", "draft", 404),
        ("leader_client", "confirmed", 200),
        ("office_client", "draft", 200),
    ],
)
def test_download_follows_who_may_see_the_visit(request, member_a_user, persona, status, expected):
    attachment = attach(make_visit(assignment=group_a(member_a_user), status=status))
    client = request.getfixturevalue(persona)
    assert client.get(download_url(attachment)).status_code == expected


def test_anonymous_download_goes_to_login(anonymous_client, member_a_user):
    attachment = attach(make_visit(assignment=group_a(member_a_user), status="confirmed"))
    response = anonymous_client.get(download_url(attachment))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_unexpected_stored_type_is_offered_as_a_download(office_client, member_a_user):
    visit = make_visit(assignment=group_a(member_a_user))
    attachment = attach(visit, name="trang.html", content=b"<script>", content_type="text/html")

    response = office_client.get(download_url(attachment))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_the_visit_page_links_to_downloads_and_offers_delete_only_to_editors(
    member_a_client, member_b_client, member_a_user
):
    visit = make_visit(assignment=group_a(member_a_user), status="returned")
    attachment = attach(visit)
    page = reverse("assignments:visit_detail", args=[visit.pk])
    delete_url = reverse("assignments:attachment_delete", args=[attachment.pk])

    own, other = member_a_client.get(page), member_b_client.get(page)

    assert download_url(attachment) in own.content.decode()
    assert delete_url in own.content.decode()
    assert download_url(attachment) in other.content.decode()
    assert delete_url not in other.content.decode()
    assert attachment.file.url not in own.content.decode()


def test_an_editor_deletes_an_attachment_and_its_file(
    member_a_client, member_a_user, media_root, django_capture_on_commit_callbacks
):
    visit = make_visit(assignment=group_a(member_a_user), status="draft")
    attachment = attach(visit)
    path = media_root / attachment.file.name

    assert (
        member_a_client.get(
            reverse("assignments:attachment_delete", args=[attachment.pk])
        ).status_code
        == 405
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = member_a_client.post(
            reverse("assignments:attachment_delete", args=[attachment.pk])
        )

    assert response.url == reverse("assignments:visit_detail", args=[visit.pk])
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not path.exists()


@pytest.mark.parametrize(
    "persona, status, expected",
    [
        ("member_a_client", "submitted", 403),
        ("member_b_client", "draft", 404),
        ("member_b_client", "returned", 403),
        ("reader_client", "confirmed", 403),
    ],
)
def test_others_cannot_delete(request, member_a_user, persona, status, expected):
    attachment = attach(make_visit(assignment=group_a(member_a_user), status=status))
    client = request.getfixturevalue(persona)

    response = client.post(reverse("assignments:attachment_delete", args=[attachment.pk]))

    assert response.status_code == expected
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_the_edit_form_removes_ticked_attachments(member_a_client, member_a_user):
    visit = make_visit(assignment=group_a(member_a_user), status="draft")
    keep, drop = attach(visit, name="giu.pdf"), attach(visit, name="bo.pdf")
    data = visit_data(visit.assignment, version=str(visit.version), remove=[drop.pk])

    response = member_a_client.post(reverse("assignments:visit_edit", args=[visit.pk]), data)

    assert response.status_code == 302
    assert list(FieldVisit.objects.get(pk=visit.pk).attachments.all()) == [keep]
