"""The approver's list of a year's commune-years (/duyet-ket-qua/): those waiting for
approval first, then those being entered, then the approved ones."""

from dataclasses import dataclass

from communes.models import (
    Assessment,
    Commune,
    CommuneYear,
    CommuneYearEvent,
    CriteriaSet,
    IndicatorResult,
)

from .imports.scope import year_map
from .queries import old_districts_of

_S = CommuneYear.Status
ORDER = (_S.SUBMITTED, _S.DRAFT, _S.APPROVED)


@dataclass(frozen=True)
class Row:
    commune: Commune
    districts: str  # its district, or a unit of today's old districts (orientation)
    status: str
    last_event: CommuneYearEvent | None
    url: str


@dataclass(frozen=True)
class Group:
    status: str
    label: str
    rows: list


def _with_results(year):
    """Ids of the communes with a result of `year` against the year's set."""
    criteria_set = CriteriaSet.objects.for_year(year)
    if criteria_set is None:
        return set()
    assessed = Assessment.objects.filter(year=year, criterion__criteria_set=criteria_set)
    measured = IndicatorResult.objects.filter(
        year=year, indicator__criterion__criteria_set=criteria_set
    )
    return set(assessed.values_list("commune_id", flat=True).distinct()) | set(
        measured.values_list("commune_id", flat=True).distinct()
    )


def _districts(commune, origins):
    if commune.district_id:
        return commune.district.name
    names = origins.get(commune.pk, ([], []))[0]
    return ", ".join(name.removeprefix("Huyện ") for name in names)


def review_rows(year, results_url):
    """([Group] in ORDER, how many of the year's communes have nothing recorded yet).

    A commune-year with results but no review yet is a draft.
    """
    commune_years = {cy.commune_id: cy for cy in CommuneYear.objects.filter(year=year)}
    last_events = {}
    for event in CommuneYearEvent.objects.filter(commune_year__year=year).select_related(
        "actor", "commune_year"
    ):
        last_events[event.commune_year.commune_id] = event  # ordered by time: the last wins
    ids = set(commune_years) | _with_results(year)
    communes = list(
        Commune.objects.filter(pk__in=ids).select_related("district").vietnamese_order()
    )
    origins = old_districts_of([c.pk for c in communes if c.district_id is None])
    rows = {status: [] for status in ORDER}
    for commune in communes:
        found = commune_years.get(commune.pk)
        status = found.status if found is not None else _S.DRAFT
        rows[status].append(
            Row(
                commune,
                _districts(commune, origins),
                status,
                last_events.get(commune.pk),
                results_url(commune.pk, year),
            )
        )
    units = Commune.objects.in_programme(year_map(year)).rural().values_list("pk", flat=True)
    without_results = len(set(units) - ids)
    return [Group(status, _S(status).label, rows[status]) for status in ORDER], without_results
