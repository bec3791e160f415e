"""Shared fixtures: the test database holds the reference data, the demo data
(generated as on DEMO_DAY, see tests/support/clock.py) and one demo account per
role; personas are those accounts.

Each test runs in a transaction that is rolled back, so tests may change the
demo data freely.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from django.utils import translation

from assignments.models import Assignment, Decision, FieldVisit
from assignments.services import reform
from sampledata.laocai import new_period
from tests.support.clock import DEMO_DAY, on_demo_day


def load_session_data():
    """The reference, demo data and demo accounts every test finds (and a transactional
    test, which empties the database, loads again).

    The demo data's recent visits, due dates and carry-over are counted back from
    "today": always the same day, so that what tests find in it does not depend on when
    they run.
    """
    with on_demo_day():
        call_command("load_reference", verbosity=0)
        call_command("load_demo_data", verbosity=0)
        call_command("create_demo_accounts", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_session_data()


def pytest_configure(config):
    # A fast hasher for the whole run, demo accounts included (tests only).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Plain static names: a manifest left in STATIC_ROOT by `make run` (collectstatic)
    # would name hashed files of another day, which the browser tests' server (it serves
    # the apps' and static/'s files) does not have. tests/test_app_shell.py checks the
    # hashed names with the settings' own storage and its own collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }


def pytest_collection_modifyitems(config, items):
    # Browser tests last: what they save through the live server may be committed.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """This test's own media folder: uploads never land in the repository's media/.

    The live server of browser tests reads the same settings, so its uploads too.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def default_language():
    """Each test leaves the default language (Vietnamese) behind it.

    A request in English activates English in this thread and nothing deactivates it:
    the next test would read English text (core.formats.display_name(None) gave
    "someone else" after tests/test_sessions.py or test_error_pages.py).
    """
    yield
    translation.deactivate()


@pytest.fixture
def today():
    """The clock on DEMO_DAY (09:00, running) for this test; the day itself.

    For a test whose result depends on the day: what counts as recent, stale or
    overdue in the demo data, dated file names, this year's figures.
    """
    with on_demo_day():
        yield DEMO_DAY


# A day of the 2021–2025 programme, before the 2025 reform.
BEFORE_THE_REFORM = datetime.datetime(2025, 5, 5, 9, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def pairs_before_the_reform(db):
    """The demo's pairs as they stood before 01/07/2025.

    The demo carries Decision 1599's pairs over to today's units on 01/07/2025
    (sampledata.laocai.reform) and re-confirms them under its 2026–2030 decision
    (sampledata.laocai.new_period): the pairs it ended are in force again, and those it
    began on today's units (with their visits) are not there, nor the 2026–2030 decision,
    nor the history the carry-over wrote (it would say that pairs in force had ended).
    """
    carried = Assignment.objects.filter(end_reason=Assignment.EndReason.REORGANISED)
    successors = list(carried.exclude(successor=None).values_list("successor", flat=True))
    later = Decision.objects.filter(is_demo=True, period_start__gte=2026)
    successors += list(Assignment.objects.filter(decision__in=later).values_list("pk", flat=True))
    carried.update(ended_on=None, end_reason="", end_note="", successor=None)
    FieldVisit.objects.filter(assignment__in=successors).delete()
    Assignment.objects.filter(pk__in=successors).delete()
    later.delete()
    Assignment.history.filter(
        Q(history_change_reason=reform.CHANGE_REASON) | Q(id__in=successors)
    ).delete()


@pytest.fixture
def pairs_before_the_new_period(db):
    """The demo's pairs as they stood in the second half of 2025: those carried over on
    01/07/2025 in force under Decision 1599, without the demo's 2026–2030 decision that
    re-confirmed them from 01/01/2026 (sampledata.laocai.new_period), its visits on them."""
    later = Decision.objects.filter(is_demo=True, period_start__gte=2026)
    renewed = list(Assignment.objects.filter(decision__in=later).select_related("predecessor"))
    for pair in renewed:
        FieldVisit.objects.filter(assignment=pair).update(assignment=pair.predecessor)
    Assignment.objects.filter(successor__in=renewed).update(
        ended_on=None, end_reason="", end_note="", successor=None
    )
    Assignment.objects.filter(pk__in=[pair.pk for pair in renewed]).delete()
    later.delete()
    Assignment.history.filter(history_change_reason=new_period.CHANGE_REASON).delete()


@pytest.fixture
def before_the_reform(pairs_before_the_reform):
    """The clock on a day before 01/07/2025 and the demo's pairs as they stood on it: the
    2021–2025 decision worked on as the office did then (its annex imports, amendments).
    The day itself."""
    with time_machine.travel(BEFORE_THE_REFORM, tick=True):
        yield BEFORE_THE_REFORM.date()


def _user(username):
    return get_user_model().objects.get(username=username)


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office_user(db):
    return _user("vanphong")


@pytest.fixture
def office_head_user(db):
    """Office staff who also approve and reopen yearly results (group office_head)."""
    return _user("truongvp")


@pytest.fixture
def member_a_user(db):
    """A member of the working group for xã Bản Vược (group A)."""
    return _user("thanhvien_a")


@pytest.fixture
def member_b_user(db):
    """A member of another working group (group B)."""
    return _user("thanhvien_b")


@pytest.fixture
def leader_user(db):
    """The leader assigned to Bản Vược."""
    return _user("lanhdao")


@pytest.fixture
def reader_user(db):
    return _user("nguoixem")


@pytest.fixture
def office_client(office_user):
    return _client_for(office_user)


@pytest.fixture
def office_head_client(office_head_user):
    return _client_for(office_head_user)


@pytest.fixture
def member_a_client(member_a_user):
    return _client_for(member_a_user)


@pytest.fixture
def member_b_client(member_b_user):
    return _client_for(member_b_user)


@pytest.fixture
def leader_client(leader_user):
    return _client_for(leader_user)


@pytest.fixture
def reader_client(reader_user):
    return _client_for(reader_user)


@pytest.fixture
def anonymous_client():
    return Client()
