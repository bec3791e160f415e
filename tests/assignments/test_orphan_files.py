"""remove_orphan_files: visit files on disk that no attachment names (a worker killed
between writing them and committing their rows) are listed, and removed only with --delete."""

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from assignments.models import Attachment
from tests.factories import make_visit

pytestmark = pytest.mark.django_db

TWO_HOURS_AGO = time.time() - 2 * 3600


def run(*args):
    out = io.StringIO()
    call_command("remove_orphan_files", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def files(media_root):
    """A file with its row, an orphan two hours old and one a save may still be writing."""
    visit = make_visit()
    attachment = Attachment(visit=visit, original_name="bien-ban.pdf")
    attachment.file.save("co-dong.pdf", ContentFile(b"%PDF-1.4"), save=True)
    kept = media_root / attachment.file.name
    orphan = media_root / "visits" / str(visit.pk) / "mo-coi.jpg"
    orphan.write_bytes(b"\xff\xd8\xff" + b"0" * 1021)
    fresh = media_root / "visits" / "999999" / "dang-luu.jpg"
    fresh.parent.mkdir(parents=True)
    fresh.write_bytes(b"\xff\xd8\xff")
    for path in (kept, orphan):
        os.utime(path, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    return kept, orphan, fresh


def test_the_dry_run_lists_orphans_and_deletes_nothing(files):
    kept, orphan, fresh = files

    out = run()

    assert f"Thừa: visits/{orphan.parent.name}/mo-coi.jpg (1024 byte)" in out
    assert "1 tệp không có dòng nào" in out and "chưa xoá gì" in out
    assert kept.exists() and orphan.exists() and fresh.exists()


def test_delete_removes_only_old_files_without_a_row(files):
    kept, orphan, fresh = files

    out = run("--delete")

    assert "Đã xoá 1 tệp không có dòng nào" in out
    assert kept.exists() and not orphan.exists() and fresh.exists()
    assert run().count("Thừa") == 0
