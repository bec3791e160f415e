"""Scorecards of assignments for the leader and agency pages.

Four grouped queries serve any number of assignments: visits per year,
support per kind, recommendations by state, criteria met per commune and year
(each year against its own period's set: criteria gained are counted within one
period, 19 criteria up to 2025, 10 from 2026, never from one set to the other).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from communes.models import CriteriaScore, Criterion

from .models import FieldVisit, Recommendation, Support


@dataclass
class YearOfVisits:
    year: int
    visits: int = 0
    leader_present: int = 0


@dataclass
class SupportOfKind:
    kind: str
    label: str
    items: int
    total: int


@dataclass
class Scorecard:
    assignment: object
    years: list = field(default_factory=list)
    support_by_kind: list = field(default_factory=list)
    recommendations_open: int = 0
    recommendations_resolved: int = 0
    recommendations_overdue: int = 0
    criteria_start_year: int | None = None
    criteria_start: int | None = None
    criteria_latest_year: int | None = None
    criteria_latest: int | None = None
    criteria_total: int | None = None  # criteria in the latest year's set

    @property
    def visits(self):
        return sum(row.visits for row in self.years)

    @property
    def visits_leader_present(self):
        return sum(row.leader_present for row in self.years)

    @property
    def visits_leader_absent(self):
        return self.visits - self.visits_leader_present

    @property
    def support_total(self):
        return sum(row.total for row in self.support_by_kind)

    @property
    def criteria_gained(self):
        if self.criteria_start is None or self.criteria_latest is None:
            return None
        return self.criteria_latest - self.criteria_start


def scorecards(assignments, today=None):
    """{assignment pk: Scorecard} for the given assignments (commune loaded), in four queries."""
    today = today or timezone.localdate()
    assignments = list(assignments)
    cards = {a.pk: Scorecard(a) for a in assignments}
    if not cards:
        return cards
    ids = list(cards)

    visits = defaultdict(dict)
    rows = (
        FieldVisit.objects.counted()
        .filter(assignment__in=ids)
        .annotate(year=ExtractYear("visited_on"))
        .values("assignment", "year")
        .annotate(n=Count("pk"), present=Count("pk", filter=Q(leader_present=True)))
        .order_by()
    )
    for row in rows:
        visits[row["assignment"]][row["year"]] = row

    labels = dict(Support.Kind.choices)
    order = list(labels)
    rows = (
        Support.objects.counted()
        .filter(visit__assignment__in=ids)
        .values("visit__assignment", "kind")
        .annotate(items=Count("pk"), total=Sum("amount_vnd"))
        .order_by()
    )
    for row in sorted(rows, key=lambda r: order.index(r["kind"]) if r["kind"] in order else 99):
        cards[row["visit__assignment"]].support_by_kind.append(
            SupportOfKind(
                row["kind"], labels.get(row["kind"], row["kind"]), row["items"], row["total"] or 0
            )
        )

    resolved = Q(status=Recommendation.Status.RESOLVED)
    rows = (
        Recommendation.objects.counted()
        .filter(visit__assignment__in=ids)
        .values("visit__assignment")
        .annotate(
            resolved=Count("pk", filter=resolved),
            unresolved=Count("pk", filter=~resolved),
            overdue=Count("pk", filter=~resolved & Q(due_on__lt=today)),
        )
        .order_by()
    )
    for row in rows:
        card = cards[row["visit__assignment"]]
        card.recommendations_open = row["unresolved"]
        card.recommendations_resolved = row["resolved"]
        card.recommendations_overdue = row["overdue"]

    met = defaultdict(dict)  # commune → year → (criteria met, period, criteria in the set)
    in_set = (
        Criterion.objects.filter(criteria_set=OuterRef("criteria_set"))
        .order_by()
        .values("criteria_set")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        CriteriaScore.objects.in_their_period()
        .filter(commune__in={a.commune_id for a in assignments})
        .annotate(total=Subquery(in_set))
        .values_list("commune", "year", "met", "criteria_set__period", "total")
        .order_by()
    )
    for commune, year, criteria_met, period, total in rows:
        met[commune][year] = (criteria_met, period, total)

    for assignment in assignments:
        card = cards[assignment.pk]
        last_year = (assignment.ended_on or today).year
        by_year = visits[assignment.pk]
        first_year = min([assignment.started_on.year, *by_year])
        last_year = max([last_year, *by_year])
        card.years = [
            YearOfVisits(
                year,
                by_year.get(year, {}).get("n", 0),
                by_year.get(year, {}).get("present", 0),
            )
            for year in range(first_year, last_year + 1)
        ]
        _criteria(card, met[assignment.commune_id], assignment, today)
    return cards


def _criteria(card, met_by_year, assignment, today):
    """Criteria met in the assignment's first assessed year and its latest one, both of the
    latest one's period (the same set)."""
    end = (assignment.ended_on or today).year
    years = sorted(y for y in met_by_year if assignment.started_on.year <= y <= end)
    if not years:
        return
    _met, period, total = met_by_year[years[-1]]
    years = [y for y in years if met_by_year[y][1] == period]
    card.criteria_start_year, card.criteria_latest_year = years[0], years[-1]
    card.criteria_start = met_by_year[years[0]][0]
    card.criteria_latest = met_by_year[years[-1]][0]
    card.criteria_total = total
