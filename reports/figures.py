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
the year's criteria set (reports.year_set: 19 criteria up to 2025, 10 from 2026),
read from its CriteriaScore row; an average is taken over the communes assessed
that year (a commune merged away before the year, like Tà Chải after 2024, has no
assessment and does not count as zero), and a year's figures never mix two sets.
"Approved only" keeps the commune-years the office approved (CommuneYear).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from assignments.models import Assignment, FieldVisit, Recommendation
from communes.models import CriteriaScore, Criterion, Era, Map, Recognition

from .places import (  # noqa: F401 (where the figures are read: the dashboard's vocabulary)
    WHOLE,
    Place,
    ProgrammeDistrict,
    programme_communes,
    programme_districts,
    programme_provinces,
)
from .year_set import RANK, YearSet, approved, year_set

RECENT_VISIT_DAYS = 90


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


def _scores(place=WHOLE, approved_only=False):
    """Per-commune, per-year results (CriteriaScore) of the programme's communes, each
    against its year's own set; approved commune-years only when asked."""
    scores = CriteriaScore.objects.in_their_period().filter(commune__in=programme_communes(place))
    return scores.filter(approved()) if approved_only else scores


@dataclass(frozen=True)
class CriteriaTotals:
    """Criteria met and communes assessed per year, old province and district, of all
    commune-years and of the approved ones: [(year, province id, district id, Average,
    approved Average)].

    The rows are already aggregated (years × districts of them, not communes),
    so the per-year and per-district figures below are sums over a few rows. A
    unit of today's map (results recorded since 01/07/2025) has no district: its
    rows count in the whole map's figures only. Each year's rows are against that
    year's set (19 criteria up to 2025, 10 from 2026).
    """

    rows: list

    @property
    def years(self):
        """The years with results, oldest first (each in a period: in_their_period)."""
        return sorted({row[0] for row in self.rows})

    def by_year(self, place=WHOLE, approved_only=False, years=None):
        """{year: Average}, oldest first, for the whole map, an old province or district;
        of `years` only when given (a period's)."""
        totals = {}
        for year, province, district, everything, approved_part in self.rows:
            if place.district_id not in (None, district):
                continue
            if place.province_id not in (None, province):
                continue
            if years is not None and year not in years:
                continue
            average = approved_part if approved_only else everything
            met, communes = totals.get(year, (0, 0))
            totals[year] = (met + average.met, communes + average.communes)
        # A year without approved results has no average: no column (approved only).
        return {year: Average(*totals[year]) for year in sorted(totals) if totals[year][1]}

    def by_district(self, year, districts, approved_only=False):
        """[DistrictAverage] of `year`, best first; equal averages in Vietnamese order."""
        order = {d.pk: (d.sort_name, d.name) for d in districts}
        averages = [
            DistrictAverage(district, order[district][1], approved_part if approved_only else a)
            for row_year, _province, district, a, approved_part in self.rows
            if row_year == year and district in order
        ]
        averages = [d for d in averages if d.average.communes]
        return sorted(averages, key=lambda d: (-(d.average.value or 0), order[d.district_id]))


def criteria_totals():
    """CriteriaTotals of every year and district, in one query.

    Reads the communes' yearly scores (one row per commune and year, kept by
    communes.scores) rather than counting their assessments' rows: an average is
    per assessed unit and year, the unit being the one assessed, on either map.
    """
    is_approved = approved()
    rows = (
        _scores()
        .order_by()
        .values("year", "commune__province", "commune__district")
        .annotate(
            n_met=Sum("met"),
            n_communes=Count("pk"),
            approved_met=Sum("met", filter=is_approved),
            approved_communes=Count("pk", filter=is_approved),
        )
        .values_list(
            "year",
            "commune__province",
            "commune__district",
            "n_met",
            "n_communes",
            "approved_met",
            "approved_communes",
        )
    )
    return CriteriaTotals(
        [
            (
                year,
                province,
                district,
                Average(int(met), communes),
                Average(int(approved_met or 0), approved_communes),
            )
            for year, province, district, met, communes, approved_met, approved_communes in rows
        ]
    )


def criteria_counts(ys, assessed, place=WHOLE, approved_only=False):
    """How many communes meet each criterion of the year's set (`ys`, a YearSet) in its
    year, out of `assessed` (two queries).

    Lists the set's criteria, in their order. A score's `met_mask` has
    bit n set when criterion n is met, so summing `met_mask & 2ⁿ` over the
    communes counts them 2ⁿ at a time.
    """
    if ys.criteria_set is None:
        return []
    criteria = list(
        Criterion.objects.filter(criteria_set=ys.criteria_set)
        .order_by("number")
        .values_list("number", "name")
    )
    sums = (
        _scores(place, approved_only)
        .filter(year=ys.year)
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


def recognition_counts(on, place=WHOLE, ys=None, approved_year=None):
    """Communes recognised at each level or higher on or before `on`, and the totals
    (one query).

    A higher level is also every lower one: a commune recognised nâng cao is a commune
    đạt chuẩn NTM, so the NTM count includes it ("84 xã đạt chuẩn NTM, trong đó 7 xã
    nâng cao"), and each commune counts once per level. The levels are the period's of
    `ys` (a YearSet; 2021–2025's without one): in 2026–2030 a commune recognised nâng
    cao or kiểu mẫu before counts as NTM (YearSet.level_of). Each unit counts for
    itself, the unit at the time of its recognition, on either map: so the counts are
    the same on both. Besides the counts per level: `total`, the programme's xã of the
    old map (in the place); `units`, today's programme units; and per level
    `<level>_units`, the units of today that reached it (by their own or their old
    units' recognitions): the rows the communes list shows for that level on today's
    map.

    With `approved_year`, only the units whose results of that year were approved
    count (on today's map: the units of today with an approved commune-year, theirs
    or an old unit's, and every old unit of theirs): the rows the communes list shows
    with ``?da-duyet=1``.
    """
    ys = ys or YearSet(None, None, None)
    counted_as = ys.level_map()

    def reached(period_level):
        """The unit has a recognition counting at `period_level` or higher."""
        found = [level for level, own in counted_as.items() if RANK[own] >= RANK[period_level]]
        return Exists(
            Recognition.objects.filter(commune=OuterRef("pk"), level__in=found, decided_on__lte=on)
        )

    communes = programme_communes(place)
    if approved_year is not None:
        scores = CriteriaScore.objects.in_their_period().filter(year=approved_year)
        scores = scores.filter(approved())
        if place.map == Map.CURRENT:
            scores = scores.filter(commune__current_unit=OuterRef("current_unit"))
        else:
            scores = scores.filter(commune=OuterRef("pk"))
        communes = communes.filter(Exists(scores))
    communes = communes.annotate(**{f"has_{level}": reached(level) for level in ys.levels})
    at_level = {level: Q(**{f"has_{level}": True}) for level in ys.levels}
    return communes.aggregate(
        total=Count("pk", filter=Q(era=Era.PRE_2025)),
        units=Count("pk", filter=Q(era=Era.FROM_2025)),
        **{level: Count("pk", filter=condition) for level, condition in at_level.items()},
        **{
            f"{level}_units": Count("current_unit", filter=condition, distinct=True)
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
    """Active assignments not visited for more than NTM_STALE_VISIT_DAYS days, counted from
    their start or their group's last confirmed visit (Assignment.objects.stale)."""
    assignments = Assignment.objects.stale(today or timezone.localdate())
    return assignments.filter(place.records("commune")).count()


def overdue_counts(place=WHOLE, today=None):
    """(recommendations, assignments): the recommendations not resolved whose due date is
    before today, and the assignments they were made for, the rows the assignments list
    shows with ``overdue=1`` (Assignment.objects.with_overdue_recommendations); one query."""
    recommendations = Recommendation.objects.overdue(today or timezone.localdate())
    counts = recommendations.filter(place.records("visit__assignment__commune")).aggregate(
        recommendations=Count("pk"), assignments=Count("visit__assignment", distinct=True)
    )
    return counts["recommendations"], counts["assignments"]


@dataclass(frozen=True)
class Approval:
    """Of the year's commune-years with results (in the place), how many are approved."""

    approved: int
    with_results: int


@dataclass(frozen=True)
class Summary:
    """Everything the dashboard shows for one year, in one place (a map, old province or
    district)."""

    year: int | None
    place: Place
    today: datetime.date
    year_set: YearSet  # the year's period and criteria set
    approved_only: bool  # the results figures count approved commune-years only
    recognitions: dict  # see recognition_counts
    average: Average
    by_year: dict  # {year: Average} of the year's period, for the place
    by_district: list  # [DistrictAverage]: the old province's, or all (empty on today's map)
    criteria: list  # [CriterionCount]
    approval: Approval  # the year's commune-years with results, and how many are approved
    recent_visits: int
    recent_since: datetime.date
    stale_assignments: int
    overdue_recommendations: int
    overdue_assignments: int  # those the overdue recommendations were made for

    @property
    def district_id(self):
        return self.place.district_id


def summary(totals, year, place=WHOLE, districts=(), today=None, approved_only=False):
    """The dashboard's figures from `totals` (criteria_totals) and six more queries.

    `districts` are programme_districts(), already loaded for the filter form
    (none on today's map, which has no district chart). The year's figures are
    against its period's set; the year chart shows the years of that period only.
    """
    today = today or timezone.localdate()
    ys = year_set(year, today)
    period_years = ys.period.years if ys.period is not None else None
    by_year = totals.by_year(place, approved_only, period_years)
    average = by_year.get(year, Average(0, 0))
    approval = Approval(
        totals.by_year(place, True).get(year, Average(0, 0)).communes,
        totals.by_year(place).get(year, Average(0, 0)).communes,
    )
    has_year = year is not None
    if place.province_id is not None:
        districts = [d for d in districts if d.province_id == place.province_id]
    overdue_recommendations, overdue_assignments = overdue_counts(place, today)
    return Summary(
        year=year,
        place=place,
        today=today,
        year_set=ys,
        approved_only=approved_only,
        recognitions=recognition_counts(
            year_end(year, today), place, ys, year if approved_only and has_year else None
        ),
        average=average,
        by_year=by_year,
        by_district=totals.by_district(year, districts, approved_only) if has_year else [],
        criteria=criteria_counts(ys, average.communes, place, approved_only) if has_year else [],
        approval=approval,
        recent_visits=recent_visit_count(place, today),
        recent_since=recent_visits_since(today),
        stale_assignments=stale_assignment_count(place, today),
        overdue_recommendations=overdue_recommendations,
        overdue_assignments=overdue_assignments,
    )
