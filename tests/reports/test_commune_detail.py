"""A commune's dossier (/xa/<pk>/): people, criteria grid, gaps, visits, support, lineage."""

import datetime
import html
import re

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation

from assignments.models import Assignment, FieldVisit, Member, Support
from communes.models import Assessment, Commune, Criterion, Era
from communes.reference import NTM_SET
from core.templatetags.ntm_format import vnd
from tests.factories import make_recommendation, make_support, make_visit

pytestmark = pytest.mark.django_db


def page_text(response):
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def section(response, css_class):
    """The text of the first element with this class (up to its closing tag)."""
    content = response.content.decode()
    match = re.search(rf'<(\w+) class="{css_class}[^"]*"[^>]*>(.*?)</\1>', content, re.S)
    assert match, css_class
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", match.group(2))))


def commune(name, era=Era.PRE_2025, kind=Commune.Kind.RURAL):
    return Commune.objects.get(name=name, era=era, kind=kind)


def dossier_url(unit):
    return reverse("reports:commune_detail", args=[unit.pk])


def test_anonymous_visitor_is_sent_to_login(anonymous_client):
    response = anonymous_client.get(dossier_url(commune("Bản Vược")))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_unknown_commune_is_not_found(office_client):
    response = office_client.get(reverse("reports:commune_detail", args=[999999]))

    assert response.status_code == 404


def test_dossier_shows_identity_leader_agency_and_group_contacts(office_client):
    # The demo leader's current assignment: Bản Vược's, carried over to its successor
    # from 01/07/2025 where the demo data does so.
    assignment = Assignment.objects.active().get(leader__user__username="lanhdao")
    unit = assignment.commune

    response = office_client.get(dossier_url(unit))

    shown = page_text(response)
    assert response.status_code == 200
    assert f"{unit.get_kind_display()} {unit.name}" in shown
    assert unit.code in shown
    assert unit.district is None or unit.district.name in shown
    assert assignment.leader.full_name in shown
    assert assignment.leader.agency.name in shown
    assert reverse("assignments:leader_detail", args=[assignment.leader_id]) in (
        response.content.decode()
    )
    members = Member.objects.filter(group=assignment.working_group, left_on__isnull=True)
    assert members.count() >= 3
    table = section(response, "members")
    for member in members:
        assert member.full_name in table
        assert member.phone in table


def test_criteria_grid_has_19_rows_and_the_counts_of_each_year(office_client):
    ban_vuoc = commune("Bản Vược")
    results = Assessment.objects.filter(commune=ban_vuoc, criterion__criteria_set__code=NTM_SET)
    years = sorted(set(results.values_list("year", flat=True)))

    response = office_client.get(dossier_url(ban_vuoc))

    content = response.content.decode()
    assert (
        content.count('<tr class="criterion">')
        == Criterion.objects.filter(criteria_set__code=NTM_SET).count()
        == 19
    )
    expected = [f"{results.filter(year=y, met=True).count()}/19" for y in years]
    assert section(response, "met-count").split()[-len(years) :] == expected
    # Cells carry text as well as a class: met and not met are told apart without colour.
    assert content.count('<td class="met">Đạt</td>') == results.filter(met=True).count()
    assert content.count('<td class="unmet">Chưa đạt</td>') == results.filter(met=False).count()


def test_gap_list_names_the_criteria_not_met_in_the_latest_year(office_client):
    ban_vuoc = commune("Bản Vược")
    results = Assessment.objects.filter(commune=ban_vuoc, criterion__criteria_set__code=NTM_SET)
    latest = max(results.values_list("year", flat=True))

    response = office_client.get(dossier_url(ban_vuoc))

    gaps = section(response, "gap-list")
    unmet = results.filter(year=latest, met=False).select_related("criterion")
    assert unmet.exists()
    for result in unmet:
        assert f"{result.criterion.number}. {result.criterion.name}" in gaps
    for result in results.filter(year=latest, met=True).select_related("criterion"):
        assert f"{result.criterion.number}. {result.criterion.name}" not in gaps
    assert f"Tiêu chí chưa đạt năm {latest}" in page_text(response)


def test_visit_timeline_is_newest_first_with_links_support_and_recommendations(office_client):
    ban_vuoc = commune("Bản Vược")
    visits = FieldVisit.objects.filter(assignment__commune=ban_vuoc).order_by("-visited_on", "-id")

    response = office_client.get(dossier_url(ban_vuoc))

    content = response.content.decode()
    assert content.count('<li class="visit">') == visits.count() > 0
    links = [reverse("assignments:visit_detail", args=[v.pk]) for v in visits]
    positions = [content.index(f'href="{link}"') for link in links]
    assert positions == sorted(positions)
    shown = page_text(response)
    for support in Support.objects.filter(visit__in=visits):
        assert support.description in shown
    assert ("Lãnh đạo trực tiếp đi" in shown) == visits.filter(leader_present=True).exists()


def test_support_total_is_the_sum_of_the_support_on_confirmed_visits(office_client):
    ban_vuoc = commune("Bản Vược")
    # Support on a visit not (yet) confirmed is not counted.
    assignment = Assignment.objects.filter(commune=ban_vuoc).latest("started_on")
    make_support(visit=make_visit(assignment, status="submitted"), amount_vnd=999_000_000)
    support = Support.objects.filter(visit__assignment__commune=ban_vuoc)
    total = support.filter(visit__status="confirmed").aggregate(total=Sum("amount_vnd"))["total"]

    response = office_client.get(dossier_url(ban_vuoc))

    with translation.override("vi"):
        expected = vnd(total)
    assert total > 0
    assert response.context["dossier"].support_total_vnd == total
    assert expected in section(response, "num support-total")


def test_ta_chai_shows_its_merger_into_bac_ha_township(office_client):
    ta_chai = commune("Tà Chải")
    township = commune("Bắc Hà", kind=Commune.Kind.TOWNSHIP)

    response = office_client.get(dossier_url(ta_chai))

    shown = page_text(response)
    assert "Sáp nhập vào Thị trấn Bắc Hà từ 01/11/2024" in shown
    assert "1197/NQ-UBTVQH15" in shown
    assert f'href="{dossier_url(township)}"' in response.content.decode()
    # Its assignment ended with the merger: no current leader, one previous assignment.
    ended = Assignment.objects.get(commune=ta_chai)
    assert "Hiện không có lãnh đạo nào được phân công" in shown
    assert ended.leader.full_name in section(response, "previous-assignments")
    assert "Xã sáp nhập" in shown


def test_the_township_names_the_commune_merged_into_it(office_client):
    township = commune("Bắc Hà", kind=Commune.Kind.TOWNSHIP)

    response = office_client.get(dossier_url(township))

    assert "Xã Tà Chải (Huyện Bắc Hà) sáp nhập vào đơn vị này từ 01/11/2024" in page_text(response)


def test_a_unit_without_results_or_visits_says_so(office_client):
    # A unit of today's map with no records and no old unit rolled up to it.
    province = Commune.objects.filter(era=Era.FROM_2025).first().province
    new_unit = Commune.objects.create(
        province=province, code="99999", name="Thử", era=Era.FROM_2025
    )
    new_unit.current_unit = new_unit
    new_unit.save()

    response = office_client.get(dossier_url(new_unit))

    shown = page_text(response)
    assert response.status_code == 200
    assert "Chưa có kết quả đánh giá tiêu chí của đơn vị này." in shown
    assert "Chưa có chuyến công tác nào." in shown


def test_dossier_runs_a_fixed_number_of_queries_whatever_the_visits(
    office_client, django_assert_num_queries
):
    ban_vuoc = commune("Bản Vược")
    url = dossier_url(ban_vuoc)
    office_client.get(url)  # warm up: session and caches

    # (+1: the menu asks the user's role; +1: the assessments' history links; +3: the
    # periods and their commune groups' definitions, and the unit's yearly scores per set,
    # reports.dossier_results)
    with django_assert_num_queries(19):
        office_client.get(url)
    assignment = Assignment.objects.filter(commune=ban_vuoc).latest("started_on")
    for day in range(1, 6):
        visit = make_visit(
            assignment=assignment, visited_on=datetime.date(2025, 3, day), status="confirmed"
        )
        visit.participants.set(assignment.working_group.members.all())
        make_support(visit=visit)
        make_recommendation(visit=visit)
    with django_assert_num_queries(19):
        response = office_client.get(url)

    assert len(response.context["dossier"].visits) == (
        FieldVisit.objects.filter(assignment__commune=ban_vuoc).count()
    )
