"""The synthetic national-scale dataset, at a tiny scale."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assignments.models import (
    Agency,
    Assignment,
    Decision,
    FieldVisit,
    Leader,
    Member,
    Recommendation,
    Support,
)
from communes import lineage, scores
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
    Indicator,
    IndicatorResult,
    Province,
    Requirement,
)
from communes.reference import LAST_PRE_2025_DAY, REFORM_DAY
from sampledata import scale as scale_data
from sampledata.laocai import DECISION_NUMBER
from sampledata.scale import reform

TINY = {"communes": 40, "districts": 4, "provinces": 2, "visits": 120, "years": 2}


def generate(**options):
    call_command("generate_scale_data", **{**TINY, **options}, stdout=io.StringIO())


def scale_decision():
    return Decision.objects.get(
        number=scale_data.SCALE_DECISION_NUMBER, issuer=scale_data.SCALE_ISSUER
    )


def synthetic_counts():
    communes = scale_data.synthetic_units(Commune)
    assignments = Assignment.objects.filter(decision__number=scale_data.SCALE_DECISION_NUMBER)
    return {
        "provinces": scale_data.synthetic_units(Province).count(),
        "districts": scale_data.synthetic_units(District).count(),
        "communes": communes.count(),
        "assignments": assignments.count(),
        "assessments": Assessment.objects.filter(commune__in=communes).count(),
        "visits": FieldVisit.objects.filter(assignment__in=assignments).count(),
    }


def all_counts():
    models = (Province, District, Commune, CommuneChange, Assessment, Decision, Assignment)
    models += (Agency, Leader, CommuneGroup, Indicator, Requirement, IndicatorResult, CommuneYear)
    models += (Member, FieldVisit, Support, Recommendation)
    return {model.__name__: model.objects.count() for model in models}


def demo_figures():
    demo = Decision.objects.get(number=DECISION_NUMBER, is_demo=True)
    return {
        "assignments": demo.assignments.count(),
        "visits": FieldVisit.objects.filter(assignment__decision=demo).count(),
        "real units": Commune.objects.exclude(code__startswith="S").count(),
        "demo assessments": Assessment.objects.filter(
            is_demo=True, commune__code__regex=r"^[0-9]+$"
        ).count(),
    }


def new_units():
    return scale_data.synthetic_units(Commune, Era.FROM_2025)


@pytest.mark.django_db
def test_generate_writes_the_counts_asked_for(today):
    generate()

    units = new_units().count()
    assert synthetic_counts() == {
        "provinces": 2,
        "districts": 4,
        "communes": 40,
        # The old units' 40, and one carried over to each new unit.
        "assignments": 40 + units,
        "assessments": 40 * 19 * 2,
        "visits": 120,
    }
    assert 40 / 4 <= units < 40
    assert scale_data.synthetic_units(Province, Era.FROM_2025).count() == 2
    assert not scale_data.synthetic_units(District, Era.FROM_2025).exists()
    synthetic = Assessment.objects.filter(commune__in=scale_data.synthetic_units(Commune))
    assert set(synthetic.values_list("year", flat=True)) == {2021, 2022}
    # bulk_create sends no signals: the generator summarises its assessments itself.
    assert (
        CriteriaScore.objects.filter(commune__in=scale_data.synthetic_units(Commune)).count() == 80
    )
    assert scores.drift() == (0, 0)


@pytest.mark.django_db
def test_every_old_unit_went_whole_into_one_new_unit_some_with_three_or_more_predecessors():
    generate()

    changes = CommuneChange.objects.filter(predecessor__in=scale_data.synthetic_units(Commune))
    assert changes.count() == 40
    assert set(changes.values_list("effective_on", flat=True)) == {REFORM_DAY}
    assert set(changes.values_list("legal_basis", flat=True)) == {reform.LEGAL_BASIS}
    assert "giả lập" in reform.LEGAL_BASIS
    for old in scale_data.synthetic_units(Commune):
        assert old.successions.get().successor == old.current_unit
        assert old.current_unit.era == Era.FROM_2025
        # A new unit takes the old units of one district, in one province.
        assert old.current_unit.province.code == old.province.code
    sizes = Counter(scale_data.synthetic_units(Commune).values_list("current_unit", flat=True))
    assert set(sizes) == set(new_units().values_list("pk", flat=True))
    assert max(sizes.values()) >= 3
    assert 1 in sizes.values()  # and some were reorganised alone
    for unit in new_units():
        assert unit.current_unit == unit
        assert unit.district is None
        assert unit.valid_from == REFORM_DAY
        assert unit.valid_to is None
        kinds = set(unit.predecessions.values_list("kind", flat=True))
        merged = sizes[unit.pk] > 1
        assert kinds == {CommuneChange.Kind.MERGED if merged else CommuneChange.Kind.REORGANISED}


@pytest.mark.django_db
def test_the_current_units_are_those_the_lineage_gives_and_it_has_no_problem():
    generate()

    assert lineage.refresh_current_units() == 0
    assert not [code for code, _era, _message in lineage.problems() if code.startswith("S")]
    unit = max(new_units(), key=lambda unit: unit.rolled_up.count())
    predecessors = {change.predecessor for change in unit.predecessions.all()}
    assert len(predecessors) >= 3
    assert set(Commune.objects.rolled_up_to(unit)) == {unit, *predecessors}


@pytest.mark.django_db
def test_assignments_are_carried_over_to_the_new_units_and_visits_follow(today):
    generate()

    decision = scale_decision()
    assert decision.is_demo
    for unit in new_units():
        active = unit.assignments.get(decision=decision, ended_on__isnull=True)
        assert active.started_on == REFORM_DAY
        first = unit.rolled_up.exclude(pk=unit.pk).order_by("code").first()
        old = first.assignments.get(decision=decision)
        # The first old unit by code continues there, with its leader and group.
        assert old.successor == active
        assert (active.leader, active.working_group) == (old.leader, old.working_group)
    for commune in scale_data.synthetic_units(Commune):
        assignment = commune.assignments.get(decision=decision)
        assert assignment.ended_on == LAST_PRE_2025_DAY
        assert assignment.end_reason == Assignment.EndReason.REORGANISED
        assert commune.kind == Commune.Kind.RURAL
        assert commune.district.province_id == commune.province_id
    visits = FieldVisit.objects.filter(assignment__decision=decision)
    assert not visits.filter(visited_on__gte=REFORM_DAY, assignment__commune__era=Era.PRE_2025)
    assert not visits.filter(visited_on__lt=REFORM_DAY, assignment__commune__era=Era.FROM_2025)
    assert visits.filter(assignment__commune__era=Era.FROM_2025).exists()


@pytest.mark.django_db
def test_synthetic_rows_are_marked_and_searchable():
    generate()

    commune = Commune.objects.search("thu 00007").get()
    assert commune.name == "Thử 00007"
    assert commune.code.startswith("S")
    assert not scale_data.synthetic_units(Commune).filter(sort_name="").exists()
    assert not scale_data.synthetic_units(District).filter(search_name="").exists()
    assert scale_data.synthetic_units(Province).filter(search_name="tinh thu 01").exists()
    agencies = Agency.objects.filter(bloc=scale_data.SCALE_BLOC)
    assert agencies.exists()
    assert not agencies.filter(is_demo=False).exists()
    assert not agencies.filter(search_name="").exists()
    leaders = Leader.objects.filter(agency__in=agencies)
    assert leaders.count() == 40
    assert not leaders.filter(search_name="").exists()


@pytest.mark.django_db
def test_groups_have_three_to_five_members_and_visits_are_plausible():
    generate()

    for assignment in Assignment.objects.filter(decision=scale_decision()):
        assert 3 <= assignment.working_group.members.count() <= 5
    visits = FieldVisit.objects.filter(assignment__decision=scale_decision())
    assert not visits.filter(visited_on__gt=timezone.localdate()).exists()
    confirmed = visits.filter(status=FieldVisit.Status.CONFIRMED).count()
    assert confirmed > visits.count() / 2
    assert Support.objects.filter(visit__in=visits).exists()
    assert Recommendation.objects.filter(visit__in=visits).exists()


@pytest.mark.django_db
def test_no_history_is_written_for_the_synthetic_rows():
    before = Assessment.history.count(), FieldVisit.history.count(), IndicatorResult.history.count()

    generate()

    after = Assessment.history.count(), FieldVisit.history.count(), IndicatorResult.history.count()
    assert after == before


@pytest.mark.django_db
def test_second_run_without_clear_fails_and_writes_nothing():
    generate()
    before = all_counts()

    with pytest.raises(CommandError, match="--clear"):
        generate(communes=50)

    assert all_counts() == before


@pytest.mark.django_db
def test_clear_regenerates_the_same_counts():
    generate()
    first = synthetic_counts()

    generate(clear=True)

    assert synthetic_counts() == first
    assert Decision.objects.filter(number=scale_data.SCALE_DECISION_NUMBER).count() == 1
    assert scores.drift() == (0, 0)  # no score left behind by the raw delete of --clear


@pytest.mark.django_db
def test_reference_and_demo_data_are_untouched_by_generate_and_clear():
    before = demo_figures()
    carried = Assignment.objects.filter(decision__is_demo=True, started_on=REFORM_DAY).count()
    assert carried > 0
    assert before["assignments"] == 127 + carried  # the 2021 pairs, and those carried over

    generate()
    generate(clear=True, communes=60)
    assert demo_figures() == before

    scale_data.remove_scale_data()
    assert demo_figures() == before
    assert not scale_data.scale_data_exists()


@pytest.mark.django_db
def test_removal_takes_the_reform_away_too(today):
    before = all_counts()
    generate()
    assert new_units().exists()

    scale_data.remove_scale_data()

    assert all_counts() == before
    assert not Commune.objects.filter(code__startswith=scale_data.CODE_PREFIX).exists()
    assert not Province.objects.filter(code__startswith=scale_data.CODE_PREFIX).exists()
    assert lineage.refresh_current_units() == 0


@pytest.mark.django_db
def test_missing_criteria_set_asks_for_load_reference():
    CriteriaSet.objects.filter(code="qd318-2021-2025").update(code="khac")
    before = all_counts()

    with pytest.raises(CommandError, match="load_reference"):
        generate()

    assert all_counts() == before


@pytest.mark.django_db
def test_inconsistent_options_are_refused():
    with pytest.raises(CommandError, match="số huyện"):
        generate(districts=80)
    with pytest.raises(CommandError, match="--years"):
        generate(years=6)
