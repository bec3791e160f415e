"""The figures of the province dashboard (views/dashboard.py), each aggregated in the database.

Every function runs one query (criteria_counts two), whatever the number of communes, assessments
or visits: counts and sums are computed by SQL (aggregate, values + annotate);
Python only adds up and divides rows that are already totals per year and
district.

A figure is read in a Place: on the old map by old province and district, as the
2021–2025 reports were made, or on the current map over today's units. Each record
counts once, for the unit it was made for (a recognition or an assessment for the
unit of its time), so every total is the same on both maps; the current map only
adds where those units are now (``Commune.current_unit``).

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
from communes.forms import old_province_label
from communes.models import (
    Commune,
    CriteriaScore,
    CriteriaSet,
    Criterion,
    District,
    Era,
    Map,
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


@dataclass(frozen=True)
class Place:
    """Where the figures are read: a map and, on the old map, an old province or district.

    A province or district keeps the records made for its units. The whole map
    keeps every record, on either map: on the old map those made since
    01/07/2025 for a current unit (which has no old district) count in the
    whole map's totals though in no district's, so that the totals are the
    current map's.
    """

    map: Map = Map.OLD
    province_id: int | None = None
    district_id: int | None = None

    @property
    def is_whole(self):
        return self.province_id is None and self.district_id is None

    def records(self, path=""):
        """Q keeping the records whose unit (the field at `path`; the unit itself without
        one) is in this place."""
        prefix = f"{path}__" if path else ""
        if self.district_id is not None:
            return Q(**{f"{prefix}district": self.district_id})
        if self.province_id is not None:
            return Q(**{f"{prefix}province": self.province_id})
        return Q()


WHOLE = Place()


def programme_communes(place=WHOLE):
    """The units whose recognitions and criteria results the figures count.

    A province or district: its xã of the 2021–2025 programme. The whole map
    (either map): those xã and today's programme units, for whom the records
    made since 01/07/2025 are made.
    """
    old = Commune.objects.in_programme(Map.OLD)
    if place.is_whole:
        return old | Commune.objects.in_programme(Map.CURRENT)
    return old.filter(place.records())


@dataclass(frozen=True)
class ProgrammeDistrict:
    pk: int
    name: str
    sort_name: str
    province_id: int
    province: str  # the old province's label, "Lào Cai (cũ)"


def programme_districts():
    """The programme's districts (District.objects.in_programme()) by old province, each in
    Vietnamese order, for the filters and the district chart (one query)."""
    rows = (
        District.objects.in_programme()
        .order_by("province__code", "sort_name", "code")
        .values_list("pk", "name", "sort_name", "province_id", "province__name")
    )
    return [
        ProgrammeDistrict(pk, name, sort_name, province_id, old_province_label(province))
        for pk, name, sort_name, province_id, province in rows
    ]


def programme_provinces(districts):
    """[(pk, label)] of the old provinces of `districts` (programme_districts()), in order."""
    return list(dict.fromkeys((d.province_id, d.province) for d in districts))


def _scores(place=WHOLE):
    """Per-commune, per-year results (CriteriaScore) of the programme's communes."""
    return CriteriaScore.objects.programme().filter(commune__in=programme_communes(place))


@dataclass(frozen=True)
class CriteriaTotals:
    """Criteria met and communes assessed per year, old province and district:
    [(year, province id, district id, Average)].

    The rows are already aggregated (years × districts of them, not communes),
    so the per-year and per-district figures below are sums over a few rows. A
    unit of today's map (results recorded since 01/07/2025) has no district: its
    rows count in the whole map's figures only.
    """

    rows: list

    @property
    def years(self):
        return sorted({year for year, _province, _district, _average in self.rows})

    def by_year(self, place=WHOLE):
        """{year: Average}, oldest first, for the whole map, an old province or district."""
        totals = {}
        for year, province, district, average in self.rows:
            if place.district_id not in (None, district):
                continue
            if place.province_id not in (None, province):
                continue
            met, communes = totals.get(year, (0, 0))
            totals[year] = (met + average.met, communes + average.communes)
        return {year: Average(*totals[year]) for year in sorted(totals)}

    def by_district(self, year, districts):
        """[DistrictAverage] of `year`, best first; equal averages in Vietnamese order."""
        order = {d.pk: (d.sort_name, d.name) for d in districts}
        averages = [
            DistrictAverage(district, order[district][1], average)
            for row_year, _province, district, average in self.rows
            if row_year == year and district in order
        ]
        return sorted(averages, key=lambda d: (-(d.average.value or 0), order[d.district_id]))


def criteria_totals():
    """CriteriaTotals of every year and district, in one query.

    Reads the communes' yearly scores (one row per commune and year, kept by
    communes.scores) rather than counting their assessments' rows: an average is
    per assessed unit and year, the unit being the one assessed, on either map.
    """
    rows = (
        _scores()
        .order_by()
        .values("year", "commune__province", "commune__district")
        .annotate(met=Sum("met"), communes=Count("pk"))
        .values_list("year", "commune__province", "commune__district", "met", "communes")
    )
    return CriteriaTotals(
        [
            (year, province, district, Average(int(met), communes))
            for year, province, district, met, communes in rows
        ]
    )


def criteria_counts(year, assessed, place=WHOLE):
    """How many communes meet each criterion in `year`, out of `assessed` (two queries).

    Lists the programme's criteria, in their order. A score's `met_mask` has
    bit n set when criterion n is met, so summing `met_mask & 2ⁿ` over the
    communes counts them 2ⁿ at a time.
    """
    criteria = list(Criterion.objects.programme().order_by("number").values_list("number", "name"))
    sums = (
        _scores(place)
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


def recognition_counts(on, place=WHOLE):
    """Communes per highest level recognised on or before `on`, and the totals (one query).

    A commune recognised NTM and then nâng cao counts once, as nâng cao. Each
    unit counts for itself, the unit at the time of its recognition, on either
    map: so the counts are the same on both. Besides the counts per level:
    `total`, the programme's xã of the old map (in the place); `units`, today's
    programme units; and per level `<level>_units`, the units of today whose
    highest level (of their own and their old units' recognitions) it is: the
    rows the communes list shows for that level on today's map.
    """

    def reached(level):
        return Exists(
            Recognition.objects.filter(commune=OuterRef("pk"), level=level, decided_on__lte=on)
        )

    def outranked(level):
        """A unit merged into the same unit of today reached a higher level."""
        higher = LEVELS[LEVELS.index(level) + 1 :]
        return Exists(
            Recognition.objects.filter(
                commune__current_unit=OuterRef("current_unit"),
                level__in=higher,
                decided_on__lte=on,
            )
        )

    ntm, advanced, model = LEVELS
    communes = programme_communes(place).annotate(
        has_ntm=reached(ntm),
        has_advanced=reached(advanced),
        has_model=reached(model),
        ntm_outranked=outranked(ntm),
        advanced_outranked=outranked(advanced),
    )
    at_level = {
        model: Q(has_model=True),
        advanced: Q(has_advanced=True, has_model=False),
        ntm: Q(has_ntm=True, has_advanced=False, has_model=False),
    }
    on_top = {
        model: Q(),
        advanced: Q(advanced_outranked=False),
        ntm: Q(ntm_outranked=False),
    }
    return communes.aggregate(
        total=Count("pk", filter=Q(era=Era.PRE_2025)),
        units=Count("pk", filter=Q(era=Era.FROM_2025)),
        **{level: Count("pk", filter=condition) for level, condition in at_level.items()},
        **{
            f"{level}_units": Count("current_unit", filter=condition & on_top[level], distinct=True)
            for level, condition in at_level.items()
        },
    )


def recent_visits_since(today=None):
    return (today or timezone.localdate()) - datetime.timedelta(days=RECENT_VISIT_DAYS)


def recent_visit_count(place=WHOLE, today=None):
    """Confirmed visits dated in the last 90 days up to today (one query)."""
    today = today or timezone.localdate()
    visits = FieldVisit.objects.counted().filter(
        place.records("assignment__commune"),
        visited_on__gte=recent_visits_since(today),
        visited_on__lte=today,
    )
    return visits.count()


def stale_assignment_count(place=WHOLE, today=None):
    """Active assignments with no visit for more than NTM_STALE_VISIT_DAYS days, or never."""
    assignments = Assignment.objects.stale(today or timezone.localdate())
    return assignments.filter(place.records("commune")).count()


def overdue_recommendation_count(place=WHOLE, today=None):
    """Recommendations not resolved whose due date is before today (one query)."""
    recommendations = Recommendation.objects.overdue(today or timezone.localdate())
    return recommendations.filter(place.records("visit__assignment__commune")).count()


@dataclass(frozen=True)
class Summary:
    """Everything the dashboard shows for one year, in one place (a map, old province or
    district)."""

    year: int | None
    place: Place
    today: datetime.date
    recognitions: dict  # see recognition_counts
    average: Average
    by_year: dict  # {year: Average}, for the place
    by_district: list  # [DistrictAverage]: the old province's, or all (empty on today's map)
    criteria: list  # [CriterionCount]
    recent_visits: int
    recent_since: datetime.date
    stale_assignments: int
    overdue_recommendations: int

    @property
    def district_id(self):
        return self.place.district_id


def summary(totals, year, place=WHOLE, districts=(), today=None):
    """The dashboard's figures from `totals` (criteria_totals) and five more queries.

    `districts` are programme_districts(), already loaded for the filter form
    (none on today's map, which has no district chart).
    """
    today = today or timezone.localdate()
    by_year = totals.by_year(place)
    average = by_year.get(year, Average(0, 0))
    has_year = year is not None
    if place.province_id is not None:
        districts = [d for d in districts if d.province_id == place.province_id]
    return Summary(
        year=year,
        place=place,
        today=today,
        recognitions=recognition_counts(year_end(year, today), place),
        average=average,
        by_year=by_year,
        by_district=totals.by_district(year, districts) if has_year else [],
        criteria=criteria_counts(year, average.communes, place) if has_year else [],
        recent_visits=recent_visit_count(place, today),
        recent_since=recent_visits_since(today),
        stale_assignments=stale_assignment_count(place, today),
        overdue_recommendations=overdue_recommendation_count(place, today),
    )
