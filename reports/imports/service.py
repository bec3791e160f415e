"""Excel imports: upload → preview → confirm, shared by the pages and `manage.py import_excel`.

* :func:`preview` checks and reads the file, records an ImportBatch and keeps
  the file (MEDIA_ROOT/imports/) until the batch is applied or cancelled. It
  writes no domain row.
* :func:`apply` re-reads the kept file (its SHA-256 must not have changed),
  plans again against the database as it is now and writes every row in one
  transaction, or nothing when any row has an error. Annex applies of the same
  decision (or of decisions amending it) are serialised by a lock on the
  original decision's row, so the later one plans against the earlier one's
  result. A batch already applied
  is not applied twice, and a file imported twice changes nothing the second
  time (every row is then "unchanged").
* A preview not confirmed within NTM_IMPORT_PREVIEW_HOURS expires (expiry.py):
  it can no longer be confirmed and its file is deleted.

An annex batch carries its terms (terms.py): which decision the file is and
from which day its new pairs take effect. Each replaced assignment is ended and
its successor started by assignments.services.succession.succeed, as a
hand-over is.

Every record written carries the importing user and the batch in its history.
"""

import contextlib
import hashlib
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assignments.models import Assignment, Decision
from assignments.services import succession
from assignments.services.errors import WorkflowError
from communes import grouping, scores
from communes.models import CriteriaSet

from ..models import ImportBatch
from . import annex, criteria_set, expiry, groups, matrix, matrix_write, replay, terms
from .container import read_limited
from .files import ImportFileError, load_grids, open_workbook
from .picks import PickError, remember_picks
from .picks import errors_message as picks_message
from .plan import CREATE, UPDATE


class ImportRefused(Exception):
    """Confirm or cancel was refused; nothing was written. The message is for the user."""


def preview(kind, file, target, user, *, name=None, annex_terms=None, picks=None):
    """(ImportBatch, Plan) for an uploaded file; ImportFileError (batch recorded) if unusable.

    `file` is an UploadedFile or an open binary file; `target` the Decision
    (annex) or the year (matrix). `annex_terms` (terms.resolve) say which decision
    an annex is and from when; by default the decision's own annex, effective today.
    `picks` ({row: commune id}, picks.py): the communes chosen for rows whose name
    matched none or two; PickError, with nothing recorded, when one cannot be taken.
    """
    batch = ImportBatch(
        kind=kind,
        uploaded_by=user,
        file_name=os.path.basename(name or getattr(file, "name", "") or "")[:255] or "?",
    )
    if kind == ImportBatch.Kind.ANNEX:
        batch.decision = target
        terms.store(batch, annex_terms or terms.resolve(target))
    elif kind == ImportBatch.Kind.INDICATORS:
        batch.criteria_set = target
    else:
        batch.year = int(target)
    try:
        data = read_limited(file)
        batch.sha256 = hashlib.sha256(data).hexdigest()
        result, record = _plan_recorded(batch, data, picks)
    except ImportFileError as error:
        batch.status = ImportBatch.Status.FAILED
        batch.message = str(error)
        batch.save()
        raise
    _count(batch, result)
    batch.stored_file.save(f"{batch.sha256}.xlsx", ContentFile(data), save=False)
    if record:
        digest = hashlib.sha256(record).hexdigest()
        batch.stored_rows.save(f"{digest}.rows", ContentFile(record), save=False)
    batch.save()
    return batch, result


def plan_for(batch, picks=None):
    """The plan of a pending batch against the database as it is now, with the office's picks."""
    if expiry.expire(batch):
        raise ImportRefused(expiry.expired_message(batch))
    if not batch.stored_file:
        raise ImportRefused(_("Tệp của lần nhập này không còn được lưu (đã nhập hoặc đã huỷ)."))
    try:
        with batch.stored_file.open("rb") as stored:
            data = stored.read()
    except OSError as error:
        raise ImportRefused(_("Không đọc được tệp đã lưu của lần nhập này.")) from error
    if hashlib.sha256(data).hexdigest() != batch.sha256:
        raise ImportRefused(_("Tệp đã lưu của lần nhập này đã bị thay đổi; hãy tải tệp lên lại."))
    try:
        return _plan(batch, data, picks, record=_record(batch))
    except (ImportFileError, PickError) as error:
        raise ImportRefused(str(error)) from error


def apply(batch, user, picks=None):
    """Write the batch's plan in one transaction; (batch, True) when written now.

    (batch, False) when it had already been applied: nothing is written twice.
    ImportRefused, with nothing written, when any row has an error or the preview has expired.
    """
    if expiry.expire(batch):  # marked expired for good, whatever follows
        raise ImportRefused(expiry.expired_message(batch))
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status == ImportBatch.Status.APPLIED:
                return locked, False
            if locked.status != ImportBatch.Status.PREVIEWED:
                raise ImportRefused(
                    _("Lần nhập này ở trạng thái “%(status)s”; không thể xác nhận.")
                    % {"status": locked.get_status_display()}
                )
            if locked.kind == ImportBatch.Kind.ANNEX and locked.decision is not None:
                # One annex apply at a time per original decision (its amendments included):
                # a second batch waits here and then plans against what the first one wrote
                # (SQLite serialises anyway).
                root = succession.family_root(locked.decision)
                Decision.objects.select_for_update().filter(pk=root.pk).first()
            if locked.kind == ImportBatch.Kind.INDICATORS:
                # One import into a set at a time; the plan below sees the set as it is now.
                CriteriaSet.objects.select_for_update().filter(pk=locked.criteria_set_id).first()
            if locked.kind == ImportBatch.Kind.MATRIX:
                # Approvals of the year wait; the plan below sees every one made before.
                matrix_write.hold_year(locked.year)
            result = plan_for(locked, picks)
            if locked.kind == ImportBatch.Kind.MATRIX and (refusal := matrix_write.refusal(result)):
                raise ImportRefused(refusal)
            if result.has_errors and result.rows_to_pick:
                raise ImportRefused(picks_message(result))
            if result.has_errors:
                raise ImportRefused(
                    ngettext(
                        "Chưa ghi gì: còn %(count)s dòng lỗi (dòng %(rows)s). "
                        "Hãy sửa tệp rồi tải lên lại.",
                        "Chưa ghi gì: còn %(count)s dòng lỗi (dòng %(rows)s). "
                        "Hãy sửa tệp rồi tải lên lại.",
                        len(result.error_rows),
                    )
                    % {
                        "count": len(result.error_rows),
                        "rows": ", ".join(map(str, result.error_rows[:20])),
                    }
                )
            write = _write_annex if locked.kind == ImportBatch.Kind.ANNEX else _write_matrix
            if locked.kind == ImportBatch.Kind.GROUPS:
                write = _write_groups
            if locked.kind == ImportBatch.Kind.INDICATORS:
                write = criteria_set.write
            with scores.deferred():  # the commune scores once, not once per assessment
                report = write(result, locked, user)
            if locked.kind == ImportBatch.Kind.ANNEX:
                remember_picks(result, locked, user)
            _count(locked, result)
            expiry.release_file(locked)
            locked.status = ImportBatch.Status.APPLIED
            locked.applied_at = timezone.now()
            locked.applied_by = user
            locked.message = report or ""  # the groups' re-evaluation report
            locked.save()
    except IntegrityError as error:
        raise ImportRefused(_changed_meanwhile(str(error)[:120])) from error
    return locked, True


def cancel(batch, user):
    """Drop a pending batch and its kept file; nothing else changes."""
    if expiry.expire(batch):
        raise ImportRefused(expiry.expired_message(batch))
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == ImportBatch.Status.CANCELLED:
            return locked
        if locked.status != ImportBatch.Status.PREVIEWED:
            raise ImportRefused(
                _("Lần nhập này ở trạng thái “%(status)s”; không thể huỷ.")
                % {"status": locked.get_status_display()}
            )
        expiry.release_file(locked)
        locked.status = ImportBatch.Status.CANCELLED
        locked.save()
    return locked


def earlier_imports(batch):
    """Applied batches of the same file into the same target (to warn about a repeat)."""
    return ImportBatch.objects.filter(
        kind=batch.kind,
        sha256=batch.sha256,
        decision=batch.decision,
        year=batch.year,
        criteria_set=batch.criteria_set_id,
        status=ImportBatch.Status.APPLIED,
    ).exclude(pk=batch.pk)


# --- internals ------------------------------------------------------------------------


def _target(batch):
    if batch.kind == ImportBatch.Kind.INDICATORS:
        if batch.criteria_set is None:
            raise ImportRefused(_("Bộ tiêu chí của lần nhập này đã bị xoá."))
        return batch.criteria_set
    if batch.kind in (ImportBatch.Kind.MATRIX, ImportBatch.Kind.GROUPS):
        return batch.year
    if batch.decision is None:
        raise ImportRefused(_("Quyết định của lần nhập này đã bị xoá."))
    return batch.decision


def _plan(batch, data, picks=None, *, record=None):
    """The plan of the file's bytes `data`; a matrix or indicators file is read from the
    preview's `record` of its rows when there is one (replay.py)."""
    target = _target(batch)
    if batch.kind == ImportBatch.Kind.ANNEX:
        return annex.plan(load_grids(data), target, terms=terms.of(batch), picks=picks)
    if batch.kind == ImportBatch.Kind.GROUPS:
        return groups.plan(load_grids(data), int(target))
    with _workbook(data, record) as book:
        return _plan_book(batch, book, target)


def _plan_recorded(batch, data, picks=None):
    """(plan, the record of the rows read, or None) for a preview."""
    if batch.kind in (ImportBatch.Kind.ANNEX, ImportBatch.Kind.GROUPS):
        return _plan(batch, data, picks), None  # small files: parsed again on confirm
    with open_workbook(data) as book:
        recorder = replay.Recorder(book)
        result = _plan_book(batch, recorder, _target(batch))
        return result, recorder.record()


def _plan_book(batch, book, target):
    if batch.kind == ImportBatch.Kind.INDICATORS:
        return criteria_set.plan(book, target)
    return matrix.plan(book, int(target))


@contextlib.contextmanager
def _workbook(data, record):
    """The workbook to plan from: replayed from `record` when given, else parsed."""
    with contextlib.ExitStack() as stack:
        if record is None:
            yield stack.enter_context(open_workbook(data))
        else:
            yield replay.Replay(record, lambda: stack.enter_context(open_workbook(data)))


def _record(batch):
    """The preview's record of the rows, when it is kept and is what its name says; else
    None (the file is parsed again)."""
    if not batch.stored_rows:
        return None
    try:
        with batch.stored_rows.open("rb") as stored:
            record = stored.read()
    except OSError:
        return None
    return record if replay.usable(record, batch.stored_rows.name) else None


def _count(batch, result):
    batch.created_count = result.created
    batch.updated_count = result.updated
    batch.unchanged_count = result.unchanged
    batch.error_count = result.errors


def _reason(batch):
    """Where a change came from, in its history: "Nhập từ tệp “…” (lần nhập #N)"."""
    text = _("Nhập từ tệp “%(file)s” (lần nhập #%(pk)s)")
    # history_change_reason holds 100 characters: a long file name gives way, not the number.
    room = 100 - len(text % {"file": "", "pk": batch.pk})
    name = batch.file_name if len(batch.file_name) <= room else batch.file_name[: room - 1] + "…"
    return text % {"file": name, "pk": batch.pk}


def _tag(instance, batch, user):
    """The history record of this save names the importing user and the batch."""
    instance._history_user = user
    instance._change_reason = _reason(batch)
    return instance


def _changed_meanwhile(detail):
    return _(
        "Dữ liệu vừa bị thay đổi trong lúc nhập (%(error)s); chưa ghi gì. Hãy mở lại "
        "trang xem trước rồi xác nhận lại."
    ) % {"error": detail}


def _write_annex(result, batch, user):
    for agency in result.extra["new_agencies"].values():
        agency.save()
    for leader in result.extra["new_leaders"].values():
        _tag(leader, batch, user).save()
    # Corrections of known leaders: one save each, whatever the file changed.
    corrected = {}
    for leader, position in result.extra["positions"].values():
        leader.position = position
        corrected.setdefault(id(leader), (leader, set()))[1].update({"position", "search_name"})
    for leader, agency in result.extra["agencies"].values():
        leader.agency = agency
        corrected.setdefault(id(leader), (leader, set()))[1].add("agency")
    for leader, fields in corrected.values():
        _tag(leader, batch, user).save(update_fields=sorted(fields))
    rows = [row for row in result.rows if row.action in (CREATE, UPDATE)]
    if not rows:
        return
    agreed = terms.of(batch)
    try:
        if agreed.amends:
            decision = succession.issue_amendment(
                batch.decision,
                number=agreed.amendment_number,
                issued_on=agreed.amendment_issued_on,
                title=agreed.amendment_title,
            )
            note = succession.amendment_note(decision)
        else:
            decision = batch.decision
            note = _(
                "Thay theo phụ lục của Quyết định %(decision)s nhập từ tệp Excel “%(file)s” "
                "(lần nhập #%(pk)s); không có quyết định sửa đổi."
            ) % {"decision": decision.number, "file": batch.file_name, "pk": batch.pk}
        for row in rows:
            commune, leader = row.target["commune"], row.target["leader"]
            if row.action == CREATE:
                new = Assignment(
                    decision=decision, leader=leader, commune=commune, started_on=row.starts
                )
                _tag(new, batch, user).save()
                continue
            succession.succeed(
                row.target["current"],
                leader=leader,
                started_on=row.starts,
                reason=agreed.end_reason,
                note=note[:500],
                decision=decision,
                by=user,
                change_reason=_reason(batch),
            )
    except WorkflowError as error:
        raise ImportRefused(
            _("%(error)s Chưa ghi gì.") % {"error": str(error).rstrip(".") + "."}
        ) from error


def _write_groups(result, batch, user):
    """Set the planned groups (communes.grouping); the re-evaluation report, kept on the batch."""
    try:
        report = grouping.set_groups(
            groups.assignments(result), result.extra["period"], user, _reason(batch)
        )
    except ValidationError as error:
        raise ImportRefused(" ".join(error.messages) + " " + _("Chưa ghi gì.")) from error
    return report.text()


def _write_matrix(result, batch, user):
    """Write the planned cells (matrix_write): assessments, and from 2026 indicator results
    with the criteria derived from them, each with one history record.

    A row changed by someone else since the plan was made refuses the whole import (the
    transaction rolls back): exactly the planned cells are written.
    """
    try:
        matrix_write.write(result, batch.year, user=user, reason=_reason(batch), now=timezone.now())
    except matrix_write.Conflict as error:
        raise ImportRefused(_changed_meanwhile(str(error))) from error
