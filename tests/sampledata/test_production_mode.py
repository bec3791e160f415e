"""Invented data is never written in production mode (DJANGO_ENV=production).

Demo data, demo accounts (superuser ``admin`` with a password anyone can read in
the source) and the synthetic national-scale data are refused, by the commands
and by the functions they call; removing demo data stays allowed.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import Max

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
from communes.models import (
    Assessment,
    Commune,
    CommuneYearEvent,
    CriteriaScore,
    District,
    Province,
    Recognition,
)
from sampledata import laocai, lifecycle
from sampledata import scale as scale_data
from tests.support.interpreter import production_env, run_python

REFUSAL = r"máy chủ đang chạy ở chế độ production \(DJANGO_ENV=production\)\..*không có gì được ghi"
TINY = {"communes": 30, "districts": 3, "provinces": 1, "visits": 20, "years": 2}
MODELS = (Province, District, Commune, Assessment, CriteriaScore, Recognition, Decision)
MODELS += (Agency, Leader, WorkingGroup, Member, Assignment, FieldVisit, Support)
MODELS += (Recommendation, get_user_model(), Group)

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.PRODUCTION = True


def snapshot():
    """Rows per table and the highest id: a reload or a new row changes one of them."""
    return {
        model.__name__: (model.objects.count(), model.objects.aggregate(top=Max("pk"))["top"])
        for model in MODELS
    }


def run(command, **options):
    out = io.StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def demo_users():
    usernames = [account.username for account in lifecycle.DEMO_ACCOUNTS]
    return get_user_model().objects.filter(username__in=usernames)


def test_load_demo_data_is_refused_and_loads_nothing(production):
    run("remove_demo_data")  # allowed in production: it removes invented data
    assert not lifecycle.demo_data_loaded()
    before = snapshot()

    with pytest.raises(CommandError, match=f"Không nạp dữ liệu mẫu: {REFUSAL}"):
        run("load_demo_data")

    assert snapshot() == before
    assert not lifecycle.demo_data_loaded()


def test_create_demo_accounts_is_refused_and_creates_no_superuser(production):
    # The demo's review events of 2026 name the demo office and its head.
    CommuneYearEvent.objects.filter(actor__in=demo_users()).update(actor=None)
    demo_users().delete()
    before = snapshot()

    with pytest.raises(CommandError, match=f"Không tạo tài khoản mẫu: {REFUSAL}"):
        run("create_demo_accounts")

    assert snapshot() == before
    assert not get_user_model().objects.filter(username="admin").exists()


def test_create_demo_accounts_does_not_reset_existing_passwords(production):
    passwords = dict(demo_users().values_list("username", "password"))
    assert len(passwords) == len(lifecycle.DEMO_ACCOUNTS)

    with pytest.raises(CommandError, match=REFUSAL):
        run("create_demo_accounts")

    assert dict(demo_users().values_list("username", "password")) == passwords


def test_generate_scale_data_is_refused_and_writes_nothing(production):
    before = snapshot()

    with pytest.raises(CommandError, match=f"Không tạo dữ liệu giả lập: {REFUSAL}"):
        run("generate_scale_data", **TINY)

    assert snapshot() == before
    assert not scale_data.scale_data_exists()


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: laocai.load_demo_data(reset=True), lifecycle.DemoDataError),
        (lifecycle.create_demo_accounts, lifecycle.DemoDataError),
        (
            lambda: scale_data.generate_scale_data(scale_data.Scale(**TINY)),
            scale_data.ScaleDataError,
        ),
    ],
    ids=["load_demo_data", "create_demo_accounts", "generate_scale_data"],
)
def test_the_functions_refuse_too_when_called_directly(production, call, error):
    before = snapshot()

    with pytest.raises(error, match=REFUSAL):
        call()

    assert snapshot() == before


def test_the_same_commands_run_outside_production_mode():
    out = run("generate_scale_data", **TINY)

    assert "Đã tạo dữ liệu giả lập" in out
    assert scale_data.synthetic_units(Commune).count() == 30


@pytest.mark.parametrize(
    "command", ["load_demo_data", "create_demo_accounts", "generate_scale_data"]
)
def test_a_production_server_refuses_before_it_touches_the_database(tmp_path, command):
    """manage.py as deployed (docs/deploy.md): the refusal comes before any connection.

    The database URL points at a closed port, so a refusal that came too late would
    fail on the connection instead of printing the message.
    """
    env = production_env(tmp_path, DATABASE_URL="postgres://ntm@127.0.0.1:1/no_such_database")

    result = run_python(["manage.py", command], env)

    assert result.returncode == 1
    assert "chế độ production (DJANGO_ENV=production)" in result.stderr
    assert "không có gì được ghi" in result.stderr
    assert "Traceback" not in result.stderr
