"""The new Lào Cai in the shipped reference: the old Lào Cai and the old Yên Bái before
01/07/2025, the 99 units after, and the lineage that gives every old unit exactly one
current unit (docs/domain.md, "Since 01/07/2025": Resolutions 202/2025/QH15 and
1673/NQ-UBTVQH15)."""

import datetime
from collections import Counter

import pytest
from django.db.models import F

from communes import lineage
from communes.models import Commune, CommuneChange, District, Era, Province

PRE = Era.PRE_2025
NEW = Era.FROM_2025
REFORM_DAY = datetime.date(2025, 7, 1)
RESOLUTION_1673 = "Nghị quyết 1673/NQ-UBTVQH15 ngày 16/06/2025"

pytestmark = pytest.mark.django_db


def old_units(province_code):
    return Commune.objects.filter(era=PRE, province__code=province_code, province__era=PRE)


def test_province_code_15_is_two_provinces_told_apart_by_era():
    assert set(Province.objects.values_list("code", "era", "name")) == {
        ("10", PRE, "Tỉnh Lào Cai"),
        ("15", PRE, "Tỉnh Yên Bái"),
        ("15", NEW, "Tỉnh Lào Cai"),
    }


def test_the_old_yen_bai_had_9_districts_and_168_units():
    assert District.objects.filter(province__code="15", province__era=PRE).count() == 9
    kinds = Counter(old_units("15").values_list("kind", flat=True))
    assert kinds == {Commune.Kind.RURAL: 146, Commune.Kind.WARD: 12, Commune.Kind.TOWNSHIP: 10}


def test_the_new_province_has_99_units_89_xa_and_10_phuong_that_exist_now():
    new = Commune.objects.filter(era=NEW)
    assert Counter(new.values_list("kind", flat=True)) == {
        Commune.Kind.RURAL: 89,
        Commune.Kind.WARD: 10,
    }
    assert set(new.values_list("province__code", "province__era")) == {("15", NEW)}
    assert not new.filter(district__isnull=False).exists()
    assert not new.exclude(current_unit=F("pk")).exists()  # each is its own


def test_each_of_the_319_old_units_went_whole_into_one_of_the_99_by_resolution_1673():
    reform = CommuneChange.objects.filter(effective_on=REFORM_DAY)
    assert reform.count() == 319
    assert Counter(reform.values_list("kind", flat=True)) == {"merged": 311, "reorganised": 8}
    assert set(reform.values_list("legal_basis", flat=True)) == {RESOLUTION_1673}
    assert set(reform.values_list("successor__era", flat=True)) == {NEW}
    by_old = Counter(reform.values_list("predecessor", flat=True))
    assert len(by_old) == 319 and set(by_old.values()) == {1}
    ceased_on_reform_day = Commune.objects.filter(era=PRE, valid_to=datetime.date(2025, 6, 30))
    assert set(by_old) == set(ceased_on_reform_day.values_list("pk", flat=True))
    assert old_units("10").filter(pk__in=by_old).count() == 151  # Tà Chải had gone before
    assert old_units("15").filter(pk__in=by_old).count() == 168


def test_every_old_unit_ta_chai_included_has_exactly_one_current_unit_among_the_99():
    old = Commune.objects.filter(era=PRE)
    assert old.count() == 320
    assert set(old.values_list("current_unit__era", flat=True)) == {NEW}
    assert Commune.objects.filter(era=NEW, rolled_up__era=PRE).distinct().count() == 99
    assert lineage.problems() == []


def test_xa_bac_ha_rolls_up_the_old_bac_ha_township_and_five_xa_and_ta_chai_through_it():
    bac_ha = Commune.objects.get(era=NEW, name="Bắc Hà")
    direct = bac_ha.predecessions.values_list("predecessor__kind", "predecessor__name")
    assert sorted(direct) == [
        ("thi_tran", "Bắc Hà"),
        ("xa", "Bản Phố"),
        ("xa", "Hoàng Thu Phố"),
        ("xa", "Na Hối"),
        ("xa", "Nậm Mòn"),
        ("xa", "Thải Giàng Phố"),
    ]
    rolled_up = Commune.objects.rolled_up_to(bac_ha).exclude(pk=bac_ha.pk)
    assert set(rolled_up.values_list("name", flat=True)) == {
        "Bắc Hà", "Thải Giàng Phố", "Hoàng Thu Phố", "Bản Phố", "Na Hối", "Nậm Mòn", "Tà Chải"
    }  # fmt: skip
    assert set(rolled_up.values_list("district__name", flat=True)) == {"Huyện Bắc Hà"}
    ta_chai = Commune.objects.get(era=PRE, code="02872")
    assert (ta_chai.current_unit, ta_chai.has_ceased) == (bac_ha, True)
