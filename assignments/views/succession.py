"""Assignments over time: the hand-over of an assignment and the amendment of a decision.

Thin views: access decides who may act, services.succession does the work.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import formats

from .. import access
from ..forms.succession import AmendmentForm, HandOverForm, pair_formset
from ..models import Assignment, Decision, Leader
from ..services import succession
from ..services.errors import WorkflowError


def _office_only(request):
    if not access.may_manage_assignments(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@login_required
def assignment_handover(request, pk):
    _office_only(request)
    assignment = get_object_or_404(
        Assignment.objects.select_related(
            "commune__district", "leader__agency", "decision", "working_group", "successor__leader"
        ),
        pk=pk,
    )
    form = HandOverForm(request.POST or None, initial={"agency": assignment.leader.agency_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            successor = succession.hand_over(
                assignment,
                ended_on=data["ended_on"],
                reason=data["reason"],
                note=data["note"],
                new_leader=data["new_leader"],
                started_on=data["started_on"],
                by=request.user,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Đã bàn giao xã %(commune)s: %(old)s → %(new)s, từ ngày %(date)s.")
                % {
                    "commune": assignment.commune.name,
                    "old": assignment.leader.full_name,
                    "new": successor.leader.full_name,
                    "date": formats.day(successor.started_on),
                },
            )
            return redirect("assignments:leader_detail", pk=successor.leader_id)
    title = _("Bàn giao phân công xã %(commune)s") % {"commune": assignment.commune.name}
    return render(
        request,
        "assignments/handover_form.html",
        {
            "assignment": assignment,
            "predecessor": Assignment.objects.filter(successor=assignment)
            .select_related("leader")
            .first(),
            "form": form,
            "page_title": title,
            "breadcrumbs": [
                (_("Phân công"), reverse("assignments:assignment_list")),
                (
                    assignment.leader.full_name,
                    reverse("assignments:leader_detail", args=[assignment.leader_id]),
                ),
                (title, None),
            ],
        },
    )


DEFAULT_ROWS, MAX_ROWS = 5, 130


def _rows(request):
    rows = request.GET.get("so_dong", "")
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    return min(max(int(rows), 1), MAX_ROWS) if rows.isdecimal() else DEFAULT_ROWS


def _pair_label(assignment):
    """The pair as offered: "Bản Vược – Huyện Bát Xát (đang: …)", a unit of today without
    a district (it has none)."""
    values = {"commune": assignment.commune.name, "leader": assignment.leader.full_name}
    if assignment.commune.district is None:
        return _("%(commune)s (đang: %(leader)s)") % values
    values["district"] = assignment.commune.district.name
    return _("%(commune)s – %(district)s (đang: %(leader)s)") % values


def _pair_choices(base):
    in_force = (
        succession.active_under(base)
        .select_related("commune__district", "leader")
        .order_by("commune__sort_name", "pk")
    )
    communes = [(a.commune_id, _pair_label(a)) for a in in_force]
    leaders = [
        (leader.pk, f"{leader.full_name} – {leader.position}, {leader.agency}")
        for leader in Leader.objects.select_related("agency").order_by("search_name", "pk")
    ]
    return {"communes": communes, "leaders": leaders}


@require_http_methods(["GET", "POST"])
@login_required
def decision_amend(request, pk):
    _office_only(request)
    base = get_object_or_404(Decision, pk=pk)
    PairFormSet = pair_formset(extra=_rows(request))
    data = request.POST or None
    form = AmendmentForm(data)
    pairs = PairFormSet(data, prefix="xa", form_kwargs=_pair_choices(base))
    errors = []
    if request.method == "POST" and form.is_valid() and pairs.is_valid():
        try:
            decision = succession.amend_decision(
                base,
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
                title=form.cleaned_data["title"],
                pairs=pairs.pairs(),
                by=request.user,
            )
        except WorkflowError as error:
            errors.append(str(error))
        else:
            count = decision.assignments.count()
            messages.success(
                request,
                _(
                    "Đã ghi Quyết định %(number)s sửa đổi Quyết định %(base)s: "
                    "phân công lại %(count)d xã; các xã khác giữ nguyên."
                )
                % {"number": decision.number, "base": base.number, "count": count},
            )
            return redirect(reverse("assignments:assignment_list") + f"?decision={decision.pk}")
    title = _("Sửa đổi Quyết định %(number)s") % {"number": base.number}
    return render(
        request,
        "assignments/decision_amend.html",
        {
            "base": base,
            "form": form,
            "pairs": pairs,
            "errors": errors,
            "in_force": succession.active_under(base).count(),
            "rows": len(pairs.forms),
            "more_rows": min(len(pairs.forms) + DEFAULT_ROWS, MAX_ROWS),
            "page_title": title,
            "breadcrumbs": [
                (_("Phân công"), reverse("assignments:assignment_list")),
                (title, None),
            ],
        },
    )
