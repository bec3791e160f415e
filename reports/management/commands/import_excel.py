"""Import an Excel file from the command line, through the same service as the pages.

    manage.py import_excel annex FILE --decision ID [--dry-run] [--user USERNAME]
    manage.py import_excel matrix FILE --year YYYY [--dry-run] [--user USERNAME]

Prints the preview; applies it unless --dry-run or any row has an error.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assignments.models import Decision
from reports.imports import service
from reports.imports.files import ImportFileError
from reports.imports.plan import ERROR
from reports.models import ImportBatch

LABELS = {"create": "THÊM MỚI", "update": "CẬP NHẬT", "unchanged": "KHÔNG ĐỔI", "error": "LỖI"}


class Command(BaseCommand):
    help = "Nhập phụ lục phân công (annex) hoặc bảng tiêu chí (matrix) từ tệp Excel."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["annex", "matrix"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--decision", type=int, help="id của quyết định (annex)")
        parser.add_argument("--year", type=int, help="năm đánh giá (matrix)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi")
        parser.add_argument("--user", help="tên đăng nhập ghi vào lịch sử thay đổi")

    def handle(self, *args, kind, file, decision, year, dry_run, user, **options):
        target = self._target(kind, decision, year)
        user = self._user(user)
        if not file.is_file():
            raise CommandError(f"Không có tệp {file}.")
        try:
            with file.open("rb") as handle:
                batch, plan = service.preview(kind, handle, target, user, name=file.name)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        self._print(batch, plan)
        if plan.has_errors:
            service.cancel(batch, user)
            rows = ", ".join(map(str, plan.error_rows))
            raise CommandError(f"Không ghi gì: còn {plan.errors} lỗi (dòng {rows}).")
        if dry_run:
            service.cancel(batch, user)
            self.stdout.write("Chạy thử (--dry-run): không ghi gì.")
            return
        try:
            batch, _done = service.apply(batch, user)
        except service.ImportRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập (lần #{batch.pk}): {batch.created_count} thêm mới, "
                f"{batch.updated_count} cập nhật, {batch.unchanged_count} không đổi."
            )
        )

    def _target(self, kind, decision, year):
        if kind == ImportBatch.Kind.ANNEX:
            if decision is None:
                raise CommandError("Nhập phụ lục cần --decision ID.")
            found = Decision.objects.filter(pk=decision).first()
            if found is None:
                raise CommandError(f"Không có quyết định id {decision}.")
            return found
        if year is None:
            raise CommandError("Nhập bảng tiêu chí cần --year YYYY.")
        return year

    def _user(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username}.")
        return user

    def _print(self, batch, plan):
        out = self.stdout
        out.write(f"Lần nhập #{batch.pk}: {batch.get_kind_display()} – {batch.target_label}")
        if plan.kind == ImportBatch.Kind.MATRIX:
            out.write(f"Đọc {plan.extra['communes']} dòng xã.")
        out.write(
            f"Thêm mới {plan.created}, cập nhật {plan.updated}, không đổi {plan.unchanged}, "
            f"lỗi {plan.errors}."
        )
        for row in plan.for_display():
            label = LABELS[row.action]
            if plan.kind == ImportBatch.Kind.ANNEX:
                line = (
                    f"Dòng {row.row:>4}  {label:<10}  {row.commune} ({row.district}): "
                    f"{row.leader}, {row.position} – {row.agency}"
                )
                if row.previous:
                    line += f"  [thay cho {row.previous}]"
            else:
                old = {None: "chưa đánh giá", True: "Đạt", False: "Chưa đạt"}[row.old]
                new = {None: "?", True: "Đạt", False: "Chưa đạt"}[row.new]
                line = (
                    f"Dòng {row.row:>4}  {label:<10}  {row.column} {row.commune}, "
                    f"{row.criterion}: {old} → {new}"
                )
            if row.action == ERROR:
                line = "; ".join(row.errors)
                out.write(self.style.ERROR(line))
                continue
            for note in row.notes:
                line += f"  ({note})"
            out.write(line)
