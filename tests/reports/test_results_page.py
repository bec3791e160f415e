"""The results page (/xa/<pk>/ket-qua/<year>/): the office records a commune's year in one
form, everyone else who may read the dossier reads it; locked years are read-only."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assignments.models import Assignment
from communes.models import (
    Assessment,
    Commune,
    CommuneYear,
    Criterion,
    Era,
    IndicatorResult,
    YearClosing,
)
from communes.results import field_name
from tests.support.results_sheet import commune_on, small_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return small_set()


def url(commune, year=2026):
    return reverse("reports:commune_results", args=[commune.pk, year])


def text(response):
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def inputs(response):
    """{field name: the tag} of the results form's inputs and selects."""
    content = response.content.decode()
    content = re.search(r'<form[^>]*class="results-form".*?</form>', content, re.S).group(0)
    return {
        name: tag
        for tag, name in re.findall(r'(<(?:input|select)[^>]*name="([^"]+)"[^>]*>)', content)
        if name != "csrfmiddlewaretoken"
    }


def sheet_post(s, **changes):
    """The form as the browser sends it, empty, with `changes` ({field name: value})."""
    data = {
        field_name("i", s.value.pk, "value"): "",
        field_name("i", s.value.pk, "note"): "",
        field_name("i", s.yes_no.pk, "met"): "",
        field_name("i", s.yes_no.pk, "note"): "",
        field_name("c", s.plain.pk, "met"): "",
        field_name("c", s.plain.pk, "note"): "",
    }
    data.update(changes)
    return data


def test_the_office_sees_each_criterion_and_its_indicators_with_the_groups_requirement(
    office_client, s
):
    commune = commune_on(s.criteria_set, group=3)

    response = office_client.get(url(commune))

    shown = text(response)
    assert response.status_code == 200
    assert f"Kết quả năm 2026 – Xã {commune.name}" in shown
    assert "1. Hạ tầng thử" in shown and "2. Quy hoạch thử" in shown
    assert "1.1 Tỷ lệ đường xã được cứng hóa" in shown
    assert "Nhóm 3: ≥ 80%" in shown
    fields = inputs(response)
    # A value where the requirement is a number, met / not met where it is yes/no, and a
    # criterion without indicators recorded for itself; none for criterion 1 itself.
    assert 'inputmode="decimal"' in fields[field_name("i", s.value.pk, "value")]
    assert fields[field_name("i", s.yes_no.pk, "met")].startswith("<select")
    assert fields[field_name("c", s.plain.pk, "met")].startswith("<select")
    assert field_name("c", s.measured.pk, "met") not in fields
    assert not any("disabled" in tag for tag in fields.values())
    assert "Lưu kết quả năm 2026" in shown


def test_the_office_records_the_year_in_one_post(office_client, s):
    commune = commune_on(s.criteria_set, group=3)
    data = sheet_post(
        s,
        **{
            field_name("i", s.value.pk, "value"): "80,5",
            field_name("i", s.yes_no.pk, "met"): "1",
            field_name("c", s.plain.pk, "met"): "0",
            field_name("c", s.plain.pk, "note"): "Chưa lập quy hoạch chung",
        },
    )

    response = office_client.post(url(commune), data, follow=True)

    result = IndicatorResult.objects.get(commune=commune, indicator=s.value, year=2026)
    assert (result.value, result.met) == (Decimal("80.5"), True)
    assert Assessment.objects.get(commune=commune, criterion=s.measured).met is True
    plain = Assessment.objects.get(commune=commune, criterion=s.plain)
    assert (plain.met, plain.note) == (False, "Chưa lập quy hoạch chung")
    shown = text(response)
    assert "Đã lưu kết quả năm 2026: 2 chỉ tiêu, 1 tiêu chí." in shown
    assert "Tiêu chí 1 Hạ tầng thử: chưa đánh giá → đạt" in shown
    # Read back as typed, with the decimal comma.
    assert 'value="80,5"' in inputs(response)[field_name("i", s.value.pk, "value")]


def test_a_bad_value_is_shown_on_its_field_and_nothing_is_saved(office_client, s):
    commune = commune_on(s.criteria_set)
    data = sheet_post(
        s,
        **{
            field_name("i", s.value.pk, "value"): "80%%",
            field_name("c", s.plain.pk, "met"): "1",
        },
    )

    response = office_client.post(url(commune), data)

    assert response.status_code == 400
    content = response.content.decode()
    row = re.search(r'<tr class="result-indicator invalid">(.*?)</tr>', content, re.S).group(1)
    assert "«80%%» không phải là số" in html.unescape(row)
    assert "Chưa lưu gì" in text(response)
    assert not Assessment.objects.filter(commune=commune).exists()
    assert not IndicatorResult.objects.filter(commune=commune).exists()


def test_a_reader_reads_the_page_without_a_form_to_change_it(reader_client, s):
    commune = commune_on(s.criteria_set)

    response = reader_client.get(url(commune))

    assert response.status_code == 200
    assert all("disabled" in tag for tag in inputs(response).values())
    assert "Lưu kết quả" not in text(response)
    assert "chỉ để xem" in text(response)


def test_a_reader_cannot_post_results(reader_client, s):
    commune = commune_on(s.criteria_set)

    response = reader_client.post(url(commune), sheet_post(s, **{
        field_name("c", s.plain.pk, "met"): "1"}))  # fmt: skip

    assert response.status_code == 403
    assert not Assessment.objects.filter(commune=commune).exists()


def test_a_leader_does_not_find_another_communes_results(leader_client, s):
    commune = commune_on(s.criteria_set)

    assert leader_client.get(url(commune)).status_code == 404


def test_a_leader_reads_his_own_communes_results(leader_client):
    unit = Assignment.objects.active().get(leader__user__username="lanhdao").commune

    response = leader_client.get(url(unit, 2025))

    assert response.status_code == 200


def test_an_approved_year_is_read_only_with_the_reason_and_a_post_is_refused(office_client, s):
    commune = commune_on(s.criteria_set)
    CommuneYear.objects.filter(commune=commune).update(status=CommuneYear.Status.APPROVED)
    reason = (
        f"Kết quả năm 2026 của Xã {commune.name} đã được duyệt nên không sửa được; người có "
        "quyền duyệt có thể mở lại kèm lý do."
    )

    page = office_client.get(url(commune))
    response = office_client.post(
        url(commune), sheet_post(s, **{field_name("c", s.plain.pk, "met"): "1"}), follow=True
    )

    assert reason in text(page)
    assert all("disabled" in tag for tag in inputs(page).values())
    assert "Lưu kết quả" not in text(page)
    assert response.redirect_chain == [(url(commune), 302)]
    assert text(response).count(reason) == 2  # the message and the page's notice
    assert not Assessment.objects.filter(commune=commune).exists()


def test_a_closed_year_is_read_only(office_client, s, today):
    commune = commune_on(s.criteria_set)
    YearClosing.objects.create(year=2026, closes_on=datetime.date(2026, 10, 1))

    response = office_client.get(url(commune))

    assert "Năm 2026 đã khóa sổ từ ngày 01/10/2026" in text(response)
    assert all("disabled" in tag for tag in inputs(response).values())


def test_a_commune_without_a_group_says_why_it_cannot_be_assessed(office_client, s):
    commune = commune_on(s.criteria_set, group=None)

    response = office_client.get(url(commune))

    assert "Xã chưa được xếp nhóm cho giai đoạn 2026–2030 nên chưa đánh giá được" in (
        text(response)
    )
    assert all("disabled" in tag for tag in inputs(response).values())


def test_a_2021_2025_year_shows_the_19_criteria_with_their_results(office_client):
    ban_vuoc = Commune.objects.get(name="Bản Vược", era=Era.PRE_2025)
    met = Assessment.objects.filter(commune=ban_vuoc, year=2024, met=True).first()

    response = office_client.get(url(ban_vuoc, 2024))

    fields = inputs(response)
    criteria = Criterion.objects.programme()
    assert criteria.count() == 19
    assert {field_name("c", c.pk, "met") for c in criteria} <= set(fields)
    selected = re.search(
        rf'name="{field_name("c", met.criterion_id, "met")}".*?</select>',
        response.content.decode(),
        re.S,
    ).group(0)
    assert '<option value="1" selected>' in selected
    assert "Nhóm" not in text(response).split("Kết quả năm 2024")[-1].split("Lưu kết quả")[0]


def test_a_2021_2025_year_is_saved_by_criterion(office_client):
    ban_vuoc = Commune.objects.get(name="Bản Vược", era=Era.PRE_2025)
    unmet = Assessment.objects.filter(commune=ban_vuoc, year=2024, met=False).first()
    page = office_client.get(url(ban_vuoc, 2024))
    data = {name: "" for name in inputs(page)}
    for assessment in Assessment.objects.programme().filter(commune=ban_vuoc, year=2024):
        data[field_name("c", assessment.criterion_id, "met")] = "1" if assessment.met else "0"
        data[field_name("c", assessment.criterion_id, "note")] = assessment.note
    data[field_name("c", unmet.criterion_id, "met")] = "1"

    response = office_client.post(url(ban_vuoc, 2024), data)

    assert response.status_code == 302
    unmet.refresh_from_db()
    assert unmet.met is True
    # Only the criterion changed was written again.
    assert (
        Assessment.history.filter(
            commune=ban_vuoc, year=2024, history_user__username="vanphong"
        ).count()
        == 1
    )


def test_a_year_no_period_covers_has_no_page(office_client):
    ban_vuoc = Commune.objects.get(name="Bản Vược", era=Era.PRE_2025)

    assert office_client.get(url(ban_vuoc, 2019)).status_code == 404
