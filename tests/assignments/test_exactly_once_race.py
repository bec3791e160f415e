"""Exactly once under concurrent posts, on PostgreSQL: the same visit (one draft token)
and the same photo (one client id) posted by several threads at the same moment, each
with its own connection. The unique constraints decide; the posts that lose get the
row the winner wrote (200, created false), and no file of theirs is left in storage.

These tests commit (`transaction=True`), and Django empties the database after each of
them: the session's reference and demo data are loaded again (as in
tests/reports/test_import_concurrency.py).
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from assignments.models import Attachment, FieldVisit
from communes.models import Commune
from tests import conftest as session
from tests.factories import make_visit
from tests.support.visit_form import create_url, days_ago, group_a, jpeg, visit_data

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite runs one write transaction at a time, so two "
        "posts cannot interleave there (set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 4
QUEUE = {"HTTP_X_NTM_QUEUE": "1"}


def load_session_data():
    if not Commune.objects.exists():
        session.load_session_data()


@pytest.fixture(scope="module", autouse=True)
def session_data_afterwards(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        load_session_data()


@pytest.fixture(autouse=True)
def session_data(transactional_db):
    load_session_data()


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.get(username="thanhvien_a")


def at_once(post):
    """post() in THREADS threads released together; their responses."""
    barrier = threading.Barrier(THREADS)
    answers = [None] * THREADS

    def run(i):
        try:
            barrier.wait()
            answers[i] = post()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_same_visit_posted_at_once_is_saved_once(member):
    assignment = group_a(member)
    data = visit_data(assignment, draft_token="race-visit-1")
    clients = [client_for(member) for _ in range(THREADS)]
    it = iter(clients)
    lock = threading.Lock()

    def post():
        with lock:
            client = next(it)
        return client.post(create_url(assignment), data, **QUEUE)

    answers = at_once(post)

    assert sorted(a.status_code for a in answers) == [200] * (THREADS - 1) + [201]
    visit = FieldVisit.objects.get(client_token="race-visit-1")
    assert {a.json()["visit"] for a in answers} == {visit.pk}
    assert FieldVisit.objects.filter(purpose=data["purpose"]).count() == 1


def test_the_same_photo_posted_at_once_is_stored_once(member, media_root):
    visit = make_visit(assignment=group_a(member), status="draft", visited_on=days_ago(3))
    url = f"/chuyen-cong-tac/{visit.pk}/tep/moi/"
    clients = [client_for(member) for _ in range(THREADS)]
    it = iter(clients)
    lock = threading.Lock()

    def post():
        with lock:
            client = next(it)
        return client.post(url, {"file": jpeg(), "client_id": "race-photo-1"}, **QUEUE)

    answers = at_once(post)

    assert sorted(a.status_code for a in answers) == [200] * (THREADS - 1) + [201]
    attachment = Attachment.objects.get(visit=visit)
    assert {a.json()["attachment"] for a in answers} == {attachment.pk}
    files = [p for p in media_root.rglob("*") if p.is_file()]
    assert [p.name for p in files] == [attachment.file.name.rsplit("/", 1)[-1]]
