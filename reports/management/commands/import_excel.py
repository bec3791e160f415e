"""Import an Excel file from the command line, through the same service as the pages.

    manage.py import_excel annex FILE --decision ID|NUMBER [--effective DD/MM/YYYY]
        [--amendment-number NUMBER --amendment-date DD/MM/YYYY --amendment-title TEXT]
        [--choose ROW=CODE ...] [--dry-run] [--user USERNAME]
    manage.py import_excel matrix FILE --year YYYY [--dry-run] [--user USERNAME]
    manage.py import_excel indicators FILE [--set CODE] [--dry-run] [--user USERNAME]
    manage.py import_excel groups FILE [--period CODE] [--dry-run] [--user USERNAME]

An annex is the annex of the decision itself, unless the three --amendment-*
options describe the decision amending it that the file is the annex of (created
on import). --effective: the day the new pairs take effect (default: the
amending decision's issue date; for the decision's own annex, today).

--choose ROW=CODE (repeatable) picks the commune (its GSO code) of a row whose
commune name matched no commune of its district, or two, as the preview's page
does; the pick is remembered as an alias of that commune for the next files.

indicators: the indicators of criteria set --set (its code, e.g. qd51-2026-2030; default:
the set new results of this year are recorded against), replacing the set's as the page
/nhap-excel/bo-tieu-chi/ does. groups: the commune groups of period --period (its code,
e.g. 2026-2030; default: today's period, as the page /nhap-excel/nhom-xa/ takes).

Prints the preview; applies it in one transaction unless --dry-run or any row has an
error (then nothing is written and the command exits with status 1).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assignments import access
from assignments.models import Decision
from assignments.services.errors import out_of_range_message
from communes import grouping
from communes.models import CriteriaSet, Period
from core.fields import DayField
from reports.imports import console, picks, service, terms
from reports.imports.files import ImportFileError
from reports.imports.scope import annex_reference
from reports.models import ImportBatch

AMENDMENT_OPTIONS = ("amendment_number", "amendment_date", "amendment_title")
Kind = ImportBatch.Kind
# The option naming each kind's target, and the kind it belongs to.
TARGET_OPTIONS = {
    "decision": ("--decision", Kind.ANNEX),
    "year": ("--year", Kind.MATRIX),
    "criteria_set": ("--set", Kind.INDICATORS),
    "period": ("--period", Kind.GROUPS),
}


def parse_day(value, option):
    """The day typed for `option`, read as the forms read it (core.fields.DayField: dd/mm/yyyy,
    10/2/25, yyyy-mm-dd), or CommandError in Vietnamese saying why."""
    try:
        parsed = DayField().clean(value)
    except ValidationError as refused:
        raise CommandError(f"{option}: {' '.join(refused.messages)}") from None
    if message := out_of_range_message(parsed):
        raise CommandError(f"{option}: {message}")
    return parsed


class Command(BaseCommand):
    help = (
        "Nhập từ tệp Excel: phụ lục phân công (annex), bảng tiêu chí (matrix), chỉ tiêu của "
        "bộ tiêu chí (indicators) hoặc nhóm xã của giai đoạn (groups)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=Kind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--decision", help="id hoặc số của quyết định (annex), ví dụ 1599/QĐ-UBND"
        )
        parser.add_argument(
            "--effective",
            help="các cặp mới có hiệu lực từ ngày DD/MM/YYYY (annex; mặc định: ngày ban hành "
            "quyết định sửa đổi, hoặc hôm nay với phụ lục của chính quyết định)",
        )
        parser.add_argument(
            "--amendment-number", help="số quyết định sửa đổi mà tệp là phụ lục của nó (annex)"
        )
        parser.add_argument(
            "--amendment-date", help="ngày ban hành quyết định sửa đổi DD/MM/YYYY (annex)"
        )
        parser.add_argument("--amendment-title", help="trích yếu quyết định sửa đổi (annex)")
        parser.add_argument(
            "--choose",
            action="append",
            default=[],
            metavar="DÒNG=MÃ_XÃ",
            help="chọn xã (mã xã của Tổng cục Thống kê) cho dòng có tên xã không khớp đúng một "
            "xã, ví dụ --choose 12=02656; ghi nhớ làm tên gọi khác của xã (annex; lặp lại được)",
        )
        parser.add_argument("--year", type=int, help="năm đánh giá (matrix)")
        parser.add_argument(
            "--set",
            dest="criteria_set",
            metavar="MÃ_BỘ",
            help="mã bộ tiêu chí nạp chỉ tiêu vào, ví dụ qd51-2026-2030 (indicators; mặc định: "
            "bộ tiêu chí của năm nay)",
        )
        parser.add_argument(
            "--period",
            metavar="MÃ_GIAI_ĐOẠN",
            help="mã giai đoạn, ví dụ 2026-2030 (groups; mặc định: giai đoạn hiện nay)",
        )
        parser.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi")
        parser.add_argument(
            "--user", help="tài khoản của văn phòng ghi vào lịch sử thay đổi (tên đăng nhập)"
        )

    def handle(self, *args, kind, file, dry_run, user, choose, **options):
        for name, (option, owner) in TARGET_OPTIONS.items():
            if options.get(name) is not None and kind != owner:
                raise CommandError(f"Tuỳ chọn {option} chỉ dùng khi nhập {owner} ({owner.label}).")
        target = self._target(kind, options)
        extra = {}
        if kind == Kind.ANNEX:
            extra["annex_terms"] = self._terms(target, options)
            if choose:
                extra["picks"] = self._picks(choose, annex_reference(target, extra["annex_terms"]))
        elif any(options.get(name) for name in AMENDMENT_OPTIONS + ("effective",)) or choose:
            raise CommandError(
                "Các tuỳ chọn --effective, --amendment-…, --choose chỉ dùng khi nhập phụ lục."
            )
        user = self._user(user)
        if not file.is_file():
            raise CommandError(f"Không có tệp {file}.")
        try:
            with file.open("rb") as handle:
                batch, plan = service.preview(kind, handle, target, user, name=file.name, **extra)
        except (ImportFileError, picks.PickError) as error:
            raise CommandError(f"{error} Không ghi gì.") from error
        for line, is_error in console.lines(batch, plan):
            self.stdout.write(self.style.ERROR(line) if is_error else line)
        if plan.has_errors:
            service.cancel(batch, user)
            rows = ", ".join(map(str, plan.error_rows))
            hint = ""
            if plan.kind == Kind.ANNEX and plan.rows_to_pick:
                hint = " Chọn xã cho dòng có tên xã không khớp bằng --choose DÒNG=MÃ_XÃ."
            raise CommandError(f"Không ghi gì: còn {plan.errors} lỗi (dòng {rows}).{hint}")
        if dry_run:
            service.cancel(batch, user)
            self.stdout.write("Chạy thử (--dry-run): không ghi gì.")
            return
        try:
            batch, _done = service.apply(batch, user, picks=extra.get("picks"))
        except service.ImportRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập (lần #{batch.pk}): {batch.created_count} thêm mới, "
                f"{batch.updated_count} cập nhật, {batch.unchanged_count} không đổi."
            )
        )
        if batch.message:  # the groups' re-evaluation of the results recorded under them
            self.stdout.write(batch.message)

    def _target(self, kind, options):
        if kind == Kind.INDICATORS:
            return self._criteria_set(options["criteria_set"])
        if kind == Kind.GROUPS:
            return self._period(options["period"]).first_year  # as the page's batch names it
        decision, year = options["decision"], options["year"]
        if kind == Kind.ANNEX:
            if not decision:
                raise CommandError("Nhập phụ lục cần --decision ID (hoặc số quyết định).")
            typed = decision.strip()
            found = Decision.objects.filter(number=typed).order_by("pk")
            if typed.isdecimal():  # an id; a number has its "/QĐ-…"
                found = Decision.objects.filter(pk=int(typed)) if len(typed) < 19 else []
            if len(found) != 1:
                raise CommandError(
                    f"Không có quyết định “{decision}” (ghi id hoặc số quyết định)."
                    if not found
                    else f"Có {len(found)} quyết định số “{decision}”; hãy ghi id của quyết định."
                )
            return found[0]
        if year is None:
            raise CommandError("Nhập bảng tiêu chí cần --year YYYY.")
        years = Period.objects.years()
        if year not in years:
            # Not stored as it is: a year no period holds is no table's, and a huge one
            # overflowed the batch's year column (OverflowError on SQLite).
            span = f"{years[0]}–{years[-1]}" if years else "chưa có giai đoạn nào"
            raise CommandError(
                f"--year: năm {year} không thuộc giai đoạn chương trình nào (các năm: {span})."
            )
        return year

    @staticmethod
    def _criteria_set(code):
        if code is None:
            year = timezone.localdate().year
            found = CriteriaSet.objects.for_year(year)
            if found is None:
                raise CommandError(
                    f"Năm {year} chưa có bộ tiêu chí xã nông thôn mới; hãy ghi --set MÃ_BỘ."
                )
            return found
        found = CriteriaSet.objects.filter(code=code.strip()).select_related("period").first()
        if found is None:
            codes = ", ".join(
                CriteriaSet.objects.order_by("-first_year", "code").values_list("code", flat=True)
            )
            raise CommandError(f"Không có bộ tiêu chí mã “{code}” (các mã: {codes}).")
        return found

    @staticmethod
    def _period(code):
        found = grouping.grouped_period(code.strip() if code is not None else None)
        if found is not None:
            return found
        grouped = ", ".join(period.code for period in grouping.grouped_periods())
        if code is None:
            raise CommandError("Chưa có giai đoạn nào chia nhóm xã; không nhập nhóm xã được.")
        period = Period.objects.filter(code=code.strip()).first()
        if period is not None:
            raise CommandError(
                f"Giai đoạn {period.label} không chia nhóm xã; chỉ nhập nhóm xã cho giai đoạn "
                f"{grouped}."
            )
        raise CommandError(
            f"Không có giai đoạn mã “{code}” (giai đoạn chia nhóm xã: {grouped or 'chưa có'})."
        )

    def _terms(self, decision, options):
        given = [options.get(name) for name in AMENDMENT_OPTIONS]
        amendment = None
        if any(given):
            if not all(given):
                raise CommandError(
                    "Phụ lục của quyết định sửa đổi cần đủ --amendment-number, "
                    "--amendment-date và --amendment-title."
                )
            amendment = {
                "number": options["amendment_number"],
                "issued_on": parse_day(options["amendment_date"], "--amendment-date"),
                "title": options["amendment_title"],
            }
        effective = options.get("effective")
        try:
            return terms.resolve(
                decision,
                effective_on=parse_day(effective, "--effective") if effective else None,
                amendment=amendment,
            )
        except terms.TermsError as error:
            raise CommandError(str(error)) from error

    def _picks(self, choose, reference):
        try:
            return picks.from_codes(choose, reference)
        except picks.PickError as error:
            raise CommandError(f"{error} Không ghi gì.") from error

    def _user(self, username):
        """The importer named by --user: an active account of the office, as the pages ask."""
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username}.")
        if not user.is_active:
            raise CommandError(f"Tài khoản {username} đã bị khoá; không nhập thay được.")
        if not access.is_office(user):
            raise CommandError(
                f"Tài khoản {username} không thuộc Văn phòng điều phối NTM; chỉ văn phòng "
                "được nhập Excel."
            )
        return user
