"""The admin and locked commune-years: results of an approved (or closed) commune-year are
read-only there, a new one is refused with the reason, nothing is written; the review log
is read-only; the office sets the days years close."""

import datetime

import pytest
from django.urls import reverse

from communes import reviews
from communes.models import Assessment, CommuneYear, YearClosing
from tests.support.reviews import (
    YEAR,
    criterion_2026,
    record_2026,
    unit_of_today,
    unit_without_results,
)

pytestmark = pytest.mark.django_db
LOCKED = "đã được duyệt nên không sửa được"


@pytest.fixture
def approved(office_user, office_head_user):
    """Group A's unit with its 2026 results approved: (commune, one of its assessments)."""
    commune = unit_of_today()
    results = record_2026(commune, numbers=(1, 3))
    reviews.submit(commune, YEAR, office_user)
    reviews.approve(commune, YEAR, office_head_user)
    return commune, results[0]


def admin_url(model, action, *args):
    return reverse(f"admin:communes_{model._meta.model_name}_{action}", args=args)


def test_a_locked_assessment_opens_read_only_with_the_reason(office_client, approved):
    _commune, assessment = approved

    response = office_client.get(admin_url(Assessment, "change", assessment.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert LOCKED in html
    assert 'name="_save"' not in html and 'name="met"' not in html


def test_a_locked_assessment_cannot_be_changed_or_deleted_in_the_admin(office_client, approved):
    _commune, assessment = approved
    change = admin_url(Assessment, "change", assessment.pk)

    posted = office_client.post(change, {"met": "", "year": YEAR})
    deleted = office_client.post(admin_url(Assessment, "delete", assessment.pk), {"post": "yes"})

    assert posted.status_code == deleted.status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).met is True


def test_adding_an_assessment_to_a_locked_commune_year_is_refused_with_the_reason(
    office_client, approved
):
    commune, _assessment = approved
    count = Assessment.objects.count()

    response = office_client.post(
        admin_url(Assessment, "add"),
        {"commune": commune.pk, "criterion": criterion_2026(5).pk, "year": YEAR, "met": "on"},
    )

    assert response.status_code == 200  # the form again, not an error page
    assert LOCKED in response.content.decode()
    assert Assessment.objects.count() == count


def test_a_bulk_delete_touching_a_locked_commune_year_deletes_nothing(office_client, approved):
    commune, assessment = approved
    elsewhere = record_2026(unit_of_today("Y Tý"), numbers=[2])[0]

    response = office_client.post(
        admin_url(Assessment, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [assessment.pk, elsewhere.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert LOCKED in response.content.decode()
    assert Assessment.objects.filter(pk__in=[assessment.pk, elsewhere.pk]).count() == 2


def test_a_reverted_version_from_the_admin_history_is_refused_in_a_locked_year(
    office_client, approved
):
    _commune, assessment = approved
    version = assessment.history.earliest("history_date")
    url = admin_url(Assessment, "change", assessment.pk).replace(
        "/change/", f"/history/{version.history_id}/"
    )

    response = office_client.post(
        url,
        {"commune": assessment.commune_id, "criterion": assessment.criterion_id, "year": YEAR},
    )

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).met is True


def test_a_closed_year_refuses_new_results_in_the_admin_too(office_client, today):
    YearClosing.objects.create(year=YEAR, closes_on=datetime.date(2026, 11, 1))
    commune = unit_without_results()
    count = Assessment.objects.count()

    response = office_client.post(
        admin_url(Assessment, "add"),
        {"commune": commune.pk, "criterion": criterion_2026(6).pk, "year": YEAR},
    )

    assert "Năm 2026 đã khóa sổ từ ngày 01/11/2026" in response.content.decode()
    assert Assessment.objects.count() == count


def test_the_review_log_is_read_only_in_the_admin(office_head_client, approved):
    commune, _assessment = approved
    commune_year = CommuneYear.objects.get(commune=commune, year=YEAR)

    page = office_head_client.get(admin_url(CommuneYear, "change", commune_year.pk))
    posted = office_head_client.post(
        admin_url(CommuneYear, "change", commune_year.pk), {"status": "draft"}
    )

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert "truongvp" in page.content.decode()  # the approve event, in the log
    assert posted.status_code == 403
    assert office_head_client.get(admin_url(CommuneYear, "add")).status_code == 403
    assert CommuneYear.objects.get(pk=commune_year.pk).status == "approved"


def test_the_office_sets_the_day_a_year_closes(office_client):
    response = office_client.post(
        admin_url(YearClosing, "add"), {"year": YEAR, "closes_on": "31/01/2027", "note": ""}
    )
    assert response.status_code == 302
    assert YearClosing.objects.get(year=YEAR).closes_on == datetime.date(2027, 1, 31)

    refused = office_client.post(
        admin_url(YearClosing, "add"), {"year": 2040, "closes_on": "31/01/2041"}
    )
    assert "Năm 2040 không thuộc giai đoạn nào" in refused.content.decode()
    assert not YearClosing.objects.filter(year=2040).exists()
