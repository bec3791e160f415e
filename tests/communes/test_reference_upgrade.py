"""load_reference upgrades a database loaded with the previous fixture (the old Lào Cai only:
48 units of 2025, lineage without its legal basis) to the whole new province in place, and
never touches the records made for the units: assignments, visits, assessments, scores,
recognitions stay on the unit they were made for (issue 14, item 1)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from assignments.models import Assignment, FieldVisit
from communes import scores
from communes.models import (
    Assessment,
    Commune,
    CommuneChange,
    CommuneGroup,
    CommuneYear,
    CriteriaScore,
    CriteriaSet,
    District,
    Era,
    IndicatorResult,
    Province,
    Recognition,
    YearClosing,
)
from communes.reference.fixture import FIXTURE

pytestmark = pytest.mark.django_db

YEN_BAI = ["15", "pre2025"]
REFERENCE = {"communes.Province", "communes.District", "communes.Commune", "communes.CommuneChange"}


# What the previous fixture did not have: the programme periods, the 2026–2030 commune
# groups and set (with its criteria), and the criteria sets' period and version.
NEW_MODELS = {"communes.period", "communes.groupdefinition"}
SET_2026 = "qd51-2026-2030"
NEW_SET_FIELDS = ("period", "version", "replaces", "indicators_note")


def previous_style(rows):
    """The shipped rows as the previous fixture had them: no old Yên Bái, only the 2025 units
    the old Lào Cai went into, the 2025 lineage without its legal basis, and the 2021–2025
    criteria only, their sets without period (migration 0006 put them in 2021–2025)."""
    yen_bai_units = {
        (row["fields"]["code"], row["fields"]["era"])
        for row in rows
        if row["model"] == "communes.commune" and row["fields"]["province"] == YEN_BAI
    }
    changes = [
        row
        for row in rows
        if row["model"] == "communes.communechange"
        and tuple(row["fields"]["predecessor"]) not in yen_bai_units
    ]
    successors = {tuple(row["fields"]["successor"]) for row in changes}
    kept = []
    for row in rows:
        fields = row["fields"]
        if row["model"] in NEW_MODELS:
            continue
        if row["model"] == "communes.criteriaset":
            if fields["code"] == SET_2026:
                continue
            for name in NEW_SET_FIELDS:
                del fields[name]
        if row["model"] == "communes.criterion" and fields["criteria_set"] == [SET_2026]:
            continue
        if row["model"] == "communes.province" and [fields["code"], fields["era"]] == YEN_BAI:
            continue
        if row["model"] == "communes.district" and fields["province"] == YEN_BAI:
            continue
        if row["model"] == "communes.commune":
            unit = (fields["code"], fields["era"])
            if unit in yen_bai_units or (fields["era"] == "2025" and unit not in successors):
                continue
        if row["model"] == "communes.communechange":
            if row not in changes:
                continue
            if fields["effective_on"] == "2025-07-01":
                fields["legal_basis"] = ""
        kept.append(row)
    return kept


def forget_yearly_results(units):
    """The 2026 results the demo data records on today's units, which the previous fixture
    did not have (nor the models to record them): not there in the previous state."""
    YearClosing.objects.all().delete()
    with scores.deferred():
        for model in (CommuneYear, IndicatorResult, Assessment, CommuneGroup):
            model.objects.filter(commune__in=units).delete()


def put_database_in_the_previous_state(previous):
    """Delete what the previous fixture did not hold; only reference rows may go with it."""
    units = {
        (row["fields"]["code"], row["fields"]["era"])
        for row in previous
        if row["model"] == "communes.commune"
    }
    gone = [unit.pk for unit in Commune.objects.all() if (unit.code, unit.era) not in units]
    forget_yearly_results(gone)
    deleted = {}
    for queryset in (
        Commune.objects.filter(pk__in=gone),
        District.objects.filter(province__code="15", province__era=Era.PRE_2025),
        Province.objects.filter(code="15", era=Era.PRE_2025),
    ):
        deleted.update(queryset.delete()[1])
    assert set(deleted) <= REFERENCE, deleted


def records():
    """Every record made for a unit, with the unit it was made for."""
    return {
        "assignments": list(Assignment.objects.order_by("pk").values_list("pk", "commune")),
        "visits": list(
            FieldVisit.objects.order_by("pk").values_list("pk", "assignment", "visited_on")
        ),
        "assessments": list(Assessment.objects.order_by("pk").values_list("pk", "commune")),
        "scores": list(CriteriaScore.objects.order_by("pk").values_list("pk", "commune")),
        "recognitions": list(Recognition.objects.order_by("pk").values_list("pk", "commune")),
    }


def load(path):
    out = StringIO()
    call_command("load_reference", str(path), stdout=out)
    return out.getvalue()


def test_load_reference_upgrades_the_previous_fixture_in_place_without_touching_records(
    tmp_path,
):
    previous = previous_style(json.loads(FIXTURE.read_text(encoding="utf-8")))
    put_database_in_the_previous_state(previous)
    path = tmp_path / "previous.json"
    path.write_text(json.dumps(previous, ensure_ascii=False), encoding="utf-8")
    assert load(path) == (  # as the previous fixture left it: blank legal basis
        "Đã nạp: 1 tỉnh cũ, 1 tỉnh mới, 9 huyện; 127 xã, 16 phường, 9 thị trấn "
        "(trước 01/07/2025); 45 xã, 3 phường (từ 01/07/2025); 152 thay đổi địa giới "
        "(1 theo Nghị quyết 1197/NQ-UBTVQH15, 151 chưa có căn cứ); 0 giai đoạn, "
        "0 định nghĩa nhóm xã; 2 bộ tiêu chí, 5 nhóm tiêu chí, 19 tiêu chí "
        "(mới 0, cập nhật 151, không đổi 238).\n"
    )
    # A set the file gives without period keeps the one it has (migration 0006's).
    assert set(
        CriteriaSet.objects.filter(code__startswith="qd318").values_list("period__code", "version")
    ) == {("2021-2025", 1)}
    made = records()
    assert made["assignments"] and made["visits"] and made["assessments"]

    upgrade = load(FIXTURE)

    # The old Yên Bái (1 province, 9 districts, 168 units and their 168 changes) and 51
    # units of 2025 are new; the old Lào Cai's 151 changes of 2025 get their legal basis.
    # The periods and the 2026–2030 set are in the database already (the demo data may
    # use them), so they are unchanged.
    assert upgrade.endswith("(mới 397, cập nhật 151, không đổi 254).\n")
    assert CriteriaSet.objects.get(code="qd51-2026-2030").criteria.count() == 10
    assert Commune.objects.filter(era=Era.FROM_2025).count() == 99
    assert Commune.objects.filter(province__code="15", province__era=Era.PRE_2025).count() == 168
    reform = CommuneChange.objects.filter(effective_on="2025-07-01")
    assert set(reform.values_list("legal_basis", flat=True)) == {
        "Nghị quyết 1673/NQ-UBTVQH15 ngày 16/06/2025"
    }
    assert not Commune.objects.filter(current_unit__isnull=True).exists()
    assert records() == made
    assert load(FIXTURE).endswith("(mới 0, cập nhật 0, không đổi 802).\n")
    assert records() == made


def test_load_reference_twice_keeps_records_on_the_old_units_they_were_made_for():
    made = records()
    on_old_units = Assignment.objects.filter(commune__era=Era.PRE_2025)
    assert on_old_units.exists()
    current_units = dict(Commune.objects.values_list("pk", "current_unit"))

    first, second = load(FIXTURE), load(FIXTURE)

    assert first.endswith("(mới 0, cập nhật 0, không đổi 802).\n")
    assert second == first
    assert records() == made
    assert dict(Commune.objects.values_list("pk", "current_unit")) == current_units
