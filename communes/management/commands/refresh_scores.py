"""Rebuild the criteria scores (communes.CriteriaScore) from the assessments."""

from django.core.management.base import BaseCommand

from communes import scores


class Command(BaseCommand):
    help = (
        "Tính lại bảng tổng hợp số tiêu chí đạt của từng xã theo năm từ các đánh giá tiêu chí; "
        "báo số dòng lệch trước khi tính lại."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Chỉ kiểm tra, không ghi; thoát với mã 1 nếu có dòng lệch.",
        )

    def handle(self, *args, check=False, **options):
        wrong, left_over = scores.drift()
        self.stdout.write(f"Dòng sai hoặc thiếu: {wrong}; dòng thừa: {left_over}.")
        if check:
            if wrong or left_over:
                raise SystemExit(1)
            return
        written = scores.refresh()
        self.stdout.write(self.style.SUCCESS(f"Đã tính lại {written} dòng tổng hợp."))
