"""Expire the import previews nobody confirmed, and delete the files they kept.

    manage.py expire_imports [--dry-run]

A preview expires NTM_IMPORT_PREVIEW_HOURS after its upload, whether or not
this command runs (confirming it is refused then); the command deletes the
files of those nobody opened again, and any file in MEDIA_ROOT/imports/ that
no import holds. Nightly by cron (docs/operations.md). Prints one line per
import or file, then a summary.
"""

from django.core.management.base import BaseCommand

from core import formats
from reports.imports import expiry


class Command(BaseCommand):
    help = (
        "Cho hết hạn các lần nhập Excel đã xem trước mà chưa xác nhận, xoá tệp chúng giữ "
        "và các tệp nhập không thuộc lần nhập nào."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="chỉ liệt kê, không đổi trạng thái, không xoá"
        )

    def handle(self, *args, dry_run, **options):
        batches = expiry.expire_stale(dry_run=dry_run)
        files = expiry.leftover_files(dry_run=dry_run)
        for batch in batches:
            self.stdout.write(
                f"#{batch.pk} {batch} (tải lên {formats.moment(batch.uploaded_at)}): "
                + ("sẽ hết hạn" if dry_run else "đã hết hạn, đã xoá tệp")
            )
        for name in files:
            self.stdout.write(
                f"{name}: không thuộc lần nhập nào, " + ("sẽ xoá" if dry_run else "đã xoá")
            )
        verb = "Sẽ" if dry_run else "Đã"
        self.stdout.write(
            f"{verb} cho hết hạn {len(batches)} lần nhập, {verb.lower()} xoá {len(files)} tệp "
            "không thuộc lần nhập nào."
        )
