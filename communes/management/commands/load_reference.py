"""Load the shipped reference fixture (Lào Cai's units and the national criteria)."""

from django.core.management.base import BaseCommand

from communes.reference.fixture import load_fixture


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu tham chiếu kèm theo (đơn vị hành chính tỉnh Lào Cai, bộ tiêu chí quốc gia) "
        "từ fixtures/reference_laocai.json. Chạy lại không tạo bản ghi trùng và giữ năm phấn "
        "đấu do văn phòng nhập."
    )

    def handle(self, *args, **options):
        tally = load_fixture()
        self.stdout.write(f"Đã nạp: {tally.summary()}.")
