"""The phone-first visit form: who may record, what is saved, every validation message,
field injection, the follow-up of earlier recommendations, and "my work"."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assignments.forms.fields import parse_quantity, parse_vnd
from assignments.models import Assignment, FieldVisit, Member, VisitEvent
from communes.models import CriteriaSet, Criterion
from tests.factories import make_recommendation, make_visit
from tests.support.visit_form import (
    counts,
    create_url,
    days_ago,
    group_a,
    jpeg,
    support,
    visit_data,
)

pytestmark = pytest.mark.django_db


def test_member_records_a_visit_with_two_supports_a_recommendation_and_a_photo(
    member_a_client, member_a_user, media_root
):
    assignment = group_a(member_a_user)
    # Criteria of the visit year's set (the visit is dated three days ago).
    this_years = CriteriaSet.objects.for_year(days_ago(3).year)
    criteria = list(Criterion.objects.filter(criteria_set=this_years, number__in=[2, 8]))
    assert len(criteria) == 2
    data = visit_data(
        assignment,
        supports=[
            support(criteria=[c.pk for c in criteria]),
            support(kind="in_kind", amount_vnd="2500000", quantity="2,5", unit="tấn"),
        ],
        recommendations=[
            {"text": "Bổ sung vốn làm đường", "addressed_to": "district", "due_on": "2026-12-31"}
        ],
        files=[jpeg()],
    )

    response = member_a_client.post(create_url(assignment), data)

    visit = FieldVisit.objects.get(purpose=data["purpose"])
    assert response.status_code == 302
    assert response.url == reverse("assignments:visit_detail", args=[visit.pk])
    assert visit.assignment == assignment
    assert visit.status == FieldVisit.Status.DRAFT
    assert visit.created_by == member_a_user == visit.updated_by
    assert visit.visited_on == days_ago(3)
    assert set(visit.participants.values_list("pk", flat=True)) == set(data["participants"])
    supports = list(visit.supports.order_by("pk"))
    assert [s.amount_vnd for s in supports] == [1_000_000, 2_500_000]
    assert str(supports[1].quantity) == "2.50" and supports[1].unit == "tấn"
    assert set(supports[0].criteria.all()) == set(criteria)
    rec = visit.recommendations.get()
    assert (rec.addressed_to, rec.due_on) == ("district", datetime.date(2026, 12, 31))
    photo = visit.attachments.get()
    assert (photo.content_type, photo.original_name, photo.kind) == (
        "image/jpeg",
        "anh.jpg",
        "photo",
    )
    assert "anh" not in photo.file.name and (media_root / photo.file.name).exists()
    page = member_a_client.get(response.url).content.decode()
    assert "Đã lưu bản nháp" in page and "1.000.000 đ" in page and "2.500.000 đ" in page


@pytest.mark.parametrize("typed", ["1.000.000", "1000000", "1 000 000", "1,000,000", "1.000.000 đ"])
def test_amounts_are_read_as_vietnamese_write_them(typed):
    assert parse_vnd(typed) == 1_000_000


@pytest.mark.parametrize(
    "typed, expected", [("2,5", "2.5"), ("2.5", "2.5"), ("1.000", "1000"), ("1.000,25", "1000.25")]
)
def test_quantities_take_a_decimal_comma(typed, expected):
    assert parse_quantity(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["-5000", "abc", "1,5", "12.34.5"])
def test_negative_fractional_and_non_numeric_amounts_are_refused(typed):
    with pytest.raises(ValidationError):
        parse_vnd(typed)


@pytest.mark.parametrize("typed", ["2026-01-15", "15/01/2026", "15/1/26"])
def test_visit_date_accepts_the_date_picker_and_dd_mm_yyyy(member_a_client, member_a_user, typed):
    assignment = group_a(member_a_user)
    member_a_client.post(create_url(assignment), visit_data(assignment, visited_on=typed))

    assert FieldVisit.objects.filter(assignment=assignment, visited_on="2026-01-15").exists()


TOMORROW = "tomorrow"
OTHER_GROUP = "a member of group B"


@pytest.mark.parametrize(
    "case, field, value, message",
    [
        ("future date", "visited_on", TOMORROW, "Ngày đi cơ sở không được sau hôm nay."),
        ("missing purpose", "purpose", "", "Hãy ghi mục đích chuyến đi."),
        ("negative amount", "supports-0-amount_vnd", "-500.000", "Giá trị (đồng) không được âm."),
        ("non-numeric", "supports-0-amount_vnd", "một triệu", "«một triệu» không phải là số tiền"),
        ("no description", "supports-0-description", "", "Hãy ghi nội dung hỗ trợ."),
        ("bad quantity", "supports-0-quantity", "-2,5", "Số lượng không được âm."),
        ("other group", "participants", OTHER_GROUP, "không phải thành viên tổ giúp việc của xã"),
    ],
)
def test_an_invalid_form_writes_nothing_and_keeps_everything_typed(
    member_a_client, member_a_user, member_b_user, today, case, field, value, message
):
    assignment = group_a(member_a_user)
    data = visit_data(
        assignment,
        supports=[support(description="Xi măng cho đường thôn")],
        recommendations=[{"text": "Đề nghị huyện hỗ trợ máy trộn", "addressed_to": "district"}],
    )
    if value == TOMORROW:
        value = (today + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    elif value == OTHER_GROUP:
        value = [Member.objects.get(user=member_b_user).pk]
    data[field] = value
    before = counts()

    response = member_a_client.post(create_url(assignment), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Chưa lưu gì" in html
    assert counts() == before
    assert "Đề nghị huyện hỗ trợ máy trộn" in html
    assert "Chủ tịch UBND xã" in html
    if field != "purpose":
        assert data["purpose"] in html
    if field != "supports-0-description":
        assert "Xi măng cho đường thôn" in html


def test_a_resolved_follow_up_needs_a_note_and_then_resolves_the_earlier_recommendation(
    member_a_client, member_a_user
):
    assignment = group_a(member_a_user)
    earlier = make_visit(assignment=assignment, status="confirmed", visited_on=days_ago(60))
    rec = make_recommendation(visit=earlier, text="Sửa cầu treo bản Mới", status="in_progress")
    prefix = f"followup-{rec.pk}"
    data = visit_data(assignment, **{f"{prefix}-status": "resolved", f"{prefix}-note": " "})
    before = counts()

    refused = member_a_client.post(create_url(assignment), data)

    assert "Kiến nghị đã giải quyết: hãy ghi kết quả xử lý" in refused.content.decode()
    assert counts() == before
    rec.refresh_from_db()
    assert rec.status == "in_progress"

    data[f"{prefix}-note"] = "Đã sửa xong cầu"
    member_a_client.post(create_url(assignment), data)

    rec.refresh_from_db()
    assert (rec.status, rec.resolution_note, rec.resolved_on) == (
        "resolved",
        "Đã sửa xong cầu",
        days_ago(3),
    )
    assert rec.history.first().history_user == member_a_user


def test_the_form_lists_open_recommendations_of_the_commune_only(member_a_client, member_a_user):
    assignment = group_a(member_a_user)
    earlier = make_visit(assignment=assignment, status="submitted", visited_on=days_ago(30))
    make_recommendation(visit=earlier, text="Mở lớp dạy nghề may")
    make_recommendation(
        visit=earlier,
        text="Đã xong rồi",
        status="resolved",
        resolved_on=days_ago(20),
        resolution_note="xong",
    )
    make_recommendation(visit=make_visit(status="confirmed"), text="Kiến nghị xã khác")

    html = member_a_client.get(create_url(assignment)).content.decode()

    assert "Mở lớp dạy nghề may" in html
    assert "Đã xong rồi" not in html and "Kiến nghị xã khác" not in html


def test_fields_a_member_may_not_set_are_ignored(member_a_client, member_a_user, office_user):
    assignment = group_a(member_a_user)
    other = Assignment.objects.exclude(pk=assignment.pk).first()
    data = visit_data(
        assignment,
        status="confirmed",
        created_by=office_user.pk,
        updated_by=office_user.pk,
        version="99",
    )
    data["assignment"] = other.pk

    member_a_client.post(create_url(assignment), data)

    visit = FieldVisit.objects.get(purpose=data["purpose"])
    assert (visit.status, visit.version, visit.created_by) == ("draft", 1, member_a_user)
    assert visit.assignment == assignment
    assert not FieldVisit.objects.filter(assignment=other, purpose=data["purpose"]).exists()


REFUSED = [("member_b_client", 403), ("leader_client", 403), ("reader_client", 403)]


@pytest.mark.parametrize("persona, expected", [*REFUSED, ("anonymous_client", 302)])
def test_only_the_group_and_the_office_may_record_for_group_a(
    request, member_a_user, persona, expected
):
    client, assignment = request.getfixturevalue(persona), group_a(member_a_user)
    before = counts()

    opened = client.get(create_url(assignment))
    posted = client.post(create_url(assignment), visit_data(assignment))

    assert opened.status_code == posted.status_code == expected
    assert counts() == before
    if expected == 302:
        assert opened.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["member_a_client", "office_client"])
def test_the_group_and_the_office_open_the_form(request, member_a_user, persona):
    response = request.getfixturevalue(persona).get(create_url(group_a(member_a_user)))
    assert response.status_code == 200 and "Lưu bản nháp" in response.content.decode()


def test_member_sees_their_assignment_drafts_and_the_office_return_comment(
    member_a_client, member_a_user, office_user
):
    assignment = group_a(member_a_user)
    returned = make_visit(assignment=assignment, status="returned", purpose="Chuyến bị trả")
    VisitEvent.objects.create(
        visit=returned, action="returned", actor=office_user, comment="Thiếu biên bản làm việc"
    )

    html = member_a_client.get(reverse("assignments:my_work")).content.decode()

    assert create_url(assignment) in html and "Ghi chuyến công tác" in html
    assert "Thiếu biên bản làm việc" in html
    assert reverse("assignments:visit_edit", args=[returned.pk]) in html


def test_leader_sees_visits_waiting_for_confirmation(leader_client, member_a_user):
    visit = make_visit(assignment=group_a(member_a_user), status="submitted")
    html = leader_client.get(reverse("assignments:my_work")).content.decode()
    assert reverse("assignments:visit_detail", args=[visit.pk]) in html
    assert "Chuyến công tác chờ xác nhận" in html


def test_a_support_aims_at_criteria_of_the_visit_years_set(
    member_a_client, member_a_user, office_client
):
    assignment = group_a(member_a_user)
    of_2025 = Criterion.objects.get(criteria_set=CriteriaSet.objects.for_year(2025), number=17)
    this_years = CriteriaSet.objects.for_year(days_ago(3).year)
    offered = member_a_client.get(create_url(assignment)).context["support_forms"][0]
    assert {pk for pk, _label in offered.fields["criteria"].choices} == set(
        this_years.criteria.values_list("pk", flat=True)
    )
    assert this_years.criteria.count() == 10 and this_years != of_2025.criteria_set
    before = counts()

    refused = member_a_client.post(
        create_url(assignment), visit_data(assignment, supports=[support(criteria=[of_2025.pk])])
    )

    assert refused.status_code == 200
    assert "không thuộc bộ tiêu chí của năm đi cơ sở" in refused.content.decode()
    assert counts() == before
    # A visit of 2025 (a pair of 2021–2025 carried over, recorded by the office) aims at one
    # of the 19 criteria of 2021–2025.
    day = datetime.date(2025, 12, 20)
    pair = Assignment.objects.filter(started_on__lte=day, ended_on__gte=day).first()
    data = visit_data(
        pair, supports=[support(criteria=[of_2025.pk])], visited_on=day.strftime("%d/%m/%Y")
    )
    assert office_client.post(create_url(pair), data).status_code == 302
    visit = FieldVisit.objects.get(assignment=pair, visited_on=day)
    assert list(visit.supports.get().criteria.all()) == [of_2025]


def _records(visit):
    """[(type, user, participant pks)] of the visit's history, oldest first."""
    return [
        (record.history_type, record.history_user, {p.member_id for p in record.participants.all()})
        for record in visit.history.order_by("history_id")
    ]


def test_each_save_is_one_history_record_naming_its_participants(member_a_client, member_a_user):
    # The form saved the row, then its participants: two records by the same person at the
    # same moment ("Tạo mới", then "Sửa: Người tham gia"), the first one naming nobody.
    assignment = group_a(member_a_user)
    members = list(assignment.working_group.members.order_by("pk")[:2])
    data = visit_data(assignment, participants=[members[0].pk])

    member_a_client.post(create_url(assignment), data)
    visit = FieldVisit.objects.get(purpose=data["purpose"])
    assert _records(visit) == [("+", member_a_user, {members[0].pk})]

    data |= {"participants": [m.pk for m in members], "version": str(visit.version)}
    response = member_a_client.post(reverse("assignments:visit_edit", args=[visit.pk]), data)

    assert response.status_code == 302
    assert _records(visit) == [
        ("+", member_a_user, {members[0].pk}),
        ("~", member_a_user, {m.pk for m in members}),
    ]
