"""Writing a planned criteria matrix on confirm (service.apply), in bulk, in its transaction.

* Criteria cells (plan.CellChange): assessments created and updated in bulk, each
  with one history record; the communes' yearly scores follow (communes.scores).
* Indicator cells (matrix_indicators.IndicatorChange, 2026+): indicator results
  created and updated in bulk with their history records, then the criteria
  derived from them (communes.evaluation.evaluate), a chunk of communes at a time.

A row changed by someone else since the plan was made raises Conflict: the
transaction rolls back and nothing is written. Locked commune-years refuse the
whole import before anything is written (refusal): the plan is made again
inside the transaction, after hold_year() has made approvals of the year wait.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from communes import evaluation, scores
from communes.bulk_rows import BulkRows
from communes.models import Assessment, CommuneYear, IndicatorResult
from core.iterables import chunks

from .matrix_indicators import IndicatorChange
from .plan import CREATE, UPDATE, CellChange

WRITE_CHUNK = 1000  # rows per statement
CREATE_CHUNK = 5000  # new indicator results per statement (about 100 communes' worth)
EVALUATE_CHUNK = 500  # communes whose criteria are derived at a time
LISTED = 20  # locked rows named in the refusal
FAST = True  # indicator results by executemany (communes.bulk_rows); False: the helpers


class Conflict(Exception):
    """A planned row was changed meanwhile; the message says which kind."""


def hold_year(year):
    """Lock the year's commune-year reviews until the transaction ends: an approval of that
    year waits for the import (which plans again, seeing every approval made before)."""
    list(CommuneYear.objects.select_for_update().filter(year=year).values_list("pk", flat=True))


def refusal(result):
    """Why the plan is refused as a whole when it would change locked commune-years, or ""."""
    locked = result.extra.get("locked") or []
    if not locked:
        return ""
    listed = " ".join(locked[:LISTED])
    if len(locked) > LISTED:
        listed += " " + _("… và %(more)s dòng khác.") % {"more": len(locked) - LISTED}
    return ngettext(
        "Chưa ghi gì: tệp sửa kết quả đã duyệt hoặc đã khóa sổ ở %(count)s dòng. %(rows)s",
        "Chưa ghi gì: tệp sửa kết quả đã duyệt hoặc đã khóa sổ ở %(count)s dòng. %(rows)s",
        len(locked),
    ) % {"count": len(locked), "rows": listed}


def write(result, year, *, user, reason, now):
    """Write every planned change of `result` (a matrix Plan) for `year`."""
    history = {"default_user": user, "default_change_reason": reason, "default_date": now}
    cells, indicators = [], []
    for row in result.rows:
        if isinstance(row, CellChange):
            cells.append(row)
        elif isinstance(row, IndicatorChange):
            indicators.append(row)
    _assessments(cells, year, history)
    if indicators:
        _indicator_results(indicators, year, history)
        communes = sorted({row.commune_id for row in indicators})
        for group in chunks(communes, EVALUATE_CHUNK):
            evaluation.evaluate(group, year, result.extra["criteria_set"], user=user, reason=reason)


def _assessments(rows, year, history):
    created = [row for row in rows if row.action == CREATE]
    for group in chunks(created, WRITE_CHUNK):
        assessments = [
            Assessment(
                commune_id=row.commune_id,
                criterion_id=row.criterion_id,
                year=year,
                met=row.new,
                is_demo=False,  # imported results are real data
            )
            for row in group
        ]
        bulk_create_with_history(assessments, Assessment, **history)
    for met in (True, False):
        updated = [row.assessment for row in rows if row.action == UPDATE and row.new is met]
        for pks in chunks(updated, WRITE_CHUNK):
            if Assessment.objects.filter(pk__in=pks, met=not met).update(met=met) != len(pks):
                raise Conflict(_("một ô tiêu chí vừa được sửa"))
            assessments = Assessment.objects.filter(pk__in=pks).order_by()
            Assessment.history.bulk_history_create(assessments, update=True, **history)
    # Bulk writes send no signals: the scores of the communes written, for the year.
    scores.changed(*{(row.commune_id, year) for row in rows})


def _indicator_results(rows, year, history):
    writer = _Results(year, history)
    created = [row for row in rows if row.action == CREATE]
    for group in chunks(created, CREATE_CHUNK):
        writer.create(group)
    updated = [row for row in rows if row.action == UPDATE]
    for group in chunks(updated, WRITE_CHUNK):
        writer.update(group)


class _Results:
    """Writes indicator results and their history records ("+" for a new result, "~" for a
    changed one): by executemany (communes.bulk_rows: a national import writes ~470,000
    results, which Django's insert compiler and simple_history's helpers alone took past
    the import's 60 s), or through those helpers when FAST is off."""

    def __init__(self, year, history):
        self.year = year
        self.history = history
        self.bulk = None
        if FAST:
            self.bulk = BulkRows(
                IndicatorResult,
                user=history["default_user"],
                reason=history["default_change_reason"],
                date=history["default_date"],
            )

    def create(self, rows):
        if self.bulk is None:
            results = [_new_result(row, self.year) for row in rows]
            bulk_create_with_history(
                results, IndicatorResult, batch_size=WRITE_CHUNK, **self.history
            )
            return
        new = [
            {
                "commune_id": row.commune_id,
                "indicator_id": row.indicator_id,
                "year": self.year,
                "met": row.new,
                "value": row.new_value,
                "note": "",
                "is_demo": False,  # imported results are real data
            }
            for row in rows
        ]
        stored = IndicatorResult.objects.filter(
            year=self.year,
            commune_id__in={row.commune_id for row in rows},
            indicator_id__in={row.indicator_id for row in rows},
        )
        if len(self.bulk.create(new, ("commune_id", "indicator_id"), stored)) != len(rows):
            raise Conflict(_("một kết quả chỉ tiêu vừa được ghi"))

    def update(self, rows):
        planned = {row.result: row for row in rows}
        if self.bulk is None:
            return self._update_with_helpers(planned)
        stored = (
            IndicatorResult.objects.filter(pk__in=planned).order_by().values_list(*self.bulk.fields)
        )
        met, value = self.bulk.index["met"], self.bulk.index["value"]
        changed = []
        for found in stored:
            row = planned[found[0]]
            if (found[met], found[value]) != (row.old, row.old_value):
                raise Conflict(_("một ô chỉ tiêu vừa được sửa"))
            now = list(found)
            now[met] = row.new
            if row.typed is not None:
                now[value] = row.new_value
            changed.append(now)
        if len(changed) != len(planned):
            raise Conflict(_("một kết quả chỉ tiêu vừa bị xoá"))
        self.bulk.update(changed, ["met", "value"])

    def _update_with_helpers(self, planned):
        results = list(IndicatorResult.objects.filter(pk__in=planned).order_by())
        if len(results) != len(planned):
            raise Conflict(_("một kết quả chỉ tiêu vừa bị xoá"))
        for result in results:
            row = planned[result.pk]
            if (result.met, result.value) != (row.old, row.old_value):
                raise Conflict(_("một ô chỉ tiêu vừa được sửa"))
            result.met = row.new
            if row.typed is not None:
                result.value = row.new_value
        IndicatorResult.objects.bulk_update(results, ["met", "value"], batch_size=WRITE_CHUNK)
        IndicatorResult.history.bulk_history_create(results, update=True, **self.history)


def _new_result(row, year):
    return IndicatorResult(
        commune_id=row.commune_id,
        indicator_id=row.indicator_id,
        year=year,
        met=row.new,
        value=row.new_value,
        is_demo=False,  # imported results are real data
    )
