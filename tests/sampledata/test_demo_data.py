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
from communes.models import Assessment, Commune, CriteriaSet, Criterion, Recognition
from sampledata.lifecycle import DEMO_ACCOUNTS, demo_data_loaded
from tests.support.clock import on_demo_day

SET_318 = "qd318-2021-2025"
NOTICE = "DỮ LIỆU MẪU"
DEMO_MODELS = [Decision, Agency, Leader, WorkingGroup, Member, Assignment, FieldVisit]
DEMO_MODELS += [Support, Recommendation, Assessment, Recognition]
HISTORY_MODELS = [Assignment, FieldVisit, Support, Recommendation, Assessment, Recognition]


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


def demo_assignment(commune_name):
    return Assignment.objects.get(decision__is_demo=True, commune__name=commune_name)


def test_demo_decision_pairs_127_leaders_with_the_127_programme_xa():
    decision = Decision.objects.get(is_demo=True)
    assignments = Assignment.objects.filter(decision=decision)
    programme = set(Commune.objects.in_programme().values_list("pk", flat=True))

    assert (decision.number, decision.issued_on) == ("1599/QĐ-UBND", None)
    assert assignments.count() == 127
    assert set(assignments.values_list("commune", flat=True)) == programme
    assert assignments.values("leader").distinct().count() == 127
    assert set(assignments.values_list("started_on", flat=True)) == {datetime.date(2021, 1, 1)}
    assert not Leader.objects.filter(is_demo=False).exists()


def test_ta_chai_assignment_ended_with_the_2024_merger():
    ta_chai = Assignment.objects.get(commune__code="02872", commune__era="pre2025")

    assert ta_chai.ended_on == datetime.date(2024, 10, 31)
    assert ta_chai.end_reason == Assignment.EndReason.MERGED
    assert "1197/NQ-UBTVQH15" in ta_chai.end_note
    assert not ta_chai.visits.filter(visited_on__gt=ta_chai.ended_on).exists()
    assert Assignment.objects.active().count() == 126


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
    assert 12 <= stale.count() <= 25  # about 15 % of 126
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

    assert "đánh giá tiêu chí: 12046" in out
    assert set(row_counts().values()) == {0}
    assert not get_user_model().objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    assert Commune.objects.in_programme().count() == 127
    assert Criterion.objects.filter(criteria_set__code=SET_318).count() == 19
    assert not demo_data_loaded()
    assert NOTICE not in home_page(client)


def test_create_demo_accounts_twice_gives_one_user_each_who_can_log_in(client):
    run("create_demo_accounts")

    out = run("create_demo_accounts")

    users = get_user_model().objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    assert users.count() == len(DEMO_ACCOUNTS) == 6
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


def test_demo_member_and_leader_accounts_belong_to_ban_vuoc_and_y_ty():
    run("create_demo_accounts")
    ban_vuoc, y_ty = demo_assignment("Bản Vược"), demo_assignment("Y Tý")

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
