"""Import an Excel file from the command line, through the same service as the pages.

    manage.py import_excel annex FILE --decision ID|NUMBER [--effective DD/MM/YYYY]
        [--amendment-number NUMBER --amendment-date DD/MM/YYYY --amendment-title TEXT]
        [--choose ROW=CODE ...] [--dry-run] [--user USERNAME]
    manage.py import_excel matrix FILE --year YYYY [--dry-run] [--user USERNAME]

An annex is the annex of the decision itself, unless the three --amendment-*
options describe the decision amending it that the file is the annex of (created
on import). --effective: the day the new pairs take effect (default: the
amending decision's issue date; for the decision's own annex, today).

--choose ROW=CODE (repeatable) picks the commune (its GSO code) of a row whose
commune name matched no commune of its district, or two, as the preview's page
does; the pick is remembered as an alias of that commune for the next files.

Prints the preview; applies it unless --dry-run or any row has an error.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assignments.models import Decision
from assignments.services.errors import out_of_range_message
from core.formats import DATE_INPUT_FORMATS, day
from reports.imports import picks, service, terms
from reports.imports.files import ImportFileError
from reports.imports.plan import ERROR
from reports.imports.scope import annex_reference
from reports.models import ImportBatch

AMENDMENT_OPTIONS = ("amendment_number", "amendment_date", "amendment_title")
LABELS = {"create": "THÊM MỚI", "update": "CẬP NHẬT", "unchanged": "KHÔNG ĐỔI"}


def parse_day(value, option):
    """The day typed for `option` (dd/mm/yyyy or yyyy-mm-dd), or CommandError in Vietnamese."""
    for pattern in DATE_INPUT_FORMATS:
        try:
            parsed = datetime.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
        if message := out_of_range_message(parsed):
            raise CommandError(f"{option}: {message}")
        return parsed
    raise CommandError(
        f"{option}: ngày “{value}” không hợp lệ; hãy ghi theo dạng dd/mm/yyyy, ví dụ 05/03/2024."
    )


class Command(BaseCommand):
    help = "Nhập phụ lục phân công (annex) hoặc bảng tiêu chí (matrix) từ tệp Excel."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["annex", "matrix"])
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
        parser.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi")
        parser.add_argument("--user", help="tên đăng nhập ghi vào lịch sử thay đổi")

    def handle(self, *args, kind, file, decision, year, dry_run, user, choose, **options):
        target = self._target(kind, decision, year)
        extra = {}
        if kind == ImportBatch.Kind.ANNEX:
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
        self._print(batch, plan)
        if plan.has_errors:
            service.cancel(batch, user)
            rows = ", ".join(map(str, plan.error_rows))
            hint = ""
            if plan.kind == ImportBatch.Kind.ANNEX and plan.rows_to_pick:
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

    def _target(self, kind, decision, year):
        if kind == ImportBatch.Kind.ANNEX:
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
        return year

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
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username}.")
        return user

    def _print(self, batch, plan):
        out = self.stdout
        out.write(f"Lần nhập #{batch.pk}: {batch.get_kind_display()} – {batch.target_label}")
        if plan.kind == ImportBatch.Kind.ANNEX:
            out.write(terms.of(batch).describe(batch.decision))
            out.write(plan.reference.describe_scope())
        if plan.kind == ImportBatch.Kind.MATRIX:
            out.write(f"Đọc {plan.extra['communes']} dòng xã.")
        out.write(
            f"Thêm mới {plan.created}, cập nhật {plan.updated}, không đổi {plan.unchanged}, "
            f"lỗi {plan.errors}."
        )
        for row in plan.for_display():
            if row.action == ERROR:
                out.write(self.style.ERROR("; ".join(row.errors)))
                if row.choice is not None and row.choice.picked is None:
                    out.write(self._pick_hint(row, plan.reference))
                continue
            label = LABELS[row.action]
            if plan.kind == ImportBatch.Kind.ANNEX:
                where = f"{row.commune} ({row.district})" if row.district else row.commune
                line = (
                    f"Dòng {row.row:>4}  {label:<10}  {where}: "
                    f"{row.leader}, {row.position} – {row.agency}"
                )
                if row.previous:
                    line += f"  [thay cho {row.previous}]"
                if row.starts:
                    line += f"  từ {day(row.starts)}"
            else:
                old = {None: "chưa đánh giá", True: "Đạt", False: "Chưa đạt"}[row.old]
                new = {None: "?", True: "Đạt", False: "Chưa đạt"}[row.new]
                line = (
                    f"Dòng {row.row:>4}  {label:<10}  {row.column} {row.commune}, "
                    f"{row.criterion}: {old} → {new}"
                )
            for note in row.notes:
                line += f"  ({note})"
            out.write(line)

    @staticmethod
    def _pick_hint(row, reference):
        """How to pick the row's commune: --choose ROW=CODE with the closest communes' codes."""
        near = ", ".join(
            f"{row.row}={c.code} ({c.name}, {reference.place(c)})"
            if c.district_id
            else f"{row.row}={c.code} ({reference.label(c)})"
            for c in row.choice.candidates
        )
        return f"           chọn xã bằng --choose {row.row}=MÃ_XÃ" + (
            f"; gần giống: {near}" if near else ""
        )
