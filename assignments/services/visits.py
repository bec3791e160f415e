"""Recording a visit: the visit, its support, recommendations, follow-ups and files in one
transaction, refused whole when someone saved the visit since the form was loaded."""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.forms.models import construct_instance
from django.utils.translation import gettext as _

from core import formats

from .. import access
from ..models import Attachment, FieldVisit, Recommendation
from ..transitions import EDITABLE_BY_GROUP


class VisitChanged(Exception):
    """Someone saved the visit after the form was loaded; nothing was written.

    `visit` is the row as it is now: who changed it last, when, and its status.
    """

    def __init__(self, visit):
        super().__init__(visit.pk)
        self.visit = visit

    def message(self):
        visit = self.visit
        who = visit.updated_by
        text = _(
            "Chưa lưu: chuyến công tác này vừa được %(who)s sửa lúc %(when)s, sau khi bạn mở "
            "biểu mẫu. Nội dung bạn gõ vẫn còn dưới đây: hãy xem bản mới nhất rồi lưu lại "
            "những gì còn cần."
        ) % {
            "who": formats.display_name(who),
            "when": formats.moment(visit.updated_at),
        }
        if visit.status not in EDITABLE_BY_GROUP:
            text += " " + _("Trạng thái hiện tại: “%(status)s”.") % {
                "status": visit.get_status_display()
            }
        return text


def save_visit(
    *, form, supports, recommendations, by, follow_ups=(), files=(), file_kind=None, remove_files=()
):
    """Save the visit form and everything on it in one transaction; the saved visit.

    `form` is a valid VisitForm (a new visit, or one loaded for editing), `supports`
    and `recommendations` its valid inline formsets, `follow_ups` valid FollowUpForms
    of earlier recommendations (resolved ones get the visit's date), `files`
    attachments.CleanFile objects, `remove_files` attachments of this visit to drop.
    A new visit starts as a draft created by `by`; every save records `by` as the
    last editor. Editing claims the version the form was loaded from: if anyone
    saved the visit since, VisitChanged is raised and nothing is written.
    """
    storage = Attachment._meta.get_field("file").storage
    stored, removed = [], []
    try:
        with transaction.atomic():
            visit = _save_visit_row(form, by)
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


def _save_visit_row(form, by):
    visit = form.instance
    if visit.pk is None:
        visit.created_by = by
        visit.status = FieldVisit.Status.DRAFT
    else:
        claimed = FieldVisit.objects.filter(
            pk=visit.pk, version=form.cleaned_data["version"]
        ).update(version=F("version") + 1)
        # Read after the claim: on PostgreSQL the row stays locked until commit.
        current = FieldVisit.objects.select_related("assignment", "updated_by").get(pk=visit.pk)
        if not claimed or not access.may(by, current, "edit"):
            raise VisitChanged(current)
        # What was typed goes onto the row as it is now (status and version included).
        visit = construct_instance(form, current, fields=form._meta.fields)
        form.instance = visit
    visit.updated_by = by
    visit._history_user = by
    form.save()
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


def _attach(visit, clean, kind, by, stored):
    attachment = Attachment(
        visit=visit,
        kind=kind,
        original_name=clean.original_name,
        content_type=clean.content_type,
        size=clean.size,
        uploaded_by=by,
    )
    # A generated name: the user's file name is only kept as a label.
    attachment.file.save(
        f"{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.content), save=False
    )
    stored.append(attachment.file.name)
    attachment.save()
    return attachment


def delete_attachment(attachment):
    """Delete the attachment; its file goes once the deletion is committed."""
    storage, name = attachment.file.storage, attachment.file.name
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name) if name else None)
