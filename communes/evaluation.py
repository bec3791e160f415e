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

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.iterables import chunks

from . import locks, scores
from .models import (
    Assessment,
    CommuneGroup,
    CriteriaSet,
    IndicatorResult,
    Requirement,
)

CHUNK = 500  # communes per query
BATCH = 1000  # rows per bulk write


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


def judged(result, requirement):
    """Whether a result meets its requirement: the value decides a numeric requirement."""
    if requirement is not None and requirement.is_numeric and result.value is not None:
        return requirement.check_value(result.value)
    return result.met


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
    history = {
        "default_user": user,
        "default_change_reason": reason or default_reason(),
        "default_date": timezone.now(),
    }
    groups = groups_of(commune_ids, criteria_set.period)
    requirements = requirements_of(criteria_set)
    indicators = {i.pk: i for c in criteria.values() for i in c.indicators.all()}
    results = defaultdict(list)  # (commune, criterion) → [IndicatorResult]
    existing = {}  # (commune, criterion) → Assessment
    rejudged = []
    for group in chunks(sorted(commune_ids), CHUNK):
        found = IndicatorResult.objects.filter(
            commune_id__in=group, year=year, indicator_id__in=indicators
        ).order_by()
        for result in found:
            requirement = requirements.get((result.indicator_id, groups.get(result.commune_id)))
            met = judged(result, requirement)
            if met != result.met:
                result.met = met
                rejudged.append(result)
            results[(result.commune_id, indicators[result.indicator_id].criterion_id)].append(
                result
            )
        assessments = Assessment.objects.filter(
            commune_id__in=group, year=year, criterion_id__in=criteria
        ).order_by()
        existing.update(((a.commune_id, a.criterion_id), a) for a in assessments)

    changes, create, update, delete = [], [], [], []
    for commune_id in sorted(commune_ids):
        for criterion_id, criterion in criteria.items():
            found = results.get((commune_id, criterion_id), [])
            assessment = existing.get((commune_id, criterion_id))
            was = assessment.met if assessment else None
            if not found:
                now = None
                if assessment:
                    delete.append(assessment)
            else:
                now = len(found) == len(criterion.indicators.all()) and all(r.met for r in found)
                is_demo = all(r.is_demo for r in found)
                if assessment is None:
                    create.append(
                        Assessment(
                            commune_id=commune_id,
                            criterion=criterion,
                            year=year,
                            met=now,
                            is_demo=is_demo,
                        )
                    )
                elif assessment.met != now:
                    assessment.met = now
                    update.append(assessment)
            if was != now:
                changes.append(Change(commune_id, year, criterion.number, criterion.name, was, now))
    with scores.deferred():  # the scores of the communes written, once at the end
        _write(rejudged, create, update, delete, history)
        scores.changed(*{(a.commune_id, year) for a in (*create, *update)})
    return changes


def _write(rejudged, create, update, delete, history):
    """Write the planned rows in bulk, each with one history record."""
    if rejudged:
        IndicatorResult.objects.bulk_update(rejudged, ["met"], batch_size=BATCH)
        IndicatorResult.history.bulk_history_create(
            rejudged, update=True, batch_size=BATCH, **history
        )
    if create:
        bulk_create_with_history(create, Assessment, batch_size=BATCH, **history)
    if update:
        Assessment.objects.bulk_update(update, ["met"], batch_size=BATCH)
        Assessment.history.bulk_history_create(update, update=True, batch_size=BATCH, **history)
    # Rare (every indicator result of a criterion cleared): one by one, so that each
    # deletion is in the history (the locks were checked, the scores are deferred).
    with locks.checked({(a.commune_id, a.year) for a in delete}):
        for assessment in delete:
            if history["default_user"] is not None:
                assessment._history_user = history["default_user"]
            assessment._change_reason = history["default_change_reason"]
            assessment.delete()
