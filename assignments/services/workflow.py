"""The visit workflow: submit, confirm, return with a comment, answer."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import access
from ..models import FieldVisit, VisitEvent
from .errors import WorkflowError

_S = FieldVisit.Status
_A = VisitEvent.Action

# action: (states it starts from, state it leads to, the event it logs, who may do it)
_TRANSITIONS = {
    "submit": ({_S.DRAFT, _S.RETURNED}, _S.SUBMITTED, _A.SUBMITTED, access.may_submit_visit),
    "confirm": ({_S.SUBMITTED}, _S.CONFIRMED, _A.CONFIRMED, access.may_confirm_visit),
    "return": ({_S.SUBMITTED, _S.CONFIRMED}, _S.RETURNED, _A.RETURNED, access.may_return_visit),
}
_VERBS = {
    "submit": gettext_lazy("gửi văn phòng"),
    "confirm": gettext_lazy("xác nhận"),
    "return": gettext_lazy("trả lại"),
    "answer": gettext_lazy("trả lời"),
}


def _wrong_state(action, status):
    return WorkflowError(
        _("Không thể %(verb)s: chuyến công tác đang ở trạng thái “%(status)s”.")
        % {"verb": _VERBS[action], "status": FieldVisit.Status(status).label}
    )


def _not_allowed(action):
    return WorkflowError(
        _("Bạn không có quyền %(verb)s chuyến công tác này.") % {"verb": _VERBS[action]}
    )


def _changed_meanwhile(visit):
    current = FieldVisit.objects.select_related("updated_by").get(pk=visit.pk)
    who = current.updated_by
    return WorkflowError(
        _(
            "Chuyến công tác vừa được %(who)s thay đổi lúc %(when)s (trạng thái: “%(status)s”); "
            "chưa có gì được lưu. Hãy xem lại rồi thao tác lại."
        )
        % {
            "who": (who.get_full_name() or who.username) if who else _("người khác"),
            "when": timezone.localtime(current.updated_at).strftime("%H:%M %d/%m/%Y"),
            "status": current.get_status_display(),
        }
    )


def _move(visit, by, action, comment=""):
    """Move the visit to the next state and log the step, or raise WorkflowError."""
    sources, target, event_action, may = _TRANSITIONS[action]
    if visit.status not in sources:
        raise _wrong_state(action, visit.status)
    if not may(by, visit):
        raise _not_allowed(action)
    with transaction.atomic():
        # Claim the version the user saw: a concurrent edit or step makes this match nothing.
        claimed = FieldVisit.objects.filter(
            pk=visit.pk, version=visit.version, status=visit.status
        ).update(version=F("version") + 1)
        if not claimed:
            raise _changed_meanwhile(visit)
        visit.version += 1
        visit.status = target
        visit.updated_by = by
        visit._history_user = by
        visit.save(update_fields=["status", "updated_by", "updated_at", "version"])
        VisitEvent.objects.create(visit=visit, action=event_action, comment=comment, actor=by)
    return visit


def submit_visit(visit, by, comment=""):
    """Draft or returned → submitted: the group hands the visit to the office."""
    if not visit.purpose or not visit.visited_on:
        raise WorkflowError(
            _("Chuyến công tác chưa có ngày đi cơ sở hoặc mục đích; hãy bổ sung trước khi gửi.")
        )
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
    """The group answers the office's return comment; the visit stays returned until resubmitted.

    An answer changes nothing in the visit itself, so it leaves the version alone:
    a member's open edit form stays valid.
    """
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError(_("Hãy ghi nội dung trả lời."))
    with transaction.atomic():
        current = FieldVisit.objects.select_for_update().get(pk=visit.pk)
        if current.status != FieldVisit.Status.RETURNED:
            raise _wrong_state("answer", current.status)
        if not access.may_answer_visit(by, current):
            raise _not_allowed("answer")
        return VisitEvent.objects.create(
            visit=current, action=VisitEvent.Action.ANSWERED, comment=comment, actor=by
        )
