"""The commune dossier's data (reports.views.communes.CommuneDetailView): the unit, its
lineage, assignments, visits, support, and its 2021–2025 criteria grids, read in a fixed
number of queries whatever its number of predecessors (the 2026+ sections:
reports.dossier_results)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    F,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext as _

from assignments.models import Assignment, FieldVisit, Member, Support
from communes.lineage import predecessors_by_unit
from communes.models import (
    Assessment,
    Commune,
    CommuneChange,
    Criterion,
    Recognition,
)
from core import formats

from .year_set import RANK


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
        return max(self.own_recognitions, key=lambda r: RANK.get(r.level, 0), default=None)

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
        """The latest confirmed visit to the unit or, for a unit of today, to an old unit
        merged into it: the date FieldVisit.objects.last_visit_on gives the communes list
        and "Việc của tôi", read here from the visits the dossier has loaded anyway."""
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
        FieldVisit.objects.not_deleted()
        .filter(assignment__commune__in=unit_ids)
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
