"""The criteria set pages, the upload through them, and a new version of a locked set."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import CriteriaSet, Indicator, Requirement
from communes.reference import NTM_SET_2026
from reports.imports import service
from reports.models import ImportBatch

from .criteria_set_workbooks import (
    book,
    good_rows,
    grouped_set,
    lock,
    preview,
    requirements,
    row,
)
from .import_workbooks import upload

pytestmark = pytest.mark.django_db


def detail(criteria_set):
    return reverse("reports:criteria_set_detail", args=[criteria_set.pk])


def new_version_url(criteria_set):
    return reverse("reports:criteria_set_new_version", args=[criteria_set.pk])


@pytest.fixture
def loaded(office_user):
    """A 2026–2030 set with the good workbook's four indicators."""
    criteria_set = grouped_set(name="Bộ tiêu chí thử có chỉ tiêu", indicators_note="Nguồn: thử")
    service.apply(preview(book(good_rows()), criteria_set, office_user)[0], office_user)
    return criteria_set


def test_the_list_shows_each_period_with_its_sets(reader_client):
    html = reader_client.get(reverse("reports:criteria_set_list")).content.decode()
    assert "Giai đoạn 2026–2030" in html and "Giai đoạn 2021–2025" in html
    current = CriteriaSet.objects.for_year(2026)
    assert detail(current) in html
    assert "dùng cho kết quả mới" in html
    assert html.index("2026–2030") < html.index("2021–2025")  # the newest period first


def test_a_set_without_indicators_says_so_and_the_office_gets_the_import(
    office_client, reader_client
):
    empty = grouped_set(indicators_note="Chưa có bản Phụ lục I để đối chiếu.")
    html = office_client.get(detail(empty)).content.decode()
    assert "Chưa có chỉ tiêu: Văn phòng nạp từ tệp Excel" in html
    assert "Chưa có bản Phụ lục I để đối chiếu." in html
    assert f"{reverse('reports:import_criteria_set')}?set={empty.pk}" in html
    template = reverse("reports:import_template", args=["bo-tieu-chi"])
    assert f"{template}?set={empty.pk}" in html
    assert "Nhóm 3" in html and "khu vực II" in html  # the period's group definitions

    html = reader_client.get(detail(empty)).content.decode()
    assert "Chưa có chỉ tiêu: Văn phòng nạp từ tệp Excel" in html
    assert reverse("reports:import_criteria_set") not in html


def test_a_set_page_shows_each_indicators_requirement_per_group(reader_client, loaded):
    html = reader_client.get(detail(loaded)).content.decode()
    assert "Chưa có chỉ tiêu" not in html
    assert "Tỷ lệ hộ sử dụng điện an toàn" in html
    assert "≥ 98,5%" in html and "(≥ 98,5)" in html
    assert "Yêu cầu – Nhóm 3" in html
    assert "Nguồn: thử" in html


def test_the_office_uploads_previews_and_confirms_a_workbook(office_client):
    criteria_set = grouped_set()
    page = office_client.get(reverse("reports:import_criteria_set"), {"set": criteria_set.pk})
    assert f'<option value="{criteria_set.pk}" selected>' in page.content.decode()
    response = office_client.post(
        reverse("reports:import_criteria_set"),
        {"criteria_set": criteria_set.pk, "file": upload(book(good_rows()), "chi-tieu.xlsx")},
    )
    batch = ImportBatch.objects.get(criteria_set=criteria_set)
    assert response.url == reverse("reports:import_preview", args=[batch.pk])
    html = office_client.get(response.url).content.decode()
    assert "Tỷ lệ hộ sử dụng điện an toàn" in html and "(≥ 98,5)" in html
    assert "Tệp thay toàn bộ chỉ tiêu" in html

    office_client.post(response.url, {"action": "confirm"})
    assert requirements(criteria_set)[("2.2", 2)] == ("≥ 98,5%", ">=", Decimal("98.5"))
    html = office_client.get(response.url).content.decode()
    assert detail(criteria_set) in html


def test_a_locked_set_is_refused_on_upload_with_the_way_out(office_client):
    criteria_set = grouped_set()
    lock(criteria_set)
    response = office_client.post(
        reverse("reports:import_criteria_set"),
        {"criteria_set": criteria_set.pk, "file": upload(book(good_rows()))},
    )
    assert response.status_code == 400
    assert "Hãy tạo phiên bản mới của bộ" in response.content.decode()
    assert not Indicator.objects.filter(criterion__criteria_set=criteria_set).exists()


def test_a_new_version_copies_the_locked_set_and_takes_new_results(office_client):
    national = CriteriaSet.objects.get(code=NTM_SET_2026)
    assert CriteriaSet.objects.for_year(2026) == national
    lock(national)
    html = office_client.get(detail(national)).content.decode()
    assert "Tạo phiên bản mới" in html and new_version_url(national) in html

    response = office_client.post(new_version_url(national))
    copy = CriteriaSet.objects.get(replaces=national)
    assert response.url == detail(copy)
    assert (copy.version, copy.code) == (national.version + 1, f"{NTM_SET_2026}-v2")
    assert (copy.period, copy.level, copy.is_provincial) == (
        national.period,
        national.level,
        False,
    )
    assert [(c.number, c.name) for c in copy.criteria.order_by("number")] == [
        (c.number, c.name) for c in national.criteria.order_by("number")
    ]
    assert CriteriaSet.objects.for_year(2026) == copy
    assert not copy.is_locked and national.is_locked


def test_a_new_version_copies_indicators_and_requirements(office_client, loaded):
    lock(loaded)
    office_client.post(new_version_url(loaded))
    copy = CriteriaSet.objects.get(replaces=loaded)
    assert copy.code.endswith("-v2")
    assert {(code, group): value for (code, group), value in requirements(copy).items()} == (
        requirements(loaded)
    )
    assert Requirement.objects.filter(indicator__criterion__criteria_set=copy).count() == 12
    copied = Indicator.objects.get(criterion__criteria_set=copy, code="2.1")
    assert (
        copied.criterion.criteria_set == copy
        and copied.order == Indicator.objects.get(criterion__criteria_set=loaded, code="2.1").order
    )
    # The copy is not locked: the office reloads its indicators.
    _batch, plan = preview(book(good_rows()), copy, None)
    assert plan.unchanged == 4
    # A second version of the old one is refused: the copy is the one to change.
    response = office_client.post(new_version_url(loaded), follow=True)
    assert "đã có phiên bản mới hơn" in response.content.decode()
    assert CriteriaSet.objects.filter(replaces=loaded).count() == 1


def test_a_set_without_approved_results_gets_no_new_version(office_client, loaded):
    html = office_client.get(detail(loaded)).content.decode()
    assert "Tạo phiên bản mới" not in html
    response = office_client.post(new_version_url(loaded), follow=True)
    assert "chưa có kết quả được duyệt nên vẫn sửa được" in response.content.decode()
    assert not CriteriaSet.objects.filter(replaces=loaded).exists()


def test_a_reader_reads_but_cannot_import_or_make_a_version(reader_client, loaded):
    lock(loaded)
    html = reader_client.get(detail(loaded)).content.decode()
    assert "Tỷ lệ hộ sử dụng điện an toàn" in html
    assert "Tạo phiên bản mới" not in html
    assert reader_client.post(new_version_url(loaded)).status_code == 403
    assert reader_client.get(reverse("reports:import_criteria_set")).status_code == 403
    template = reverse("reports:import_template", args=["bo-tieu-chi"])
    assert reader_client.get(template, {"set": loaded.pk}).status_code == 403
    assert not CriteriaSet.objects.filter(replaces=loaded).exists()


def test_anonymous_visitors_are_sent_to_the_login_page(anonymous_client, loaded):
    response = anonymous_client.get(detail(loaded))
    assert response.status_code == 302 and reverse("login") in response.url
    assert anonymous_client.post(new_version_url(loaded)).status_code == 302
    assert not CriteriaSet.objects.filter(replaces=loaded).exists()


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_set_page_costs_the_same_queries_however_many_indicators(
    reader_client, office_user, loaded
):
    more = [
        row(3, f"3.{n}", f"Chỉ tiêu thêm {n}", "%", *[("≥ 50%", "≥", 50)] * 3) for n in range(2, 12)
    ]
    bigger = grouped_set()
    service.apply(preview(book(good_rows(extra=more)), bigger, office_user)[0], office_user)
    queries_for(reader_client, detail(loaded))  # the session's first request writes it
    assert queries_for(reader_client, detail(bigger)) == queries_for(reader_client, detail(loaded))
