"""Keeping CriteriaScore equal to the assessments it summarises.

Every change to an assessment changes the score of its commune and year in
the same transaction:

* a single save or delete (the admin, a form, a restore from history) sends a
  signal, and the score is recomputed at once (one commune, one year);
* bulk work (imports, demo and synthetic data, deleting many rows) runs inside
  ``deferred()``: the signals only note which (commune, year) changed, and the
  scores are recomputed once when the block ends;
* code that bypasses signals (``bulk_create``, ``QuerySet.update``) calls
  ``refresh()`` for what it touched.

``refresh()`` with no arguments rebuilds every score, and ``drift()`` tells
whether the table differs from the assessments (``manage.py refresh_scores``).
"""

import contextlib
import contextvars
from collections import defaultdict

from django.db import transaction
from django.db.models import BigIntegerField, Count, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, Power
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core.iterables import chunks

from .models import Assessment, CriteriaScore, Criterion

CHUNK = 500  # communes per query when refreshing many
# met_mask holds criteria numbered 1–62 (a signed 64-bit integer); sets have about 20.
# A criterion numbered higher counts in `met` but has no bit.
MASK_BITS = 62

# The (commune id, year) pairs noted inside deferred(), or None outside it.
_pending = contextvars.ContextVar("pending_scores", default=None)


def _computed(communes=None, years=None, *, models=(Assessment, CriteriaScore)):
    """Score rows computed from the assessments (of `communes`, `years` if given).

    `models` lets the data migration pass its historical models.
    """
    assessment_model, score_model = models
    assessments = assessment_model.objects.order_by()
    if communes is not None:
        assessments = assessments.filter(commune_id__in=communes)
    if years is not None:
        assessments = assessments.filter(year__in=years)
    rows = assessments.values("commune_id", "criterion__criteria_set_id", "year").annotate(
        n_assessed=Count("pk"),
        n_met=Count("pk", filter=Q(met=True)),
        # Distinct criterion numbers: the sum of their powers of two is their bitwise OR.
        mask=Cast(
            Coalesce(
                Sum(
                    Power(Value(2), "criterion__number"),
                    filter=Q(met=True, criterion__number__lte=MASK_BITS),
                ),
                Value(0.0),
            ),
            BigIntegerField(),
        ),
    )
    return [
        score_model(
            commune_id=row["commune_id"],
            criteria_set_id=row["criterion__criteria_set_id"],
            year=row["year"],
            assessed=row["n_assessed"],
            met=row["n_met"],
            met_mask=row["mask"],
        )
        for row in rows
    ]


@transaction.atomic
def refresh(communes=None, years=None):
    """Recompute the scores of `communes` (ids) in `years`; everything when both are None.

    Returns the number of score rows written.
    """
    years = None if years is None else sorted(set(years))
    groups = [None] if communes is None else list(chunks(sorted(set(communes)), CHUNK))
    written = 0
    for group in groups:
        stale = CriteriaScore.objects.all()
        if group is not None:
            stale = stale.filter(commune_id__in=group)
        if years is not None:
            stale = stale.filter(year__in=years)
        stale.delete()
        rows = _computed(group, years)
        CriteriaScore.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
    return written


def refresh_pairs(pairs):
    """Recompute the scores of (commune id, year) pairs, grouped by year."""
    by_year = defaultdict(set)
    for commune_id, year in pairs:
        if commune_id is not None and year is not None:
            by_year[year].add(commune_id)
    for year, communes in sorted(by_year.items()):
        refresh(communes, [year])


@contextlib.contextmanager
def deferred():
    """Note the assessments changed inside the block; recompute their scores once at its end.

    Nested blocks recompute at the end of the outermost. On an exception
    nothing is recomputed (the caller's transaction rolls back the changes).
    """
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        pairs = _pending.get()
    finally:
        _pending.reset(token)
    refresh_pairs(pairs)


def changed(*pairs):
    """(commune id, year) pairs whose assessments changed: now, or at the end of deferred()."""
    pending = _pending.get()
    if pending is None:
        refresh_pairs(pairs)
    else:
        pending.update(pairs)


def drift():
    """Score rows that differ from the assessments: (missing or wrong, left over) counts."""
    expected = {
        (s.commune_id, s.criteria_set_id, s.year): (s.assessed, s.met, s.met_mask)
        for s in _computed()
    }
    stored = {
        (commune, criteria_set, year): (assessed, met, mask)
        for commune, criteria_set, year, assessed, met, mask in CriteriaScore.objects.values_list(
            "commune_id", "criteria_set_id", "year", "assessed", "met", "met_mask"
        )
    }
    wrong = sum(1 for key, value in expected.items() if stored.get(key) != value)
    left_over = len(stored.keys() - expected.keys())
    return wrong, left_over


@receiver(post_save, sender=Assessment, dispatch_uid="scores_assessment_saved")
def _assessment_saved(sender, instance, raw=False, **kwargs):
    before = getattr(instance, "_loaded_score_key", None)
    now = (instance.commune_id, instance.year)
    instance._loaded_score_key = now
    changed(now, *([before] if before and before != now else []))


@receiver(post_delete, sender=Assessment, dispatch_uid="scores_assessment_deleted")
def _assessment_deleted(sender, instance, **kwargs):
    changed((instance.commune_id, instance.year))


def rebuild_for_migration(apps, schema_editor):
    """Fill the table from the assessments already there (migration communes 0003)."""
    score_model = apps.get_model("communes", "CriteriaScore")
    models = (apps.get_model("communes", "Assessment"), score_model)
    score_model.objects.all().delete()
    score_model.objects.bulk_create(_computed(models=models), batch_size=2000)


@receiver(pre_save, sender=Criterion, dispatch_uid="scores_criterion_saving")
def _criterion_saving(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        before = Criterion.objects.filter(pk=instance.pk).values_list("number", "criteria_set_id")
        instance._renumbered = before.first() not in (
            None,
            (instance.number, instance.criteria_set_id),
        )


@receiver(post_save, sender=Criterion, dispatch_uid="scores_criterion_saved")
def _criterion_saved(sender, instance, **kwargs):
    # A criterion renumbered or moved to another set changes the masks of its assessments.
    if getattr(instance, "_renumbered", False):
        instance._renumbered = False
        communes = Assessment.objects.filter(criterion=instance).values_list("commune_id")
        refresh(communes={commune for (commune,) in communes})
