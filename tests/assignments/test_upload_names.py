"""A photo whose file name is not UTF-8 is kept (under a readable label), never dropped
while the save says it was saved (core/uploads.py)."""

import pytest
from django.test.client import BOUNDARY, encode_multipart

from assignments.models import Attachment
from tests.support.visit_form import create_url, group_a, jpeg, visit_data

pytestmark = pytest.mark.django_db


def post_raw(client, user, name_bytes):
    """The visit form posted as a script would, the photo's name in raw bytes."""
    assignment = group_a(user)
    data = visit_data(assignment, files=[jpeg("PLACEHOLDER.jpg")])
    body = encode_multipart(BOUNDARY, data).replace(b"PLACEHOLDER.jpg", name_bytes)
    return client.post(
        create_url(assignment),
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        follow=True,
    )


def test_a_photo_named_in_a_legacy_encoding_is_kept_under_a_readable_name(
    member_a_client, member_a_user, media_root
):
    response = post_raw(member_a_client, member_a_user, "Đà-xà.jpg".encode("cp1258"))

    attachment = Attachment.objects.get()
    assert attachment.original_name == "__-x_.jpg"
    assert (media_root / attachment.file.name).is_file()
    html = response.content.decode()
    assert "Đã lưu" in html and "__-x_.jpg" in html


def test_a_photo_named_only_with_control_characters_is_kept(member_a_client, member_a_user):
    post_raw(member_a_client, member_a_user, b"\x01\x02.jpg")

    assert Attachment.objects.get().original_name == "__.jpg"
