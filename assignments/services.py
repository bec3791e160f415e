"""Workflows that span several models, called by thin views and by commands alike.

Each function runs in one transaction: either everything is written or nothing.
"""

import datetime
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.forms.models import construct_instance
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access
from .models import (
    Assignment,
    Attachment,
    Decision,
    FieldVisit,
    Leader,
    Recommendation,
    VisitEvent,
)

# --- recording a visit


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
            "who": (who.get_full_name() or who.username) if who else _("người khác"),
            "when": timezone.localtime(visit.updated_at).strftime("%d/%m/%Y %H:%M"),
        }
        if visit.status not in access.EDITABLE_BY_GROUP:
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
        if not claimed or not access.may_edit_visit(by, current):
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


# --- workflow and assignments over time


class WorkflowError(Exception):
    """A workflow step or an assignment change was refused; nothing was written.

    The message is a Vietnamese sentence for the user.
    """


# The days a decision or an assignment may carry: the services count a day before or
# after them, which a date such as 31/12/9999 does not have. The forms check the same.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)


def out_of_range_message(day):
    """The sentence for a day outside EARLIEST–LATEST, None for a day inside."""
    if EARLIEST <= day <= LATEST:
        return None
    return _("Ngày %(date)s nằm ngoài khoảng hợp lệ (%(earliest)s – %(latest)s).") % {
        "date": f"{day.day:02d}/{day.month:02d}/{day.year:04d}",
        "earliest": EARLIEST.strftime("%d/%m/%Y"),
        "latest": LATEST.strftime("%d/%m/%Y"),
    }


def _plausible(*days):
    for day in days:
        if day is not None and (message := out_of_range_message(day)):
            raise WorkflowError(message)


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


def _date(day):
    return day.strftime("%d/%m/%Y")


def _end_assignment(assignment, *, ended_on, reason, note):
    """End the assignment if it is still active in the database; 1 if it was, 0 if not."""
    return Assignment.objects.filter(pk=assignment.pk, ended_on__isnull=True).update(
        ended_on=ended_on, end_reason=reason, end_note=note
    )


def _succeed(old, *, decision, leader, ended_on, reason, note, started_on, by):
    """End `old` and start its successor (same commune and working group) under `decision`.

    The old one is ended first, so the commune never has two active assignments
    under one decision; then it is saved once more with the successor link, which
    records the whole change (end, reason, successor) as one history entry.
    """
    if not _end_assignment(old, ended_on=ended_on, reason=reason, note=note):
        raise WorkflowError(_("Phân công này đã kết thúc."))
    new = Assignment(
        decision=decision,
        leader=leader,
        commune_id=old.commune_id,
        working_group_id=old.working_group_id,
        started_on=started_on,
    )
    new._history_user = by
    new.save()
    old.ended_on, old.end_reason, old.end_note, old.successor = ended_on, reason, note, new
    old._history_user = by
    old.save()
    return new


def _two_active(assignment):
    return WorkflowError(
        _(
            "Không lưu được: xã %(commune)s đã có một lãnh đạo đang được phân công theo "
            "Quyết định %(decision)s. Mỗi xã chỉ có một phân công đang hiệu lực theo một "
            "quyết định; chưa có gì thay đổi."
        )
        % {"commune": assignment.commune.name, "decision": assignment.decision.number}
    )


def hand_over(assignment, *, ended_on, reason, new_leader, note="", started_on=None, by=None):
    """End an active assignment and start its successor in one step; the successor.

    `new_leader` is a Leader or the fields of a new one ({"full_name", "position",
    "agency"}). The successor keeps the decision, the commune and the working group;
    visits stay on the old assignment, which links to it (assignment.successor).
    """
    _plausible(ended_on, started_on)
    started_on = started_on or ended_on + datetime.timedelta(days=1)
    if reason not in Assignment.EndReason.values:
        raise WorkflowError(_("Hãy chọn lý do kết thúc phân công."))
    if not isinstance(new_leader, Leader) and not all(
        (new_leader or {}).get(key) for key in ("full_name", "position", "agency")
    ):
        raise WorkflowError(_("Hãy ghi họ tên, chức vụ và cơ quan của lãnh đạo tiếp nhận."))
    if started_on < ended_on:
        raise WorkflowError(
            _(
                "Ngày lãnh đạo mới bắt đầu phụ trách (%(start)s) không được trước ngày kết thúc "
                "phân công cũ (%(end)s)."
            )
            % {"start": _date(started_on), "end": _date(ended_on)}
        )
    try:
        with transaction.atomic():
            old = Assignment.objects.select_for_update().get(pk=assignment.pk)
            if old.ended_on is not None:
                raise WorkflowError(_("Phân công này đã kết thúc."))
            if ended_on < old.started_on:
                raise WorkflowError(
                    _(
                        "Ngày kết thúc (%(end)s) không được trước ngày bắt đầu phân công "
                        "(%(start)s)."
                    )
                    % {"end": _date(ended_on), "start": _date(old.started_on)}
                )
            if isinstance(new_leader, Leader):
                if new_leader.pk == old.leader_id:
                    raise WorkflowError(
                        _("Lãnh đạo mới trùng với lãnh đạo đang phụ trách; hãy chọn người khác.")
                    )
            else:
                new_leader = Leader.objects.create(**new_leader)
            return _succeed(
                old,
                decision=old.decision,
                leader=new_leader,
                ended_on=ended_on,
                reason=reason,
                note=note.strip(),
                started_on=started_on,
                by=by,
            )
    except IntegrityError as exc:
        raise _two_active(assignment) from exc


def decision_family(decision):
    """The decision and every decision amending it, directly or through another amendment."""
    family, frontier = {decision.pk}, {decision.pk}
    while frontier:
        frontier = set(
            Decision.objects.filter(amends__in=frontier)
            .exclude(pk__in=family)
            .values_list("pk", flat=True)
        )
        family |= frontier
    return family


def active_under(decision):
    """Active assignments under the decision or its amendments, i.e. the pairs in force."""
    return Assignment.objects.active().filter(decision__in=decision_family(decision))


def amend_decision(base, *, number, issued_on, title, pairs, by=None):
    """Issue a decision amending `base` that re-pairs the listed communes; the new decision.

    `pairs` is [(commune, new leader)]. Each listed commune's assignment in force
    under `base` (or an earlier amendment of it) ends the day before the new
    decision is issued, and a successor starts under the new decision on that day,
    with the same working group. Every other commune keeps its assignment.
    """
    number, title = (number or "").strip(), (title or "").strip()
    if not number or not title or issued_on is None:
        raise WorkflowError(_("Hãy ghi số, ngày ban hành và trích yếu của quyết định mới."))
    _plausible(issued_on)
    if not pairs:
        raise WorkflowError(_("Hãy chọn ít nhất một xã được phân công lại."))
    if Decision.objects.filter(number=number, issuer=base.issuer).exists():
        raise WorkflowError(
            _("Đã có Quyết định %(number)s của %(issuer)s.")
            % {"number": number, "issuer": base.issuer}
        )
    seen = set()
    for commune, leader in pairs:
        if commune.pk in seen:
            raise WorkflowError(
                _("Xã %(commune)s được liệt kê hai lần.") % {"commune": commune.name}
            )
        seen.add(commune.pk)
        if leader is None or not Leader.objects.filter(pk=leader.pk).exists():
            raise WorkflowError(
                _("Xã %(commune)s: không tìm thấy lãnh đạo được chọn.") % {"commune": commune.name}
            )
    ended_on = issued_on - datetime.timedelta(days=1)
    try:
        with transaction.atomic():
            return _amend(base, number, issued_on, title, pairs, ended_on, by)
    except IntegrityError as exc:
        raise WorkflowError(
            _(
                "Không lưu được quyết định sửa đổi: dữ liệu vừa được người khác thay đổi "
                "(trùng số quyết định hoặc một xã có hai phân công đang hiệu lực); chưa có gì "
                "thay đổi. Hãy tải lại trang và thử lại."
            )
        ) from exc


def _amend(base, number, issued_on, title, pairs, ended_on, by):
    in_force = {}
    for old in active_under(base).select_for_update().filter(commune__in=[c for c, _l in pairs]):
        if old.commune_id in in_force:
            raise WorkflowError(
                _("Xã %(commune)s có hơn một phân công đang hiệu lực; hãy kiểm tra lại.")
                % {"commune": next(c.name for c, _l in pairs if c.pk == old.commune_id)}
            )
        in_force[old.commune_id] = old
    for commune, leader in pairs:
        old = in_force.get(commune.pk)
        if old is None:
            raise WorkflowError(
                _("Xã %(commune)s không có phân công đang hiệu lực theo Quyết định %(decision)s.")
                % {"commune": commune.name, "decision": base.number}
            )
        if leader.pk == old.leader_id:
            raise WorkflowError(
                _("Xã %(commune)s: lãnh đạo mới trùng với lãnh đạo đang phụ trách.")
                % {"commune": commune.name}
            )
        if ended_on < old.started_on:
            raise WorkflowError(
                _(
                    "Xã %(commune)s: phân công hiện tại bắt đầu từ %(start)s, không thể kết "
                    "thúc trước ngày quyết định mới ban hành (%(issued)s)."
                )
                % {
                    "commune": commune.name,
                    "start": _date(old.started_on),
                    "issued": _date(issued_on),
                }
            )
    decision = Decision.objects.create(
        number=number,
        issued_on=issued_on,
        title=title,
        issuer=base.issuer,
        period_start=base.period_start,
        period_end=base.period_end,
        amends=base,
    )
    note = _("Thay thế theo Quyết định %(number)s ngày %(date)s") % {
        "number": number,
        "date": _date(issued_on),
    }
    for commune, leader in pairs:
        _succeed(
            in_force[commune.pk],
            decision=decision,
            leader=leader,
            ended_on=ended_on,
            reason=Assignment.EndReason.AMENDED,
            note=note,
            started_on=issued_on,
            by=by,
        )
    return decision
