"""Assignments over time: hand-over to a successor, decisions amending a decision."""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Assignment, Decision, Leader
from .errors import WorkflowError, plausible


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
    plausible(ended_on, started_on)
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
    plausible(issued_on)
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
