"""Approved or closed commune-years are read-only by every path (communes.locks): a single
save or delete is refused with the reason and nothing is written; bulk writers ask
``locked()`` for many pairs at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communes import locks
from communes.models import (
    Assessment,
    CommuneYear,
    CriteriaSet,
    Indicator,
    IndicatorResult,
    YearClosing,
)
from communes.reference import NTM_SET
from tests.factories import make_commune, make_criteria_set, make_criterion

pytestmark = pytest.mark.django_db

APPROVED = "đã được duyệt nên không sửa được; người có quyền duyệt có thể mở lại kèm lý do"


def approve(commune, year, criteria_set=None):
    return CommuneYear.objects.create(
        commune=commune,
        year=year,
        criteria_set=criteria_set or CriteriaSet.objects.for_year(year),
        status=CommuneYear.Status.APPROVED,
    )


def close(year, days_from_today):
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    return YearClosing.objects.create(year=year, closes_on=day)


def refusal(write):
    """The message of the ValidationError `write` raises (code "locked").

    In a savepoint, as a caller that goes on after a refusal must: a delete is refused
    inside Django's own transaction block, which leaves the enclosing one unusable.
    """
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        write()
    assert {error.code for error in refused.value.error_list} == {"locked"}
    return " ".join(refused.value.messages)


@pytest.fixture
def commune():
    return make_commune(name="Thử Khóa")


@pytest.fixture
def criterion():
    return CriteriaSet.objects.get(code=NTM_SET).criteria.get(number=5)


@pytest.fixture
def indicator():
    criterion = make_criterion(number=2, criteria_set=make_criteria_set(2026, 2030))
    return Indicator.objects.create(criterion=criterion, code="2.1", name="Đường xã")


def test_an_approved_year_refuses_a_new_assessment_and_writes_nothing(commune, criterion):
    approve(commune, 2024)

    message = refusal(
        lambda: Assessment.objects.create(commune=commune, criterion=criterion, year=2024)
    )

    assert message == f"Kết quả năm 2024 của Xã Thử Khóa {APPROVED}."
    assert not Assessment.objects.filter(commune=commune).exists()


def test_an_approved_year_refuses_changing_or_deleting_an_assessment(commune, criterion):
    assessment = Assessment.objects.create(commune=commune, criterion=criterion, year=2024)
    approve(commune, 2024)

    assessment.met = True
    assert APPROVED in refusal(assessment.save)
    assert APPROVED in refusal(assessment.delete)
    assert APPROVED in refusal(lambda: Assessment.objects.filter(pk=assessment.pk).delete())

    stored = Assessment.objects.get(pk=assessment.pk)
    assert stored.met is False
    assert Assessment.history.filter(id=assessment.pk).count() == 1  # the creation only


def test_an_approved_year_refuses_indicator_results(commune, indicator):
    result = IndicatorResult.objects.create(commune=commune, indicator=indicator, year=2026)
    approve(commune, 2026)

    result.met = True
    assert "Kết quả năm 2026 của Xã Thử Khóa" in refusal(result.save)
    assert APPROVED in refusal(result.delete)
    assert APPROVED in refusal(
        lambda: IndicatorResult.objects.create(
            commune=commune, indicator=indicator, year=2026, note="mới"
        )
    )
    assert list(IndicatorResult.objects.filter(commune=commune).values_list("pk", "met")) == [
        (result.pk, False)
    ]


def test_other_communes_and_other_years_are_not_affected(commune, criterion):
    approve(commune, 2024)
    neighbour = make_commune()

    Assessment.objects.create(commune=commune, criterion=criterion, year=2023, met=True)
    Assessment.objects.create(commune=neighbour, criterion=criterion, year=2024, met=True)

    assert Assessment.objects.filter(met=True, commune__in=[commune, neighbour]).count() == 2


def test_moving_an_assessment_out_of_a_locked_year_is_refused(commune, criterion):
    assessment = Assessment.objects.create(commune=commune, criterion=criterion, year=2024)
    approve(commune, 2024)

    assessment.year = 2023
    assert "Kết quả năm 2024" in refusal(assessment.save)
    other = make_commune()
    assessment.year, assessment.commune = 2024, other
    assert "Kết quả năm 2024 của Xã Thử Khóa" in refusal(assessment.save)
    assert Assessment.objects.get(pk=assessment.pk).commune == commune


def test_restoring_an_old_version_cannot_move_a_result_out_of_a_locked_year(
    commune, criterion, indicator
):
    assessment = Assessment.objects.create(commune=commune, criterion=criterion, year=2023)
    assessment.year = 2024
    assessment.save()
    approve(commune, 2024)

    # A version rebuilt from its history knows nothing of where the row is now.
    old = assessment.history.earliest().instance
    assert (old.year, old.pk) == (2023, assessment.pk)
    assert "Kết quả năm 2024" in refusal(old.save)
    assert Assessment.objects.get(pk=assessment.pk).year == 2024

    result = IndicatorResult.objects.create(commune=commune, indicator=indicator, year=2027)
    result.year = 2026
    result.save()
    approve(commune, 2026)
    moved = IndicatorResult(pk=result.pk, commune=commune, indicator=indicator, year=2027)
    assert "Kết quả năm 2026" in refusal(moved.save)
    assert IndicatorResult.objects.get(pk=result.pk).year == 2026


def test_a_year_closed_from_a_past_day_refuses_every_commune(commune, criterion):
    close(2024, days_from_today=-1)
    closed_on = timezone.localdate() - datetime.timedelta(days=1)

    message = refusal(
        lambda: Assessment.objects.create(commune=commune, criterion=criterion, year=2024)
    )

    assert message == (
        f"Năm 2024 đã khóa sổ từ ngày {closed_on:%d/%m/%Y}: không nhập, sửa kết quả của "
        "Xã Thử Khóa cho năm này được nữa."
    )
    assert not Assessment.objects.filter(commune=commune).exists()
    Assessment.objects.create(commune=commune, criterion=criterion, year=2023)


def test_a_year_closed_from_today_is_closed(commune, criterion):
    close(2024, days_from_today=0)

    assert locks.is_locked(commune.pk, 2024)


def test_a_year_closing_on_a_future_day_does_not_refuse_yet(commune, criterion):
    close(2024, days_from_today=1)

    Assessment.objects.create(commune=commune, criterion=criterion, year=2024, met=True)

    assert not locks.is_locked(commune.pk, 2024)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert locks.is_locked(commune.pk, 2024, today=tomorrow)


def test_approved_and_closed_are_told_apart(commune):
    other = make_commune(name="Thử Khác")
    approve(commune, 2024)
    close(2024, days_from_today=-3)

    reasons = locks.locked([(commune.pk, 2024), (other.pk, 2024), (other.pk, 2023)])

    assert set(reasons) == {(commune.pk, 2024), (other.pk, 2024)}
    assert APPROVED in reasons[commune.pk, 2024]
    assert "Năm 2024 đã khóa sổ" in reasons[other.pk, 2024]
    assert locks.locked([]) == {}
    assert locks.locked([(None, 2024), (commune.pk, None)]) == {}


def test_locked_asks_in_chunks_not_per_pair():
    # Ids no commune has (the demo data approves some of its own): the approved are looked up.
    communes = list(range(10**6, 10**6 + 1200))
    pairs = [(c, year) for c in communes for year in (2024, 2026)]

    with CaptureQueriesContext(connection) as queries:
        assert locks.locked(pairs) == {}

    # The closed years, then each year's approved commune-years in chunks of 500.
    assert len(queries) == 1 + 2 * 3


def test_a_bulk_writer_that_checked_its_pairs_writes_them_row_by_row(commune, criterion):
    other = make_commune()
    approve(other, 2024)

    with locks.checked([(commune.pk, 2024)]):
        with CaptureQueriesContext(connection) as queries:
            Assessment.objects.create(commune=commune, criterion=criterion, year=2024)
        # Any other pair is still checked.
        assert APPROVED in refusal(
            lambda: Assessment.objects.create(commune=other, criterion=criterion, year=2024)
        )
    assert not [q for q in queries if "communes_communeyear" in q["sql"]]
    assert APPROVED not in str(locks.locked([(commune.pk, 2024)]))
