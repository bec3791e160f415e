"""The report pages' data: one function per page holding its joins and annotations.

The page, its table and its Excel export all read through these functions, so
each page runs a fixed number of queries whatever the number of rows (pinned by
the tests in tests/reports/).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from assignments.models import Assignment, FieldVisit, Member, Support
from communes.lineage import predecessors_by_unit
from communes.models import (
    Assessment,
    Commune,
    CommuneChange,
    CommuneYear,
    CriteriaScore,
    Criterion,
    Map,
    Recognition,
)
from core import formats

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
    * last_visit: the date of the latest confirmed visit of any of its assignments.

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
    last_visit = (
        FieldVisit.objects.counted()
        .filter(**{map.unit("assignment__commune"): OuterRef("pk")})
        .order_by("-visited_on")
        .values("visited_on")[:1]
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
            last_visit=Subquery(last_visit),
        )
        .order_by("sort_name", "code")
    )


# --- the commune dossier ------------------------------------------------------------


@dataclass
class GridRow:
    criterion: Criterion
    cells: list  # one per year of the grid: True (met), False (not met) or None (no result)
    group_starts: bool = False  # first criterion of its group: the group heading goes before


@dataclass
class CriteriaGrid:
    """One unit's criteria results by year (never two units in one grid)."""

    years: list
    rows: list
    met_counts: list  # one per year: criteria met, or None without any result that year
    total: int
    unit: Commune | None = None
    label: str = ""  # the old unit's label on a current unit's dossier; empty for its own
    gaps: list = field(default_factory=list)  # criteria not met in the latest year
    unassessed: list = field(default_factory=list)  # criteria without a result in that year

    @property
    def latest_year(self):
        return self.years[-1] if self.years else None

    @property
    def latest_met(self):
        return self.met_counts[-1] if self.years else None


@dataclass
class SupportTotal:
    kind: str
    label: str
    items: int = 0
    amount_vnd: int = 0


@dataclass
class Dossier:
    """A unit's records and, for a unit that exists now, those of the old units rolled
    up to it (``predecessors``): each such record carries ``unit_label``, the old unit's
    name (None on the unit's own records), and every total counts them."""

    commune: Commune
    merged_from: list
    merged_into: list
    current_assignments: list
    previous_assignments: list
    grid: CriteriaGrid  # the unit's own
    recognitions: list
    visits: list
    support_by_kind: list = field(default_factory=list)
    support_total_vnd: int = 0
    predecessors: list = field(default_factory=list)  # old units whose records count here
    predecessor_grids: list = field(default_factory=list)  # one per old unit with results

    @property
    def unit_ids(self):
        """The units whose records the dossier shows: itself, then its predecessors."""
        return [self.commune.pk, *(unit.pk for unit in self.predecessors)]

    @property
    def gaps(self):
        return self.grid.gaps

    @property
    def unassessed(self):
        return self.grid.unassessed

    @property
    def grids(self):
        """The unit's own grid first, then one per old unit with results."""
        return [self.grid, *self.predecessor_grids]

    @property
    def succession(self):
        """An old unit's latest change, to the unit that took it over (None if it exists)."""
        return self.merged_into[-1] if self.commune.has_ceased and self.merged_into else None

    @property
    def own_recognitions(self):
        return [r for r in self.recognitions if r.commune_id == self.commune.pk]

    @property
    def level(self):
        """The unit's own highest recognition, or None (an old unit's is not its successor's)."""
        return max(self.own_recognitions, key=lambda r: LEVEL_RANK.get(r.level, 0), default=None)

    @property
    def recognised_predecessors(self):
        """How many old units rolled up here were recognised."""
        return len({r.commune_id for r in self.recognitions} - {self.commune.pk})

    @property
    def unassessed_predecessors(self):
        assessed = {grid.unit.pk for grid in self.predecessor_grids}
        return [unit for unit in self.predecessors if unit.pk not in assessed]

    @property
    def counted_visits(self):
        """The confirmed visits: the ones the figures count (the timeline lists all)."""
        return [v for v in self.visits if v.status == FieldVisit.Status.CONFIRMED]

    @property
    def last_visit(self):
        counted = self.counted_visits
        return counted[0] if counted else None

    @property
    def latest_met(self):
        return self.grid.latest_met


def dossier_commune_queryset():
    return Commune.objects.select_related("district", "province", "current_unit")


def old_unit_label(unit):
    """An old unit as a current unit's dossier names it:
    "Xã Bản Phố (Huyện Bắc Hà, trước 01/07/2025)"."""
    details = [unit.district.name] if unit.district_id else []
    if unit.valid_to:
        until = formats.day(unit.valid_to + datetime.timedelta(days=1))
        details.append(_("trước %(day)s") % {"day": until})
    name = f"{unit.get_kind_display()} {unit.name}"
    return f"{name} ({', '.join(details)})" if details else name


def _criteria_grid(criteria, results, unit=None, label=""):
    """A unit's grid from its results {(criterion id, year): met}."""
    years = sorted({year for _criterion, year in results})
    rows, previous_group = [], None
    for criterion in criteria:
        rows.append(
            GridRow(
                criterion=criterion,
                cells=[results.get((criterion.pk, year)) for year in years],
                group_starts=criterion.group_id != previous_group,
            )
        )
        previous_group = criterion.group_id
    met_counts = [sum(1 for row in rows if row.cells[i]) for i in range(len(years))]
    grid = CriteriaGrid(
        years=years,
        rows=rows,
        met_counts=met_counts,
        total=len(criteria),
        unit=unit,
        label=label,
    )
    if years:
        grid.gaps = [row.criterion for row in rows if row.cells[-1] is False]
        grid.unassessed = [row.criterion for row in rows if row.cells[-1] is None]
    return grid


def _criteria_grids(commune, predecessors, labels):
    """The unit's own grid and one per old unit with results (two queries in all)."""
    criteria = list(Criterion.objects.programme().select_related("group").order_by("number"))
    results = defaultdict(dict)
    for unit_id, criterion_id, year, met in (
        Assessment.objects.programme()
        .filter(commune__in=[commune.pk, *labels])
        .order_by()
        .values_list("commune_id", "criterion_id", "year", "met")
    ):
        results[unit_id][(criterion_id, year)] = met
    own = _criteria_grid(criteria, results[commune.pk], unit=commune)
    old = [
        _criteria_grid(criteria, results[unit.pk], unit=unit, label=labels[unit.pk])
        for unit in predecessors
        if results[unit.pk]
    ]
    return own, old


def _support_totals(visits):
    totals = {kind: SupportTotal(kind, label) for kind, label in Support.Kind.choices}
    for visit in visits:
        for support in visit.supports.all():
            total = totals[support.kind]
            total.items += 1
            total.amount_vnd += support.amount_vnd
    return [total for total in totals.values() if total.items]


def _member_rank():
    """Head first, then deputies, then members."""
    roles = [Member.Role.HEAD, Member.Role.DEPUTY]
    return Case(
        *(When(role=role, then=Value(rank)) for rank, role in enumerate(roles)),
        default=Value(len(roles)),
        output_field=IntegerField(),
    )


def commune_dossier(commune):
    """Everything the dossier shows, in a fixed number of queries.

    A unit that exists now also shows the records of the old units rolled up to it
    (``Commune.objects.rolled_up_to``: merged into it, directly or through a unit that
    ceased in turn), each labelled with the old unit's name, and its totals count them:
    the number of queries does not depend on how many there are. The records stay on
    the unit they were made for; an old unit's dossier shows its own and names the unit
    they count for (``Dossier.succession``, ``commune.current_unit``).
    """
    predecessors = []
    if commune.current_unit_id == commune.pk:
        predecessors = predecessors_by_unit([commune])[commune.pk]
    labels = {unit.pk: old_unit_label(unit) for unit in predecessors}
    unit_ids = [commune.pk, *labels]
    changes = list(
        CommuneChange.objects.filter(Q(predecessor=commune) | Q(successor=commune))
        .select_related("predecessor__district", "successor__district")
        .order_by("effective_on", "pk")
    )
    assignments = list(
        Assignment.objects.filter(commune__in=unit_ids)
        .select_related("leader__agency", "working_group__agency", "decision")
        .prefetch_related(
            Prefetch(
                "working_group__members",
                queryset=Member.objects.filter(left_on__isnull=True).order_by(
                    _member_rank(), "full_name"
                ),
                to_attr="current_members",
            )
        )
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-pk")
    )
    grid, predecessor_grids = _criteria_grids(commune, predecessors, labels)
    visits = list(
        FieldVisit.objects.filter(assignment__commune__in=unit_ids)
        .select_related("assignment__leader")
        .prefetch_related(
            Prefetch("supports", queryset=Support.objects.order_by("id")),
            "recommendations",
            "participants",
        )
        .order_by("-visited_on", "-id")
    )
    recognitions = list(
        Recognition.objects.filter(commune__in=unit_ids).order_by("-decided_on", "-pk")
    )
    for assignment in assignments:
        assignment.unit_label = labels.get(assignment.commune_id)
    for visit in visits:
        visit.unit_label = labels.get(visit.assignment.commune_id)
    for recognition in recognitions:
        recognition.unit_label = labels.get(recognition.commune_id)
    # Support received counts only confirmed visits, like every other figure.
    support_by_kind = _support_totals(v for v in visits if v.status == FieldVisit.Status.CONFIRMED)
    return Dossier(
        commune=commune,
        merged_from=[c for c in changes if c.successor_id == commune.pk],
        merged_into=[c for c in changes if c.predecessor_id == commune.pk],
        current_assignments=[a for a in assignments if a.is_active],
        previous_assignments=[a for a in assignments if not a.is_active],
        grid=grid,
        recognitions=recognitions,
        visits=visits,
        support_by_kind=support_by_kind,
        support_total_vnd=sum(total.amount_vnd for total in support_by_kind),
        predecessors=predecessors,
        predecessor_grids=predecessor_grids,
    )
