"""The 127-row annex an office types: the handful of misspelt communes picked once, then never.

tests/support/office_annex.py builds the file (title block, district rows in
four styles, merged agency cells, position and agency in one cell, NFD, old
tone marks, both Thanh Bình …) with six commune names off by one letter or one
tone mark, and the truth of every row.
"""

import pytest

from assignments.models import Assignment, Decision
from reports.imports import service
from reports.models import CommuneAlias
from tests.support import office_annex

from .import_workbooks import upload

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]


@pytest.fixture
def annex():
    return office_annex.build()


@pytest.fixture
def decision():
    return Decision.objects.get(number=office_annex.DECISION)


def landed(plan, annex):
    """{sheet row: (commune id, leader, position, agency)} as planned, and as the truth has it."""
    planned = {
        row.row: (row.target["commune"].pk, row.leader, row.position, row.agency)
        for row in plan.rows
        if "commune" in row.target
    }
    truth = {e.row: (e.commune, e.leader, e.position, e.agency) for e in annex.truth}
    return planned, truth


def test_only_the_misspelt_rows_wait_and_each_offers_its_commune_first(
    annex, decision, office_user
):
    _batch, plan = service.preview("annex", upload(annex.data), decision, office_user)
    assert len(annex.misspelled) >= 5
    assert plan.error_rows == plan.rows_to_pick == sorted(annex.misspelled)
    for row in plan.rows:
        if row.action == "error":
            expected = annex.misspelled[row.row]
            assert row.choice.typed == expected.typed_commune
            assert row.choice.candidates[0].pk == expected.commune
            assert {c.district.name for c in row.choice.candidates} == {expected.district}


def test_picked_once_every_pair_lands_and_the_next_file_has_nothing_to_pick(
    annex, decision, office_user
):
    batch, plan = service.preview("annex", upload(annex.data), decision, office_user)
    picks = {row.row: row.choice.candidates[0].pk for row in plan.rows if row.action == "error"}
    plan = service.plan_for(batch, picks)
    assert plan.errors == 0
    planned, truth = landed(plan, annex)
    assert planned == truth

    batch, done = service.apply(batch, office_user, picks=picks)
    assert done
    aliases = CommuneAlias.objects.select_related("commune__district", "district")
    assert sorted((a.spelling, a.commune.pk, a.district.name) for a in aliases) == sorted(
        (e.typed_commune, e.commune, e.district) for e in annex.misspelled.values()
    )
    active = {
        a.commune_id: (a.leader.full_name, a.leader.position, a.leader.agency.name)
        for a in Assignment.objects.active().select_related("leader__agency")
    }
    for expected in annex.truth:
        if expected.commune in active:
            assert active[expected.commune] == (expected.leader, expected.position, expected.agency)

    _again, plan = service.preview("annex", upload(annex.data), decision, office_user)
    assert (plan.errors, plan.rows_to_pick, plan.created, plan.updated) == (0, [], 0, 0)
    by_alias = sorted(row.row for row in plan.rows if row.matched_by == "alias")
    assert by_alias == sorted(annex.misspelled)
    assert landed(plan, annex)[0] == truth
