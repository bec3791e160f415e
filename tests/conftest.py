"""Shared fixtures: the test database holds the reference data, the demo data
(generated as on DEMO_DAY, see tests/support/clock.py) and one demo account per
role; personas are those accounts.

Each test runs in a transaction that is rolled back, so tests may change the
demo data freely.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from tests.support.clock import DEMO_DAY, on_demo_day


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The demo data's recent visits and due dates are counted back from "today": always
    # the same day, so that what tests find in it does not depend on when they run.
    with django_db_blocker.unblock(), on_demo_day():
        call_command("load_reference", verbosity=0)
        call_command("load_demo_data", verbosity=0)
        call_command("create_demo_accounts", verbosity=0)


def pytest_configure(config):
    # A fast hasher for the whole run, demo accounts included (tests only).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
