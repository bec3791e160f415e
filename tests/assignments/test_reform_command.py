"""manage.py carry_over_assignments: the same carry-over as the office's page, from the shell."""

import io

import pytest
from django.core.management import CommandError, call_command

from assignments.models import Assignment
from tests.support.reform import BAC_HA, NA_HOI, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(today):
    return make_case()


def run(case, *args):
    out = io.StringIO()
    call_command("carry_over_assignments", "--decision", case.decision.number, *args, stdout=out)
    return out.getvalue()


def state():
    return set(Assignment.objects.values_list("pk", "commune", "ended_on", "successor"))


def test_dry_run_lists_the_plan_and_the_choices_and_writes_nothing(case):
    before, history = state(), Assignment.history.count()

    out = run(case, "--dry-run")

    assert "3 phân công: 1 chuyển tiếp, 2 cần chọn ở 1 đơn vị mới, 0 kết thúc." in out
    assert f"{BAC_HA}={case.ban_pho.pk} (Lò Văn Phố, Bản Phố)" in out
    assert "Chạy thử (--dry-run): chưa ghi gì." in out
    assert state() == before
    assert Assignment.history.count() == history


def test_without_a_choice_the_command_refuses_and_names_the_unit(case):
    before = state()

    with pytest.raises(CommandError, match="Xã Bắc Hà"):
        run(case)

    assert state() == before


def test_a_choice_and_an_end_are_written_once(case):
    out = run(case, "--choose", f"{BAC_HA}={case.ban_pho.pk}", "--end", NA_HOI)
    again = run(case)

    assert "Đã chuyển 2 phân công sang đơn vị hành chính mới và kết thúc 1 phân công." in out
    assert "Không còn phân công nào cần chuyển." in again
    fresh = case.fresh()
    assert fresh[case.ban_pho.pk].successor.commune.code == BAC_HA
    assert fresh[case.na_hoi.pk].successor is None
    assert fresh[case.y_ty.pk].successor is not None


def test_a_choice_for_another_unit_is_refused(case):
    with pytest.raises(CommandError, match="không có phân công số"):
        run(case, "--choose", f"{BAC_HA}={case.y_ty.pk}")
    assert not Assignment.objects.filter(decision=case.decision, ended_on__isnull=False)
