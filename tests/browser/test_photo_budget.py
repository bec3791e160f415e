"""The phone's photo budget (issue 17): a photo picked on the visit form is shrunk on the
phone to ≤ 2560 px and, when JPEG 0.8 is still over 600 KB, to a lower quality or size
until it fits, so that three photos go up a 3G link in about 20 s; a small photo is
sent at its own size. Checked on the bytes that reach the server."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw

from assignments import attachments
from assignments.models import FieldVisit
from sampledata.lifecycle import GROUP_A_COMMUNE, demo_assignment
from tests.browser.test_offline_queue import (
    VISIT_PAGE,
    fill_visit,
    free_day,
    phone,
    pick_photos,
    stored_sizes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHOTO_BUDGET = 600 * 1024  # PHOTO_BUDGET of static/js/visit_form.js
SHOWN_SIZE = re.compile(r"→\s*(\d+) KB")


def noise_photo(path):
    """The benchmark's worst case (bench/field.py): 4000×3000 of colour noise, ~4 MB."""
    small = Image.effect_noise((666, 500), 60).convert("L")
    bands = [small, small.transpose(Image.Transpose.ROTATE_180), small.point(lambda v: 255 - v)]
    image = Image.merge("RGB", bands).resize((4000, 3000), Image.Resampling.BILINEAR)
    image.save(path, "JPEG", quality=92)
    return path


def small_photo(path):
    image = Image.new("RGB", (800, 600), (90, 140, 60))
    ImageDraw.Draw(image).rectangle([300, 200, 500, 400], fill=(200, 80, 40))
    image.save(path, "JPEG", quality=92)
    return path


@pytest.fixture
def received(monkeypatch):
    """The bytes of each file the server receives, before it checks and re-encodes them
    (the live server runs in this process)."""
    files = []
    check = attachments.check

    def recording(upload):
        upload.seek(0)
        files.append(upload.read())
        return check(upload)

    monkeypatch.setattr(attachments, "check", recording)
    return files


@pytest.fixture
def assignment():
    return demo_assignment(GROUP_A_COMMUNE)


def test_a_noisy_camera_photo_arrives_within_the_budget_and_a_small_one_at_its_size(
    browser, live_server_url, assignment, tmp_path, received
):
    context, page = phone(browser, live_server_url)
    purpose = "Chuyến thử ngân sách ảnh trên mạng 3G"
    page.goto(reverse("assignments:visit_create", args=[assignment.pk]))
    fill_visit(page, free_day(assignment, skip=3), purpose)
    noisy = noise_photo(tmp_path / "IMG_0100.jpg")
    assert noisy.stat().st_size > 3_000_000
    pick_photos(page, [noisy, small_photo(tmp_path / "IMG_0101.jpg")])

    # The list shows the noisy photo's size before and after, the latter within the budget.
    first = page.locator("#photo-list li").first.inner_text()
    assert "MB →" in first
    shown = SHOWN_SIZE.search(first)
    assert shown, first
    assert int(shown.group(1)) <= PHOTO_BUDGET // 1024
    page.locator("#photo-list li").nth(1).get_by_text("IMG_0101.jpg").wait_for()

    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(VISIT_PAGE)

    noisy_sent, small_sent = received
    with Image.open(io.BytesIO(noisy_sent)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 2560
        assert image.size[0] * 3 == image.size[1] * 4  # the shape kept
    assert len(noisy_sent) <= PHOTO_BUDGET
    with Image.open(io.BytesIO(small_sent)) as image:
        assert image.size == (800, 600)  # not enlarged

    visit = FieldVisit.objects.get(purpose=purpose)
    sizes = stored_sizes(visit)
    assert max(sizes[0]) <= 2560
    assert sizes[1] == (800, 600)
    context.close()
