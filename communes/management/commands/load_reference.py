"""Load the shipped reference fixture (the new Lào Cai's units and the national criteria)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError

from communes.lineage import UnsoundLineage
from communes.reference.fixture import FIXTURE, load_fixture


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu tham chiếu kèm theo (đơn vị hành chính tỉnh Lào Cai mới, gồm Lào Cai và "
        "Yên Bái cũ, lịch sử sáp nhập, các giai đoạn chương trình, nhóm xã và bộ tiêu chí quốc "
        "gia) từ fixtures/reference_laocai.json. "
        "Chạy lại không tạo bản ghi trùng và giữ năm phấn đấu do văn phòng nhập. Tệp có đơn vị "
        "ngừng tồn tại mà không có đơn vị kế thừa, hoặc bị chia cho hai đơn vị, thì không nạp gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "fixture",
            nargs="?",
            default=FIXTURE,
            help="Tệp fixture cần nạp (mặc định: fixtures/reference_laocai.json).",
        )

    def handle(self, *args, fixture, **options):
        try:
            tally = load_fixture(fixture)
        except UnsoundLineage as error:
            raise CommandError(error) from error
        except (OSError, json.JSONDecodeError, DeserializationError, IntegrityError) as error:
            raise CommandError(f"Không nạp dữ liệu tham chiếu (không ghi gì): {error}") from error
        self.stdout.write(f"Đã nạp: {tally.summary()}.")
