"""Editing a visit: who may, and two people editing the same visit: the second save is
refused, names who changed it and when, writes nothing and keeps what was typed (run on
SQLite and PostgreSQL)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments.forms.rows import RecommendationFormSet, SupportFormSet
from assignments.forms.visit import VisitForm
from assignments.models import FieldVisit, Support
from assignments.services import visits, workflow
from tests.factories import make_support, make_visit
from tests.support.visit_form import counts, group_a, visit_data

pytestmark = pytest.mark.django_db


def edit_url(visit):
    return reverse("assignments:visit_edit", args=[visit.pk])


def loaded_form(client, visit):
    """What the edit form holds when it is opened: the data its submit would post."""
    context = client.get(edit_url(visit)).context
    data = visit_data(visit.assignment, version=context["form"]["version"].value())
    for prefix in ("supports", "recommendations"):
        formset = context[prefix]
        data[f"{prefix}-TOTAL_FORMS"] = str(len(formset.forms))
        data[f"{prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        for form in formset.forms:
            for name, field in form.fields.items():
                value = form[name].value()
                if value is not None and name != "DELETE":
                    data[form.add_prefix(name)] = field.prepare_value(value)
    return data


@pytest.mark.parametrize(
    "persona, status, expected",
    [
        ("member_a_client", "draft", 200),
        ("member_a_client", "returned", 200),
        ("member_a_client", "submitted", 403),
        ("member_a_client", "confirmed", 403),
        ("member_b_client", "draft", 404),
        ("member_b_client", "returned", 403),
        ("leader_client", "submitted", 403),
        ("office_client", "confirmed", 200),
    ],
)
def test_who_may_edit_a_group_a_visit(request, member_a_user, persona, status, expected):
    visit = make_visit(assignment=group_a(member_a_user), status=status)
    client = request.getfixturevalue(persona)
    assert client.get(reverse("assignments:visit_edit", args=[visit.pk])).status_code == expected


@pytest.fixture
def draft(member_a_user):
    visit = make_visit(assignment=group_a(member_a_user), purpose="Bản đầu", status="draft")
    make_support(visit=visit, amount_vnd=3_000_000, description="Giống lúa")
    return visit


def test_the_second_of_two_saves_is_refused_and_names_the_first_editor(
    member_a_client, office_client, office_user, draft
):
    office_user.first_name, office_user.last_name = "Lan", "Phạm Thị"
    office_user.save()
    mine, theirs = loaded_form(member_a_client, draft), loaded_form(office_client, draft)
    theirs.update(purpose="Sửa của văn phòng", **{"supports-0-amount_vnd": "4.000.000"})
    mine.update(purpose="Sửa của thành viên", findings="Ghi chép dài của tôi")
    mine["supports-0-amount_vnd"] = "5.000.000"

    first = office_client.post(edit_url(draft), theirs)
    second = member_a_client.post(edit_url(draft), mine)

    assert first.status_code == 302
    assert second.status_code == 200
    visit = FieldVisit.objects.get(pk=draft.pk)
    html = second.content.decode()
    when = timezone.localtime(visit.updated_at).strftime("%H:%M %d/%m/%Y")
    assert f"vừa được Lan Phạm Thị sửa lúc {when}" in html
    assert "Sửa của thành viên" in html and "Ghi chép dài của tôi" in html
    assert "5.000.000" in html
    # The database keeps the first save, whole.
    assert (visit.purpose, visit.updated_by, visit.version) == ("Sửa của văn phòng", office_user, 2)
    assert list(visit.supports.values_list("amount_vnd", flat=True)) == [4_000_000]
    # The form now carries the current version: saving again is a deliberate choice.
    assert second.context["form"]["version"].value() == "2"


def test_without_a_full_name_the_username_is_given(member_a_client, office_client, draft):
    mine, theirs = loaded_form(member_a_client, draft), loaded_form(office_client, draft)
    office_client.post(edit_url(draft), theirs)

    html = member_a_client.post(edit_url(draft), mine).content.decode()

    assert "vừa được vanphong sửa lúc" in html


@pytest.mark.parametrize("version", ["0", "2", "99", ""])
def test_a_tampered_or_missing_version_is_refused(member_a_client, draft, version):
    data = loaded_form(member_a_client, draft)
    data.update(version=version, purpose="Ghi đè")

    response = member_a_client.post(edit_url(draft), data)

    assert response.status_code == 200
    assert FieldVisit.objects.get(pk=draft.pk).purpose == "Bản đầu"


def test_saving_again_after_the_refusal_applies_the_typed_data(
    member_a_client, office_client, member_a_user, draft
):
    mine, theirs = loaded_form(member_a_client, draft), loaded_form(office_client, draft)
    office_client.post(edit_url(draft), theirs)
    mine["purpose"] = "Bản của tôi"
    refused = member_a_client.post(edit_url(draft), mine)
    mine["version"] = refused.context["form"]["version"].value()

    member_a_client.post(edit_url(draft), mine)

    visit = FieldVisit.objects.get(pk=draft.pk)
    assert (visit.purpose, visit.updated_by, visit.version) == ("Bản của tôi", member_a_user, 3)


def test_a_visit_submitted_meanwhile_cannot_be_saved_over(member_a_client, member_a_user, draft):
    data = loaded_form(member_a_client, draft)
    # The workflow bumps the version with every step.
    FieldVisit.objects.filter(pk=draft.pk).update(status="submitted", version=2)

    data["purpose"] = "Quá muộn"
    response = member_a_client.post(edit_url(draft), data)

    # The typing comes back with why it cannot be saved (it used to be a bare 403).
    assert response.status_code == 200
    assert "Quá muộn" in response.content.decode()
    assert "không còn sửa được nữa" in response.content.decode()
    assert FieldVisit.objects.get(pk=draft.pk).purpose == "Bản đầu"


def test_a_visit_confirmed_meanwhile_keeps_the_typing_and_says_who_confirmed_it(
    member_a_client, office_client, office_user, draft
):
    office_user.first_name, office_user.last_name = "Lan", "Phạm Thị"
    office_user.save()
    data = loaded_form(member_a_client, draft)
    draft.status = "submitted"  # the member submitted it from another tab, the office confirmed
    draft.save()
    workflow.confirm_visit(draft, office_user)
    confirmed = draft.events.get(action="confirmed")
    data.update(purpose="Mục đích mới", findings="Ghi chép dài của tôi")
    data["supports-0-amount_vnd"] = "7.000.000"
    before = counts()

    response = member_a_client.post(edit_url(draft), data)

    assert response.status_code == 200
    html = response.content.decode()
    when = timezone.localtime(confirmed.created_at).strftime("%H:%M %d/%m/%Y")
    assert f"đã được Lan Phạm Thị xác nhận lúc {when}" in html
    assert "không còn sửa được nữa" in html and "Chưa có gì được lưu" in html
    assert "Mục đích mới" in html and "Ghi chép dài của tôi" in html and "7.000.000" in html
    assert reverse("assignments:visit_detail", args=[draft.pk]) in html
    assert "Lưu thay đổi" not in html  # no save button that could only fail again
    assert counts() == before
    visit = FieldVisit.objects.get(pk=draft.pk)
    assert (visit.status, visit.purpose, visit.version) == ("confirmed", "Bản đầu", 2)
    assert list(visit.supports.values_list("amount_vnd", flat=True)) == [3_000_000]


def test_a_visit_confirmed_between_the_check_and_the_save_is_refused_the_same_way(
    member_a_client, office_user, draft, monkeypatch
):
    data = loaded_form(member_a_client, draft)
    data["purpose"] = "Gõ trong lúc văn phòng xác nhận"
    save_visit = visits.save_visit

    def confirmed_first(**kwargs):
        FieldVisit.objects.filter(pk=draft.pk).update(
            status="confirmed", version=3, updated_by=office_user
        )
        return save_visit(**kwargs)

    monkeypatch.setattr(visits, "save_visit", confirmed_first)

    response = member_a_client.post(edit_url(draft), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "đang ở trạng thái “Đã xác nhận” (vanphong thay đổi lúc" in html
    assert "Gõ trong lúc văn phòng xác nhận" in html
    assert FieldVisit.objects.get(pk=draft.pk).purpose == "Bản đầu"


def test_another_groups_member_still_gets_403_for_the_post(member_b_client, draft):
    FieldVisit.objects.filter(pk=draft.pk).update(status="returned")

    response = member_b_client.post(edit_url(draft), {"purpose": "Không phải tổ tôi"})

    assert response.status_code == 403
    assert FieldVisit.objects.get(pk=draft.pk).purpose == "Bản đầu"


def test_a_successful_edit_moves_the_version_and_records_the_editor(
    member_a_client, member_a_user, draft
):
    data = loaded_form(member_a_client, draft)
    data["purpose"] = "Bản hai"
    data["supports-0-DELETE"] = "on"

    response = member_a_client.post(edit_url(draft), data)

    visit = FieldVisit.objects.get(pk=draft.pk)
    assert response.status_code == 302
    assert (visit.purpose, visit.version, visit.updated_by) == ("Bản hai", 2, member_a_user)
    assert not Support.objects.filter(visit=visit).exists()
    assert visit.history.first().history_user == member_a_user


def test_save_visit_raises_and_writes_nothing_when_the_version_moved(member_a_user, draft):
    data = visit_data(draft.assignment, version="1", purpose="Không được lưu")
    data.update({"supports-TOTAL_FORMS": "1", "supports-0-kind": "other"})
    data["supports-0-description"] = "Hàng mới"
    FieldVisit.objects.filter(pk=draft.pk).update(version=5)
    visit = FieldVisit.objects.get(pk=draft.pk)
    form = VisitForm(data, instance=visit, assignment=visit.assignment)
    supports = SupportFormSet(data, instance=visit, prefix="supports")
    recommendations = RecommendationFormSet(data, instance=visit, prefix="recommendations")
    assert form.is_valid() and supports.is_valid() and recommendations.is_valid()
    before = counts()

    with pytest.raises(visits.VisitChanged) as refused:
        visits.save_visit(
            form=form, supports=supports, recommendations=recommendations, by=member_a_user
        )

    assert refused.value.visit.version == 5
    assert counts() == before
    assert FieldVisit.objects.get(pk=draft.pk).purpose == "Bản đầu"
