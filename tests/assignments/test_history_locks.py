"""Restoring a version of a result (an assessment, an indicator result) of a locked
commune-year (approved, or its year closed) is refused with the reason; nothing is written,
and the history page offers no restore button for it."""

import datetime

import pytest
from django.urls import reverse

from communes import reviews
from communes.models import Assessment, Indicator, IndicatorResult, YearClosing
from tests.support.reviews import YEAR, criterion_2026, record_2026, unit_of_today

pytestmark = pytest.mark.django_db
LOCKED = "đã được duyệt nên không sửa được"


def restore_url(slug, record):
    return reverse("assignments:history_restore", args=[slug, record.id, record.history_id])


def history_url(slug, pk):
    return reverse("assignments:history", args=[slug, pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def changed(obj, **values):
    """The object saved again with new values: an earlier version to restore."""
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    return obj


@pytest.fixture
def commune():
    return unit_of_today()


@pytest.fixture
def assessment(commune):
    """An assessment of 2026 first recorded as met, then as not met."""
    return changed(record_2026(commune, numbers=[1], met=True)[0], met=False)


@pytest.fixture
def indicator_result(commune):
    """A result of an indicator of 2026 first recorded as 10, then as 20."""
    indicator = Indicator.objects.create(
        criterion=criterion_2026(10), code="10.99", name="Chỉ tiêu thử của khôi phục"
    )
    result = IndicatorResult.objects.create(
        commune=commune, indicator=indicator, year=YEAR, value=10, met=True
    )
    return changed(result, value=20)


def approve(commune, office_user, office_head_user):
    reviews.submit(commune, YEAR, office_user)
    reviews.approve(commune, YEAR, office_head_user)


@pytest.mark.parametrize(
    ("slug", "fixture", "field", "now"),
    [
        ("assessment", "assessment", "met", False),
        ("indicator-result", "indicator_result", "value", 20),
    ],
)
def test_restoring_a_result_of_an_approved_commune_year_is_refused_and_writes_nothing(
    request, office_client, office_user, office_head_user, commune, slug, fixture, field, now
):
    obj = request.getfixturevalue(fixture)
    approve(commune, office_user, office_head_user)
    first = obj.history.earliest("history_date")
    versions = obj.history.count()

    response = office_client.post(restore_url(slug, first), follow=True)

    assert messages_of(response)[0].startswith("Không khôi phục được phiên bản này:")
    assert LOCKED in messages_of(response)[0]
    assert getattr(type(obj).objects.get(pk=obj.pk), field) == now
    assert obj.history.count() == versions


def test_the_history_page_says_why_a_locked_result_cannot_be_restored(
    office_client, office_user, office_head_user, commune, assessment
):
    approve(commune, office_user, office_head_user)

    response = office_client.get(history_url("assessment", assessment.pk))

    html = response.content.decode()
    assert "Không khôi phục được:" in html and LOCKED in html
    assert "history-restore" not in html


def test_once_reopened_the_result_can_be_restored_again(
    office_client, office_user, office_head_user, commune, assessment
):
    approve(commune, office_user, office_head_user)
    reviews.reopen(commune, YEAR, office_head_user, "Sửa lại tiêu chí 1")
    first = assessment.history.earliest("history_date")

    assert (
        "history-restore"
        in office_client.get(history_url("assessment", assessment.pk)).content.decode()
    )
    office_client.post(restore_url("assessment", first))

    assert Assessment.objects.get(pk=assessment.pk).met is True


def test_a_result_of_a_closed_year_is_not_restored_either(office_client, assessment, today):
    YearClosing.objects.create(year=YEAR, closes_on=datetime.date(2026, 11, 1))
    first = assessment.history.earliest("history_date")

    response = office_client.post(restore_url("assessment", first), follow=True)

    assert "Năm 2026 đã khóa sổ từ ngày 01/11/2026" in messages_of(response)[0]
    assert Assessment.objects.get(pk=assessment.pk).met is False


def test_a_deleted_result_is_not_recreated_in_a_locked_year(
    office_client, office_user, office_head_user, commune, assessment
):
    pk = assessment.pk
    last = assessment.history.latest("history_date")
    assessment.delete()
    approve(commune, office_user, office_head_user)

    response = office_client.post(restore_url("assessment", last), follow=True)

    assert LOCKED in messages_of(response)[0]
    assert not Assessment.objects.filter(pk=pk).exists()
