"""From indicator results to criteria (2026+): what a commune's group requires, and what follows.

For a set whose criteria have indicators (2026–2030, once the office loaded them), a
commune's result is recorded per indicator (``IndicatorResult``). What the indicator
requires depends on the commune's group for the period (``CommuneGroup``): a numeric
requirement decides ``met`` from the value; a yes/no one keeps what was recorded.
A criterion is met when every one of its indicators has a result and all are met; it
is assessed (has an ``Assessment``) as soon as one of them has a result. A criterion
without indicators is recorded for itself, as in 2021–2025.

``evaluate()`` applies that to (commune, year) pairs and returns what changed, so that
a page can say which criteria a change of group turned. Locked pairs (approved, or the
year closed: communes.locks) are never re-evaluated. It reads and writes in bulk (a few
queries for hundreds of communes), and every row it writes gets its history record.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.iterables import chunks

from . import locks, scores
from .bulk_rows import BulkRows
from .models import (
    Assessment,
    CommuneGroup,
    CriteriaSet,
    IndicatorResult,
    Requirement,
)

CHUNK = 500  # communes read and written at a time


@dataclass(frozen=True)
class Change:
    commune_id: int
    year: int
    criterion_number: int
    criterion_name: str
    was_met: bool | None  # None: not assessed before
    met: bool | None  # None: no longer assessed

    def __str__(self):
        state = {True: _("đạt"), False: _("chưa đạt"), None: _("chưa đánh giá")}
        return _("Tiêu chí %(number)s %(name)s: %(before)s → %(after)s") % {
            "number": self.criterion_number,
            "name": self.criterion_name,
            "before": state[self.was_met],
            "after": state[self.met],
        }


def set_for(commune_year_set, year):
    """The set a commune-year is assessed against: its own if it has results, else the year's."""
    return commune_year_set or CriteriaSet.objects.for_year(year)


def groups_of(commune_ids, period):
    """{commune id: group number} for the period (communes without a group are absent)."""
    groups = {}
    for group in chunks(sorted(set(commune_ids)), CHUNK):
        rows = CommuneGroup.objects.filter(period=period, commune_id__in=group).order_by()
        groups.update(rows.values_list("commune_id", "number"))
    return groups


def requirements_of(criteria_set):
    """{(indicator id, group): Requirement} of the set."""
    rows = Requirement.objects.filter(indicator__criterion__criteria_set=criteria_set)
    return {(r.indicator_id, r.group): r for r in rows}


def default_reason():
    return _("Tính lại từ kết quả chỉ tiêu")


@transaction.atomic
def evaluate(commune_ids, year, criteria_set=None, *, user=None, reason=None):
    """Re-derive the indicator and criteria results of `commune_ids` in `year`.

    Returns the criteria whose result changed ([Change], by commune then criterion
    number); locked pairs are left as they are. The history records of what it writes
    name `user` and `reason` (default: "Tính lại từ kết quả chỉ tiêu").
    """
    criteria_set = criteria_set or CriteriaSet.objects.for_year(year)
    if criteria_set is None:
        return []
    commune_ids = set(commune_ids)
    commune_ids -= {c for c, _y in locks.locked([(c, year) for c in commune_ids])}
    if not commune_ids:
        return []
    criteria = {
        c.pk: c
        for c in criteria_set.criteria.prefetch_related("indicators").order_by("number")
        if c.indicators.all()
    }
    if not criteria:
        return []
    run = _Run(criteria_set, criteria, year, user, reason or default_reason())
    changes = []
    with scores.deferred():  # the scores of the communes written, once at the end
        for group in chunks(sorted(commune_ids), CHUNK):
            changes += run.evaluate(group)
    return changes


class _Run:
    """One evaluate() call, a chunk of communes at a time: rows read as tuples, the
    criteria decided in Python, what changed written by executemany with its history
    (communes.bulk_rows)."""

    def __init__(self, criteria_set, criteria, year, user, reason):
        self.criteria_set = criteria_set
        self.criteria = criteria  # {id: Criterion}, by number
        self.year = year
        self.user = user
        self.reason = reason
        self.criterion_of = {i.pk: c.pk for c in criteria.values() for i in c.indicators.all()}
        self.sizes = {c.pk: len(c.indicators.all()) for c in criteria.values()}
        # Only a numeric requirement decides met (from the value); a yes/no one keeps it.
        self.numeric = {
            key: requirement
            for key, requirement in requirements_of(criteria_set).items()
            if requirement.is_numeric
        }
        when = timezone.now()
        self.results = BulkRows(IndicatorResult, user=user, reason=reason, date=when)
        self.assessments = BulkRows(Assessment, user=user, reason=reason, date=when)

    def evaluate(self, communes):
        """The Changes of `communes` (sorted ids), written."""
        outcomes = self._outcomes(communes)
        at = self.assessments.index
        met = at["met"]
        existing = {
            (row[at["commune_id"]], row[at["criterion_id"]]): row
            for row in Assessment.objects.filter(
                commune_id__in=communes, year=self.year, criterion_id__in=self.criteria
            )
            .order_by()
            .values_list(*self.assessments.fields)
        }
        changes, create, update, delete = [], [], [], []
        for commune_id in communes:
            for criterion_id, criterion in self.criteria.items():
                outcome = outcomes.get((commune_id, criterion_id))
                assessment = existing.get((commune_id, criterion_id))
                was = assessment[met] if assessment else None
                if outcome is None:
                    now = None
                    if assessment:
                        delete.append(assessment[0])
                else:
                    count, all_met, all_demo = outcome
                    now = count == self.sizes[criterion_id] and all_met
                    if assessment is None:
                        create.append(
                            {
                                "commune_id": commune_id,
                                "criterion_id": criterion_id,
                                "year": self.year,
                                "met": now,
                                "is_demo": all_demo,
                            }
                        )
                    elif was != now:
                        update.append((*assessment[:met], now, *assessment[met + 1 :]))
                if was != now:
                    changes.append(
                        Change(commune_id, self.year, criterion.number, criterion.name, was, now)
                    )
        self._create(communes, create)
        self.assessments.update(update, ["met"])
        scores.changed(*{(row["commune_id"], self.year) for row in create})
        scores.changed(*{(row[at["commune_id"]], self.year) for row in update})
        self._delete(delete)
        return changes

    def _outcomes(self, communes):
        """{(commune, criterion): [results, all met, all demo]} from the communes' indicator
        results, each re-judged against the commune's group (written when it changes)."""
        groups = groups_of(communes, self.criteria_set.period)
        at = self.results.index
        commune, indicator, value, met, demo = (
            at[name] for name in ("commune_id", "indicator_id", "value", "met", "is_demo")
        )
        rows = (
            IndicatorResult.objects.filter(
                commune_id__in=communes, year=self.year, indicator_id__in=self.criterion_of
            )
            .order_by()
            .values_list(*self.results.fields)  # whole rows: a changed one's history needs them
        )
        outcomes, rejudged = {}, []
        for row in rows:
            is_met = row[met]
            requirement = self.numeric.get((row[indicator], groups.get(row[commune])))
            if requirement is not None and row[value] is not None:
                judged = requirement.check_value(row[value])
                if judged != is_met:
                    is_met = judged
                    rejudged.append((*row[:met], judged, *row[met + 1 :]))
            key = (row[commune], self.criterion_of[row[indicator]])
            outcome = outcomes.get(key)
            if outcome is None:
                outcomes[key] = [1, is_met, row[demo]]
            else:
                outcome[0] += 1
                outcome[1] = outcome[1] and is_met
                outcome[2] = outcome[2] and row[demo]
        self.results.update(rejudged, ["met"])
        return outcomes

    def _create(self, communes, create):
        """Store the new assessments with their history."""
        stored = Assessment.objects.filter(
            commune_id__in=communes,
            year=self.year,
            criterion_id__in={row["criterion_id"] for row in create},
        )
        self.assessments.create(create, ("commune_id", "criterion_id"), stored)

    def _delete(self, pks):
        """Rare (every indicator result of a criterion cleared): one by one, so that each
        deletion is in the history (the locks were checked, the scores are deferred)."""
        if not pks:
            return
        gone = list(Assessment.objects.filter(pk__in=pks).order_by())
        with locks.checked({(a.commune_id, a.year) for a in gone}):
            for assessment in gone:
                if self.user is not None:
                    assessment._history_user = self.user
                assessment._change_reason = self.reason
                assessment.delete()
