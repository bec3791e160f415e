"""Every admin screen answers for the office on demo data; search ignores accents."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from assignments.models import Assignment
from communes.models import Era
from communes.reference import REFORM_DAY

pytestmark = pytest.mark.django_db

OUR_APPS = {"communes", "assignments", "reports"}
OUR_MODELS = [model for model in admin.site._registry if model._meta.app_label in OUR_APPS]


def admin_url(model, action, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=args)


def test_every_model_of_the_domain_has_an_admin_screen():
    registered = {m._meta.model_name for m in OUR_MODELS}
    assert {
        "province",
        "district",
        "commune",
        "communechange",
        "criteriaset",
        "criteriongroup",
        "criterion",
        "indicator",
        "assessment",
        "recognition",
        "decision",
        "agency",
        "leader",
        "workinggroup",
        "member",
        "assignment",
        "fieldvisit",
        "support",
        "recommendation",
        "attachment",
    } <= registered


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.model_name)
def test_office_opens_changelist_add_form_and_history(office_client, office_user, rf, model):
    changelist = office_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert str(model._meta.verbose_name_plural) in changelist.content.decode().lower()

    # Read-only records (the import log) have no add form: the admin refuses it.
    request = rf.get("/")
    request.user = office_user
    may_add = admin.site._registry[model].has_add_permission(request)
    assert office_client.get(admin_url(model, "add")).status_code == (200 if may_add else 403)

    obj = model.objects.order_by("pk").first()
    if obj is not None:
        history = office_client.get(admin_url(model, "history", obj.pk))
        assert history.status_code == 200


def test_office_sees_every_assignment_of_the_demo_decision(office_client):
    """The 127 pairs of 2021 on the old xã, those carried over to today's units on
    01/07/2025 (sampledata.laocai.reform), one per unit they went into, and the same pairs
    re-confirmed from 01/01/2026 under the demo's 2026–2030 decision (new_period)."""
    response = office_client.get(admin_url(Assignment, "changelist"))
    carried = Assignment.objects.filter(commune__era=Era.FROM_2025, started_on=REFORM_DAY)
    reconfirmed = Assignment.objects.filter(started_on=datetime.date(2026, 1, 1))
    assert Assignment.objects.filter(commune__era=Era.PRE_2025).count() == 127
    assert 30 <= carried.count() == carried.values("commune").distinct().count() < 127
    assert reconfirmed.count() == carried.count()
    total = 127 + 2 * carried.count()
    assert Assignment.objects.filter(decision__is_demo=True).count() == total
    assert Assignment.objects.count() == total
    assert f"{total} phân công" in response.content.decode()


@pytest.mark.parametrize("query", ["ban vuoc", "Bản Vược", "BAN VUOC"])
def test_commune_search_without_accents_finds_ban_vuoc(office_client, query):
    from communes.models import Commune

    response = office_client.get(admin_url(Commune, "changelist"), {"q": query})
    page = response.content.decode()
    assert "Bản Vược" in page
    assert "Bản Qua" not in page


def test_assignment_search_without_accents_finds_the_commune(office_client):
    response = office_client.get(admin_url(Assignment, "changelist"), {"q": "ban vuoc"})
    assert response.context["cl"].result_count == 1
    assert "Bản Vược" in response.content.decode()


def test_history_page_shows_who_changed_an_assignment(office_client, office_user):
    assignment = Assignment.objects.get(commune__name="Bản Vược")
    url = admin_url(Assignment, "change", assignment.pk)
    form = office_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "decision": assignment.decision_id,
            "leader": assignment.leader_id,
            "commune": assignment.commune_id,
            "started_on": "01/01/2021",
            "end_note": "Ghi chú thử",
        }
    )
    data.pop("successor", None)
    data.pop("working_group", None)
    data["working_group"] = assignment.working_group_id or ""
    response = office_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = assignment.history.first()
    assert latest.history_user == office_user
    assert latest.end_note == "Ghi chú thử"
    history = office_client.get(admin_url(Assignment, "history", assignment.pk))
    assert office_user.username in history.content.decode()


def test_reader_cannot_open_the_admin(reader_client):
    response = reader_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
