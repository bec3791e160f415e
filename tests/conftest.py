"""Shared fixtures: the test database holds the reference data, the demo data
and one demo account per role; personas are those accounts.

Each test runs in a transaction that is rolled back, so tests may change the
demo data freely.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
        call_command("load_demo_data", verbosity=0)
        call_command("create_demo_accounts", verbosity=0)


def pytest_configure(config):
    # A fast hasher for the whole run, demo accounts included (tests only).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    # Browser tests last: what they save through the live server may be committed.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


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
