"""Build reference data: a province's units (vietnamadminunits), the periods and criteria."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communes.lineage import UnsoundLineage
from communes.reference.build import load_province
from communes.reference.criteria import load_criteria
from communes.reference.fixture import dump_fixture
from communes.reference.tally import Tally


class Command(BaseCommand):
    help = (
        "Nạp đơn vị hành chính thật của một tỉnh (trước và từ 01/07/2025, với lịch sử sáp nhập) "
        "từ gói vietnamadminunits, cùng hai giai đoạn chương trình và bộ tiêu chí quốc gia "
        "(QĐ 318/QĐ-TTg cho 2021–2025; 10 tiêu chí và 3 nhóm xã của QĐ 51/2025/QĐ-TTg cho "
        "2026–2030). Chạy lại không "
        "thay đổi gì. Tỉnh có đơn vị cũ bị chia cho nhiều đơn vị mới hoặc không có đơn vị kế "
        "thừa thì không nạp gì."
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
        parser.add_argument(
            "--dump",
            metavar="PATH",
            help=(
                "Sau khi nạp, ghi dữ liệu tham chiếu của cơ sở dữ liệu ra tệp fixture này "
                "(như fixtures/reference_laocai.json, không có trường đơn vị hiện nay, tính "
                "lại khi nạp). Dùng trên cơ sở dữ liệu mới tạo."
            ),
        )

    def handle(self, *args, province, dump=None, **options):
        tally = Tally()
        try:
            with transaction.atomic():  # every province or none
                for code in province:
                    load_province(code.zfill(2), tally)
                load_criteria(tally)
        except LookupError as error:
            raise CommandError(error) from error
        except UnsoundLineage as error:
            self._notes(tally)
            raise CommandError(error) from error
        self._notes(tally)
        if dump:
            dump_fixture(dump)
        self.stdout.write(f"Đã nạp: {tally.summary()}.")
        if dump:
            self.stdout.write(f"Đã ghi: {dump}.")

    def _notes(self, tally):
        for note in tally.notes:
            self.stderr.write(self.style.WARNING(note))
