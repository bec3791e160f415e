"""The admin of criteria sets: a locked set's criteria, indicators and requirements are
read-only there, and say why; an open set's are edited as usual."""

import pytest
from django.contrib import admin
from django.urls import reverse

from communes.models import CriteriaSet, Criterion, Indicator, Period, Requirement
from reports.imports import service

from .criteria_set_workbooks import book, good_rows, grouped_set, lock, preview

pytestmark = pytest.mark.django_db
REASON = "đã có kết quả được duyệt nên chỉ xem được"


def admin_url(model, action, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=args)


@pytest.fixture
def loaded(office_user):
    criteria_set = grouped_set()
    service.apply(preview(book(good_rows()), criteria_set, office_user)[0], office_user)
    return criteria_set


def indicator(criteria_set, code="2.1"):
    return Indicator.objects.get(criterion__criteria_set=criteria_set, code=code)


def test_an_open_sets_indicator_is_edited_with_its_requirements_inline(office_client, loaded):
    html = office_client.get(admin_url(Indicator, "change", indicator(loaded).pk)).content.decode()
    assert 'name="requirements-0-text"' in html
    assert REASON not in html


def test_a_locked_sets_indicator_is_read_only_and_says_why(office_client, office_user, rf, loaded):
    lock(loaded)
    item = indicator(loaded)
    page = office_client.get(admin_url(Indicator, "change", item.pk))
    html = page.content.decode()
    assert page.status_code == 200 and REASON in html and "Tạo phiên bản mới" in html
    assert 'name="requirements-0-text"' not in html and 'name="name"' not in html
    assert "≥ 90%" in html  # the requirements are shown, read-only

    before = item.name
    response = office_client.post(
        admin_url(Indicator, "change", item.pk),
        {"criterion": item.criterion_id, "code": item.code, "name": "Đổi tên", "unit": "%"},
    )
    assert response.status_code == 403
    assert (
        office_client.post(admin_url(Indicator, "delete", item.pk), {"post": "yes"}).status_code
        == 403
    )
    item.refresh_from_db()
    assert item.name == before

    request = rf.get("/")
    request.user = office_user
    for model, obj in (
        (CriteriaSet, loaded),
        (Criterion, item.criterion),
        (Indicator, item),
    ):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(request, obj)
        assert not model_admin.has_delete_permission(request, obj)
    inline = admin.site._registry[Indicator].get_inline_instances(request, item)
    assert inline and not any(i.has_add_permission(request, item) for i in inline)


def test_nothing_is_added_to_a_locked_set(office_client, loaded):
    lock(loaded)
    criterion = loaded.criteria.get(number=2)
    response = office_client.post(
        admin_url(Indicator, "add"),
        {"criterion": criterion.pk, "code": "2.9", "name": "Chỉ tiêu mới", "unit": ""},
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "đã có kết quả được duyệt nên không sửa được" in response.content.decode()
    assert not Indicator.objects.filter(criterion=criterion, code="2.9").exists()


def test_deleting_a_locked_sets_criterion_in_bulk_is_refused(office_client, loaded):
    lock(loaded)
    criterion = loaded.criteria.get(number=3)
    office_client.post(
        admin_url(Criterion, "changelist"),
        {"action": "delete_selected", "_selected_action": [criterion.pk], "post": "yes"},
    )
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    assert Requirement.objects.filter(indicator__criterion=criterion).count() == 3


def test_the_sets_list_shows_period_and_version_and_makes_a_new_version(office_client, loaded):
    html = office_client.get(admin_url(CriteriaSet, "changelist")).content.decode()
    assert loaded.code in html and str(loaded.period) in html
    lock(loaded)
    office_client.post(
        admin_url(CriteriaSet, "changelist"),
        {"action": "make_new_version", "_selected_action": [loaded.pk]},
    )
    copy = CriteriaSet.objects.get(replaces=loaded)
    assert copy.version == loaded.version + 1
    assert Requirement.objects.filter(indicator__criterion__criteria_set=copy).count() == 12


def test_a_period_is_edited_with_its_group_definitions(office_client):
    period = Period.objects.get(code="2026-2030")
    html = office_client.get(admin_url(Period, "change", period.pk)).content.decode()
    assert 'name="group_definitions-2-definition"' in html
    assert "khu vực II" in html
