"""Helpers of the period tests (tests/reports/test_period_*.py): results of a year against
its set, approvals, and the figures of the dashboard's cards read back from the page.

The expected figures are computed here from the assessments themselves, not through
the code under test (CriteriaScore, reports.figures).
"""

import html
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from communes.models import (
    Assessment,
    Commune,
    CommuneYear,
    CriteriaSet,
    Criterion,
    IndicatorResult,
    Map,
)

DASHBOARD = reverse("reports:dashboard")
LIST = reverse("reports:commune_list")


def set_of(year):
    """The year's commune set (19 criteria up to 2025, 10 from 2026)."""
    return CriteriaSet.objects.for_year(year)


def give_results(unit, year, met, criteria_set=None):
    """`unit`'s results of `year` against `criteria_set` (the year's by default): the
    criteria numbered in `met` met, the others not; any earlier ones replaced."""
    criteria_set = criteria_set or set_of(year)
    CommuneYear.objects.filter(commune=unit, year=year).delete()
    IndicatorResult.objects.filter(commune=unit, year=year).delete()
    Assessment.objects.filter(commune=unit, year=year).delete()
    for criterion in Criterion.objects.filter(criteria_set=criteria_set):
        Assessment.objects.create(
            commune=unit, criterion=criterion, year=year, met=criterion.number in met
        )


def approve(unit, year, status=CommuneYear.Status.APPROVED):
    CommuneYear.objects.update_or_create(
        commune=unit, year=year, defaults={"criteria_set": set_of(year), "status": status}
    )


def free_units(count, map=Map.CURRENT):
    """Programme units of `map` none of whose results is approved (so they can be changed)."""
    approved = CommuneYear.objects.filter(status=CommuneYear.Status.APPROVED)
    units = Commune.objects.in_programme(map).exclude(pk__in=approved.values("commune"))
    return list(units.order_by("code")[:count])


def met_by_commune(year, communes=None, approved_only=False):
    """{commune id: criteria met} of the communes with results of `year` against its set
    (of `communes` when given; approved commune-years only when asked)."""
    rows = Assessment.objects.filter(year=year, criterion__criteria_set=set_of(year))
    if communes is not None:
        rows = rows.filter(commune__in=communes)
    if approved_only:
        approved = CommuneYear.objects.filter(year=year, status=CommuneYear.Status.APPROVED)
        rows = rows.filter(commune__in=approved.values("commune"))
    met = defaultdict(int)
    for commune, is_met in rows.values_list("commune", "met"):
        met[commune] += is_met
    return dict(met)


def programme_ids():
    """The units the whole map's figures count: the old map's xã and today's units."""
    units = Commune.objects.in_programme(Map.OLD) | Commune.objects.in_programme(Map.CURRENT)
    return set(units.values_list("pk", flat=True))


def one_decimal(met):
    """The average of {commune: met} as the page shows it ("6,4")."""
    average = Decimal(sum(met.values())) / len(met)
    return str(average.quantize(Decimal("0.1"), ROUND_HALF_UP)).replace(".", ",")


def page_text(response):
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def cards(response):
    """{what: (figure, label, {param: value})} of the dashboard's result cards: a level,
    "average" or "approved"."""
    found = re.findall(
        r'<a href="([^"]+)"><span class="figure">([^<]+)</span> <span class="label">([^<]+)<',
        response.content.decode(),
    )
    result = {}
    for href, figure, label in found:
        url = urlsplit(html.unescape(href))
        if url.path != LIST:
            continue
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        what = params.get("level") or ("approved" if label == "xã-năm đã duyệt" else "average")
        result[what] = (figure, html.unescape(label), params)
    return result


def list_rows(client, params):
    response = client.get(LIST, {**params, "per_page": 200})
    return response, [row.record for row in response.context["table"].page.object_list]
