"""The review of a commune's yearly results (communes.reviews): draft → submitted →
approved, locked until the approver reopens it with a reason; every step logged."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from assignments import roles
from communes import locks, reviews
from communes.models import Assessment, CommuneYear, CommuneYearEvent, YearClosing
from tests.support.reviews import YEAR, record_2026, unit_of_today, unit_without_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    unit = unit_of_today()
    record_2026(unit)
    return unit


def _events(commune):
    return list(
        CommuneYearEvent.objects.filter(commune_year__commune=commune, commune_year__year=YEAR)
        .order_by("at", "pk")
        .values_list("action", "actor__username", "reason")
    )


def test_a_commune_year_goes_from_draft_to_submitted_to_approved_and_each_step_is_logged(
    commune, office_user, office_head_user
):
    submitted = reviews.submit(commune, YEAR, office_user)
    assert submitted.status == CommuneYear.Status.SUBMITTED
    assert submitted.criteria_set.code == "qd51-2026-2030"

    approved = reviews.approve(commune, YEAR, office_head_user)

    assert approved.pk == submitted.pk and approved.status == CommuneYear.Status.APPROVED
    assert _events(commune) == [("submit", "vanphong", ""), ("approve", "truongvp", "")]


def test_approved_results_are_locked_until_the_approver_reopens_them_with_a_reason(
    commune, office_user, office_head_user
):
    reviews.submit(commune, YEAR, office_user)
    reviews.approve(commune, YEAR, office_head_user)
    assessment = Assessment.objects.filter(commune=commune, year=YEAR).first()

    assessment.met = False
    with pytest.raises(ValidationError) as refused:
        assessment.save()
    assert "đã được duyệt nên không sửa được" in refused.value.messages[0]

    reviews.reopen(commune, YEAR, office_head_user, "  Xã bổ sung số liệu tiêu chí 2.  ")

    assessment.save()
    assert Assessment.objects.get(pk=assessment.pk).met is False
    assert CommuneYear.objects.get(commune=commune, year=YEAR).status == "draft"
    assert _events(commune)[-1] == ("reopen", "truongvp", "Xã bổ sung số liệu tiêu chí 2.")


@pytest.mark.parametrize(("step", "ready"), [("approve", 1), ("return", 1), ("reopen", 2)])
def test_the_office_without_the_office_head_group_never_approves_returns_or_reopens(
    commune, office_user, office_head_user, step, ready
):
    # The commune-year where the step could be taken: submitted, or approved.
    reviews.submit(commune, YEAR, office_user)
    if ready == 2:
        reviews.approve(commune, YEAR, office_head_user)
    before = _events(commune)

    with pytest.raises(PermissionDenied):
        reviews.take(step, commune, YEAR, office_user, "Lý do")

    assert _events(commune) == before


def test_readers_cannot_submit(commune, reader_user):
    with pytest.raises(PermissionDenied):
        reviews.submit(commune, YEAR, reader_user)


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reopen_and_return_without_a_written_reason_are_refused_and_change_nothing(
    commune, office_user, office_head_user, reason
):
    reviews.submit(commune, YEAR, office_user)
    with pytest.raises(reviews.ReviewError, match="Hãy ghi lý do trả lại kết quả năm 2026"):
        reviews.return_to_draft(commune, YEAR, office_head_user, reason)
    reviews.approve(commune, YEAR, office_head_user)

    with pytest.raises(reviews.ReviewError, match="Hãy ghi lý do mở lại kết quả năm 2026"):
        reviews.reopen(commune, YEAR, office_head_user, reason)

    assert CommuneYear.objects.get(commune=commune, year=YEAR).status == "approved"
    assert [action for action, _who, _why in _events(commune)] == ["submit", "approve"]


def test_returning_a_submitted_commune_year_puts_it_back_to_draft_with_the_reason(
    commune, office_user, office_head_user
):
    reviews.submit(commune, YEAR, office_user)

    reviews.return_to_draft(commune, YEAR, office_head_user, "Thiếu biên bản thẩm định")

    assert CommuneYear.objects.get(commune=commune, year=YEAR).status == "draft"
    assert _events(commune)[-1] == ("return", "truongvp", "Thiếu biên bản thẩm định")
    reviews.submit(commune, YEAR, office_user)  # and it can be submitted again


def test_a_commune_year_without_results_is_neither_submitted_nor_approved(
    office_user, office_head_user
):
    empty = unit_without_results()
    with pytest.raises(reviews.ReviewError, match="chưa có kết quả tiêu chí hay chỉ tiêu"):
        reviews.submit(empty, YEAR, office_user)
    assert not CommuneYear.objects.filter(commune=empty).exists()

    record_2026(empty, numbers=[4])
    reviews.submit(empty, YEAR, office_user)
    Assessment.objects.filter(commune=empty, year=YEAR).delete()
    with pytest.raises(
        reviews.ReviewError, match=f"Không thể duyệt kết quả năm 2026 của Xã {empty.name}"
    ):
        reviews.approve(empty, YEAR, office_head_user)
    assert CommuneYear.objects.get(commune=empty).status == "submitted"


def test_a_step_from_a_state_it_does_not_start_from_is_refused(
    commune, office_user, office_head_user
):
    with pytest.raises(reviews.ReviewError, match="đang ở trạng thái “Đang nhập”"):
        reviews.approve(commune, YEAR, office_head_user)
    reviews.submit(commune, YEAR, office_user)
    with pytest.raises(reviews.ReviewError, match="đang ở trạng thái “Đã trình duyệt”"):
        reviews.submit(commune, YEAR, office_user)
    with pytest.raises(reviews.ReviewError, match="Không thể mở lại"):
        reviews.reopen(commune, YEAR, office_head_user, "Lý do")


def test_a_year_no_period_covers_cannot_be_reviewed(commune, office_user):
    with pytest.raises(reviews.ReviewError, match="Năm 2040 không thuộc giai đoạn nào"):
        reviews.submit(commune, 2040, office_user)


def test_the_panel_offers_each_user_only_the_steps_they_may_take_and_says_why_it_is_locked(
    commune, office_user, office_head_user
):
    draft = reviews.panel(commune, YEAR, office_user)
    assert (draft["status"], draft["status_label"], draft["lock"]) == ("draft", "Đang nhập", "")
    assert [s.name for s in draft["steps"]] == ["submit"]

    reviews.submit(commune, YEAR, office_user)
    assert reviews.panel(commune, YEAR, office_user)["steps"] == []
    head = reviews.panel(commune, YEAR, office_head_user)
    assert [s.name for s in head["steps"]] == ["approve", "return"]

    reviews.approve(commune, YEAR, office_head_user)
    approved = reviews.panel(commune, YEAR, office_head_user)
    assert [s.name for s in approved["steps"]] == ["reopen"]
    assert "đã được duyệt nên không sửa được" in approved["lock"]
    assert approved["lock"] == locks.locked([(commune.pk, YEAR)])[(commune.pk, YEAR)]
    assert [(e.action, e.actor.username) for e in approved["events"]] == [
        ("submit", "vanphong"),
        ("approve", "truongvp"),
    ]


def test_a_closed_year_is_locked_even_when_not_approved(commune, office_user, today):
    YearClosing.objects.create(year=YEAR, closes_on=datetime.date(2026, 11, 1))

    panel = reviews.panel(commune, YEAR, office_user)

    assert panel["status"] == "draft"
    assert "Năm 2026 đã khóa sổ từ ngày 01/11/2026" in panel["lock"]
    assert panel["lock"] == locks.locked([(commune.pk, YEAR)])[(commune.pk, YEAR)]


def test_only_the_office_head_group_holds_the_approve_permission(office_user, office_head_user):
    office = Group.objects.get(name=roles.OFFICE)
    head = Group.objects.get(name=roles.OFFICE_HEAD)

    assert not office.permissions.filter(codename="approve_communeyear").exists()
    assert office.permissions.filter(codename="change_communeyear").exists()
    assert list(head.permissions.values_list("codename", flat=True)) == ["approve_communeyear"]
    assert roles.role_of(office_head_user) == roles.OFFICE
    assert office_head_user.has_perm(reviews.APPROVE_PERMISSION)
    assert not office_user.has_perm(reviews.APPROVE_PERMISSION)
