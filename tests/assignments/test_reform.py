"""The office carries the assignments on units that ceased over to today's units: a preview,
a choice where several land on one unit, one transaction, a history entry on every touched
assignment, and nothing doubled when run again."""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse

from assignments.models import Assignment
from assignments.services import reform
from assignments.services.errors import WorkflowError
from communes.models import Era
from tests.factories import make_assignment, make_leader, make_visit
from tests.support.reform import BAC_HA, Y_TY, make_case, unit

pytestmark = pytest.mark.django_db

LAST_OLD_DAY, REFORM_DAY = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)
REORGANISED = Assignment.EndReason.REORGANISED


@pytest.fixture
def case(today):
    return make_case()


def url(case):
    return reverse("assignments:carry_over") + f"?decision={case.decision.pk}"


def confirm_data(client, case, **choices):
    """What the preview's form posts: its plan, and the radios and boxes given."""
    form = client.get(url(case)).context["form"]
    return {"plan": form["plan"].value(), **choices}


def choice(case):
    return f"tiep-{unit(BAC_HA, Era.FROM_2025).pk}-{case.decision.pk}"


def test_office_sees_the_preview_and_nothing_changes(office_client, case):
    html = office_client.get(url(case)).content.decode()

    assert "3 phân công: 1 chuyển tiếp, 2 cần chọn ở 1 đơn vị mới, 0 kết thúc." in html
    assert "Xã Bản Phố (Huyện Bắc Hà)" in html
    assert "Xã Bắc Hà: 2 phân công cùng chuyển vào" in html
    for name in ("Lò Văn Phố", "Vàng Thị Hối", "Sùng A Tý", "Tổ giúp xã 02701"):
        assert name in html
    assert not Assignment.objects.filter(decision=case.decision, ended_on__isnull=False).exists()


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("member_a_client", 403),
        ("leader_client", 403),
        ("reader_client", 403),
        ("anonymous_client", 302),
    ],
)
def test_only_the_office_may_open_or_post_the_carry_over(request, case, persona, expected):
    client = request.getfixturevalue(persona)
    assert client.get(url(case)).status_code == expected
    assert client.post(url(case), {"plan": "x"}).status_code == expected
    assert not Assignment.objects.filter(decision=case.decision, ended_on__isnull=False).exists()


def test_without_a_choice_nothing_is_written_and_the_unit_needing_one_is_named(office_client, case):
    response = office_client.post(url(case), confirm_data(office_client, case))

    html = response.content.decode()
    assert response.status_code == 200
    assert "hãy chọn lãnh đạo tiếp tục phụ trách ở Xã Bắc Hà" in html
    assert "Hãy chọn lãnh đạo tiếp tục phụ trách Xã Bắc Hà." in html
    assert Assignment.objects.filter(decision=case.decision, ended_on__isnull=True).count() == 3


def test_the_chosen_leader_continues_on_the_new_unit_and_the_other_ends(office_client, case):
    data = confirm_data(office_client, case, **{choice(case): str(case.na_hoi.pk)})

    response = office_client.post(url(case), data)

    assert response.status_code == 302
    old = case.fresh()
    active = Assignment.objects.active().filter(decision=case.decision)
    assert {(a.commune.code, a.commune.era, a.leader.full_name) for a in active} == {
        (BAC_HA, Era.FROM_2025, "Vàng Thị Hối"),
        (Y_TY, Era.FROM_2025, "Sùng A Tý"),
    }
    for pk in old:
        assert (old[pk].ended_on, old[pk].end_reason) == (LAST_OLD_DAY, REORGANISED)
    successor = old[case.na_hoi.pk].successor
    assert (successor.started_on, successor.leader, successor.working_group) == (
        REFORM_DAY,
        case.na_hoi.leader,
        case.na_hoi.working_group,
    )
    assert old[case.ban_pho.pk].successor is None
    assert "Vàng Thị Hối tiếp tục phụ trách Xã Bắc Hà" in old[case.ban_pho.pk].end_note
    assert "Nghị quyết 1673/NQ-UBTVQH15" in old[case.ban_pho.pk].end_note


def test_every_touched_assignment_has_a_history_entry_with_the_reason(office_client, case):
    data = confirm_data(office_client, case, **{choice(case): str(case.ban_pho.pk)})
    office_client.post(url(case), data)

    touched = [*case.fresh().values()]
    touched += [a.successor for a in touched if a.successor]
    assert len(touched) == 5  # three ended, two successors
    for assignment in touched:
        entry = assignment.history.latest()
        assert entry.history_change_reason == reform.CHANGE_REASON
        assert entry.history_user.username == "vanphong"
        assert entry.end_reason == ("" if assignment.ended_on is None else REORGANISED)


def test_run_again_changes_nothing(office_client, case):
    data = confirm_data(office_client, case, **{choice(case): str(case.ban_pho.pk)})
    office_client.post(url(case), data)
    before = set(Assignment.objects.values_list("pk", "ended_on", "successor"))
    history = Assignment.history.count()

    again = office_client.post(url(case), data)  # the same form, posted twice
    page = office_client.get(url(case)).content.decode()

    assert "đã thay đổi từ khi trang được mở" in again.content.decode()
    assert "Không còn phân công nào cần chuyển." in page
    assert not reform.plan_carry_over(decision=case.decision)
    assert set(Assignment.objects.values_list("pk", "ended_on", "successor")) == before
    assert Assignment.history.count() == history


def test_the_office_may_end_an_assignment_instead_of_carrying_it_over(office_client, case):
    data = confirm_data(office_client, case, **{choice(case): "0", "ends": [str(case.y_ty.pk)]})

    office_client.post(url(case), data)

    assert not Assignment.objects.active().filter(decision=case.decision).exists()
    assert all(a.successor is None for a in case.fresh().values())
    assert "Không chuyển sang đơn vị mới." in case.fresh()[case.y_ty.pk].end_note


def test_visits_logged_after_the_change_stay_on_the_old_assignment(office_user, case):
    visit = make_visit(assignment=case.y_ty, visited_on=datetime.date(2025, 9, 1))

    plan = reform.plan_carry_over(decision=case.decision)
    reform.carry_over(plan, choices=[case.ban_pho], user=office_user)

    assert [m.visits_after for m in plan.moves if m.pk == case.y_ty.pk] == [1]
    visit.refresh_from_db()
    assert visit.assignment_id == case.y_ty.pk


def test_a_unit_that_already_has_a_leader_under_the_decision_ends_the_old_ones(case):
    holder = make_assignment(
        decision=case.decision,
        leader=make_leader(full_name="Giàng A Hà"),
        commune=unit(BAC_HA, Era.FROM_2025),
        started_on=REFORM_DAY,
    )

    plan = reform.plan_carry_over(decision=case.decision)
    result = reform.carry_over(plan)

    assert plan.summary() == "3 phân công: 1 chuyển tiếp, 0 cần chọn ở 0 đơn vị mới, 2 kết thúc."
    assert len(result.carried) == 1 and len(result.ended) == 2
    assert (
        "Xã Bắc Hà đã có lãnh đạo phụ trách: Giàng A Hà." in case.fresh()[case.na_hoi.pk].end_note
    )
    assert (
        Assignment.objects.active().filter(decision=case.decision, commune=holder.commune).get()
        == holder
    )


def test_a_plan_gone_stale_is_refused_whole(case):
    plan = reform.plan_carry_over(decision=case.decision)
    Assignment.objects.filter(pk=case.y_ty.pk).update(
        ended_on=datetime.date(2024, 1, 1), end_reason="other"
    )

    with pytest.raises(WorkflowError, match="vừa thay đổi"):
        reform.carry_over(plan, choices=[case.ban_pho])

    assert Assignment.objects.active().filter(decision=case.decision).count() == 2
    assert not Assignment.objects.filter(commune__era=Era.FROM_2025, decision=case.decision)


def test_two_choices_for_one_unit_are_refused(case):
    plan = reform.plan_carry_over(decision=case.decision)

    with pytest.raises(WorkflowError, match="chỉ chọn một"):
        reform.carry_over(plan, choices=[case.ban_pho, case.na_hoi])

    assert Assignment.objects.active().filter(decision=case.decision).count() == 3


def test_every_active_assignment_on_a_unit_that_ceased_is_planned_in_four_queries(
    case, django_assert_num_queries
):
    """The demo's and the case's together: the plan reads in bulk, not per assignment."""
    with django_assert_num_queries(4):
        plan = reform.plan_carry_over()
    ceased = Assignment.objects.active().exclude(commune__current_unit=None)
    ceased = ceased.exclude(commune__current_unit__pk=F("commune"))
    assert {m.pk for m in plan.moves} == set(ceased.values_list("pk", flat=True))
    assert {a.pk for a in case.assignments} <= {m.pk for m in plan.moves}
