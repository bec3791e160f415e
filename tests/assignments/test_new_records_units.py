"""From 01/07/2025 new records go to units that exist on their date: a visit, its support,
an assessment or a recognition for a unit that ceased is refused with a message naming
its successor; the 2021–2025 records of the old units stay valid and editable."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assignments.forms.rows import RecommendationFormSet, SupportFormSet
from assignments.forms.visit import VisitForm
from assignments.models import FieldVisit, Member, Support
from assignments.services import reform, visits
from assignments.services.errors import WorkflowError
from communes.models import Assessment, Commune, Criterion, Era, Recognition
from communes.validation import refuse_ceased, refuse_ceased_in_year
from tests.factories import make_assignment, make_decision, make_group, make_visit
from tests.support.visit_form import support, visit_data

pytestmark = pytest.mark.django_db

REFUSED = "Xã Bản Phố không còn từ 01/07/2025 (đã sáp nhập vào Xã Bắc Hà)."


def unit(name, era=Era.PRE_2025):
    return Commune.objects.get(name=name, era=era)


@pytest.fixture
def ban_pho(member_a_user):
    """An active assignment on Xã Bản Phố (ceased 30/06/2025) whose group has member A."""
    group = make_group(members=1)
    Member.objects.create(group=group, full_name="Thành viên A", user=member_a_user)
    return make_assignment(decision=make_decision(), commune=unit("Bản Phố"), working_group=group)


def post_visit(client, assignment, day, **extra):
    url = reverse("assignments:visit_create", args=[assignment.pk])
    return client.post(url, visit_data(assignment, visited_on=day, **extra))


def test_a_2026_visit_to_a_unit_that_ceased_is_refused_naming_its_successor(
    member_a_client, ban_pho, today
):
    response = post_visit(member_a_client, ban_pho, "06/08/2026", supports=[support()])

    html = response.content.decode()
    assert response.status_code == 200
    assert REFUSED in html
    assert "Chuyến công tác từ ngày này ghi cho Xã Bắc Hà" in html
    assert "Phân công → Chuyển sang đơn vị mới" in html
    assert not FieldVisit.objects.filter(assignment=ban_pho).exists()
    assert not Support.objects.filter(visit__assignment=ban_pho).exists()


def test_a_visit_of_15_06_2025_on_the_old_unit_is_still_recorded(member_a_client, ban_pho, today):
    response = post_visit(member_a_client, ban_pho, "15/06/2025")

    visit = FieldVisit.objects.get(assignment=ban_pho)
    assert response.status_code == 302
    assert visit.visited_on == datetime.date(2025, 6, 15)


def test_the_service_refuses_what_the_form_did_not_check(member_a_user, ban_pho, today):
    """Any caller of save_visit (not only the form) is held to the rule."""
    data = visit_data(ban_pho, visited_on="15/06/2025")
    form = VisitForm(data, instance=FieldVisit(assignment=ban_pho), assignment=ban_pho)
    supports = SupportFormSet(data, instance=form.instance, prefix="supports")
    recommendations = RecommendationFormSet(data, instance=form.instance, prefix="recommendations")
    assert form.is_valid() and supports.is_valid() and recommendations.is_valid()
    form.instance.visited_on = datetime.date(2026, 8, 6)  # past the form's check

    with pytest.raises(WorkflowError, match=re.escape(REFUSED)):
        visits.save_visit(
            form=form, supports=supports, recommendations=recommendations, by=member_a_user
        )

    assert not FieldVisit.objects.filter(assignment=ban_pho).exists()


def test_a_visit_recorded_after_the_change_stays_editable_on_its_day(
    member_a_client, ban_pho, today
):
    visit = make_visit(assignment=ban_pho, visited_on=datetime.date(2025, 9, 1), status="draft")
    url = reverse("assignments:visit_edit", args=[visit.pk])
    data = visit_data(ban_pho, visited_on="01/09/2025", purpose="Bổ sung", version=visit.version)

    moved = member_a_client.post(url, {**data, "visited_on": "06/08/2026"})
    kept = member_a_client.post(url, data)

    assert REFUSED in moved.content.decode()
    assert kept.status_code == 302
    visit.refresh_from_db()
    assert (visit.purpose, visit.visited_on) == ("Bổ sung", datetime.date(2025, 9, 1))


def test_after_the_carry_over_the_visit_goes_to_the_new_unit(
    member_a_client, office_client, office_user, ban_pho, today
):
    plan = reform.plan_carry_over(decision=ban_pho.decision)
    [successor] = reform.carry_over(plan, user=office_user).carried

    # The member no longer records on the ended assignment; the office may, but not there.
    refused = post_visit(office_client, ban_pho, "06/08/2026")
    recorded = post_visit(member_a_client, successor, "06/08/2026")

    assert "theo phân công đã chuyển sang đơn vị mới" in refused.content.decode()
    assert recorded.status_code == 302
    visit = FieldVisit.objects.get(visited_on=datetime.date(2026, 8, 6))
    assert visit.assignment.commune == unit("Bắc Hà", Era.FROM_2025)


def test_assessments_of_2026_are_refused_for_an_old_unit_and_2025_still_accepted():
    ban_pho, ta_chai = unit("Bản Phố"), unit("Tà Chải")

    refuse_ceased_in_year(ban_pho, 2025)  # the programme's last year, on the old map
    refuse_ceased_in_year(ta_chai, 2024)  # merged on 01/11/2024: it existed in 2024
    refuse_ceased_in_year(unit("Bắc Hà", Era.FROM_2025), 2026)
    with pytest.raises(ValidationError, match=r"Kết quả đánh giá năm 2026 ghi cho Xã Bắc Hà"):
        refuse_ceased_in_year(ban_pho, 2026)
    with pytest.raises(ValidationError, match=r"Xã Tà Chải không còn từ 01/11/2024"):
        refuse_ceased_in_year(ta_chai, 2025)


def test_days_before_the_reform_are_not_checked():
    refuse_ceased(unit("Tà Chải"), datetime.date(2025, 3, 1))  # the old map's business
    with pytest.raises(ValidationError, match=r"Xã Tà Chải không còn từ 01/11/2024"):
        refuse_ceased(unit("Tà Chải"), datetime.date(2025, 7, 1))


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def test_the_admin_refuses_a_visit_assessment_and_recognition_for_a_ceased_unit(
    admin_client, ban_pho, today
):
    old = unit("Bản Phố")
    criterion = Criterion.objects.programme().get(number=1)
    posts = {
        "assignments_fieldvisit": {
            "assignment": ban_pho.pk,
            "visited_on": "06/08/2026",
            "purpose": "Nắm tình hình",
            "status": "draft",
            **{
                f"{p}-{k}": v
                for p in ("supports", "recommendations", "attachments")
                for k, v in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
        "communes_assessment": {"commune": old.pk, "criterion": criterion.pk, "year": "2026"},
        "communes_recognition": {
            "commune": old.pk,
            "level": "ntm",
            "decision_number": "99/QĐ-UBND",
            "decided_on": "06/08/2026",
        },
    }
    for name, data in posts.items():
        response = admin_client.post(reverse(f"admin:{name}_add"), data)
        assert response.status_code == 200, name
        assert REFUSED in response.content.decode(), name
    assert not FieldVisit.objects.filter(assignment=ban_pho).exists()
    assert not Assessment.objects.filter(commune=old, year=2026).exists()
    assert not Recognition.objects.filter(commune=old).exists()
