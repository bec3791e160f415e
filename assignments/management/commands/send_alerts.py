from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from assignments import alerts
from assignments.models import Agency

# Back-ends that deliver nothing: the digests are printed instead.
NOT_DELIVERING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def email_configured():
    return settings.EMAIL_BACKEND not in NOT_DELIVERING


class Command(BaseCommand):
    help = (
        "Gửi mỗi cơ quan một bản tin: các xã quá N ngày chưa đi cơ sở và các kiến nghị quá "
        "hạn. Chưa cấu hình thư điện tử (EMAIL_HOST) thì in bản tin ra màn hình."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Số ngày không đi cơ sở thì báo (mặc định {settings.NTM_STALE_VISIT_DAYS}).",
        )
        parser.add_argument("--agency", type=int, default=None, help="Chỉ cơ quan có mã (ID) này.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ in bản tin, không gửi thư nào."
        )

    def handle(self, *args, days, agency, dry_run, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self.run(days, agency, dry_run)

    def run(self, days, agency_id, dry_run):
        if days is not None and days < 1:
            raise CommandError(f"--days phải là số ngày từ 1 trở lên (đã nhập {days}).")
        agency = None
        if agency_id is not None:
            agency = Agency.objects.filter(pk=agency_id).first()
            if agency is None:
                raise CommandError(f"Không có cơ quan nào có mã {agency_id}.")
        found = alerts.digests(days=days, agency=agency)
        skipped = alerts.agencies_without_anything(found, agency)
        if not found:
            self.stdout.write("Không có gì cần báo: không cơ quan nào có xã lâu chưa đi cơ sở ")
            self.stdout.write("hay kiến nghị quá hạn.")
            return
        send = email_configured() and not dry_run
        if not send:
            self.print_digests(found, dry_run)
        else:
            self.send_digests(found)
        self.stdout.write(f"Bỏ qua {skipped} cơ quan không có gì cần báo.")

    def print_digests(self, found, dry_run):
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): không gửi thư nào.\n")
        else:
            self.stdout.write(
                "Chưa cấu hình thư điện tử (EMAIL_HOST): in bản tin ra đây, không gửi.\n"
            )
        for digest in found:
            to = ", ".join(digest.recipients) or "chưa có địa chỉ thư điện tử nào"
            self.stdout.write("=" * 72)
            self.stdout.write(f"Tiêu đề: {digest.subject}")
            self.stdout.write(f"Gửi đến: {to}")
            self.stdout.write("")
            self.stdout.write(digest.text)
        self.stdout.write("=" * 72)
        self.stdout.write(f"{len(found)} bản tin.")

    def send_digests(self, found):
        sent, unreachable = 0, []
        with get_connection() as connection:
            for digest in found:
                if not digest.recipients:
                    unreachable.append(digest)
                    continue
                EmailMessage(
                    subject=digest.subject,
                    body=digest.text,
                    to=digest.recipients,
                    connection=connection,
                ).send()
                sent += 1
                self.stdout.write(f"Đã gửi: {digest.agency.name} → {', '.join(digest.recipients)}")
        self.stdout.write(self.style.SUCCESS(f"Đã gửi {sent} thư."))
        for digest in unreachable:
            self.stdout.write(
                self.style.WARNING(
                    f"Không gửi được cho {digest.agency.name}: chưa có địa chỉ thư điện tử "
                    "nào (lãnh đạo hoặc tài khoản thành viên tổ). Bản tin:"
                )
            )
            self.stdout.write(digest.text)
