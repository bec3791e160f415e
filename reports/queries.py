"""The report pages' data: one function per page holding its joins and annotations.

The page, its table and its Excel export all read through these functions, so
each page runs a fixed number of queries whatever the number of rows (pinned by
the tests in tests/reports/).
"""

from collections import Counter

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from assignments.models import Assignment, FieldVisit
from communes.lineage import predecessors_by_unit
from communes.models import (
    Commune,
    CommuneYear,
    CriteriaScore,
    Map,
    Recognition,
)

from .year_set import RANK, approved, year_set

# Recognition levels from lowest to highest; a commune's NTM level is its highest.
LEVEL_RANK = RANK
STATUS_RANK = {status: rank for rank, status in enumerate(CommuneYear.Status.values)}


def assessment_years():
    """Years with results against their own period's set, oldest first (one query): every
    year of 2021–2030 that has data."""
    scores = CriteriaScore.objects.in_their_period()
    return list(scores.order_by("year").values_list("year", flat=True).distinct())


def level_rank(levels=None):
    """An expression ranking a Recognition's level (see LEVEL_RANK); with `levels`
    (YearSet.level_map()), the rank of the level of the year's period it counts at."""
    levels = levels or {level: level for level in LEVEL_RANK}
    return Case(
        *(When(level=level, then=Value(LEVEL_RANK[own])) for level, own in levels.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def counted_level(levels):
    """An expression: the level of the year's period a Recognition counts at (`levels`:
    YearSet.level_map(); nâng cao of 2024 counts as NTM in 2026)."""
    return Case(
        *(When(level=level, then=Value(own)) for level, own in levels.items()),
        default=F("level"),
        output_field=CharField(),
    )


def _active_assignment(value):
    """The commune's current assignment (latest started), reduced to one value."""
    active = Assignment.objects.active().filter(commune=OuterRef("pk"))
    return Subquery(active.order_by("-started_on", "-pk").values(value)[:1])


def leader_order():
    """Accent-folded name of the current leader, for ordering the list."""
    return _active_assignment("leader__search_name")


def agency_order():
    return _active_assignment("leader__agency__search_name")


def _count(rows):
    """A count subquery (one grouped row) as a number, 0 without rows."""
    return Coalesce(Subquery(rows), Value(0))


def old_districts_of(units):
    """{unit pk: ([old district names, the most predecessors first], [old unit names])} of
    today's `units` (pks or units), in one query: where each comes from, for orientation
    (offices still say "huyện Bắc Hà")."""
    found = {}
    for pk, olds in predecessors_by_unit(list(units)).items():
        districts = Counter(u.district.name for u in olds if u.district_id is not None)
        names = sorted(districts, key=lambda name: -districts[name])  # stable: ties by first seen
        found[pk] = (names, [u.name for u in olds])
    return found


def communes_for_list(year, units=None, map=Map.OLD, ys=None):
    """Communes with the list page's figures, in Vietnamese alphabetical order.

    `units` defaults to the programme's units on `map`; `year` is the year whose
    criteria count, `ys` its YearSet (read when not given). Every figure is a
    correlated subquery, so the page needs no query per row:

    * criteria_met: criteria of the year's set met in `year` (19 up to 2025, 10
      from 2026; None when the commune has no result that year, 0 when it met none),
      read from the commune's CriteriaScore of that year (one indexed row), so
      that sorting and filtering by it count no assessments;
    * approved_units: its commune-years of `year` with results that the office
      approved (0 or 1 on the old map); year_status: the review status of its
      commune-year (None: no review yet, a draft);
    * ntm_level / level_rank: the highest recognition decided by 31/12 of
      `year` (None / 0 without one), at the levels of the year's period, as the
      dashboard counts it;
    * active_*: leader and agency of the unit's current assignment;
    * last_visit: the date of the latest confirmed visit of any of its assignments
      (FieldVisit.objects.last_visit_on, as the dossier and "Việc của tôi" read it).

    On today's map a row is a unit of today, and its figures take the records of
    the old units merged into it too (``Map.CURRENT.unit``): every figure is read
    through ``current_unit``, so it costs the same whatever the predecessors:

    * criteria_met is the average over its units assessed in `year` (each old xã
      was assessed on its own: the number itself when one was), criteria_units how
      many were assessed; approved_units how many of those were approved, and
      year_status the least advanced status among their reviews;
    * ntm_level is the highest level any of them reached, recognised_units how many
      of them were recognised by then, each as the unit of its recognition (so the
      sum over the rows is the old map's count);
    * last_visit is the latest confirmed visit to any of them;
    * active_* stay the unit's own assignment (an old unit's is carried over to it).
    """
    ys = ys or year_set(year)
    unit = map.unit("commune")  # the record's unit on this map
    units = Commune.objects.in_programme(map) if units is None else units
    scores = CriteriaScore.objects.in_their_period().filter(**{unit: OuterRef("pk")}, year=year)
    recognitions = Recognition.objects.filter(**{unit: OuterRef("pk")}, decided_on__year__lte=year)
    levels = ys.level_map()
    best = recognitions.annotate(rank=level_rank(levels), counted=counted_level(levels)).order_by(
        "-rank", "-decided_on"
    )
    reviews = CommuneYear.objects.filter(**{unit: OuterRef("pk")}, year=year).annotate(
        rank=Case(
            *(When(status=status, then=Value(rank)) for status, rank in STATUS_RANK.items()),
            output_field=IntegerField(),
        )
    )
    per_unit = scores.order_by().values(unit)
    rolled_up = {
        "approved_units": _count(per_unit.filter(approved()).annotate(n=Count("pk")).values("n")),
        "year_status": Subquery(reviews.order_by("rank").values("status")[:1]),
    }
    if map == Map.CURRENT:
        rolled_up |= {
            "criteria_met": Subquery(per_unit.annotate(average=Avg("met")).values("average")),
            "criteria_units": _count(per_unit.annotate(n=Count("pk")).values("n")),
            "recognised_units": _count(
                recognitions.order_by()
                .values(unit)
                .annotate(n=Count("commune", distinct=True))
                .values("n")
            ),
        }
    else:
        rolled_up["criteria_met"] = Subquery(scores.values("met")[:1])
    return (
        units.select_related("district")
        .annotate(
            **rolled_up,
            ntm_level=Subquery(best.values("counted")[:1]),
            level_rank=Coalesce(Subquery(best.values("rank")[:1]), Value(0)),
            active_leader_id=_active_assignment("leader_id"),
            active_leader_name=_active_assignment("leader__full_name"),
            active_agency_id=_active_assignment("leader__agency_id"),
            active_agency_name=_active_assignment("leader__agency__name"),
            active_agency_short=_active_assignment("leader__agency__short_name"),
            last_visit=FieldVisit.objects.last_visit_on(),
        )
        .order_by("sort_name", "code")
    )
