"""communes.lineage: what keeps a unit from having exactly one current unit, and the
current units it keeps (the loaders' refusals: test_reference_refusals.py)."""

import datetime

import pytest

from communes import lineage
from communes.models import Commune, CommuneChange, Era

pytestmark = pytest.mark.django_db

REFORM_DAY = datetime.date(2025, 7, 1)


def unit(code, era=Era.PRE_2025):
    return Commune.objects.get(code=code, era=era)


def test_the_shipped_lineage_is_sound_and_every_unit_has_its_current_unit():
    assert lineage.problems() == []
    assert lineage.refresh_current_units() == 0  # the load kept them already


def test_a_divided_unit_is_reported_with_both_successors_and_gets_no_current_unit():
    na_hoi, bao_nhai = unit("02875"), unit("02890", Era.FROM_2025)
    CommuneChange.objects.create(predecessor=na_hoi, successor=bao_nhai, effective_on=REFORM_DAY)

    (problem,) = lineage.problems()
    assert (problem.reason, problem.code, problem.era) == (lineage.DIVIDED, "02875", "pre2025")
    assert problem.successors == (
        "Xã Bảo Nhai (02890, từ 01/07/2025)",
        "Xã Bắc Hà (02839, từ 01/07/2025)",
    )
    assert lineage.refresh_current_units() == 1
    assert unit("02875").current_unit is None


def test_a_later_change_is_not_a_division():
    na_hoi, bao_nhai = unit("02875"), unit("02890", Era.FROM_2025)
    later = datetime.date(2026, 1, 1)
    CommuneChange.objects.create(predecessor=na_hoi, successor=bao_nhai, effective_on=later)

    assert lineage.problems() == []
    lineage.refresh_current_units()
    assert unit("02875").current_unit == bao_nhai


def test_a_cycle_reports_its_own_units_and_leaves_the_chains_into_it_without_current_unit():
    bac_ha = unit("02839", Era.FROM_2025)
    later = datetime.date(2026, 1, 1)
    CommuneChange.objects.create(predecessor=bac_ha, successor=unit("02839"), effective_on=later)

    found = lineage.problems()
    assert {(p.reason, p.code, p.era) for p in found} == {
        (lineage.CYCLE, "02839", "2025"),
        (lineage.CYCLE, "02839", "pre2025"),
    }
    lineage.refresh_current_units()
    assert unit("02872").current_unit is None  # Tà Chải, through Thị trấn Bắc Hà


def test_problems_can_be_limited_to_the_units_a_load_wrote():
    ceased = unit("02875")
    ceased.successions.all().delete()

    assert [p.code for p in lineage.problems()] == ["02875"]
    assert lineage.problems(units=[unit("02710").pk]) == []
    assert "1 đơn vị đã ngừng tồn tại nhưng không có đơn vị kế thừa: Xã Na Hối (02875, " in (
        lineage.describe(lineage.problems(units=[ceased.pk]))
    )
