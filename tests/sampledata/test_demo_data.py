"""The invented demo data: its shape, idempotent loading, removal and demo accounts."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest

from assignments import roles
from assignments.models import (
    Agency,
    Assignment,
    Decision,
    FieldVisit,
    Leader,
    Member,
    Recommendation,
    Support,
    WorkingGroup,
)
from assignments.services import reform
from communes.models import (
    Assessment,
    Commune,
    CommuneGroup,
    CommuneYear,
    CriteriaSet,
    Criterion,
    Era,
    Indicator,
    IndicatorResult,
    Map,
    Recognition,
)
from communes.reference import LAST_PRE_2025_DAY, NTM_SET_2026, REFORM_DAY
from sampledata.laocai import DECISION_NUMBER, STARTED_ON, new_period
from sampledata.laocai.reform import LEFT_FOR_THE_OFFICE
from sampledata.lifecycle import DEMO_ACCOUNTS, demo_assignment, demo_data_loaded
from tests.support.clock import on_demo_day

SET_318 = "qd318-2021-2025"
NOTICE = "DỮ LIỆU MẪU"
DEMO_MODELS = [Decision, Agency, Leader, WorkingGroup, Member, Assignment, FieldVisit]
DEMO_MODELS += [Support, Recommendation, Assessment, Recognition]
DEMO_MODELS += [CommuneGroup, Indicator, IndicatorResult, CommuneYear]
TA_CHAI = "02872"
HISTORY_MODELS = [Assignment, FieldVisit, Support, Recommendation, Assessment, Recognition]
HISTORY_MODELS += [CommuneGroup, IndicatorResult]


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """Reference and demo data, loaded once for this module and rolled back after it.

    Each test runs in its own savepoint inside this transaction (the `db` fixture).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        with on_demo_day():
            run("load_reference")
            run("load_demo_data")
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The data is generated for today (recent visits, due dates): a reload must see the same day.
pytestmark = pytest.mark.usefixtures("demo_data", "db", "today")


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def row_counts():
    counts = {model.__name__: model.objects.count() for model in DEMO_MODELS}
    counts |= {f"{model.__name__} history": model.history.count() for model in HISTORY_MODELS}
    return counts


def criteria_met_per_commune(year):
    return list(
        Assessment.objects.filter(year=year, criterion__criteria_set__code=SET_318)
        .values("commune")
        .annotate(met=Count("pk", filter=Q(met=True)), of=Count("pk"))
        .values_list("met", "of")
    )


def communes_meeting_all_19(year):
    return sum(met == 19 for met, _of in criteria_met_per_commune(year))


def average_met(year):
    rows = criteria_met_per_commune(year)
    return sum(met for met, _of in rows) / len(rows)


def home_page(client):
    """The page at "/" as an anonymous visitor sees it (the login page, if it asks for one)."""
    response = client.get("/", follow=True)
    assert response.status_code == 200
    return response.content.decode()


def original_assignments():
    """Decision 1599's pairs of 2021 (before the carry-over of 01/07/2025)."""
    return Assignment.objects.filter(decision__is_demo=True, started_on=STARTED_ON)


def carried_over():
    return Assignment.objects.filter(decision__is_demo=True, started_on=REFORM_DAY)


def reconfirmed():
    """The pairs of the demo's 2026–2030 decision (sampledata.laocai.new_period)."""
    return Assignment.objects.filter(decision__number=new_period.DECISION_NUMBER)


def test_demo_decision_pairs_127_leaders_with_the_127_xa_of_the_old_lao_cai():
    decision = Decision.objects.get(is_demo=True, number=DECISION_NUMBER)
    assignments = original_assignments()
    old_lao_cai = Commune.objects.in_programme().filter(province__code="10")

    assert (decision.number, decision.issued_on) == ("1599/QĐ-UBND", None)
    assert assignments.count() == 127
    assert set(assignments.values_list("commune", flat=True)) == set(
        old_lao_cai.values_list("pk", flat=True)
    )
    assert assignments.values("leader").distinct().count() == 127
    # The 2021 pairs and the carry-over of 01/07/2025 are the decision's only assignments.
    assert decision.assignments.count() == 127 + carried_over().count()
    assert not Leader.objects.filter(is_demo=False).exists()


def test_ta_chai_assignment_ended_with_the_2024_merger():
    ta_chai = Assignment.objects.get(commune__code=TA_CHAI, commune__era=Era.PRE_2025)

    assert ta_chai.ended_on == datetime.date(2024, 10, 31)
    assert ta_chai.end_reason == Assignment.EndReason.MERGED
    assert "1197/NQ-UBTVQH15" in ta_chai.end_note
    assert not ta_chai.visits.filter(visited_on__gt=ta_chai.ended_on).exists()
    assert ta_chai.successor is None  # ended before the carry-over, not carried over


def left_for_the_office():
    """The pairs the demo leaves for the office to carry over: old Huyện Si Ma Cai's."""
    return original_assignments().filter(
        commune__district__code=LEFT_FOR_THE_OFFICE, ended_on__isnull=True
    )


def test_the_active_pairs_end_on_30_06_2025_and_one_leader_goes_on_in_each_new_unit():
    pairs = original_assignments().exclude(commune__code=TA_CHAI)
    ended = pairs.exclude(pk__in=left_for_the_office())
    new_units = {c.current_unit_id for c in Commune.objects.filter(pk__in=ended.values("commune"))}

    assert pairs.count() == 126
    assert set(ended.values_list("ended_on", "end_reason")) == {
        (LAST_PRE_2025_DAY, Assignment.EndReason.REORGANISED)
    }
    # The old xã carried over went into fewer units of the 2025 map: one leader in each.
    assert len(new_units) == carried_over().count() < ended.count()
    assert set(carried_over().values_list("commune", flat=True)) == new_units
    assert set(carried_over().values_list("commune__era", flat=True)) == {Era.FROM_2025}
    # In force today: those pairs re-confirmed for 2026–2030, and the office's part.
    assert Assignment.objects.active().count() == (
        reconfirmed().count() + left_for_the_office().count()
    )
    assert reconfirmed().count() == carried_over().count()
    for successor in carried_over().select_related("predecessor"):
        old = successor.predecessor
        assert (successor.leader_id, successor.working_group_id) == (
            old.leader_id,
            old.working_group_id,
        )
        assert old.commune.current_unit_id == successor.commune_id
    # The rest end there, naming who goes on; every touched assignment has a history entry.
    others = ended.filter(successor__isnull=True)
    assert others.count() == ended.count() - carried_over().count()
    assert all("tiếp tục phụ trách" in a.end_note for a in others)
    touched = Assignment.history.filter(history_change_reason=reform.CHANGE_REASON)
    assert set(touched.values_list("id", flat=True)) >= set(ended.values_list("pk", flat=True))


def test_old_si_ma_cais_pairs_are_left_for_the_office_to_carry_over(today):
    """On a fresh `make run` the carry-over page has work: several old xã of Si Ma Cai
    land on one unit, so the office chooses who goes on; no visit is logged on them
    since 01/07/2025 (it would be refused)."""
    left = left_for_the_office()
    plan = reform.plan_carry_over(today=today)

    assert left.count() >= 2
    assert {move.pk for move in plan.moves} == set(left.values_list("pk", flat=True))
    assert plan.choice_targets()
    assert not FieldVisit.objects.filter(assignment__in=left, visited_on__gte=REFORM_DAY)


def test_where_several_xa_went_into_one_unit_the_first_by_code_goes_on():
    bac_ha = Commune.objects.get(name="Bắc Hà", era=Era.FROM_2025)
    going_on = Assignment.objects.get(commune=bac_ha, started_on=REFORM_DAY)

    # Thải Giàng Phố (02857) is the first of Bản Phố, Hoàng Thu Phố, Na Hối, Nậm Mòn, …
    assert going_on.predecessor.commune.code == "02857"
    assert Assignment.objects.active().get(commune=bac_ha).predecessor == going_on
    assert not original_assignments().filter(commune__current_unit=bac_ha, ended_on=None)


def test_every_row_with_history_has_a_first_history_entry():
    for model in HISTORY_MODELS:
        created = model.history.filter(history_type="+").values("id").distinct().count()
        assert created == model.objects.count() > 0, model.__name__


def test_61_communes_meet_all_19_criteria_in_2021_and_were_recognised_before():
    recognised_before = Recognition.objects.filter(
        level=CriteriaSet.Level.NTM, decided_on__lt=datetime.date(2021, 1, 1), is_demo=True
    )

    assert communes_meeting_all_19(2021) == 61
    assert len(criteria_met_per_commune(2021)) == 127
    assert {of for _met, of in criteria_met_per_commune(2021)} == {19}
    assert recognised_before.count() == 61


def test_2023_average_is_about_12_criteria_per_commune_and_the_curve_dips_in_2022():
    averages = {year: average_met(year) for year in range(2021, 2026)}

    assert 11.5 <= averages[2023] <= 12.5
    assert averages[2022] < averages[2021]
    assert averages[2022] < averages[2023] < averages[2024] < averages[2025]
    assert 14 <= averages[2025] <= 16
    assert 70 <= communes_meeting_all_19(2025) <= 84


def test_power_and_defence_are_met_far_more_often_than_income_and_environment():
    rates = dict(
        Assessment.objects.filter(year=2023)
        .values("criterion__number")
        .annotate(rate=Count("pk", filter=Q(met=True)) * 100 / Count("pk"))
        .values_list("criterion__number", "rate")
    )

    assert min(rates[4], rates[19]) > 80
    assert max(rates[10], rates[11], rates[17]) < 40


def test_every_working_group_has_three_to_five_members_led_by_one_head():
    groups = WorkingGroup.objects.annotate(
        size=Count("members"), heads=Count("members", filter=Q(members__role=Member.Role.HEAD))
    )

    assert groups.count() == 127
    assert {(3 <= g.size <= 5, g.heads) for g in groups} == {(True, 1)}


def test_visits_are_a_few_hundred_none_in_the_future_and_some_assignments_are_stale(today):
    recent = FieldVisit.objects.filter(visited_on__gte=today - datetime.timedelta(days=90))
    stale = Assignment.objects.active().exclude(visits__in=recent)

    assert 200 <= FieldVisit.objects.count() <= 800
    assert not FieldVisit.objects.filter(visited_on__gt=today).exists()
    # About 15 % of those carried over, and old Si Ma Cai's pairs the office has not carried
    # over yet (no visit since 01/07/2025).
    assert stale.filter(pk__in=left_for_the_office()).count() == left_for_the_office().count()
    assert 4 <= stale.exclude(pk__in=left_for_the_office()).count() <= 12
    assert Support.objects.filter(amount_vnd__lt=5_000_000).count() == 0
    assert (
        Recommendation.objects.filter(
            status=Recommendation.Status.RESOLVED, resolved_on__isnull=True
        ).count()
        == 0
    )


def test_loading_twice_changes_no_counts():
    before = row_counts()

    out = run("load_demo_data")

    assert "đã được nạp" in out
    assert row_counts() == before


def test_reset_reloads_the_same_data():
    before = row_counts()
    visits = sorted(FieldVisit.objects.values_list("visited_on", "purpose"))

    run("load_demo_data", "--reset")

    assert {k: v for k, v in row_counts().items() if "history" not in k} == {
        k: v for k, v in before.items() if "history" not in k
    }
    assert sorted(FieldVisit.objects.values_list("visited_on", "purpose")) == visits


def test_loading_without_reference_data_asks_to_run_load_reference():
    run("remove_demo_data")
    CriteriaSet.objects.filter(code=SET_318).update(code="khac")

    with pytest.raises(CommandError, match="load_reference"):
        run("load_demo_data")
    assert not demo_data_loaded()


def test_remove_demo_data_leaves_no_demo_row_keeps_reference_and_hides_the_notice(client):
    run("create_demo_accounts")
    assert NOTICE in home_page(client)

    out = run("remove_demo_data")

    # 127 xã × 19 criteria × 5 years (Tà Chải 4), and 91 units × 10 criteria in 2026.
    assert "đánh giá tiêu chí: 12956" in out
    assert set(row_counts().values()) == {0}
    # The 2026–2030 set stays, without the demo's indicators.
    assert Criterion.objects.filter(criteria_set__code=NTM_SET_2026).count() == 10
    assert not Indicator.objects.exists()
    assert not get_user_model().objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    assert Commune.objects.in_programme().count() == 273  # the reference stays: 127 + 146
    assert Commune.objects.on_map(Map.CURRENT).count() == 99
    assert Criterion.objects.filter(criteria_set__code=SET_318).count() == 19
    assert not demo_data_loaded()
    assert NOTICE not in home_page(client)


def test_create_demo_accounts_twice_gives_one_user_each_who_can_log_in(client):
    run("create_demo_accounts")

    out = run("create_demo_accounts")

    users = get_user_model().objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    assert users.count() == len(DEMO_ACCOUNTS) == 7
    for account in DEMO_ACCOUNTS:
        assert f"{account.username}  " in out and account.password in out
        # django-axes checks every login against a request (its IP).
        assert client.login(
            request=HttpRequest(), username=account.username, password=account.password
        )
        client.logout()
    assert users.get(username="admin").is_superuser
    assert users.get(username="vanphong").groups.filter(name=roles.OFFICE).exists()
    assert users.get(username="nguoixem").groups.filter(name=roles.READER).exists()
    head = users.get(username="truongvp")
    assert set(head.groups.values_list("name", flat=True)) == {roles.OFFICE, roles.OFFICE_HEAD}
    assert head.has_perm("communes.approve_communeyear")
    assert not users.get(username="vanphong").has_perm("communes.approve_communeyear")


def test_visits_until_30_06_2025_are_on_the_old_xa_and_after_on_the_current_units():
    visits = FieldVisit.objects.all()
    after = visits.filter(visited_on__gte=REFORM_DAY)

    assert visits.filter(visited_on__lt=REFORM_DAY).count() > after.count() > 40
    assert not after.filter(assignment__commune__era=Era.PRE_2025).exists()
    assert not visits.filter(visited_on__lt=REFORM_DAY, assignment__commune__era=Era.FROM_2025)
    for visit in after.select_related("assignment"):
        group = set(visit.assignment.working_group.members.values_list("pk", flat=True))
        assert set(visit.participants.values_list("pk", flat=True)) <= group
        assert "huyện" not in visit.other_participants
    # No district level from 01/07/2025: nothing is addressed to one.
    district = Recommendation.AddressedTo.DISTRICT
    assert not Recommendation.objects.filter(visit__in=after, addressed_to=district).exists()
    assert Recommendation.objects.filter(addressed_to=district).exists()


def test_demo_member_and_leader_accounts_belong_to_ban_vuoc_and_y_ty():
    out = run("create_demo_accounts")
    ban_vuoc, y_ty = demo_assignment("Bản Vược"), demo_assignment("Y Tý")

    # Group A goes on with its leader in Xã Bát Xát, which Bản Vược went into; group B in
    # Xã Y Tý, although A Lù comes first by code there.
    # (re-confirmed from 01/01/2026 under the demo's 2026–2030 decision).
    assert (ban_vuoc.commune.name, ban_vuoc.commune.era) == ("Bát Xát", Era.FROM_2025)
    assert ban_vuoc.predecessor.predecessor.commune.name == "Bản Vược"
    assert (y_ty.commune.name, y_ty.commune.era) == ("Y Tý", Era.FROM_2025)
    assert y_ty.predecessor.predecessor.commune.name == "Y Tý"
    assert {ban_vuoc.decision.number, y_ty.decision.number} == {new_period.DECISION_NUMBER}
    assert "(xã Bản Vược, nay Xã Bát Xát)" in out
    assert ban_vuoc.working_group.members.filter(user__username="thanhvien_a").exists()
    assert y_ty.working_group.members.filter(user__username="thanhvien_b").exists()
    assert ban_vuoc.leader.user.username == "lanhdao"
    assert ban_vuoc.leader.user.groups.filter(name=roles.LEADER).exists()
    assert Member.objects.filter(user__isnull=False).count() == 2


def test_demo_accounts_without_demo_data_skip_the_links():
    run("remove_demo_data")

    out = run("create_demo_accounts")

    assert "bỏ qua liên kết" in out
    assert get_user_model().objects.filter(username="thanhvien_a").exists()
