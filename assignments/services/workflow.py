"""The visit workflow: submit, confirm, return with a comment, answer and resubmit; delete
a draft made by mistake and restore it.

Which step starts from which state, leads where, records what and is whose:
transitions.STEPS.
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core import formats

from .. import access
from ..models import FieldVisit, VisitEvent
from ..transitions import STEPS
from .errors import WorkflowError


def _wrong_state(step, status):
    return WorkflowError(
        _("Không thể %(verb)s: chuyến công tác đang ở trạng thái “%(status)s”.")
        % {"verb": step.verb, "status": FieldVisit.Status(status).label}
    )


def _not_allowed(step, status):
    """Whose step it is from this state (the office answering a visit it returned)."""
    parties = [str(party.label) for party in step.parties_from(status)]
    either = " {} ".format(_("hoặc"))
    return WorkflowError(
        _("Chỉ %(who)s được %(verb)s chuyến công tác đang ở trạng thái “%(status)s”.")
        % {
            "who": either.join(parties),
            "verb": step.verb,
            "status": FieldVisit.Status(status).label,
        }
    )


def _changed_meanwhile(visit):
    current = FieldVisit.objects.select_related("updated_by").get(pk=visit.pk)
    return WorkflowError(
        _(
            "Chuyến công tác vừa được %(who)s thay đổi lúc %(when)s (trạng thái: “%(status)s”); "
            "chưa có gì được lưu. Hãy xem lại rồi thao tác lại."
        )
        % {
            "who": formats.display_name(current.updated_by),
            "when": formats.moment(current.updated_at),
            "status": current.get_status_display(),
        }
    )


def _move(visit, by, name, comment=""):
    """Take step `name` of transitions.STEPS: the visit's new state and its event, or
    WorkflowError and nothing written."""
    step = STEPS[name]
    if visit.status not in step.sources:
        raise _wrong_state(step, visit.status)
    if not access.may(by, visit, name):
        raise _not_allowed(step, visit.status)
    with transaction.atomic():
        # Claim the version the user saw: a concurrent edit or step makes this match nothing.
        claimed = FieldVisit.objects.filter(
            pk=visit.pk, version=visit.version, status=visit.status
        ).update(version=F("version") + 1)
        if not claimed:
            raise _changed_meanwhile(visit)
        visit.version += 1
        visit.status = step.target
        visit.updated_by = by
        visit._history_user = by
        visit.save(update_fields=["status", "updated_by", "updated_at", "version"])
        VisitEvent.objects.create(visit=visit, action=step.event, comment=comment, actor=by)
    return visit


def _complete(visit):
    """The office receives only visits that say when and why."""
    if not visit.purpose or not visit.visited_on:
        raise WorkflowError(
            _("Chuyến công tác chưa có ngày đi cơ sở hoặc mục đích; hãy bổ sung trước khi gửi.")
        )


def submit_visit(visit, by, comment=""):
    """Draft or returned → submitted: the group hands the visit to the office."""
    _complete(visit)
    return _move(visit, by, "submit", comment.strip())


def confirm_visit(visit, by, comment=""):
    """Submitted → confirmed (the office or the commune's leader); it now counts in the figures."""
    return _move(visit, by, "confirm", comment.strip())


def return_visit(visit, by, comment):
    """Submitted or confirmed → returned to the group, with the office's comment (required)."""
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError(_("Hãy ghi ý kiến trả lại để tổ giúp việc biết cần bổ sung gì."))
    return _move(visit, by, "return", comment)


def answer_visit(visit, by, comment):
    """Returned → submitted: the group answers the office's comment and, in the same step,
    sends the visit back to the office (one ANSWERED event carrying the answer)."""
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError(_("Hãy ghi nội dung trả lời."))
    _complete(visit)
    return _move(visit, by, "answer", comment)


def delete_visit(visit, by, comment=""):
    """Draft → deleted: a draft made by mistake leaves every list and figure. Nothing is
    removed (history, the DELETED event); the office may restore it."""
    return _move(visit, by, "delete", comment.strip())


def restore_visit(visit, by, comment=""):
    """Deleted → draft (the office): the visit is back in the lists, as its group left it."""
    return _move(visit, by, "restore", comment.strip())
