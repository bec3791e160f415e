"""The 127-row annex typed the way offices type them (tests/support/office_annex.py): every
row but the misspelled communes plans without error, on its commune with its leader, position
and agency, with each kind of mess alone and all together."""

import io
import unicodedata

import openpyxl
import pytest

from assignments.models import Agency, Decision
from communes import text
from communes.models import Commune
from reports.imports import annex, service
from reports.imports import annex_layout as layout
from reports.imports.files import load_grids
from reports.imports.reference import Reference
from tests.support import office_annex

from .import_workbooks import upload

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]


@pytest.fixture
def decision():
    return Decision.objects.get(number=office_annex.DECISION)


def landed(plan):
    return {
        row.row: (row.target["commune"].pk, row.leader, row.position, row.agency)
        for row in plan.rows
        if not row.errors
    }


def truth_of(built, rows):
    return {
        e.row: (e.commune, e.leader, e.position, e.agency) for e in built.truth if e.row in rows
    }


@pytest.mark.parametrize("mess", sorted(office_annex.MESS) + ["all"])
def test_each_kind_of_mess_alone_and_all_together_lands_every_row(mess, decision):
    built = office_annex.build(mess=office_annex.MESS if mess == "all" else {mess})
    plan = annex.plan(load_grids(built.data), decision)
    assert len(built.truth) == len(plan.rows) == 127
    assert plan.error_rows == sorted(built.misspelled)
    assert bool(built.misspelled) == (mess in ("misspelled", "all"))
    rows = landed(plan)
    assert len(rows) == 127 - len(built.misspelled)
    assert rows == truth_of(built, rows)
    # Decision 1599's own pairs, read back: nothing to change.
    assert {row.action for row in plan.rows if not row.errors} == {"unchanged"}


def test_the_misspelled_communes_are_errors_naming_what_was_typed(decision, office_user):
    built = office_annex.build()
    _batch, plan = service.preview("annex", upload(built.data), decision, office_user)
    errors = {row.row: row.errors for row in plan.rows if row.errors}
    assert sorted(errors) == sorted(built.misspelled) and 5 <= len(errors) <= 8
    for row, expected in built.misspelled.items():
        assert f"“{expected.typed_commune}”" in errors[row][0]
        assert expected.district in errors[row][0]


def test_every_leader_position_and_agency_is_read_back_as_typed():
    built = office_annex.build()
    rows = {r.row: r for r in layout.read_rows(load_grids(built.data), Reference())}
    assert sorted(rows) == [e.row for e in built.truth]
    agencies = {a.name: a for a in Agency.objects.all()}
    for expected in built.truth:
        raw = rows[expected.row]
        agency = agencies[expected.agency]
        assert text.match_key(raw.name, strip=False) == text.match_key(expected.leader, strip=False)
        assert text.match_key(raw.position, strip=False) == text.match_key(
            expected.position, strip=False
        )
        assert text.match_key(raw.agency, strip=False) in {
            text.match_key(agency.name, strip=False),
            text.match_key(agency.short_name, strip=False),
        }
        assert raw.district.name == expected.district


def test_both_thanh_binh_land_in_their_own_district(decision):
    built = office_annex.build()
    plan = annex.plan(load_grids(built.data), decision)
    planned = {
        (row.target["commune"].pk, row.district) for row in plan.rows if row.commune == "Thanh Bình"
    }
    communes = Commune.objects.in_programme().filter(name="Thanh Bình")
    assert planned == {(c.pk, c.district.name) for c in communes} and len(planned) == 2


def sheet_of(built):
    return openpyxl.load_workbook(io.BytesIO(built.data)).worksheets[0]


def test_the_file_has_every_kind_of_mess_an_office_puts_in():
    built = office_annex.build()
    sheet = sheet_of(built)
    cells = [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    names = [unicodedata.normalize("NFC", sheet.cell(e.row, 2).value) for e in built.truth]
    positions = {e.row: sheet.cell(e.row, 3).value for e in built.truth}
    agencies = {e.row: sheet.cell(e.row, 4).value for e in built.truth}
    merges = [str(m) for m in sheet.merged_cells.ranges]
    agency_merges = [m for m in merges if m.startswith("D")]
    blank_inside = [
        m
        for m in agency_merges
        if any(
            all(c.value is None for c in sheet[r])
            for r in range(int(m.split(":")[0][1:]), int(m.split(":")[1][1:]) + 1)
        )
    ]
    combined = [r for r in positions if agencies[r] is None and not _merged_down(merges, r)]
    assert len(agency_merges) >= 5 and len(blank_inside) == 1
    assert len(combined) >= 10 and any(m.startswith("C") and ":D" in m for m in merges)
    assert sum(1 for v in cells if v != unicodedata.normalize("NFC", v)) >= 10
    assert sum(1 for v in cells if "  " in v) >= 10
    assert sum(1 for n in names if n.isupper()) >= 10
    assert sum(1 for n in names if n.startswith(("Đ/c ", "Ông ", "Bà "))) >= 20
    assert any("uỷ" in v.lower() or "oà" in v.lower() for v in cells)
    assert {"I. THÀNH PHỐ LÀO CAI", "Huyện Bát Xát", "MƯỜNG KHƯƠNG"} <= set(cells)
    assert any(v.startswith("4. ") for v in cells)
    assert any(v.startswith("Cộng:") for v in cells) and "Tổng cộng: 127 xã" in cells
    assert sum(1 for e in built.truth if e.commune_name == "Thanh Bình") == 2


def _merged_down(merges, row):
    return any(
        m.startswith("D") and int(m.split(":")[0][1:]) < row <= int(m.split(":")[1][1:])
        for m in merges
    )


def test_the_same_seed_gives_the_same_sheet_and_truth():
    first, again, other = office_annex.build(), office_annex.build(), office_annex.build(seed=7)
    values = [list(sheet_of(b).iter_rows(values_only=True)) for b in (first, again, other)]
    assert values[0] == values[1] and first.truth == again.truth
    assert values[0] != values[2]


def test_an_unknown_kind_of_mess_is_refused():
    with pytest.raises(ValueError):
        office_annex.build(mess={"typos"})
