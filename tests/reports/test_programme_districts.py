"""The programme's districts are one set on every page that offers them: the dashboard's
district filter, the communes, assignments and visits lists' district filter and the
criteria matrix report's district choice (District.objects.in_programme()): the old
districts, offered on the old map (?map=old; today's map has no district level).

The pages may group or label the districts by old province (the dashboard and the
communes list put them in one <optgroup> per old province): the test compares the
districts offered (their values) and that each is named by its district's name."""

import re
from html import unescape

import pytest
from django.urls import reverse

from assignments.models import Assignment
from communes.models import Commune, District, Era
from tests import factories

PAGES = {
    "dashboard": reverse("reports:dashboard"),
    "communes list": reverse("reports:commune_list"),
    "assignments list": reverse("assignments:assignment_list"),
    "visits list": reverse("assignments:visit_list"),
    "matrix report": reverse("reports:report_matrix"),
}


def district_choices(client, url):
    """{(value, label)} of the page's <select name="district"> on the old map, without the
    empty choice; a label is reduced to the district's name it holds."""
    response = client.get(url, {"map": "old"})
    assert response.status_code == 200, url
    html = response.content.decode()
    select = re.search(r'<select name="district"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"{url}: no district select"
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    names = dict(District.objects.values_list("pk", "name"))
    found = set()
    for value, label in options:
        if value:
            name = names.get(int(value), "")
            assert name and name in unescape(label), (url, value, label)
            found.add((value, name))
    return found


def expected():
    """The pre-2025 districts with at least one xã (the programme's communes, docs/domain.md)."""
    rural = Commune.objects.filter(kind=Commune.Kind.RURAL, era=Era.PRE_2025)
    districts = District.objects.filter(pk__in=rural.values("district"))
    return {(str(d.pk), d.name) for d in districts}


def choices_by_page(client):
    return {page: district_choices(client, url) for page, url in PAGES.items()}


@pytest.mark.django_db
def test_every_page_offers_the_18_old_districts_of_lao_cai_and_yen_bai(office_client):
    by_page = choices_by_page(office_client)

    names = {name for _pk, name in expected()}
    assert len(names) == 18
    assert "Thị xã Sa Pa" in names and "Thành phố Lào Cai" in names  # the old Lào Cai's 9
    assert "Huyện Mù Căng Chải" in names and "Thành phố Yên Bái" in names  # the old Yên Bái's
    for page, choices in by_page.items():
        assert choices == expected(), page


@pytest.mark.django_db
def test_a_programme_district_without_assignments_yet_is_offered_everywhere(office_client):
    # Before its annex is imported a district has communes of the programme and no
    # assignment: the dashboard links to it, so the lists must accept it too.
    lao_cai = District.objects.get(code="080", era=Era.PRE_2025)
    new = factories.make_district(province=lao_cai.province, name="Huyện Mới Lập", code="T93")
    factories.make_commune(district=new, name="Xã Chưa Phân Công", era=Era.PRE_2025)
    assert not Assignment.objects.filter(commune__district=new).exists()

    for page, choices in choices_by_page(office_client).items():
        assert (str(new.pk), "Huyện Mới Lập") in choices, page


@pytest.mark.django_db
def test_districts_outside_the_programme_are_offered_nowhere(office_client):
    lao_cai = District.objects.get(code="080", era=Era.PRE_2025)
    wards_only = factories.make_district(
        province=lao_cai.province, name="Quận Chỉ Có Phường", code="T94"
    )
    factories.make_commune(district=wards_only, name="Phường Một", kind=Commune.Kind.WARD)
    # A ward is not a commune of the programme even when someone assigned it.
    factories.make_assignment(commune=Commune.objects.get(name="Phường Một"))

    for page, choices in choices_by_page(office_client).items():
        assert "Quận Chỉ Có Phường" not in {name for _pk, name in choices}, page
        assert choices == expected(), page
