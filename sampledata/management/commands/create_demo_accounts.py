"""Create (or reset) one demo account per role; refused in production mode."""

from django.core.management.base import BaseCommand, CommandError

from assignments.roles import ROLE_LABELS
from sampledata import lifecycle as demo


class Command(BaseCommand):
    help = (
        "Tạo (hoặc đặt lại mật khẩu) một tài khoản mẫu cho mỗi vai trò và in bảng tài khoản. "
        "Chỉ dùng để thử nghiệm; không chạy ở chế độ production."
    )

    def handle(self, *args, **options):
        try:
            done, notes = demo.create_demo_accounts()
        except demo.DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        rows = [("Tài khoản", "Mật khẩu", "Vai trò", "Được làm gì", "")]
        for account, outcome in done:
            role = " + ".join(
                str(ROLE_LABELS.get(name, "Quản trị hệ thống"))
                for name in (account.role, *account.extra_groups)
            )
            rows.append((account.username, account.password, role, account.can, outcome))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for i, row in enumerate(rows):
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[4]]).rstrip())
            if i == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        for note in notes:
            self.stdout.write(f"Liên kết: {note}")
        self.stdout.write(
            self.style.WARNING("Mật khẩu mẫu công khai: đừng dùng trên máy chủ thật.")
        )
