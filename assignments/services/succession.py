"""Assignments over time: one assignment ends and its successor starts.

:func:`succeed` is the one place where that happens; the office's hand-over
(:func:`hand_over`), a decision amending a decision (:func:`amend_decision`), the
annex import (reports.imports) and the 2025 carry-over to the new units
(services.reform) all go through it, and :func:`end` is the one place where an
assignment ends without a successor, so that everywhere:

* the old assignment ends the day before its successor starts: a commune never
  has two leaders in force on one day (nor, by the database's rule, two active
  assignments under one decision);
* the working group follows the new leader's agency (:func:`group_for`);
* from 01/07/2025 the successor starts on a unit that exists on its first day: a pair
  on an old xã goes on in the unit it went into by the carry-over (services.reform),
  never by handing over or amending it on the old xã;
* the old assignment gets one history entry for the whole change (end, reason,
  successor), the successor one for its start.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communes.validation import ceased_message
from core.formats import day

from ..models import Assignment, Decision, Leader, WorkingGroup
from .errors import WorkflowError, plausible

ONE_DAY = datetime.timedelta(days=1)
NUMBER_LENGTH = Decision._meta.get_field("number").max_length
TITLE_LENGTH = Decision._meta.get_field("title").max_length


def _end_assignment(assignment, *, ended_on, reason, note):
    """End the assignment if it is still active in the database; 1 if it was, 0 if not."""
    return Assignment.objects.filter(pk=assignment.pk, ended_on__isnull=True).update(
        ended_on=ended_on, end_reason=reason, end_note=note
    )


def _tag(instance, by, change_reason):
    instance._history_user = by
    if change_reason:
        instance._change_reason = change_reason
    return instance


def group_for(old, leader, started_on):
    """The working group of `leader`'s assignment succeeding `old`.

    The same group when the new leader is of the same agency; otherwise the group
    of the new leader's agency that has already worked for the commune, or a new,
    empty one of that agency (its members are added by the office).
    """
    if leader.agency_id == old.leader.agency_id:
        return old.working_group
    known = (
        WorkingGroup.objects.filter(
            agency_id=leader.agency_id, assignments__commune_id=old.commune_id
        )
        .order_by("-assignments__started_on", "-pk")
        .first()
    )
    if known is not None:
        return known
    agency = leader.agency
    return WorkingGroup.objects.create(
        name=WorkingGroup.name_for(agency, old.commune),
        agency=agency,
        established_on=started_on,
        is_demo=agency.is_demo,  # removed with its agency when the demo data is removed
    )


def succeed(
    old,
    *,
    leader,
    started_on,
    reason,
    note="",
    ended_on=None,
    decision=None,
    commune=None,
    by=None,
    change_reason="",
):
    """End `old` and start its successor; the successor.

    The successor is `leader`'s, for `commune` (default: old's; the carry-over
    names the unit that absorbed old's), under `decision` (default: old's), from
    `started_on`; `old` ends on `ended_on`, by default the day before, and never
    on or after `started_on`. The successor's unit must exist on `started_on`
    (communes.validation). Run it in a transaction: a refusal (WorkflowError)
    after the first write must roll everything back. The old assignment is ended
    first, so that the commune never has two active assignments under one
    decision; then it is saved once more with the successor link, which records
    the whole change as one history entry. `change_reason` goes into both history
    entries (the import names its batch there).
    """
    ended_on = ended_on or started_on - ONE_DAY
    if ended_on >= started_on:
        raise WorkflowError(
            _(
                "Xã %(commune)s: lãnh đạo mới phải bắt đầu phụ trách sau ngày phân công cũ "
                "kết thúc (%(end)s); một xã không có hai phân công cùng hiệu lực trong một ngày."
            )
            % {"commune": old.commune.name, "end": day(ended_on)}
        )
    if ended_on < old.started_on:
        raise WorkflowError(
            _(
                "Xã %(commune)s: phân công hiện tại bắt đầu từ %(start)s, không thể kết thúc "
                "ngày %(end)s."
            )
            % {"commune": old.commune.name, "start": day(old.started_on), "end": day(ended_on)}
        )
    refusal = ceased_message(
        old.commune if commune is None else commune,
        started_on,
        _(
            "Phân công từ ngày này ghi cho %(successor)s: hãy chuyển phân công sang đơn vị "
            "mới (Phân công → Chuyển sang đơn vị mới)."
        ),
    )
    if refusal:
        raise WorkflowError(refusal)
    group = group_for(old, leader, started_on)
    if not _end_assignment(old, ended_on=ended_on, reason=reason, note=note):
        raise WorkflowError(_("Phân công này đã kết thúc."))
    new = Assignment(
        decision=decision or old.decision,
        leader=leader,
        commune_id=old.commune_id if commune is None else commune.pk,
        working_group=group,
        started_on=started_on,
    )
    _tag(new, by, change_reason).save()
    old.ended_on, old.end_reason, old.end_note, old.successor = ended_on, reason, note, new
    _tag(old, by, change_reason).save()
    return new


def end(old, *, ended_on, reason, note="", by=None, change_reason=""):
    """End `old` without a successor, with one history entry; refused (WorkflowError)
    if it has already ended or would end before it started. Run it in a transaction."""
    if ended_on < old.started_on:
        raise WorkflowError(
            _(
                "Xã %(commune)s: phân công hiện tại bắt đầu từ %(start)s, không thể kết thúc "
                "ngày %(end)s."
            )
            % {"commune": old.commune.name, "start": day(old.started_on), "end": day(ended_on)}
        )
    if not _end_assignment(old, ended_on=ended_on, reason=reason, note=note):
        raise WorkflowError(_("Phân công này đã kết thúc."))
    old.ended_on, old.end_reason, old.end_note = ended_on, reason, note
    _tag(old, by, change_reason).save()
    return old


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
    "agency"}). The successor keeps the decision and the commune, starts the day
    after `ended_on` unless `started_on` (later) says otherwise, and has the
    working group of the new leader's agency (group_for); visits stay on the old
    assignment, which links to it (assignment.successor).
    """
    plausible(ended_on, started_on)
    started_on = started_on or ended_on + ONE_DAY
    if reason not in Assignment.EndReason.values:
        raise WorkflowError(_("Hãy chọn lý do kết thúc phân công."))
    if not isinstance(new_leader, Leader) and not all(
        (new_leader or {}).get(key) for key in ("full_name", "position", "agency")
    ):
        raise WorkflowError(_("Hãy ghi họ tên, chức vụ và cơ quan của lãnh đạo tiếp nhận."))
    if started_on <= ended_on:
        raise WorkflowError(
            _(
                "Ngày lãnh đạo mới bắt đầu phụ trách (%(start)s) phải sau ngày kết thúc phân "
                "công cũ (%(end)s): một xã không có hai lãnh đạo phụ trách trong cùng một ngày."
            )
            % {"start": day(started_on), "end": day(ended_on)}
        )
    try:
        with transaction.atomic():
            old = (
                Assignment.objects.select_for_update(of=("self",))
                .select_related("commune", "leader")
                .get(pk=assignment.pk)
            )
            if old.ended_on is not None:
                raise WorkflowError(_("Phân công này đã kết thúc."))
            if ended_on < old.started_on:
                raise WorkflowError(
                    _(
                        "Ngày kết thúc (%(end)s) không được trước ngày bắt đầu phân công "
                        "(%(start)s)."
                    )
                    % {"end": day(ended_on), "start": day(old.started_on)}
                )
            if isinstance(new_leader, Leader):
                if new_leader.pk == old.leader_id:
                    raise WorkflowError(
                        _("Lãnh đạo mới trùng với lãnh đạo đang phụ trách; hãy chọn người khác.")
                    )
            else:
                new_leader = Leader.objects.create(**new_leader)
            return succeed(
                old,
                leader=new_leader,
                started_on=started_on,
                ended_on=ended_on,
                reason=reason,
                note=note.strip(),
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


def family_root(decision):
    """The original decision that `decision` amends, through any chain of amendments."""
    seen = {decision.pk}
    while decision.amends_id is not None and decision.amends_id not in seen:
        seen.add(decision.amends_id)
        decision = Decision.objects.get(pk=decision.amends_id)
    return decision


def active_under(decision):
    """Active assignments under the decision or its amendments, i.e. the pairs in force."""
    return Assignment.objects.active().filter(decision__in=decision_family(decision))


def check_amendment(base, *, number, issued_on, title):
    """(number, title) stripped, or WorkflowError: what a decision amending `base` needs."""
    number, title = (number or "").strip(), (title or "").strip()
    if not number or not title or issued_on is None:
        raise WorkflowError(_("Hãy ghi số, ngày ban hành và trích yếu của quyết định mới."))
    plausible(issued_on)
    for value, limit, label in (
        (number, NUMBER_LENGTH, _("Số quyết định")),
        (title, TITLE_LENGTH, _("Trích yếu")),
    ):
        if len(value) > limit:
            raise WorkflowError(
                _("%(field)s dài quá %(limit)s ký tự.") % {"field": label, "limit": limit}
            )
    if Decision.objects.filter(number=number, issuer=base.issuer).exists():
        raise WorkflowError(
            _("Đã có Quyết định %(number)s của %(issuer)s.")
            % {"number": number, "issuer": base.issuer}
        )
    return number, title


def issue_amendment(base, *, number, issued_on, title):
    """Create the decision amending `base` (checked as check_amendment does)."""
    number, title = check_amendment(base, number=number, issued_on=issued_on, title=title)
    return Decision.objects.create(
        number=number,
        issued_on=issued_on,
        title=title,
        issuer=base.issuer,
        period_start=base.period_start,
        period_end=base.period_end,
        amends=base,
    )


def amendment_note(decision):
    """The end note of an assignment replaced by an amending decision."""
    return _("Thay thế theo Quyết định %(number)s ngày %(date)s") % {
        "number": decision.number,
        "date": day(decision.issued_on),
    }


def amend_decision(base, *, number, issued_on, title, pairs, by=None):
    """Issue a decision amending `base` that re-pairs the listed communes; the new decision.

    `pairs` is [(commune, new leader)]. Each listed commune's assignment in force
    under `base` (or an earlier amendment of it) ends the day before the new
    decision is issued, and a successor starts under the new decision on that day
    (succeed). Every other commune keeps its assignment.
    """
    number, title = check_amendment(base, number=number, issued_on=issued_on, title=title)
    if not pairs:
        raise WorkflowError(_("Hãy chọn ít nhất một xã được phân công lại."))
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
    try:
        with transaction.atomic():
            return _amend(base, number, issued_on, title, pairs, by)
    except IntegrityError as exc:
        raise WorkflowError(
            _(
                "Không lưu được quyết định sửa đổi: dữ liệu vừa được người khác thay đổi "
                "(trùng số quyết định hoặc một xã có hai phân công đang hiệu lực); chưa có gì "
                "thay đổi. Hãy tải lại trang và thử lại."
            )
        ) from exc


def _amend(base, number, issued_on, title, pairs, by):
    in_force = {}
    communes = [c for c, _l in pairs]
    locked = active_under(base).select_for_update(of=("self",)).filter(commune__in=communes)
    for old in locked.select_related("commune", "leader"):
        if old.commune_id in in_force:
            raise WorkflowError(
                _("Xã %(commune)s có hơn một phân công đang hiệu lực; hãy kiểm tra lại.")
                % {"commune": old.commune.name}
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
        if issued_on <= old.started_on:
            raise WorkflowError(
                _(
                    "Xã %(commune)s: phân công hiện tại bắt đầu từ %(start)s, không thể kết "
                    "thúc trước ngày quyết định mới ban hành (%(issued)s)."
                )
                % {"commune": commune.name, "start": day(old.started_on), "issued": day(issued_on)}
            )
    decision = issue_amendment(base, number=number, issued_on=issued_on, title=title)
    note = amendment_note(decision)
    for commune, leader in pairs:
        succeed(
            in_force[commune.pk],
            leader=leader,
            started_on=issued_on,
            reason=Assignment.EndReason.AMENDED,
            note=note,
            decision=decision,
            by=by,
        )
    return decision
