"""Find, and with --delete remove, visit files on disk that no attachment row names.

A save writes its files, then commits its rows; a worker killed in between (a restart,
the out-of-memory killer) leaves files that nothing points to. A dry run by default:

    manage.py remove_orphan_files              # lists them, deletes nothing
    manage.py remove_orphan_files --delete     # deletes them

Files younger than --min-age-hours (1 by default) are left alone: their save may still
be running.
"""

import datetime
import posixpath

from django.core.management.base import BaseCommand
from django.utils import timezone

from assignments.models import Attachment

ROOT = "visits"  # models.attachment_path: visits/<visit id>/<generated name>


def stored_names(storage, folder=ROOT):
    """Every file name under `folder` of the storage, recursively."""
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield posixpath.join(folder, name)
    for sub in folders:
        yield from stored_names(storage, posixpath.join(folder, sub))


def orphans(storage, older_than):
    """(name, size) of the stored files no attachment names, modified before `older_than`."""
    known = set(Attachment.objects.values_list("file", flat=True).iterator())
    for name in stored_names(storage):
        if name not in known and storage.get_modified_time(name) < older_than:
            yield name, storage.size(name)


class Command(BaseCommand):
    help = "Liệt kê (và với --delete thì xoá) các tệp của chuyến công tác không còn dòng nào."

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Xoá thật (mặc định chỉ liệt kê, không xoá)."
        )
        parser.add_argument(
            "--min-age-hours",
            type=float,
            default=1.0,
            help="Chỉ xét tệp cũ hơn số giờ này (mặc định 1): lần lưu đang chạy không bị đụng.",
        )

    def handle(self, *args, delete, min_age_hours, **options):
        storage = Attachment._meta.get_field("file").storage
        older_than = timezone.now() - datetime.timedelta(hours=min_age_hours)
        count = total = 0
        for name, size in orphans(storage, older_than):
            count += 1
            total += size
            if delete:
                storage.delete(name)
            self.stdout.write(f"{'Đã xoá' if delete else 'Thừa'}: {name} ({size} byte)")
        summary = f"{count} tệp không có dòng nào ({total / 1024 / 1024:.1f} MB)"
        if delete:
            self.stdout.write(self.style.SUCCESS(f"Đã xoá {summary}."))
        else:
            self.stdout.write(f"{summary}. Chạy thử: chưa xoá gì; thêm --delete để xoá.")
