"""A preview never confirmed expires NTM_IMPORT_PREVIEW_HOURS after its upload: shown as
"Hết hạn", its kept file deleted, and it can no longer be confirmed."""

import datetime
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from assignments.models import Assignment, Leader
from reports.imports import service
from reports.models import ImportBatch

from .import_workbooks import upload, workbook_bytes

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]
ROW = [1, "Trần Thị Thử Nghiệm", "Giám đốc", "Sở Tài chính", "Bản Vược"]
UPLOADED = datetime.datetime(2025, 5, 5, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def clock():
    with time_machine.travel(UPLOADED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def preview(clock, decision, office_user):
    batch, plan = service.preview("annex", upload(workbook_bytes([HEADER, ROW])), decision, None)
    assert [row.action for row in plan.rows] == ["update"]
    return batch


def written():
    return Assignment.objects.count(), Leader.objects.filter(full_name=ROW[1]).count()


def test_a_preview_confirmed_within_the_day_is_written(clock, preview, office_user):
    clock.shift(datetime.timedelta(hours=23, minutes=59))
    batch, done = service.apply(preview, office_user)
    assert (done, batch.status) == (True, "applied")
    assert Leader.objects.filter(full_name=ROW[1]).count() == 1


def test_confirming_a_day_old_preview_expires_it_and_writes_nothing(
    clock, preview, office_client, office_user, django_capture_on_commit_callbacks
):
    stored = Path(preview.stored_file.path)
    before = written()
    clock.shift(datetime.timedelta(hours=24))
    office_client.force_login(office_user)  # the session has ended meanwhile
    url = reverse("reports:import_preview", args=[preview.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(url, {"action": "confirm"}, follow=True)
    text = response.content.decode()
    assert "Bản xem trước này đã hết hạn lúc 09:00 06/05/2025 (24 giờ sau khi tải lên)" in text
    assert "chưa có gì được ghi" in text
    assert "Hết hạn" in text
    assert "Xác nhận nhập" not in text  # no button left to press
    preview.refresh_from_db()
    assert (preview.status, preview.stored_file.name) == ("expired", "")
    assert not stored.exists()
    assert written() == before
    # Expired for good: a later confirm or cancel is refused with the same reason.
    for act in (service.apply, service.cancel):
        with pytest.raises(service.ImportRefused, match="đã hết hạn"):
            act(preview, None)


def test_opening_an_old_preview_shows_it_expired(
    clock, preview, office_client, office_user, django_capture_on_commit_callbacks
):
    clock.shift(datetime.timedelta(days=3))
    office_client.force_login(office_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.get(reverse("reports:import_preview", args=[preview.pk]))
    text = response.content.decode()
    assert '<span class="badge">Hết hạn</span>' in text
    assert "Tải tệp lên lại" in text
    assert ROW[1] not in text  # the plan is not shown any more
    preview.refresh_from_db()
    assert preview.status == "expired"


def test_a_waiting_preview_says_until_when(preview, office_client):
    response = office_client.get(reverse("reports:import_preview", args=[preview.pk]))
    assert "(hết hạn lúc 09:00 06/05/2025 nếu chưa xác nhận)" in response.content.decode()


def test_the_limit_is_a_setting(clock, preview, office_user, settings):
    settings.NTM_IMPORT_PREVIEW_HOURS = 2
    clock.shift(datetime.timedelta(hours=2))
    with pytest.raises(service.ImportRefused, match=r"hết hạn lúc 11:00 05/05/2025 \(2 giờ"):
        service.apply(preview, office_user)


def test_an_applied_batch_never_expires(clock, preview, office_user):
    service.apply(preview, office_user)
    clock.shift(datetime.timedelta(days=2))
    batch, done = service.apply(preview, office_user)
    assert (done, batch.status, batch.state) == (False, "applied", "applied")
    assert ImportBatch.objects.stale().count() == 0


def test_the_command_expires_old_previews_and_deletes_their_files(
    clock, preview, decision, capsys, django_capture_on_commit_callbacks
):
    stored = Path(preview.stored_file.path)
    clock.shift(datetime.timedelta(hours=20))
    fresh, _plan = service.preview("annex", upload(workbook_bytes([HEADER, ROW])), decision, None)
    clock.shift(datetime.timedelta(hours=5))

    call_command("expire_imports", "--dry-run")
    assert f"#{preview.pk} " in capsys.readouterr().out
    preview.refresh_from_db()
    assert (preview.status, stored.exists()) == ("previewed", True)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_imports")
    out = capsys.readouterr().out
    assert f"#{preview.pk} Phụ lục phân công" in out and "đã hết hạn, đã xoá tệp" in out
    assert "Đã cho hết hạn 1 lần nhập" in out
    preview.refresh_from_db()
    fresh.refresh_from_db()
    assert (preview.status, preview.stored_file.name, stored.exists()) == ("expired", "", False)
    assert (fresh.status, Path(fresh.stored_file.path).exists()) == ("previewed", True)


def test_the_command_deletes_old_files_no_import_holds(clock, preview, media_root, capsys):
    folder = Path(media_root) / "imports"
    orphan, young = folder / "0123abcd.xlsx", folder / "4567ef.xlsx"
    orphan.write_bytes(b"left behind")
    young.write_bytes(b"being saved")  # a preview recording itself right now
    now = UPLOADED + datetime.timedelta(hours=25)
    os.utime(orphan, (UPLOADED.timestamp(),) * 2)
    os.utime(young, (now.timestamp() - 60,) * 2)
    clock.move_to(now)

    call_command("expire_imports", "--dry-run")
    assert "imports/0123abcd.xlsx: không thuộc lần nhập nào, sẽ xoá" in capsys.readouterr().out
    assert orphan.exists()

    call_command("expire_imports")
    assert "xoá 1 tệp" in capsys.readouterr().out
    assert (orphan.exists(), young.exists()) == (False, True)


def test_the_command_says_so_when_there_is_nothing_to_do(capsys):
    call_command("expire_imports")
    assert capsys.readouterr().out.strip() == (
        "Đã cho hết hạn 0 lần nhập, đã xoá 0 tệp không thuộc lần nhập nào."
    )
