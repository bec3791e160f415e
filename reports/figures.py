"""The figures of the province dashboard (views/dashboard.py), each aggregated in the database.

Every function runs one query (criteria_counts two), whatever the number of communes, assessments
or visits: counts and sums are computed by SQL (aggregate, values + annotate);
Python only adds up and divides rows that are already totals per year and
district.

"Criteria met" of a commune for a year is its number of met assessments of
the programme's criteria set that year, read from its CriteriaScore row; an
average is taken over the communes assessed that year (a commune merged away
before the year, like Tà Chải after 2024, has no assessment and does not count
as zero).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from assignments.models import Assignment, FieldVisit, Recommendation
from communes.models import (
    Commune,
    CriteriaScore,
    CriteriaSet,
    Criterion,
    District,
    Recognition,
)

RECENT_VISIT_DAYS = 90
LEVELS = (CriteriaSet.Level.NTM, CriteriaSet.Level.ADVANCED, CriteriaSet.Level.MODEL)


@dataclass(frozen=True)
class Average:
    """Criteria met per commune: `met` criteria over `communes` assessed communes."""

    met: int
    communes: int

    @property
    def value(self):
        """One decimal, rounded half up (12,05 → 12,1); None when nobody was assessed."""
        if not self.communes:
            return None
        return (Decimal(self.met) / self.communes).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class DistrictAverage:
    district_id: int
    name: str
    average: Average


@dataclass(frozen=True)
class CriterionCount:
    number: int
    name: str
    communes_met: int
    communes_assessed: int

    @property
    def percent(self):
        if not self.communes_assessed:
            return None
        ratio = Decimal(100 * self.communes_met) / self.communes_assessed
        return ratio.quantize(Decimal("0.1"), ROUND_HALF_UP)


def programme_communes(district=None):
    communes = Commune.objects.in_programme()
    if district is not None:
        communes = communes.in_district(district)
    return communes


def programme_districts():
    """The programme's districts (District.objects.in_programme()), in Vietnamese order, as
    (pk, name, sort_name) rows for the filter and the district chart (one query)."""
    return list(
        District.objects.in_programme()
        .order_by("sort_name", "code")
        .values_list("pk", "name", "sort_name", named=True)
    )


def _scores(district=None):
    """Per-commune, per-year results (CriteriaScore) of the programme's communes."""
    return CriteriaScore.objects.programme().filter(commune__in=programme_communes(district))


@dataclass(frozen=True)
class CriteriaTotals:
    """Criteria met and communes assessed per year and district: [(year, district id, Average)].

    The rows are already aggregated (years × districts of them, not communes),
    so the per-year and per-district figures below are sums over a few rows.
    """

    rows: list

    @property
    def years(self):
        return sorted({year for year, _district, _average in self.rows})

    def by_year(self, district_id=None):
        """{year: Average}, oldest first, for the province or one district."""
        totals = {}
        for year, district, average in self.rows:
            if district_id is None or district == district_id:
                met, communes = totals.get(year, (0, 0))
                totals[year] = (met + average.met, communes + average.communes)
        return {year: Average(*totals[year]) for year in sorted(totals)}

    def by_district(self, year, districts):
        """[DistrictAverage] of `year`, best first; equal averages in Vietnamese order."""
        order = {d.pk: (d.sort_name, d.name) for d in districts}
        averages = [
            DistrictAverage(district, order[district][1], average)
            for row_year, district, average in self.rows
            if row_year == year and district in order
        ]
        return sorted(averages, key=lambda d: (-(d.average.value or 0), order[d.district_id]))


def criteria_totals():
    """CriteriaTotals of every year and district, in one query.

    Reads the communes' yearly scores (one row per commune and year, kept by
    communes.scores) rather than counting their assessments' rows.
    """
    rows = (
        _scores()
        .order_by()
        .values("year", "commune__district")
        .annotate(met=Sum("met"), communes=Count("pk"))
        .values_list("year", "commune__district", "met", "communes")
    )
    return CriteriaTotals(
        [(year, district, Average(int(met), communes)) for year, district, met, communes in rows]
    )


def criteria_counts(year, assessed, district=None):
    """How many communes meet each criterion in `year`, out of `assessed` (two queries).

    Lists the programme's criteria, in their order. A score's `met_mask` has
    bit n set when criterion n is met, so summing `met_mask & 2ⁿ` over the
    communes counts them 2ⁿ at a time.
    """
    criteria = list(Criterion.objects.programme().order_by("number").values_list("number", "name"))
    sums = (
        _scores(district)
        .filter(year=year)
        .aggregate(
            **{f"c{number}": Sum(F("met_mask").bitand(1 << number)) for number, _name in criteria}
        )
    )
    return [
        CriterionCount(number, name, (sums[f"c{number}"] or 0) >> number, assessed)
        for number, name in criteria
    ]


def year_end(year, today=None):
    """31/12 of `year`, or today when there is no year to look at."""
    if year is None:
        return today or timezone.localdate()
    return datetime.date(year, 12, 31)


def recognition_counts(on, district=None):
    """Communes per highest level recognised on or before `on`, and the total (one query).

    A commune recognised NTM and then nâng cao counts once, as nâng cao.
    """

    def reached(level):
        return Exists(
            Recognition.objects.filter(commune=OuterRef("pk"), level=level, decided_on__lte=on)
        )

    ntm, advanced, model = LEVELS
    communes = programme_communes(district).annotate(
        has_ntm=reached(ntm), has_advanced=reached(advanced), has_model=reached(model)
    )
    return communes.aggregate(
        total=Count("pk"),
        **{
            model: Count("pk", filter=Q(has_model=True)),
            advanced: Count("pk", filter=Q(has_advanced=True, has_model=False)),
            ntm: Count("pk", filter=Q(has_ntm=True, has_advanced=False, has_model=False)),
        },
    )


def recent_visits_since(today=None):
    return (today or timezone.localdate()) - datetime.timedelta(days=RECENT_VISIT_DAYS)


def recent_visit_count(district=None, today=None):
    """Confirmed visits dated in the last 90 days up to today (one query)."""
    today = today or timezone.localdate()
    visits = FieldVisit.objects.counted().filter(
        visited_on__gte=recent_visits_since(today), visited_on__lte=today
    )
    if district is not None:
        visits = visits.filter(assignment__commune__district=district)
    return visits.count()


def stale_assignment_count(district=None, today=None):
    """Active assignments with no visit for more than NTM_STALE_VISIT_DAYS days, or never."""
    assignments = Assignment.objects.stale(today or timezone.localdate())
    if district is not None:
        assignments = assignments.filter(commune__district=district)
    return assignments.count()


def overdue_recommendation_count(district=None, today=None):
    """Recommendations not resolved whose due date is before today (one query)."""
    recommendations = Recommendation.objects.overdue(today or timezone.localdate())
    if district is not None:
        recommendations = recommendations.filter(visit__assignment__commune__district=district)
    return recommendations.count()


@dataclass(frozen=True)
class Summary:
    """Everything the dashboard shows for one year, province-wide or for one district."""

    year: int | None
    district_id: int | None
    today: datetime.date
    recognitions: dict  # "total" and one count per level (LEVELS)
    average: Average
    by_year: dict  # {year: Average}, for the district when one is chosen
    by_district: list  # [DistrictAverage], always province-wide
    criteria: list  # [CriterionCount]
    recent_visits: int
    recent_since: datetime.date
    stale_assignments: int
    overdue_recommendations: int


def summary(totals, year, district_id=None, districts=(), today=None):
    """The dashboard's figures from `totals` (criteria_totals) and five more queries.

    `districts` are programme_districts(), already loaded for the filter form.
    """
    today = today or timezone.localdate()
    by_year = totals.by_year(district_id)
    average = by_year.get(year, Average(0, 0))
    has_year = year is not None
    return Summary(
        year=year,
        district_id=district_id,
        today=today,
        recognitions=recognition_counts(year_end(year, today), district_id),
        average=average,
        by_year=by_year,
        by_district=totals.by_district(year, districts) if has_year else [],
        criteria=criteria_counts(year, average.communes, district_id) if has_year else [],
        recent_visits=recent_visit_count(district_id, today),
        recent_since=recent_visits_since(today),
        stale_assignments=stale_assignment_count(district_id, today),
        overdue_recommendations=overdue_recommendation_count(district_id, today),
    )
