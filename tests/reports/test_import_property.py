"""Generated workbooks: an import either writes exactly the valid rows or reports errors and
writes nothing; it never fails with an unhandled exception."""

import unicodedata

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assignments.models import Agency, Assignment, Leader
from communes import text
from communes.models import Assessment, Commune
from reports.imports import service
from reports.imports.files import ImportFileError
from tests.factories import make_decision

from .import_workbooks import edited, matrix_bytes, matrix_cells, upload, workbook_bytes

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
OLD_TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "úy": "uý", "ủy": "uỷ"}
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hải",
    "Khánh",
    "Lâm",
    "Minh",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Vinh",
]


@pytest.fixture
def reference():
    # The decisions of make_decision() are the old Lào Cai's (UBND tỉnh Lào Cai, 2021–2025).
    lao_cai = Commune.objects.in_programme().filter(province__name="Tỉnh Lào Cai")
    communes = list(lao_cai.select_related("district").order_by("code"))
    agencies = list(Agency.objects.order_by("pk").values_list("name", flat=True))
    return communes, agencies


@st.composite
def spelling(draw, name, prefixes):
    """`name` as the office might type it."""
    if draw(st.booleans()):
        for new, old in OLD_TONES.items():
            name = name.replace(new, old)
    name = draw(st.sampled_from([name, name.upper(), name.lower()]))
    name = draw(st.sampled_from(prefixes)) + name
    name = name.replace(" ", draw(st.sampled_from([" ", "  "])))
    form = draw(st.sampled_from(["NFC", "NFD"]))
    return draw(st.sampled_from(["", " "])) + unicodedata.normalize(form, name)


@st.composite
def annex_rows(draw, communes, agencies):
    picked = draw(st.lists(st.sampled_from(communes), unique_by=lambda c: c.pk, max_size=6))
    typed = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=15)
    bad_texts = draw(st.one_of(st.just([]), st.lists(typed, min_size=1, max_size=3)))
    rows, valid = [], {}
    for i, commune in enumerate(picked):
        name = f"Nguyễn Văn {GIVEN[i]}"
        valid[commune.pk] = name
        typed_name = draw(st.sampled_from(["", "Đ/c ", "Ông "])) + name
        position = "Phó Giám đốc"
        if draw(st.booleans()):  # position and name in one cell
            typed_name, position = f"{position} – {typed_name}", None
        rows.append([
            typed_name,
            position,
            draw(st.sampled_from(agencies)),
            draw(spelling(commune.name, ["", "Xã ", "xã "])),
            draw(spelling(commune.district.name.split(" ", 1)[1], ["", "Huyện "]))
            if commune.district.kind == "huyen"
            else commune.district.name,
        ])  # fmt: skip
    keys = {(text.match_key(c.name), c.district_id) for c in communes}
    invalid = 0
    for j, bad in enumerate(bad_texts):
        district = communes[j].district
        if (text.match_key(bad), district.pk) in keys:
            continue
        invalid += 1
        rows.insert(
            draw(st.integers(0, len(rows))),
            [f"Trần Thị {GIVEN[j]}", "Giám đốc", agencies[0], bad, district.name],
        )
    return rows, valid, invalid


@SETTINGS
@given(data=st.data())
def test_annex_import_writes_exactly_the_valid_rows_or_nothing(data, reference, office_user):
    communes, agencies = reference
    rows, valid, invalid = data.draw(annex_rows(communes, agencies))
    event("with invalid rows" if invalid else "valid rows only")
    header = ["Họ và tên", "Chức vụ", "Cơ quan", "Xã", "Huyện"]
    file = upload(workbook_bytes([["UBND TỈNH LÀO CAI"], [], header, *rows]))
    leaders, agencies_before = Leader.objects.count(), Agency.objects.count()
    with transaction.atomic():
        decision = make_decision()
        try:
            batch, plan = service.preview("annex", file, decision, office_user)
        except ImportFileError:
            assert not rows
        else:
            if invalid:
                assert plan.errors == invalid
                with pytest.raises(service.ImportRefused):
                    service.apply(batch, office_user)
                assert not Assignment.objects.filter(decision=decision).exists()
                assert (Leader.objects.count(), Agency.objects.count()) == (
                    leaders,
                    agencies_before,
                )
            else:
                assert (plan.errors, plan.created) == (0, len(valid))
                service.apply(batch, office_user)
                written = dict(
                    Assignment.objects.filter(decision=decision).values_list(
                        "commune_id", "leader__full_name"
                    )
                )
                assert written == valid
        transaction.set_rollback(True)


MET = ["Đạt", "đạt", "x", "X", "1", "✓"]
UNMET = [None, "Chưa đạt", "0", "-"]


def matrix_state():
    rows = Assessment.objects.filter(year=2025).values_list(
        "commune__code", "criterion__number", "met"
    )
    return {(code, number): met for code, number, met in rows}


class Exported:
    """The matrix export of one district (small, so that each example is fast)."""

    def __init__(self, data):
        self.data = data
        self.cells = matrix_cells(data)

    def __repr__(self):
        return f"<matrix export, {len(self.cells)} cells>"


@pytest.fixture
def exported():
    return Exported(matrix_bytes(2025, district="Huyện Si Ma Cai"))


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_matrix_import_changes_exactly_the_valid_cells_or_nothing(data, exported, office_user):
    cells = exported.cells
    keys = data.draw(st.lists(st.sampled_from(sorted(cells)), unique=True, min_size=1, max_size=5))
    values = {
        key: data.draw(
            st.one_of(
                st.sampled_from(MET + UNMET),
                st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8).map(
                    lambda t: "?" + t
                ),
            )
        )
        for key in keys
    }
    invalid = [key for key, value in values.items() if value not in MET + UNMET]
    event("with invalid cells" if invalid else "valid cells only")
    file = upload(edited(exported.data, {cells[key]: value for key, value in values.items()}))
    before = matrix_state()
    with transaction.atomic():
        batch, plan = service.preview("matrix", file, 2025, office_user)
        if invalid:
            assert plan.errors == len(invalid)
            with pytest.raises(service.ImportRefused):
                service.apply(batch, office_user)
            assert matrix_state() == before
        else:
            service.apply(batch, office_user)
            after = {
                (a.commune.code, a.criterion.number): a.met
                for a in Assessment.objects.filter(year=2025).select_related("commune", "criterion")
            }
            expected = dict(before)
            for key, value in values.items():
                met = value in MET
                if key in before or met:
                    expected[key] = met
            assert after == expected
        transaction.set_rollback(True)
