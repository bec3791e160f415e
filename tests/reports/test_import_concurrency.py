"""Two annex imports of one decision confirmed at the same moment, on PostgreSQL.

Each confirm runs in its own thread with its own connection. Applying an annex
locks the original decision's row, so the later confirm waits and plans again
against what the earlier one wrote: the same file finds nothing left to do, a
different one that would replace pairs started that same day is refused.

These tests commit (`transaction=True`), and Django empties the database after
each of them: the reference and demo data that tests/conftest.py loads once per
session are loaded again before each test here and once more after the last.
"""

import threading

import pytest
from django.db import connection, connections

from assignments.models import Assignment, Decision, Leader
from communes.models import Commune
from reports.imports import service
from reports.models import ImportBatch
from tests import conftest as session

from .import_workbooks import annex_rows_for, upload, workbook_bytes

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite runs one write transaction at a time, so two "
        "imports cannot interleave there (set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
    # Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
    pytest.mark.usefixtures("before_the_reform"),
]

SURNAMES = ["Giàng", "Sùng", "Thào", "Vàng", "Lò", "Hầu", "Tẩn", "Lồ"]
GIVEN = ["Seo Phử", "A Chư", "Mí Sính", "Thị Dua", "Văn Pao", "Thị Mỷ"]


def load_session_data():
    """What tests/conftest.py loads for the session (as on DEMO_DAY, whatever the clock of
    the test), when a transactional test emptied it."""
    if not Commune.objects.exists():
        session.load_session_data()


@pytest.fixture(scope="module", autouse=True)
def session_data_afterwards(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        load_session_data()


@pytest.fixture(autouse=True)
def session_data(transactional_db, settings, tmp_path):
    load_session_data()


@pytest.fixture
def decision():
    return Decision.objects.get(number="1599/QĐ-UBND")


@pytest.fixture
def office_user(django_user_model):
    return django_user_model.objects.get(username="vanphong")


def in_force(decision):
    return list(
        Assignment.objects.active()
        .filter(decision=decision)
        .select_related("leader__agency", "commune__district")
        .order_by("commune__district__code", "commune__sort_name")
    )


def new_names(count):
    taken = set(Leader.objects.values_list("full_name", flat=True))
    names = (f"{surname} {given}" for surname in SURNAMES for given in GIVEN)
    return [name for name in names if name not in taken][:count]


def changes(assignments, names):
    return {a.commune_id: name for a, name in zip(assignments, names, strict=True)}


def annex_file(assignments, new_leaders):
    """The decision's whole annex; the communes in `new_leaders` get that leader instead.

    Returns the workbook and its pairs {commune pk: leader name}.
    """
    rows = annex_rows_for(assignments)
    pairs = {}
    for assignment in assignments:
        name = new_leaders.get(assignment.commune_id)
        pairs[assignment.commune_id] = name or assignment.leader.full_name
        if name:
            row = next(row for row in rows if row[-1] == assignment.commune.name)
            row[1:3] = [name, "Phó Giám đốc"]
    return workbook_bytes(rows), pairs


def confirm_together(pks, user):
    """Apply the batches at once, one thread and one connection each; (results, errors)."""
    barrier = threading.Barrier(len(pks))
    results, errors = {}, []

    def confirm(pk):
        try:
            batch = ImportBatch.objects.get(pk=pk)
            barrier.wait(timeout=30)
            results[pk] = service.apply(batch, user)
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(pk,)) for pk in pks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def pairs_in_force(decision):
    active = in_force(decision)
    communes = [assignment.commune_id for assignment in active]
    assert len(communes) == len(set(communes)), "a commune has two active assignments"
    return {assignment.commune_id: assignment.leader.full_name for assignment in active}


def test_two_different_annexes_confirmed_together_the_later_plans_again_and_is_refused(
    decision, office_user
):
    """Both files replace pairs from today. The later confirm waits for the earlier one,
    plans against its result and finds pairs that started today: replacing them from
    today would leave a pair in force for no day, so it is refused and writes nothing."""
    assignments = in_force(decision)
    names = new_names(40)
    # Overlapping changes: communes 10–19 get a different new leader in each file.
    first_file = annex_file(assignments, changes(assignments[:20], names[:20]))
    second_file = annex_file(assignments, changes(assignments[10:30], names[20:]))
    files = {}
    for data, pairs in (first_file, second_file):
        batch, plan = service.preview("annex", upload(data), decision, office_user)
        assert (plan.updated, plan.errors) == (20, 0)
        files[batch.pk] = pairs

    results, errors = confirm_together(list(files), office_user)

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], service.ImportRefused)
    assert "Chưa ghi gì" in str(errors[0])
    ((applied, written),) = results.values()
    assert written and applied.updated_count == 20
    assert pairs_in_force(decision) == files[applied.pk]
    (refused,) = ImportBatch.objects.exclude(pk=applied.pk)
    assert refused.status == ImportBatch.Status.PREVIEWED


def test_the_same_annex_confirmed_twice_together_writes_its_pairs_once(decision, office_user):
    assignments = in_force(decision)
    data, pairs = annex_file(assignments, changes(assignments[:15], new_names(15)))
    batches = [service.preview("annex", upload(data), decision, office_user)[0] for _ in "ab"]
    before = Assignment.objects.filter(decision=decision).count()

    results, errors = confirm_together([batch.pk for batch in batches], office_user)

    assert errors == []
    assert pairs_in_force(decision) == pairs
    counts = sorted((batch.updated_count, batch.unchanged_count) for batch, _w in results.values())
    assert counts == [(0, len(assignments)), (15, len(assignments) - 15)]
    # 15 successors, each written once.
    assert Assignment.objects.filter(decision=decision).count() == before + 15
