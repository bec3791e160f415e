"""The visit and assignment lists' agency filter names each agency in full, its
abbreviation after it: "Sở KH&CN" alone is not known to everyone."""

import re

import pytest
from django.urls import reverse

from assignments.models import Agency

pytestmark = pytest.mark.django_db


def agency_options(response):
    html = response.content.decode()
    select = re.search(r'<select name="agency".*?</select>', html, re.S).group(0)
    return dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select))


@pytest.mark.parametrize("url", ["assignments:visit_list", "assignments:assignment_list"])
def test_the_agency_filter_shows_full_names_with_abbreviations(office_client, url):
    shown = agency_options(office_client.get(reverse(url), {"map": "old"}))
    assert sum(Agency.objects.get(pk=pk).short_name != "" for pk in shown) >= 5
    for pk, label in shown.items():
        agency = Agency.objects.get(pk=pk)
        expected = f"{agency.name} ({agency.short_name})" if agency.short_name else agency.name
        assert label.replace("&amp;", "&") == expected


def test_an_agency_without_abbreviation_is_named_once():
    assert Agency(name="Ngân hàng Chính sách xã hội tỉnh").long_name == (
        "Ngân hàng Chính sách xã hội tỉnh"
    )
    assert Agency(name="Sở Tài chính", short_name="STC").long_name == "Sở Tài chính (STC)"
