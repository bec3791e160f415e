"""Approved or closed commune-years are read-only, by every path.

A commune's results for a year (its assessments, its indicator results) are locked when
the office approved that commune-year (``CommuneYear.Status.APPROVED``) or when the
year is closed for entry (``YearClosing``: from its day on). Every writer asks here:

* a single save or delete (the admin, a form, a restore from history) is refused by
  the ``pre_save`` / ``pre_delete`` receivers below, raising ``ValidationError`` with
  the reason (code ``"locked"``); the pages catch it and show it, nothing is written.
  A delete is refused inside Django's own transaction block: a caller that goes on
  after catching the refusal inside ``transaction.atomic`` wraps the delete in its own
  ``atomic()`` (a savepoint), or asks ``locked()`` first;
* bulk writers (imports, evaluation) call ``locked()`` for the pairs they would touch
  and refuse, or skip, before writing anything; inside ``checked(pairs)`` the receivers
  do not ask again for those pairs (one query for the batch, not one per row).

A row that moves (another commune or year) is checked for where it was as well: a
result may not leave a locked commune-year either.
"""

import contextlib
import contextvars
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formats import day as format_day
from core.iterables import chunks

from .models import Assessment, Commune, CommuneYear, IndicatorResult, YearClosing

CHUNK = 500

# The (commune id, year) pairs a bulk writer already checked (``checked()``).
_checked = contextvars.ContextVar("locks_checked", default=frozenset())


def closed_years(today=None):
    """{year: the day it closed} for the years closed for entry on `today`."""
    today = today or timezone.localdate()
    return dict(YearClosing.objects.filter(closes_on__lte=today).values_list("year", "closes_on"))


APPROVED, CLOSED = "approved", "closed"


def holds(pairs, today=None):
    """{(commune id, year): (APPROVED or CLOSED, the day the year closed or None)} for the
    pairs whose results may not change now (an approved commune-year is said approved,
    even in a closed year)."""
    pairs = {(c, y) for c, y in pairs if c is not None and y is not None}
    if not pairs:
        return {}
    closed = closed_years(today)
    found = {}
    by_year = defaultdict(set)
    for commune_id, year in pairs:
        by_year[year].add(commune_id)
    for year, communes in by_year.items():
        for group in chunks(sorted(communes), CHUNK):
            approved = (
                CommuneYear.objects.filter(
                    year=year, commune_id__in=group, status=CommuneYear.Status.APPROVED
                )
                .order_by()
                .values_list("commune_id", flat=True)
            )
            for commune_id in approved:
                found[(commune_id, year)] = (APPROVED, closed.get(year))
            if year in closed:
                for commune_id in group:
                    found.setdefault((commune_id, year), (CLOSED, closed[year]))
    return found


def locked(pairs, today=None):
    """{(commune id, year): reason} for the pairs whose results may not change now."""
    found = holds(pairs, today)
    names = {}
    for group in chunks(sorted({commune_id for commune_id, _year in found}), CHUNK):
        names.update((c.pk, c) for c in Commune.objects.filter(pk__in=group))
    return {
        pair: message(names.get(pair[0]), pair[1], why, closed_on)
        for pair, (why, closed_on) in found.items()
    }


def message(commune, year, why, closed_on=None):
    """The sentence a refused write shows."""
    unit = f"{commune.get_kind_display()} {commune.name}" if commune else _("xã")
    if why == APPROVED:
        return _(
            "Kết quả năm %(year)s của %(unit)s đã được duyệt nên không sửa được; người có "
            "quyền duyệt có thể mở lại kèm lý do."
        ) % {"year": year, "unit": unit}
    return _(
        "Năm %(year)s đã khóa sổ từ ngày %(day)s: không nhập, sửa kết quả của %(unit)s "
        "cho năm này được nữa."
    ) % {"year": year, "day": format_day(closed_on), "unit": unit}


def refuse(pairs, today=None):
    """Raise ValidationError (code "locked") listing every locked pair; return otherwise."""
    reasons = locked(pairs, today)
    if reasons:
        raise ValidationError(
            [ValidationError(text, code="locked") for _pair, text in sorted(reasons.items())]
        )


def is_locked(commune_id, year, today=None):
    return bool(locked([(commune_id, year)], today))


@contextlib.contextmanager
def checked(pairs):
    """Inside the block, single saves and deletes of `pairs` are not checked again.

    For a bulk writer that called ``locked()`` or ``refuse()`` for them (in the same
    transaction) and then writes row by row: any other pair is still checked.
    """
    token = _checked.set(_checked.get() | {(c, y) for c, y in pairs})
    try:
        yield
    finally:
        _checked.reset(token)


def stored_pair(instance):
    """The (commune id, year) the row has in the database before this write, or None.

    Known when the row was read (``Assessment.from_db``) or last saved; asked otherwise
    (a row rebuilt from its history to restore it, an indicator result). Kept on the
    instance as ``_loaded_score_key``, which communes.scores reads after the save too.
    """
    if instance.pk is None:
        return None
    if getattr(instance, "_loaded_score_key", None) is None:
        instance._loaded_score_key = (
            type(instance)
            ._default_manager.filter(pk=instance.pk)
            .values_list("commune_id", "year")
            .first()
        )
    return instance._loaded_score_key


def _pairs_of(instance):
    """The pairs a write touches, less those a bulk writer already checked."""
    pairs = {(instance.commune_id, instance.year), stored_pair(instance)} - {None}
    return pairs - _checked.get()


@receiver(pre_save, sender=Assessment, dispatch_uid="locks_assessment_saving")
@receiver(pre_save, sender=IndicatorResult, dispatch_uid="locks_indicator_result_saving")
def _saving(sender, instance, raw=False, **kwargs):
    if not raw:
        refuse(_pairs_of(instance))


@receiver(post_save, sender=IndicatorResult, dispatch_uid="locks_indicator_result_saved")
def _saved(sender, instance, **kwargs):
    # Where the row now is, for its next save (communes.scores does it for assessments).
    instance._loaded_score_key = (instance.commune_id, instance.year)


@receiver(pre_delete, sender=Assessment, dispatch_uid="locks_assessment_deleting")
@receiver(pre_delete, sender=IndicatorResult, dispatch_uid="locks_indicator_result_deleting")
def _deleting(sender, instance, **kwargs):
    refuse(_pairs_of(instance))
