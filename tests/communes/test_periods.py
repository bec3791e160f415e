"""Programme periods and the criteria set of a year (docs/domain.md "The 2026–2030
programme": Decision 318/QĐ-TTg for 2021–2025, Decision 51/2025/QĐ-TTg for 2026–2030)."""

import pytest
from django.db import IntegrityError, transaction

from communes.models import CriteriaSet, GroupDefinition, Indicator, Level, Period
from communes.reference import NTM_SET, NTM_SET_2026
from tests.factories import make_criteria_set

pytestmark = pytest.mark.django_db

# Decision 51/2025/QĐ-TTg, Annex I, in order (docs/domain.md).
CRITERIA_51 = [
    (1, "Quy hoạch"),
    (2, "Hạ tầng kinh tế – xã hội"),
    (3, "Phát triển kinh tế nông thôn"),
    (4, "Đào tạo nguồn nhân lực nông thôn"),
    (5, "Văn hóa, giáo dục, y tế"),
    (6, "Giảm nghèo và an sinh xã hội"),
    (7, "Khoa học công nghệ và chuyển đổi số"),
    (8, "Môi trường và cảnh quan nông thôn"),
    (9, "Xây dựng hệ thống chính trị và hành chính công"),
    (10, "Tiếp cận pháp luật và an ninh, quốc phòng"),
]


@pytest.mark.parametrize(
    "year, code",
    [
        (2021, "2021-2025"),
        (2025, "2021-2025"),
        (2026, "2026-2030"),
        (2030, "2026-2030"),
        (2020, None),
        (2031, None),
        (None, None),
    ],
)
def test_a_year_belongs_to_the_period_that_covers_it(year, code):
    period = Period.objects.of_year(year)

    assert (period.code if period else None) == code


def test_the_two_periods_have_their_years_levels_and_legal_basis():
    old, new = Period.objects.order_by("first_year")

    assert (old.label, new.label) == ("2021–2025", "2026–2030")
    assert Period.objects.years() == list(range(2021, 2031))
    assert list(new.years) == [2026, 2027, 2028, 2029, 2030]
    assert [code for code, _label in old.level_choices()] == ["ntm", "nang_cao", "kieu_mau"]
    assert [code for code, _label in new.level_choices()] == ["ntm", "hien_dai"]
    assert "Quyết định 318/QĐ-TTg" in old.legal_basis
    assert "Nghị quyết 257/2025/QH15" in new.legal_basis
    assert "Quyết định 51/2025/QĐ-TTg" in new.legal_basis


def test_the_2026_period_has_the_three_group_definitions_of_decision_51():
    new = Period.objects.get(code="2026-2030")
    definitions = dict(new.group_definitions.values_list("number", "definition"))

    assert sorted(definitions) == [1, 2, 3]
    assert "liền kề đô thị hiện hữu" in definitions[1]
    assert "dưới 10%" in definitions[1]
    assert definitions[2] == "Xã không thuộc nhóm 1 và nhóm 3."
    assert "khu vực II và xã khu vực III" in definitions[3]
    assert new.has_groups
    assert not Period.objects.get(code="2021-2025").has_groups
    assert str(GroupDefinition.objects.get(period=new, number=3)) == "Nhóm 3"


def test_an_unknown_level_is_refused_in_plain_vietnamese():
    period = Period(code="thu", name="Thử", first_year=2031, last_year=2035, levels=["ntm", "x"])

    with pytest.raises(Exception, match="Mức công nhận không có: x"):
        period.full_clean()


def test_2023_is_assessed_against_the_19_criteria_of_decision_318():
    criteria_set = CriteriaSet.objects.for_year(2023)

    assert criteria_set.code == NTM_SET
    assert criteria_set.criteria.count() == 19
    assert criteria_set.period.code == "2021-2025"


def test_2026_is_assessed_against_the_10_criteria_of_decision_51_without_groups_of_criteria():
    criteria_set = CriteriaSet.objects.for_year(2026)

    assert criteria_set.code == NTM_SET_2026
    assert criteria_set.period.code == "2026-2030"
    assert "Quyết định 51/2025/QĐ-TTg" in criteria_set.legal_basis
    assert list(criteria_set.criteria.values_list("number", "name")) == CRITERIA_51
    assert not criteria_set.criteria.filter(group__isnull=False).exists()
    assert not criteria_set.groups.exists()
    # The indicators are the office's to load (the demo data may add its own): the set
    # says so.
    assert not Indicator.objects.filter(
        criterion__criteria_set=criteria_set, is_demo=False
    ).exists()
    assert "47 chỉ tiêu" in criteria_set.indicators_note
    assert CriteriaSet.objects.for_year(2030) == criteria_set


def test_no_set_for_a_year_no_period_covers():
    assert CriteriaSet.objects.for_year(2031) is None
    assert CriteriaSet.objects.for_year(2020) is None


def test_the_newest_version_of_the_national_set_wins():
    first = CriteriaSet.objects.get(code=NTM_SET_2026)
    second = CriteriaSet.objects.create(
        code="qd51-2026-2030-v2",
        name="Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026–2030",
        period=first.period,
        version=2,
        replaces=first,
        first_year=2026,
        last_year=2030,
    )

    assert CriteriaSet.objects.for_year(2027) == second
    assert str(second) == (
        "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026–2030 (phiên bản 2)"
    )
    assert list(first.replaced_by.all()) == [second]
    assert CriteriaSet.objects.for_year(2023).code == NTM_SET


def test_a_provincial_set_or_another_level_is_never_the_years_set():
    make_criteria_set(2026, 2030, version=9)
    make_criteria_set(2021, 2025, version=9)
    advanced = CriteriaSet.objects.get(code="qd318-nang-cao-2021-2025")
    advanced.version = 9
    advanced.save()

    assert CriteriaSet.objects.for_year(2026).code == NTM_SET_2026
    assert CriteriaSet.objects.for_year(2024).code == NTM_SET
    assert set(CriteriaSet.objects.commune_sets().values_list("code", flat=True)) == {
        NTM_SET,
        NTM_SET_2026,
    }


def test_two_sets_of_one_period_level_and_version_are_refused():
    first = CriteriaSet.objects.get(code=NTM_SET_2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        CriteriaSet.objects.create(
            code="qd51-ban-sao",
            name="Bản sao",
            period=first.period,
            level=Level.NTM,
            first_year=2026,
            last_year=2030,
        )
