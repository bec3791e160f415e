"""Reference data: the old Lào Cai's real units and the national criteria (facts in
docs/domain.md). The new province as a whole, its lineage and the fixture's refusals:
test_reference_2025.py, test_reference_refusals.py, test_reference_upgrade.py."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from communes.models import (
    Commune,
    CommuneChange,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    District,
    Era,
    GroupDefinition,
    Period,
    Province,
)
from communes.reference.fixture import FIXTURE

PRE = Era.PRE_2025
NEW = Era.FROM_2025
REFERENCE_MODELS = [
    Province,
    District,
    Commune,
    CommuneChange,
    Period,
    GroupDefinition,
    CriteriaSet,
    CriterionGroup,
]

LAO_CAI_DISTRICTS = {
    "080": "Thành phố Lào Cai",
    "082": "Huyện Bát Xát",
    "083": "Huyện Mường Khương",
    "084": "Huyện Si Ma Cai",
    "085": "Huyện Bắc Hà",
    "086": "Huyện Bảo Thắng",
    "087": "Huyện Bảo Yên",
    "088": "Thị xã Sa Pa",
    "089": "Huyện Văn Bàn",
}

# Decision 318/QĐ-TTg, as tabled in docs/domain.md: (number, name, group number).
CRITERIA_318 = [
    (1, "Quy hoạch", 1),
    (2, "Giao thông", 2),
    (3, "Thủy lợi và phòng, chống thiên tai", 2),
    (4, "Điện", 2),
    (5, "Trường học", 2),
    (6, "Cơ sở vật chất văn hóa", 2),
    (7, "Cơ sở hạ tầng thương mại nông thôn", 2),
    (8, "Thông tin và Truyền thông", 2),
    (9, "Nhà ở dân cư", 2),
    (10, "Thu nhập", 3),
    (11, "Nghèo đa chiều", 3),
    (12, "Lao động", 3),
    (13, "Tổ chức sản xuất và phát triển kinh tế nông thôn", 3),
    (14, "Giáo dục và Đào tạo", 4),
    (15, "Y tế", 4),
    (16, "Văn hóa", 4),
    (17, "Môi trường và an toàn thực phẩm", 4),
    (18, "Hệ thống chính trị và tiếp cận pháp luật", 5),
    (19, "Quốc phòng và An ninh", 5),
]
GROUPS_318 = [
    (1, "Quy hoạch"),
    (2, "Hạ tầng kinh tế – xã hội"),
    (3, "Kinh tế và tổ chức sản xuất"),
    (4, "Văn hóa – xã hội – môi trường"),
    (5, "Hệ thống chính trị"),
]


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in [*REFERENCE_MODELS, Criterion]}


@pytest.fixture
def reference(db):
    return run("load_reference")


def lao_cai_xa():
    return Commune.objects.in_programme().filter(province__code="10", province__era=PRE)


def test_fixture_holds_the_127_xa_of_the_programme_in_9_districts(reference):
    assert lao_cai_xa().count() == 127
    districts = District.objects.filter(province__code="10", era=PRE)
    assert dict(districts.values_list("code", "name")) == LAO_CAI_DISTRICTS
    assert set(lao_cai_xa().values_list("district__code", flat=True)) == set(LAO_CAI_DISTRICTS)
    assert Commune.objects.filter(province__code="10", era=PRE).count() == 152


def test_commune_names_are_whole_names_without_their_kind(reference):
    names = set(lao_cai_xa().values_list("name", flat=True))
    assert {"Tà Chải", "Bản Vược", "Tả Van", "Tả Van Chư", "Khánh Yên Thượng"} <= names
    assert not [name for name in names if name.startswith(("Xã ", "xã "))]
    bac_ha = Commune.objects.get(code="02839", era=PRE)
    assert str(bac_ha) == "Thị trấn Bắc Hà (Huyện Bắc Hà)"


def test_the_two_thanh_binh_are_different_xa_in_different_districts(reference):
    thanh_binh = lao_cai_xa().filter(name="Thanh Bình").order_by("code")
    assert list(thanh_binh.values_list("code", "district__code")) == [
        ("02779", "083"),
        ("03022", "088"),
    ]


def test_ta_chai_was_merged_into_bac_ha_township_on_1_november_2024(reference):
    ta_chai = Commune.objects.get(code="02872", era=PRE)
    assert (ta_chai.name, ta_chai.kind, ta_chai.district.code) == ("Tà Chải", "xa", "085")
    assert ta_chai.valid_to == datetime.date(2024, 10, 31)
    change = CommuneChange.objects.get(predecessor=ta_chai)
    assert change.successor.code == "02839"
    assert change.successor.kind == Commune.Kind.TOWNSHIP
    assert change.kind == CommuneChange.Kind.MERGED
    assert change.effective_on == datetime.date(2024, 11, 1)
    assert change.legal_basis == "Nghị quyết 1197/NQ-UBTVQH15"


def test_lists_made_after_the_merger_show_126_xa(reference):
    def xa_on(day):
        return Commune.objects.current(on=day).rural().in_era(PRE).filter(province__code="10")

    assert xa_on(datetime.date(2024, 10, 31)).count() == 127
    assert xa_on(datetime.date(2024, 12, 1)).count() == 126
    assert not xa_on(datetime.date(2024, 12, 1)).filter(name="Tà Chải").exists()
    assert not xa_on(datetime.date(2025, 7, 1)).exists()


def test_the_2025_reform_made_45_xa_and_3_phuong_of_the_old_province(reference):
    new = Commune.objects.filter(
        era=NEW,
        predecessions__predecessor__province__code="10",
        predecessions__predecessor__province__era=PRE,
    ).distinct()
    assert new.rural().count() == 45
    assert new.filter(kind=Commune.Kind.WARD).count() == 3
    assert not new.filter(district__isnull=False).exists()
    assert set(new.values_list("province__code", "province__name")) == {("15", "Tỉnh Lào Cai")}
    assert set(new.values_list("valid_from", flat=True)) == {datetime.date(2025, 7, 1)}
    coc_lau = new.get(name="Cốc Lầu")
    predecessors = coc_lau.predecessions.values_list("predecessor__name", flat=True)
    assert sorted(predecessors) == ["Bản Cái", "Cốc Lầu", "Nậm Lúc"]


def test_every_old_unit_but_ta_chai_has_one_successor_on_1_july_2025(reference):
    reform = CommuneChange.objects.filter(effective_on=datetime.date(2025, 7, 1))
    assert reform.count() == 319
    assert reform.filter(predecessor__province__code="10").count() == 151
    assert set(reform.values_list("successor__era", flat=True)) == {NEW}
    old = Commune.objects.filter(era=PRE).exclude(code="02872")
    assert set(reform.values_list("predecessor__code", flat=True)) == set(
        old.values_list("code", flat=True)
    )
    assert set(old.values_list("valid_to", flat=True)) == {datetime.date(2025, 6, 30)}


def test_criteria_set_318_has_the_19_criteria_of_the_decision_in_5_groups(reference):
    ntm = CriteriaSet.objects.get(code="qd318-2021-2025")
    assert ntm.level == CriteriaSet.Level.NTM
    assert ntm.legal_basis == "Quyết định 318/QĐ-TTg ngày 08/03/2022"
    assert (ntm.first_year, ntm.last_year) == (2021, 2025)
    assert list(ntm.groups.values_list("number", "name")) == GROUPS_318
    criteria = ntm.criteria.order_by("number").values_list("number", "name", "group__number")
    assert list(criteria) == CRITERIA_318
    assert Criterion.objects.get(criteria_set=ntm, number=17).group.name == (
        "Văn hóa – xã hội – môi trường"
    )


def test_the_advanced_set_is_there_without_criteria_for_the_office_to_enter(reference):
    advanced = CriteriaSet.objects.get(code="qd318-nang-cao-2021-2025")
    assert advanced.level == CriteriaSet.Level.ADVANCED
    assert advanced.legal_basis == "Quyết định 318/QĐ-TTg ngày 08/03/2022"
    assert not advanced.criteria.exists()
    assert not advanced.groups.exists()


def test_load_reference_says_what_it_loaded_in_vietnamese(reference):
    # The test database was loaded at session start: a second load writes nothing.
    assert reference == (
        "Đã nạp: 2 tỉnh cũ, 1 tỉnh mới, 18 huyện; "
        "273 xã, 28 phường, 19 thị trấn (trước 01/07/2025); 89 xã, 10 phường (từ 01/07/2025); "
        "320 thay đổi địa giới (319 theo Nghị quyết 1673/NQ-UBTVQH15 ngày 16/06/2025, "
        "1 theo Nghị quyết 1197/NQ-UBTVQH15); 2 giai đoạn, 3 định nghĩa nhóm xã; "
        "3 bộ tiêu chí, 5 nhóm tiêu chí, 29 tiêu chí (mới 0, cập nhật 0, không đổi 802).\n"
    )


def test_load_reference_twice_changes_nothing(reference):
    before = counts()
    output = run("load_reference")
    assert counts() == before
    assert "(mới 0, cập nhật 0, không đổi 802)" in output


def test_load_reference_restores_reference_fields_but_keeps_the_target_year(reference):
    ban_vuoc = Commune.objects.get(code="02710", era=PRE)
    Commune.objects.filter(pk=ban_vuoc.pk).update(name="Bản Vược sửa", target_year=2025)
    output = run("load_reference")
    ban_vuoc.refresh_from_db()
    assert (ban_vuoc.name, ban_vuoc.target_year) == ("Bản Vược", 2025)
    assert Commune.objects.search("ban vuoc").get() == ban_vuoc
    assert "cập nhật 1," in output


def test_building_the_new_lao_cai_from_the_package_gives_the_shipped_fixture(reference, tmp_path):
    before = counts()
    output = run(
        "build_reference", "--province", "10", "--province", "15", "--dump", tmp_path / "f"
    )
    assert counts() == before
    assert "(mới 0, cập nhật 0, không đổi 802)" in output
    assert fixture_rows(tmp_path / "f") == fixture_rows(FIXTURE)


def fixture_rows(path):
    """The fixture's rows, the office's target years left out (the demo may set them)."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    for row in rows:
        row["fields"].pop("target_year", None)
    return rows


@pytest.mark.django_db
def test_build_reference_loads_another_province_and_is_idempotent():
    first = run("build_reference", "--province", "11")
    dien_bien = Commune.objects.filter(province__code="11", era=PRE)
    assert Province.objects.get(code="11", era=PRE).name == "Tỉnh Điện Biên"
    assert District.objects.filter(province__code="11", era=PRE).count() == 10
    assert dien_bien.count() == 129
    assert dien_bien.rural().count() == 115
    assert CommuneChange.objects.filter(predecessor__in=dien_bien).count() == 129
    assert Criterion.objects.count() == 29  # 19 of 2021–2025, 10 of 2026–2030
    before = counts()
    second = run("build_reference", "--province", "11")
    assert counts() == before
    # Only the criteria were there before: 2 periods, 3 group definitions, 3 sets, 5 groups
    # of criteria, 29 criteria.
    assert "(mới 315, cập nhật 0, không đổi 42)" in first
    assert "(mới 0, cập nhật 0," in second


@pytest.mark.django_db
def test_build_reference_refuses_a_province_code_that_does_not_exist():
    before = counts()
    with pytest.raises(CommandError, match="Không có tỉnh mã 99"):
        run("build_reference", "--province", "99")
    assert counts() == before
