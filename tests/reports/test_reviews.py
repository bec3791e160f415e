"""The review's pages: the four steps (POST, back to the page with a message), the panel
on the results page, and the approver's list /duyet-ket-qua/."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from communes import reviews
from communes.models import CommuneYear, CommuneYearEvent, YearClosing
from tests.support.reviews import YEAR, record_2026, unit_of_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    unit = unit_of_today()
    record_2026(unit)
    return unit


def step_url(step, commune, year=YEAR):
    return reverse(f"reports:commune_year_{step}", args=[commune.pk, year])


def status_of(commune):
    found = CommuneYear.objects.filter(commune=commune, year=YEAR).first()
    return found.status if found else "draft"


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_the_office_submits_and_is_sent_back_to_the_page_it_came_from(office_client, commune):
    back = reverse("reports:commune_results", args=[commune.pk, YEAR])

    response = office_client.post(step_url("submit", commune), {"next": back})

    assert response.status_code == 302 and response.url == back
    assert status_of(commune) == "submitted"
    assert messages_of(response) == ["Đã trình duyệt kết quả năm 2026 của Xã Bát Xát."]


@pytest.mark.parametrize("step", ["approve", "return", "reopen"])
def test_the_office_without_the_office_head_group_gets_403_and_nothing_changes(
    office_client, office_user, commune, step
):
    reviews.submit(commune, YEAR, office_user)

    response = office_client.post(step_url(step, commune), {"reason": "Lý do"})

    assert response.status_code == 403
    assert status_of(commune) == "submitted"
    assert CommuneYearEvent.objects.filter(commune_year__commune=commune).count() == 1


def test_the_office_head_approves_then_reopens_with_a_reason_shown_in_the_log(
    office_head_client, office_user, commune
):
    reviews.submit(commune, YEAR, office_user)
    page = reverse("reports:commune_results", args=[commune.pk, YEAR])

    approved = office_head_client.post(step_url("approve", commune), {"next": page})
    assert status_of(commune) == "approved"
    assert "kết quả được khóa" in messages_of(approved)[0]

    html = office_head_client.get(page).content.decode()
    assert 'data-status="approved"' in html and "Đã duyệt" in html
    assert "Mở lại kèm lý do" in html and "Duyệt và khóa kết quả" not in html

    office_head_client.post(
        step_url("reopen", commune), {"reason": "Xã đề nghị sửa tiêu chí 3", "next": page}
    )
    html = office_head_client.get(page).content.decode()
    assert status_of(commune) == "draft"
    assert "Mở lại" in html and "Xã đề nghị sửa tiêu chí 3" in html


def test_reopening_without_a_reason_says_so_and_keeps_the_results_locked(
    office_head_client, office_user, office_head_user, commune
):
    reviews.submit(commune, YEAR, office_user)
    reviews.approve(commune, YEAR, office_head_user)

    response = office_head_client.post(step_url("reopen", commune), {"reason": "  "})

    assert response.status_code == 302
    assert messages_of(response) == ["Hãy ghi lý do mở lại kết quả năm 2026 của Xã Bát Xát."]
    assert status_of(commune) == "approved"


def test_a_step_that_no_longer_applies_is_refused_with_a_message(
    office_head_client, office_user, commune
):
    response = office_head_client.post(step_url("approve", commune))

    assert "đang ở trạng thái “Đang nhập”" in messages_of(response)[0]
    assert status_of(commune) == "draft"


def test_an_outside_next_is_ignored_for_the_results_page(office_client, commune):
    response = office_client.post(step_url("submit", commune), {"next": "https://evil.example/"})

    assert response.url == reverse("reports:commune_results", args=[commune.pk, YEAR])


def test_readers_and_members_get_403_and_a_leader_404_outside_his_communes(
    reader_client, member_a_client, leader_client, commune
):
    other = unit_of_today("Y Tý")

    assert reader_client.post(step_url("submit", commune)).status_code == 403
    assert member_a_client.post(step_url("submit", commune)).status_code == 403
    assert leader_client.post(step_url("submit", other)).status_code == 404
    assert status_of(commune) == "draft"


def test_the_panel_shows_the_buttons_the_user_may_press(office_user, office_head_user, commune):
    def panel(user):
        request = RequestFactory().get("/xa/")
        request.user = user
        template = Template("{% load ntm_reviews %}{% commune_year_review commune year %}")
        return template.render(Context({"request": request, "commune": commune, "year": YEAR}))

    assert "Trình duyệt" in panel(office_user)
    reviews.submit(commune, YEAR, office_user)
    assert "<button" not in panel(office_user)
    head = panel(office_head_user)
    assert "Duyệt và khóa kết quả" in head and "Trả lại kèm lý do" in head
    assert step_url("approve", commune) in head


def test_the_review_list_puts_the_submitted_commune_years_first(
    office_client, office_user, commune, today
):
    reviews.submit(commune, YEAR, office_user)

    response = office_client.get(reverse("reports:review_list"), {"nam": YEAR})

    html = response.content.decode()
    groups = response.context["groups"]
    assert [g.status for g in groups] == ["submitted", "draft", "approved"]
    assert commune in [row.commune for row in groups[0].rows]
    headings = [
        html.index(f'id="review-{status}"') for status in ("submitted", "draft", "approved")
    ]
    assert headings == sorted(headings)
    assert reverse("reports:commune_results", args=[commune.pk, YEAR]) in html
    assert "chưa đặt ngày khóa sổ" in html


def test_the_review_list_says_when_the_year_closes(office_client, today):
    YearClosing.objects.create(year=YEAR, closes_on=datetime.date(2027, 1, 31))
    YearClosing.objects.create(year=2025, closes_on=datetime.date(2026, 3, 31))

    html = office_client.get(reverse("reports:review_list"), {"nam": YEAR}).content.decode()
    assert "Năm 2026 sẽ khóa sổ từ ngày 31/01/2027" in html

    html = office_client.get(reverse("reports:review_list"), {"nam": 2025}).content.decode()
    assert "Năm 2025 đã khóa sổ từ ngày 31/03/2026" in html


def test_the_review_list_is_the_offices(reader_client, member_a_client, leader_client):
    for client in (reader_client, member_a_client, leader_client):
        assert client.get(reverse("reports:review_list")).status_code == 403


def test_the_dossier_shows_the_review_of_each_year_of_the_new_period(
    office_client, reader_client, commune
):
    dossier = reverse("reports:commune_detail", args=[commune.pk])

    office = office_client.get(dossier).content.decode()
    reader = reader_client.get(dossier).content.decode()

    assert 'id="duyet-ket-qua-2026"' in office and step_url("submit", commune) in office
    panel = reader[reader.index('id="duyet-ket-qua-2026"') :].split("</section>")[0]
    assert "Đang nhập" in panel and "<form" not in panel  # read, no buttons


def test_the_review_list_costs_the_same_however_many_commune_years_it_lists(
    office_client, office_user, commune, django_assert_max_num_queries
):
    url = reverse("reports:review_list") + f"?nam={YEAR}"
    office_client.get(url)  # the session, the menu's first look-ups
    with django_assert_max_num_queries(30) as few:
        office_client.get(url)
    reviews.submit(commune, YEAR, office_user)
    for other in CommuneYear.objects.filter(year=YEAR, status="draft").exclude(commune=commune)[:5]:
        record_2026(other.commune)
        reviews.submit(other.commune, YEAR, office_user)

    with django_assert_max_num_queries(len(few.captured_queries)):
        office_client.get(url)
