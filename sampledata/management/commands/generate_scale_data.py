"""Generate the synthetic national-scale dataset (sampledata.scale) for benchmarks; refused in
production mode."""

from django.core.management.base import BaseCommand, CommandError

from sampledata.scale import Scale, ScaleDataError, generate_scale_data

DEFAULT = Scale()


class Command(BaseCommand):
    help = (
        "Tạo bộ dữ liệu GIẢ LẬP quy mô toàn quốc để đo hiệu năng (không phải dữ liệu thật): "
        "tỉnh, huyện, xã «Thử …» (mã bắt đầu bằng S), cơ quan, lãnh đạo, tổ giúp việc, một "
        "quyết định giả lập với một phân công mỗi xã, kết quả 19 tiêu chí mỗi năm, chuyến công "
        "tác kèm hỗ trợ và kiến nghị; cả một lần sắp xếp đơn vị hành chính giả lập từ 01/07/2025 "
        "(mỗi xã mới gộp 1–4 xã cũ «Thử Mới …», phân công chuyển sang xã mới, chuyến công tác "
        "sau ngày đó ghi cho xã mới); năm 2026 theo bộ tiêu chí 2026–2030 cho các xã mới: nhóm "
        "xã, kết quả từng chỉ tiêu (thêm chỉ tiêu «[Giả lập] …» cho tiêu chí chưa có, đủ 47), "
        "tiêu chí suy ra từ chỉ tiêu, một phần kết quả năm đã trình, đã duyệt. Ghi hàng loạt "
        "(bulk_create), trong một giao dịch, KHÔNG ghi lịch sử thay đổi cho các dòng này. Cần "
        "chạy load_reference trước. Giữ nguyên dữ liệu tham chiếu và dữ liệu mẫu; đã có dữ liệu "
        "giả lập thì báo lỗi (dùng --clear). "
        "Không chạy ở chế độ production."
    )

    def add_arguments(self, parser):
        for name, what in (
            ("communes", "số xã"),
            ("districts", "số huyện"),
            ("provinces", "số tỉnh"),
            ("visits", "số chuyến công tác"),
            ("years", "số năm đánh giá tiêu chí, từ 2021"),
            ("years_2026", "số năm theo bộ tiêu chí 2026–2030, từ 2026 (0: không có)"),
            ("seed", "hạt giống ngẫu nhiên"),
        ):
            default = getattr(DEFAULT, name)
            parser.add_argument(
                f"--{name.replace('_', '-')}",
                type=int,
                default=default,
                help=f"{what} (mặc định {default})",
            )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Xoá dữ liệu giả lập đã có (chỉ dữ liệu giả lập) rồi tạo lại.",
        )

    def handle(self, *args, clear=False, **options):
        scale = Scale(**{name: options[name] for name in Scale.__dataclass_fields__})
        try:
            counts = generate_scale_data(scale, clear=clear, write=self.stdout.write)
        except ScaleDataError as exc:
            raise CommandError(str(exc)) from exc
        total = f"{sum(counts.values()):,}".replace(",", ".")
        self.stdout.write(
            self.style.SUCCESS(f"Đã tạo dữ liệu giả lập (không phải dữ liệu thật): {total} dòng.")
        )
