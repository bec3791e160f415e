"""Remove the demo data and demo accounts (sampledata.lifecycle); allowed in production."""

from django.core.management.base import BaseCommand, CommandError

from core import security_log
from sampledata import lifecycle as demo


class Command(BaseCommand):
    help = (
        "Xoá toàn bộ dữ liệu mẫu (phân công, tổ, chuyến công tác, lãnh đạo, cơ quan, quyết định, "
        "kết quả tiêu chí, công nhận) và các tài khoản mẫu; giữ nguyên dữ liệu tham chiếu."
    )

    def handle(self, *args, **options):
        try:
            counts = demo.remove_demo_data()
        except demo.DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        security_log.bulk_deleted("remove_demo_data", counts)
        if not any(counts.values()):
            self.stdout.write("Không có dữ liệu mẫu nào để xoá.")
            return
        self.stdout.write(self.style.SUCCESS("Đã xoá dữ liệu mẫu:"))
        for label, count in counts.items():
            if count:
                self.stdout.write(f"  {label}: {count}")
