"""The synthetic national-scale dataset's year 2026 on the 2026–2030 set, at a tiny scale."""

import io

import pytest
from django.core.management import call_command

from communes import scores
from communes.evaluation import evaluate
from communes.models import (
    Assessment,
    Commune,
    CommuneGroup,
    CommuneYear,
    CriteriaScore,
    CriteriaSet,
    Era,
    Indicator,
    IndicatorResult,
    Requirement,
)
from communes.reference import NTM_SET_2026
from sampledata import scale as scale_data
from sampledata.scale import year2026

pytestmark = pytest.mark.django_db

TINY = {"communes": 40, "districts": 4, "provinces": 2, "visits": 120, "years": 1}


def generate(**options):
    call_command("generate_scale_data", **{**TINY, **options}, stdout=io.StringIO())


def new_units():
    return scale_data.synthetic_units(Commune, Era.FROM_2025)


def the_set():
    return CriteriaSet.objects.get(code=NTM_SET_2026)


def test_every_unit_of_today_gets_a_group_and_a_result_for_each_of_47_indicators():
    generate()

    indicators = Indicator.objects.filter(criterion__criteria_set=the_set())
    units = new_units()
    results = IndicatorResult.objects.filter(commune__in=units, year=2026)
    assert indicators.count() == year2026.INDICATORS == 47
    # Every criterion of the set has some: the demo's on criteria 2 and 8, synthetic elsewhere.
    assert set(indicators.values_list("criterion__number", flat=True)) == set(range(1, 11))
    synthetic = scale_data.markers.synthetic_indicators()
    assert synthetic.count() == 47 - indicators.filter(name__startswith="[Mẫu]").count() == 40
    assert set(synthetic.values_list("criterion__number", flat=True)) == {1, 3, 4, 5, 6, 7, 9, 10}
    assert Requirement.objects.filter(indicator__in=indicators).count() == 47 * 3
    assert CommuneGroup.objects.filter(commune__in=units, period=the_set().period).count() == (
        units.count()
    )
    assert results.count() == units.count() * 47
    assert set(results.values_list("is_demo", flat=True)) == {True}
    # Nothing of 2026 on the old units: the year is recorded on today's map.
    old = scale_data.synthetic_units(Commune)
    assert not IndicatorResult.objects.filter(commune__in=old).exists()
    assert not CommuneGroup.objects.filter(commune__in=old).exists()


def test_the_criteria_are_those_the_indicators_give_for_the_units_group():
    generate()

    units = list(new_units().values_list("pk", flat=True))
    assessed = Assessment.objects.filter(commune__in=units, year=2026)
    assert assessed.count() == len(units) * 10
    assert 0 < assessed.filter(met=True).count() < assessed.count()
    # The office's rule (communes.evaluation) finds nothing to change.
    assert evaluate(units, 2026) == []
    assert CriteriaScore.objects.filter(commune__in=units, year=2026).count() == len(units)
    assert scores.drift() == (0, 0)
    numeric = IndicatorResult.objects.filter(commune__in=units, value__isnull=False)
    assert numeric.exists() and numeric.filter(met=False).exists()


def test_some_commune_years_are_submitted_or_approved():
    generate(communes=200, districts=10)

    years = CommuneYear.objects.filter(commune__in=new_units(), year=2026)
    statuses = set(years.values_list("status", flat=True))
    assert statuses == {CommuneYear.Status.SUBMITTED, CommuneYear.Status.APPROVED}
    assert years.count() < new_units().count()
    assert set(years.values_list("criteria_set", flat=True)) == {the_set().pk}


def test_without_the_2026_year_nothing_of_the_new_period_is_written():
    generate(years_2026=0)

    assert not IndicatorResult.objects.filter(commune__in=new_units()).exists()
    assert not scale_data.markers.synthetic_indicators().exists()


def test_removal_takes_the_2026_year_and_the_synthetic_indicators_but_not_the_demos():
    demo = set(Indicator.objects.values_list("pk", flat=True))
    generate()

    scale_data.remove_scale_data()

    assert set(Indicator.objects.values_list("pk", flat=True)) == demo
    assert not CommuneGroup.objects.filter(commune__code__startswith="S").exists()
    assert not CommuneYear.objects.filter(commune__code__startswith="S").exists()
    assert not IndicatorResult.objects.filter(commune__code__startswith="S").exists()
    assert the_set().criteria.count() == 10
