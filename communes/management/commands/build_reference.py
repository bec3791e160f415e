"""Build reference data from the vietnamadminunits package: a province's units, the criteria."""

from django.core.management.base import BaseCommand, CommandError

from communes.reference.build import load_criteria, load_province
from communes.reference.tally import Tally


class Command(BaseCommand):
    help = (
        "Nạp đơn vị hành chính thật của một tỉnh (trước và từ 01/07/2025, với lịch sử sáp nhập) "
        "từ gói vietnamadminunits, và bộ tiêu chí quốc gia (QĐ 318/QĐ-TTg). Chạy lại không "
        "thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            required=True,
            action="append",
            help=(
                "Mã TCTK của tỉnh trước 01/07/2025, hai chữ số; nhắc lại cho mỗi tỉnh cũ "
                "(tỉnh Lào Cai mới: --province 10 --province 15, tức Lào Cai và Yên Bái cũ)."
            ),
        )

    def handle(self, *args, province, **options):
        tally = Tally()
        for code in province:
            try:
                load_province(code.zfill(2), tally)
            except LookupError as error:
                raise CommandError(error) from error
        load_criteria(tally)
        for note in tally.notes:
            self.stderr.write(self.style.WARNING(note))
        self.stdout.write(f"Đã nạp: {tally.summary()}.")
