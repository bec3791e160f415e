"""Carry the assignments on units that ceased over to the units of today (services.reform),
as the office's page "Chuyển phân công sang đơn vị hành chính mới" does."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from assignments.models import Decision
from assignments.services import reform
from assignments.services.errors import WorkflowError


class Command(BaseCommand):
    help = (
        "Chuyển các phân công đang hiệu lực trên xã đã không còn (sắp xếp đơn vị hành chính "
        "từ 01/07/2025) sang đơn vị mới: phân công cũ kết thúc ngày cuối cùng của xã cũ (lý "
        "do “Đơn vị hành chính sắp xếp lại”), cùng lãnh đạo phụ trách đơn vị mới từ ngày hôm "
        "sau. Nhiều xã cũ cùng vào một đơn vị mới: chọn người tiếp tục bằng --choose. Chạy "
        "lại không làm gì thêm."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--decision", help="Chỉ phân công theo quyết định này (mã ID hoặc số quyết định)."
        )
        parser.add_argument(
            "--choose",
            action="append",
            default=[],
            metavar="MA_DON_VI_MOI=MA_PHAN_CONG",
            help="Phân công tiếp tục ở đơn vị mới có mã này (lặp lại cho từng đơn vị).",
        )
        parser.add_argument(
            "--end",
            action="append",
            default=[],
            metavar="MA_XA_CU",
            help="Kết thúc (không chuyển) các phân công của xã cũ có mã này.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ in danh sách, không ghi gì."
        )

    def handle(self, *args, decision, choose, end, dry_run, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self.run(decision, choose, end, dry_run)

    def run(self, decision, choose, end, dry_run):
        plan = reform.plan_carry_over(decision=self.decision(decision))
        if not plan:
            self.stdout.write("Không còn phân công nào cần chuyển.")
            return
        choices, ends = self.choices(plan, choose), self.ends(plan, end)
        self.print_plan(plan)
        try:
            reform.decide(plan, choices, ends)
        except reform.ChoiceRequired as error:
            self.print_candidates(error.targets)
            if not dry_run:
                raise CommandError(str(error)) from error
        except WorkflowError as error:
            raise CommandError(str(error)) from error
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): chưa ghi gì.")
            return
        try:
            result = reform.carry_over(plan, choices=choices, ends=ends)
        except WorkflowError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(result.message()))

    def decision(self, value):
        if not value:
            return None
        found = Decision.objects.filter(pk=int(value)) if value.isdecimal() else None
        if not found:
            found = Decision.objects.filter(number=value)
        if len(found) != 1:
            raise CommandError(f"Không tìm thấy đúng một quyết định “{value}”.")
        return found[0]

    def choices(self, plan, pairs):
        chosen = []
        for pair in pairs:
            code, _sep, pk = pair.partition("=")
            move = next((m for m in plan.moves if str(m.pk) == pk.strip()), None)
            if move is None or move.new_unit is None or move.new_unit.code != code.strip():
                raise CommandError(
                    f"--choose {pair}: không có phân công số {pk} cần chuyển vào đơn vị mới "
                    f"mã {code}."
                )
            chosen.append(move.pk)
        return chosen

    def ends(self, plan, codes):
        ended = []
        for code in codes:
            moves = [m.pk for m in plan.moves if m.unit.code == code.strip()]
            if not moves:
                raise CommandError(f"--end {code}: không có phân công cần chuyển ở xã cũ mã này.")
            ended += moves
        return ended

    def print_plan(self, plan):
        for move in plan.moves:
            a = move.assignment
            self.stdout.write(
                " | ".join(
                    [
                        f"#{a.pk} {move.unit} ({move.unit.code})",
                        f"→ {move.new_unit} ({move.new_unit.code})" if move.new_unit else "→ –",
                        a.leader.full_name,
                        a.leader.agency.name,
                        a.working_group.name if a.working_group else "–",
                        a.decision.number,
                        str(move.action_label),
                        f"{move.visits_after} chuyến sau ngày đổi",
                    ]
                )
            )
        self.stdout.write(plan.summary())

    def print_candidates(self, targets):
        self.stdout.write("Cần chọn người tiếp tục (--choose MA_DON_VI_MOI=MA_PHAN_CONG):")
        for target in targets:
            options = ", ".join(
                f"{target.unit.code}={m.pk} ({m.assignment.leader.full_name}, {m.unit.name})"
                for m in target.moves
            )
            self.stdout.write(f"  {target.unit}: {options}")
