"""CriteriaScore stays equal to the assessments it summarises, whatever writes them."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from communes import scores
from communes.models import Assessment, CriteriaScore, CriteriaSet, Criterion
from communes.reference import NTM_SET
from sampledata import lifecycle as demo
from tests.factories import make_assessment, make_commune

pytestmark = pytest.mark.django_db


def score(commune, year, criteria_set=None):
    criteria_set = criteria_set or CriteriaSet.objects.get(code=NTM_SET)
    return CriteriaScore.objects.filter(
        commune=commune, criteria_set=criteria_set, year=year
    ).first()


def criterion(number):
    return Criterion.objects.get(criteria_set__code=NTM_SET, number=number)


def test_the_loaded_demo_data_has_a_score_per_commune_and_year_and_no_drift():
    years = Assessment.objects.values("commune", "year").distinct().count()

    assert CriteriaScore.objects.count() == years > 0
    assert scores.drift() == (0, 0)


def test_saving_assessments_counts_them_and_marks_the_criteria_met():
    commune = make_commune()
    make_assessment(commune=commune, criterion=criterion(2), year=2024, met=True)
    make_assessment(commune=commune, criterion=criterion(5), year=2024, met=False)
    make_assessment(commune=commune, criterion=criterion(19), year=2024, met=True)

    result = score(commune, 2024)
    assert (result.assessed, result.met) == (3, 2)
    assert result.met_numbers() == [2, 19]


def test_changing_an_assessment_changes_the_score():
    commune = make_commune()
    assessment = make_assessment(commune=commune, criterion=criterion(3), year=2023, met=False)
    assert score(commune, 2023).met == 0

    assessment = Assessment.objects.get(pk=assessment.pk)
    assessment.met = True
    assessment.save()

    assert score(commune, 2023).met == 1
    assert score(commune, 2023).met_numbers() == [3]


def test_moving_an_assessment_to_another_year_refreshes_both_years():
    commune = make_commune()
    make_assessment(commune=commune, criterion=criterion(1), year=2022, met=True)
    moved = make_assessment(commune=commune, criterion=criterion(4), year=2022, met=True)

    moved = Assessment.objects.get(pk=moved.pk)  # as the admin reads it
    moved.year = 2023
    moved.save()

    assert (score(commune, 2022).assessed, score(commune, 2022).met_numbers()) == (1, [1])
    assert (score(commune, 2023).assessed, score(commune, 2023).met_numbers()) == (1, [4])


def test_restoring_a_version_of_another_year_refreshes_the_year_it_leaves():
    commune = make_commune()
    assessment = make_assessment(commune=commune, criterion=criterion(6), year=2022, met=True)
    assessment.year = 2023
    assessment.save()

    # A version rebuilt from its history, as a restore saves it: not read from the table.
    assessment.history.earliest().instance.save()

    assert score(commune, 2023) is None
    assert score(commune, 2022).met_numbers() == [6]
    assert scores.drift() == (0, 0)


def test_deleting_the_last_assessment_of_a_year_removes_its_score():
    commune = make_commune()
    first = make_assessment(commune=commune, criterion=criterion(1), year=2022, met=True)
    second = make_assessment(commune=commune, criterion=criterion(2), year=2022, met=True)

    first.delete()
    assert score(commune, 2022).met == 1
    second.delete()
    assert score(commune, 2022) is None


def test_deferred_refreshes_once_at_the_end_of_the_block():
    commune = make_commune()
    with scores.deferred():
        make_assessment(commune=commune, criterion=criterion(1), year=2022, met=True)
        make_assessment(commune=commune, criterion=criterion(2), year=2022, met=True)
        assert score(commune, 2022) is None  # not yet
    assert score(commune, 2022).met == 2


def test_deferred_writes_nothing_when_the_block_fails():
    commune = make_commune()

    class Stop(Exception):
        pass

    with pytest.raises(Stop), transaction.atomic(), scores.deferred():
        make_assessment(commune=commune, criterion=criterion(1), year=2022, met=True)
        raise Stop

    assert not Assessment.objects.filter(commune=commune).exists()
    assert score(commune, 2022) is None


def test_renumbering_a_criterion_moves_its_bit():
    commune = make_commune()
    make_assessment(commune=commune, criterion=criterion(19), year=2022, met=True)
    moved = criterion(19)
    moved.number = 20
    moved.save()

    assert score(commune, 2022).met_numbers() == [20]


def test_removing_the_demo_data_leaves_no_score_behind():
    demo.remove_demo_data()

    assert scores.drift() == (0, 0)
    assert not CriteriaScore.objects.exists()


def test_refresh_scores_reports_and_repairs_drift():
    changed = CriteriaScore.objects.filter(met__gt=0).first()
    CriteriaScore.objects.filter(pk=changed.pk).update(met=0)  # bypasses the signals
    out = io.StringIO()

    with pytest.raises(SystemExit) as exit_code:
        call_command("refresh_scores", "--check", stdout=out)
    assert exit_code.value.code == 1
    assert "Dòng sai hoặc thiếu: 1" in out.getvalue()

    call_command("refresh_scores", stdout=io.StringIO())
    assert scores.drift() == (0, 0)
    assert (
        CriteriaScore.objects.get(
            commune=changed.commune, criteria_set=changed.criteria_set, year=changed.year
        ).met
        == changed.met
    )


def test_a_criterion_numbered_past_the_mask_counts_but_has_no_bit():
    commune = make_commune()
    make_assessment(commune=commune, criterion=criterion(1), year=2022, met=True)
    far = make_assessment(commune=commune, criterion=criterion(2), year=2022, met=True).criterion
    far.number = scores.MASK_BITS + 8  # 2**70 would not fit the 64-bit mask
    far.save()

    result = score(commune, 2022)
    assert (result.assessed, result.met, result.met_numbers()) == (2, 2, [1])
