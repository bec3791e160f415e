"""Recording a visit: the visit, its support, recommendations, follow-ups and files in one
transaction, refused whole when someone saved the visit since the form was loaded."""

import uuid

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.forms.models import construct_instance
from django.utils.translation import gettext as _

from communes.validation import ceased_message
from core import formats, history_m2m

from .. import access
from ..models import Attachment, FieldVisit, Recommendation
from ..transitions import EDITABLE_BY_GROUP
from .errors import WorkflowError


class VisitChanged(Exception):
    """Someone saved the visit after the form was loaded; nothing was written.

    `visit` is the row as it is now: who changed it last, when, and its status.
    """

    def __init__(self, visit):
        super().__init__(visit.pk)
        self.visit = visit

    def message(self):
        """For the HTML form, which shows what was typed again below the message."""
        return self._with_status(
            _(
                "Chưa lưu: chuyến công tác này vừa được %(who)s sửa lúc %(when)s, sau khi bạn mở "
                "biểu mẫu. Nội dung bạn gõ vẫn còn dưới đây: hãy xem bản mới nhất rồi lưu lại "
                "những gì còn cần."
            )
        )

    def queue_message(self):
        """For the phone's send queue, whose conflict panel shows the current version below
        and keeps the member's copy on the phone."""
        return self._with_status(
            _(
                "Chưa gửi được: chuyến công tác này đã được %(who)s sửa lúc %(when)s, sau khi "
                "bạn mở biểu mẫu. Bản của bạn vẫn giữ trên máy này."
            )
        )

    def _with_status(self, sentence):
        visit = self.visit
        text = sentence % {
            "who": formats.display_name(visit.updated_by),
            "when": formats.moment(visit.updated_at),
        }
        if visit.status not in EDITABLE_BY_GROUP:
            text += " " + _("Trạng thái hiện tại: “%(status)s”.") % {
                "status": visit.get_status_display()
            }
        return text


class TokenTaken(Exception):
    """The draft token names a visit the user may not see: not a retry of theirs."""

    def message(self):
        return _(
            "Mã bản nháp này đã được dùng cho một chuyến công tác khác; hãy tải lại biểu mẫu "
            "rồi lưu lại."
        )


def saved_with_token(token, user):
    """The visit a form with this draft token already created (a retry, Back then save, a
    double tap), or None. TokenTaken when it is a visit the user may not see."""
    if not token:
        return None
    visit = FieldVisit.objects.filter(client_token=token).first()
    if visit is None:
        return None
    visible = access.visits_visible_to(user, FieldVisit.objects.filter(pk=visit.pk), deleted=True)
    if not visible.exists():
        raise TokenTaken(token)
    return visit


def create_visit_once(*, token, by, **parts):
    """Save a new visit (save_visit) once per draft token: (visit, created).

    A visit already saved with `token` is returned as it is, nothing written, also when
    two posts with the same token arrive at once: the second one's insert fails on the
    unique token (its files are forgotten with it) and the first one's visit is returned.
    """
    if (existing := saved_with_token(token, by)) is not None:
        return existing, False
    try:
        return save_visit(token=token, by=by, **parts), True
    except IntegrityError:
        # save_visit's atomic block (a savepoint inside a request's transaction) is rolled
        # back; the row the other post committed is readable now.
        if token and (existing := saved_with_token(token, by)) is not None:
            return existing, False
        raise


def unit_refusal(assignment, day):
    """Why a visit (and its support) of ``day`` may not be recorded on ``assignment``, or None.

    From 01/07/2025 a visit goes to a unit that exists on its day
    (communes.validation); the sentence names the unit that absorbed the old one and
    where to record it: the assignment carried over to it, or the carry-over to do.
    """
    if ceased_message(assignment.commune, day) is None:
        return None
    carried = assignment.successor if assignment.successor_id else None
    if carried is not None and carried.commune_id != assignment.commune_id:
        then = _(
            "Chuyến công tác từ ngày này ghi cho %(successor)s, theo phân công đã chuyển "
            "sang đơn vị mới."
        )
    else:
        then = _(
            "Chuyến công tác từ ngày này ghi cho %(successor)s: hãy chuyển phân công sang "
            "đơn vị mới (Phân công → Chuyển sang đơn vị mới)."
        )
    return ceased_message(assignment.commune, day, then)


def _check_unit(visit, stored_on, supports):
    """WorkflowError if the save records something new for a unit that no longer exists on
    the visit's day: a new visit, a visit moved to another day, or new support on it.
    A visit already recorded keeps being editable on its own day (the 2021–2025 history)."""
    new_support = any(
        f.instance.pk is None and f.has_changed() and not f.cleaned_data.get("DELETE")
        for f in getattr(supports, "forms", ())
    )
    made = visit.pk is None or visit.visited_on != stored_on or new_support
    if made and (message := unit_refusal(visit.assignment, visit.visited_on)):
        raise WorkflowError(message)


def save_visit(
    *,
    form,
    supports,
    recommendations,
    by,
    follow_ups=(),
    files=(),
    file_kind=None,
    remove_files=(),
    token=None,
):
    """Save the visit form and everything on it in one transaction; the saved visit.

    `form` is a valid VisitForm (a new visit, or one loaded for editing), `supports`
    and `recommendations` its valid inline formsets, `follow_ups` valid FollowUpForms
    of earlier recommendations (resolved ones get the visit's date), `files`
    attachments.CleanFile objects, `remove_files` attachments of this visit to drop.
    A new visit starts as a draft created by `by`, carrying the form's draft `token`
    (unique: see create_visit_once); every save records `by` as the
    last editor. Editing claims the version the form was loaded from: if anyone
    saved the visit since, VisitChanged is raised and nothing is written. A visit or
    support dated from 01/07/2025 for a unit that no longer exists is refused with
    WorkflowError (unit_refusal), nothing written.
    """
    storage = Attachment._meta.get_field("file").storage
    stored, removed = [], []
    try:
        with transaction.atomic():
            visit = _save_visit_row(form, by, supports, token)
            for formset in (supports, recommendations):
                formset.instance = visit
                formset.save()
            _follow_up(follow_ups, visit, by)
            for attachment in remove_files:
                removed.append(attachment.file.name)
                attachment.delete()
            for clean in files:
                _attach(visit, clean, file_kind or Attachment.Kind.PHOTO, by, stored)
            transaction.on_commit(lambda: [storage.delete(name) for name in removed if name])
    except BaseException:
        # The database forgot the new rows; forget their files too.
        for name in stored:
            storage.delete(name)
        raise
    return visit


def _save_visit_row(form, by, supports, token=None):
    visit = form.instance
    if visit.pk is None:
        _check_unit(visit, None, supports)
        visit.created_by = by
        visit.status = FieldVisit.Status.DRAFT
        visit.client_token = token or None
    else:
        claimed = FieldVisit.objects.filter(
            pk=visit.pk, version=form.cleaned_data["version"]
        ).update(version=F("version") + 1)
        # Read after the claim: on PostgreSQL the row stays locked until commit.
        current = FieldVisit.objects.select_related("assignment", "updated_by").get(pk=visit.pk)
        if not claimed or not access.may(by, current, "edit"):
            raise VisitChanged(current)
        # What was typed goes onto the row as it is now (status and version included).
        stored_on = current.visited_on
        visit = construct_instance(form, current, fields=form._meta.fields)
        _check_unit(visit, stored_on, supports)
        form.instance = visit
    visit.updated_by = by
    visit._history_user = by
    # One history record per save, naming the participants as saved (core.history_m2m),
    # not a second one by the same person changing them.
    form.save(commit=False)
    visit.save()
    visit.skip_history_when_saving = True
    try:
        form.save_m2m()
    finally:
        del visit.skip_history_when_saving
    history_m2m.onto_latest_record(FieldVisit, "participants", visit.pk)
    return visit


def _follow_up(forms, visit, by):
    for form in forms:
        if not form.changed():
            continue
        recommendation = form.recommendation
        recommendation.status = form.cleaned_data["status"]
        recommendation.resolution_note = form.cleaned_data["note"]
        resolved = recommendation.status == Recommendation.Status.RESOLVED
        recommendation.resolved_on = visit.visited_on if resolved else None
        recommendation._history_user = by
        recommendation.save()


def attach_once(visit, *, client_id, decode, kind, by):
    """Add one file to a saved visit, once per `client_id`: (attachment, created).

    `decode()` gives the attachments.CleanFile (or raises ValidationError); it is not
    called when the visit already has a file with this id (a retry: nothing decoded,
    nothing stored). Two uploads of one id at once: the second's row is refused by the
    unique constraint, its file deleted from storage, and the first's attachment returned.
    """
    if client_id and (existing := visit.attachments.filter(client_id=client_id).first()):
        return existing, False
    clean = decode()
    storage = Attachment._meta.get_field("file").storage
    stored = []
    try:
        with transaction.atomic():
            attachment = _attach(visit, clean, kind, by, stored, client_id=client_id)
    except IntegrityError:
        for name in stored:
            storage.delete(name)
        existing = visit.attachments.filter(client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        return existing, False
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise
    return attachment, True


def _attach(visit, clean, kind, by, stored, client_id=""):
    attachment = Attachment(
        visit=visit,
        kind=kind,
        original_name=clean.original_name,
        content_type=clean.content_type,
        size=clean.size,
        uploaded_by=by,
        client_id=client_id or "",
    )
    # A generated name: the user's file name is only kept as a label.
    with clean.file:
        attachment.file.save(f"{uuid.uuid4().hex}.{clean.extension}", File(clean.file), save=False)
    stored.append(attachment.file.name)
    attachment.save()
    return attachment


def delete_attachment(attachment):
    """Delete the attachment; its file goes once the deletion is committed."""
    storage, name = attachment.file.storage, attachment.file.name
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name) if name else None)
