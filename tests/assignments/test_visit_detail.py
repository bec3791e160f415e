"""A visit's page (/chuyen-cong-tac/<pk>/): what was done, given and asked for."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from assignments.models import Attachment, FieldVisit, Member, Recommendation, Support
from tests.factories import make_recommendation, make_support

pytestmark = pytest.mark.django_db


def url(visit):
    return reverse("assignments:visit_detail", args=[visit.pk])


def rich_visit():
    """A demo visit with support, recommendations and participants."""
    return (
        FieldVisit.objects.filter(
            supports__isnull=False, recommendations__isnull=False, participants__isnull=False
        )
        .order_by("-visited_on", "pk")
        .first()
    )


def vnd(amount):
    return f"{amount:,}".replace(",", ".") + " đ"


def test_visit_page_shows_assignment_date_status_and_participants(office_client):
    visit = rich_visit()
    visit.other_participants = "Đại diện UBND huyện"
    visit.save()
    assignment = visit.assignment

    html = office_client.get(url(visit)).content.decode()

    assert assignment.commune.name in html
    assert assignment.leader.full_name in html
    assert assignment.leader.agency.name in html
    assert visit.visited_on.strftime("%d/%m/%Y") in html
    assert visit.get_status_display() in html
    assert visit.purpose in html
    for member in visit.participants.all():
        assert member.full_name in html
    assert "Đại diện UBND huyện" in html
    assert reverse("assignments:leader_detail", args=[assignment.leader_id]) in html
    assert reverse("reports:commune_detail", args=[assignment.commune_id]) in html


def test_visit_page_lists_support_with_criteria_and_the_total(office_client):
    visit = rich_visit()
    supports = Support.objects.filter(visit=visit)

    html = office_client.get(url(visit)).content.decode()

    for support in supports:
        assert support.description in html
        assert vnd(support.amount_vnd) in html
        for criterion in support.criteria.all():
            assert criterion.name in html
    assert vnd(sum(s.amount_vnd for s in supports)) in html


def test_visit_page_lists_recommendations_with_due_date_status_and_resolution(office_client):
    visit = rich_visit()
    make_recommendation(
        visit=visit,
        text="Đề nghị xã lắp đèn đường thôn Nậm Pung",
        due_on=datetime.date(2024, 2, 29),
        status=Recommendation.Status.RESOLVED,
        resolved_on=datetime.date(2024, 3, 5),
        resolution_note="Đã lắp 12 bóng đèn",
    )

    html = office_client.get(url(visit)).content.decode()

    for rec in Recommendation.objects.filter(visit=visit):
        assert rec.text in html
        assert rec.get_status_display() in html
    assert "29/02/2024" in html
    assert "Đã lắp 12 bóng đèn" in html


def test_attachments_are_listed_by_name_without_a_link_to_the_file(office_client):
    visit = rich_visit()
    attachment = Attachment(visit=visit, original_name="bien-ban-hop-xa.pdf")
    attachment.file.save("bien-ban-hop-xa.pdf", ContentFile(b"%PDF-1.4"), save=True)

    html = office_client.get(url(visit)).content.decode()

    assert "bien-ban-hop-xa.pdf" in html
    assert attachment.file.url not in html


def test_unknown_visit_is_not_found(office_client):
    assert office_client.get(reverse("assignments:visit_detail", args=[999999])).status_code == 404


def test_anonymous_visitor_is_sent_to_the_login_page(anonymous_client):
    response = anonymous_client.get(url(rich_visit()))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_query_count_does_not_grow_with_support_recommendations_and_participants(
    office_client, django_assert_num_queries
):
    visit = rich_visit()
    # 10, +1 the workflow's comments, +5 the change history section (the visit's, its
    # support's and its recommendations' records, and the two many-to-many histories).
    with django_assert_num_queries(16):
        office_client.get(url(visit))

    for i in range(4):
        support = make_support(visit=visit)
        support.criteria.set(Support.objects.exclude(criteria=None).first().criteria.all())
        make_recommendation(visit=visit, text=f"Kiến nghị thêm số {i}")
    visit.participants.add(*Member.objects.filter(group=visit.assignment.working_group))

    with django_assert_num_queries(16):
        html = office_client.get(url(visit)).content.decode()
    assert all(f"Kiến nghị thêm số {i}" in html for i in range(4))
