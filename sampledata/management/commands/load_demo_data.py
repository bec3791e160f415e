"""Load the Lào Cai demo data (sampledata.laocai); refused in production mode."""

from django.core.management.base import BaseCommand, CommandError

from assignments.models import FieldVisit, Recommendation
from communes.models import CommuneYear, CriteriaSet
from core import formats
from sampledata import laocai


def format_vnd(amount):
    return f"{amount:,}".replace(",", ".") + " đồng"


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu (bịa) cho Quyết định 1599/QĐ-UBND: cơ quan, lãnh đạo, 127 phân công "
        "trên các xã cũ, chuyển sang đơn vị hành chính mới từ 01/07/2025, tổ giúp việc, chuyến "
        "công tác (từ 01/07/2025 ghi cho đơn vị mới), kết quả tiêu chí 2021–2025, công nhận; "
        "một quyết định phân công giai đoạn 2026–2030 bịa (xác nhận lại các cặp từ 01/01/2026); "
        "năm 2026: nhóm xã, chỉ tiêu mẫu của tiêu chí 2 và 8, kết quả, duyệt kết quả năm. "
        "Cần chạy load_reference trước. Đã nạp thì không thay đổi gì (--reset để xoá và nạp lại). "
        "Không chạy ở chế độ production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Xoá dữ liệu mẫu đang có rồi nạp lại."
        )

    def handle(self, *args, reset=False, **options):
        try:
            figures = laocai.load_demo_data(reset=reset)
        except laocai.DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        if figures is None:
            self.stdout.write(
                "Dữ liệu mẫu đã được nạp từ trước; không thay đổi gì. "
                "Dùng --reset để xoá và nạp lại, hoặc remove_demo_data để xoá."
            )
            return
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu (tên, số liệu đều là bịa):"))
        write_figures(self.stdout, figures)
        self.stdout.write(
            f"Ngày ban hành Quyết định {laocai.DECISION_NUMBER} và ngày bắt đầu thật của "
            "từng phân công chưa rõ: ngày ban hành để trống, mọi phân công ghi từ "
            f"{formats.day(laocai.STARTED_ON)}."
        )
        self.stdout.write(
            "Trang web hiển thị thông báo «DỮ LIỆU MẪU» cho tới khi chạy remove_demo_data."
        )


def write_figures(out, figures):
    out.write(f"  Phân công: {figures['assignments']}")
    out.write(
        f"  Chuyến công tác: {figures['visits']} "
        f"({labelled(FieldVisit.Status, figures['visits_by_status'])})"
    )
    out.write(
        f"  Hỗ trợ: {figures['supports']} khoản, tổng {format_vnd(figures['support_total_vnd'])}"
    )
    out.write(
        f"  Kiến nghị: {labelled(Recommendation.Status, figures['recommendations_by_status'])}"
    )
    out.write(f"  Phân công không có chuyến công tác trong 90 ngày: {figures['stale_assignments']}")
    out.write(f"  Quyết định phân công: {', '.join(figures['decisions'])}")
    for year, average in figures["average_by_year"].items():
        out.write(
            f"  Năm {year}: bình quân {average:.2f} tiêu chí/xã, "
            f"{figures['all_met_by_year'][year]} xã đạt đủ "
            f"{figures['criteria_by_year'][year]} tiêu chí"
        )
    out.write(f"  Công nhận: {labelled(CriteriaSet.Level, figures['recognitions_by_level'])}")
    if figures["groups"]:
        out.write(
            f"  Giai đoạn 2026–2030: {figures['groups']} xã có nhóm (bịa), "
            f"{figures['indicator_results']} kết quả chỉ tiêu mẫu; kết quả năm 2026: "
            f"{labelled(CommuneYear.Status, figures['commune_years_by_status'])}"
        )


def labelled(choices, counts):
    return ", ".join(f"{choices(key).label}: {count}" for key, count in sorted(counts.items()))
