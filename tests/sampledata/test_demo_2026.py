"""The demo's 2026–2030 period on DEMO_DAY: groups, indicators, results, review, decision."""

import datetime

import pytest

from assignments.models import Assignment, FieldVisit
from communes import locks
from communes.evaluation import evaluate
from communes.models import (
    Assessment,
    Commune,
    CommuneGroup,
    CommuneYear,
    CommuneYearEvent,
    CriteriaSet,
    Indicator,
    IndicatorResult,
    Map,
    Requirement,
)
from communes.reference import NTM_SET_2026, REFORM_DAY
from sampledata.laocai import new_period, year2026
from sampledata.lifecycle import GROUP_A_COMMUNE, GROUP_B_COMMUNE, demo_assignment

pytestmark = pytest.mark.django_db

YEAR = 2026


def the_set():
    return CriteriaSet.objects.get(code=NTM_SET_2026)


def results_by_criterion(commune):
    """{criterion number: [IndicatorResult]} of `commune` in 2026."""
    found = {}
    rows = IndicatorResult.objects.filter(commune=commune, year=YEAR).select_related(
        "indicator__criterion"
    )
    for row in rows:
        found.setdefault(row.indicator.criterion.number, []).append(row)
    return found


def test_every_current_unit_but_two_has_an_invented_group():
    units = Commune.objects.in_programme(Map.CURRENT)
    groups = CommuneGroup.objects.filter(period=the_set().period)
    ungrouped = units.exclude(groups__in=groups)

    assert groups.count() == units.count() - 2 == 95
    assert sorted(ungrouped.values_list("name", flat=True)) == sorted(year2026.UNGROUPED)
    assert set(groups.values_list("is_demo", "basis")) == {(True, year2026.GROUP_BASIS)}
    assert "mẫu" in year2026.GROUP_BASIS
    assert set(groups.values_list("number", flat=True)) == {1, 2, 3}
    # A phường that took in old xã is next to the town: group 1.
    assert set(groups.filter(commune__kind=Commune.Kind.WARD).values_list("number", flat=True)) == {
        1
    }


def test_only_criteria_2_and_8_have_indicators_marked_as_invented():
    indicators = Indicator.objects.filter(criterion__criteria_set=the_set())

    assert set(indicators.values_list("criterion__number", flat=True)) == {2, 8}
    assert indicators.count() == 7
    assert all(i.is_demo and i.name.startswith("[Mẫu] ") for i in indicators)
    assert the_set().criteria.count() == 10
    for indicator in indicators:
        requirements = {r.group: r for r in indicator.requirements.all()}
        assert sorted(requirements) == [1, 2, 3]
        numeric = {r.is_numeric for r in requirements.values()}
        assert len(numeric) == 1  # a number for every group, or yes/no for every group
        if numeric == {True}:
            assert requirements[1].target > requirements[3].target
            assert {r.comparison for r in requirements.values()} == {
                Requirement.Comparison.AT_LEAST
            }
    assert indicators.filter(requirements__comparison="").distinct().count() == 2


def test_ungrouped_and_not_started_units_have_no_2026_results():
    assessed = set(Assessment.objects.filter(year=YEAR).values_list("commune", flat=True))
    ungrouped = Commune.objects.in_programme(Map.CURRENT).filter(name__in=year2026.UNGROUPED)

    assert len(assessed) == 95 - year2026.NOT_STARTED
    assert not assessed & set(ungrouped.values_list("pk", flat=True))
    assert (
        set(IndicatorResult.objects.filter(year=YEAR).values_list("commune", flat=True)) == assessed
    )
    assert set(Assessment.objects.filter(year=YEAR).values_list("is_demo", flat=True)) == {True}
    assert set(IndicatorResult.objects.values_list("is_demo", flat=True)) == {True}


def test_criteria_2_and_8_follow_from_their_indicators_for_the_communes_group():
    groups = dict(CommuneGroup.objects.values_list("commune", "number"))
    requirements = {(r.indicator_id, r.group): r for r in Requirement.objects.all()}
    incomplete = 0
    for assessment in Assessment.objects.filter(
        year=YEAR, criterion__number__in=[2, 8]
    ).select_related("criterion", "commune"):
        found = results_by_criterion(assessment.commune)[assessment.criterion.number]
        for result in found:
            requirement = requirements[(result.indicator_id, groups[result.commune_id])]
            if requirement.is_numeric:
                assert result.met == requirement.check_value(result.value)
            else:
                assert result.value is None
        complete = len(found) == assessment.criterion.indicators.count()
        incomplete += not complete
        assert assessment.met == (complete and all(r.met for r in found))
    assert incomplete == year2026.MISSING_ONE
    # Evaluating again changes nothing: the demo's criteria are evaluate()'s own.
    assessed = Assessment.objects.filter(year=YEAR).values_list("commune", flat=True)
    assert evaluate(set(assessed), YEAR) == []


def test_criteria_met_vary_and_the_others_are_recorded_for_themselves():
    rates = {
        number: Assessment.objects.filter(year=YEAR, criterion__number=number, met=True).count()
        for number in range(1, 11)
    }

    assert Assessment.objects.filter(year=YEAR).count() == 91 * 10
    assert rates[10] > rates[6] and rates[1] > rates[8]
    assert 0 < sum(rates.values()) < 910


def test_a_few_commune_years_are_approved_some_submitted_and_group_a_s_unit_is_a_draft():
    years = CommuneYear.objects.filter(year=YEAR, criteria_set=the_set())
    approved = years.filter(status=CommuneYear.Status.APPROVED)
    group_a = demo_assignment(GROUP_A_COMMUNE).commune
    group_b = demo_assignment(GROUP_B_COMMUNE).commune

    assert approved.count() == year2026.APPROVED
    assert years.filter(status=CommuneYear.Status.SUBMITTED).count() == year2026.SUBMITTED
    assert years.count() == 91
    assert years.get(commune=group_a).status == CommuneYear.Status.DRAFT
    assert years.get(commune=group_b).status == CommuneYear.Status.DRAFT
    assert not locks.is_locked(group_a.pk, YEAR)
    for commune_year in approved:
        assert locks.is_locked(commune_year.commune_id, YEAR)
        actions = list(commune_year.events.values_list("action", "actor__username"))
        assert actions == [("submit", "vanphong"), ("approve", "truongvp")]
    events = CommuneYearEvent.objects.filter(commune_year__in=years)
    assert events.count() == 2 * year2026.APPROVED + year2026.SUBMITTED
    assert max(e.at.date() for e in events) < datetime.date(2026, 11, 18)


def test_the_new_period_decision_re_confirms_the_carried_pairs_from_01_01_2026():
    carried = Assignment.objects.filter(decision__is_demo=True, started_on=REFORM_DAY)
    pairs = Assignment.objects.filter(decision__number=new_period.DECISION_NUMBER)
    decision = pairs.first().decision

    assert decision.is_demo and "(mẫu)" in decision.number
    assert (decision.period_start, decision.period_end) == (2026, 2030)
    assert pairs.count() == carried.count() > 40
    assert set(pairs.values_list("started_on", "ended_on")) == {(new_period.STARTED_ON, None)}
    assert set(carried.values_list("ended_on", "end_reason")) == {
        (datetime.date(2025, 12, 31), Assignment.EndReason.OTHER)
    }
    for pair in pairs.select_related("predecessor"):
        old = pair.predecessor
        assert (pair.commune_id, pair.leader_id, pair.working_group_id) == (
            old.commune_id,
            old.leader_id,
            old.working_group_id,
        )
        assert new_period.DECISION_NUMBER in old.end_note
    # Each visit belongs to the pair in force on its day.
    assert not FieldVisit.objects.filter(assignment__in=carried, visited_on__gte="2026-01-01")
    assert FieldVisit.objects.filter(assignment__in=pairs).count() > 40
    for visit in FieldVisit.objects.filter(assignment__in=pairs).select_related("assignment"):
        assert visit.visited_on >= visit.assignment.started_on
