"""The programme's vocabulary on the managers: its criteria set, years, criteria, communes
and districts (docs/domain.md: Decision 318/QĐ-TTg, 2021–2025; 127 xã of the old Lào Cai, 146 of
the old Yên Bái, on the old map)."""

import pytest

from communes.models import (
    Assessment,
    Commune,
    CriteriaScore,
    CriteriaSet,
    Criterion,
    District,
    Era,
)
from tests.factories import make_criteria_set

PRE = Era.PRE_2025


@pytest.mark.django_db
def test_the_programme_set_is_decision_318_for_2021_to_2025():
    (criteria_set,) = CriteriaSet.objects.programme()

    assert criteria_set.code == "qd318-2021-2025"
    assert CriteriaSet.objects.programme().years() == [2021, 2022, 2023, 2024, 2025]
    assert sorted(Criterion.objects.programme().values_list("number", flat=True)) == list(
        range(1, 20)
    )


@pytest.mark.django_db
def test_years_of_several_sets_are_their_union_oldest_first():
    make_criteria_set(2031, 2035)

    assert CriteriaSet.objects.years() == list(range(2021, 2036))
    assert CriteriaSet.objects.commune_sets().years() == list(range(2021, 2031))


@pytest.mark.django_db
def test_no_programme_set_means_no_years():
    CriteriaSet.objects.programme().update(code="khac")

    assert CriteriaSet.objects.programme().years() == []
    assert not Criterion.objects.programme().exists()


@pytest.mark.django_db
def test_assessments_and_scores_of_the_programme_are_those_of_its_criteria():
    other = CriteriaSet.objects.exclude(code="qd318-2021-2025").first()
    programme = Assessment.objects.programme()

    assert (
        programme.count()
        == Assessment.objects.filter(criterion__criteria_set__code="qd318-2021-2025").count()
    )
    assert programme.exists()
    assert not CriteriaScore.objects.programme().filter(criteria_set=other).exists()
    assert (
        CriteriaScore.objects.programme().count()
        == CriteriaScore.objects.filter(criteria_set__code="qd318-2021-2025").count()
    )


@pytest.mark.django_db
def test_the_programme_has_127_communes_in_nine_districts_ta_chai_included():
    old_lao_cai = Commune.objects.in_programme().filter(province__code="10", province__era=PRE)

    assert old_lao_cai.count() == 127
    assert old_lao_cai.filter(name="Tà Chải", valid_to__isnull=False).exists()
    districts = District.objects.in_programme().filter(province__code="10", province__era=PRE)
    assert set(districts.values_list("code", flat=True)) == {
        "080", "082", "083", "084", "085", "086", "087", "088", "089"
    }  # fmt: skip


@pytest.mark.django_db
def test_on_the_old_map_the_programme_has_273_xa_in_18_districts_of_two_old_provinces():
    communes = Commune.objects.in_programme()
    districts = District.objects.in_programme()

    assert communes.count() == 273
    assert communes.filter(province__code="15", province__era=PRE).count() == 146  # Yên Bái
    assert districts.count() == 18
    assert set(districts.values_list("province__name", "province__era")) == {
        ("Tỉnh Lào Cai", PRE),
        ("Tỉnh Yên Bái", PRE),
    }
    assert not districts.exclude(era=PRE).exists()
