"""The carry-over of assignments to the units of 01/07/2025: a preview, then one step.

Thin view: the office only; services.reform plans and writes, forms.carry_over takes
the choices.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communes.reference import REFORM_DAY

from .. import access
from ..forms.carry_over import NO_ONE, CarryOverForm, choice_field_name
from ..models import Decision
from ..services import reform
from ..services.errors import WorkflowError


def _decision(request):
    """The decision of ``?decision=`` (None: every decision); an unknown one is ignored."""
    value = request.GET.get("decision", "")
    if not value.isdecimal():
        return None
    return Decision.objects.filter(pk=int(value)).first()


def _groups(plan, form):
    """The plan's moves by new unit, as the table shows them (unit-less moves last)."""
    ended = form.ended()
    groups = []
    for target in plan.targets:
        field = choice_field_name(target)
        groups.append(
            {
                "target": target,
                "field": field if target.needs_choice else "",
                "errors": form.errors.get(field, []),
                "selected": form.selected(target),
                "moves": [{"move": m, "ended": m.pk in ended} for m in target.moves],
            }
        )
    alone = [{"move": m, "ended": True} for m in plan.moves if m.target is None]
    if alone:
        groups.append({"target": None, "field": "", "errors": [], "moves": alone})
    return groups


@require_http_methods(["GET", "POST"])
@login_required
def carry_over(request):
    if not access.is_office(request.user):
        raise PermissionDenied
    decision = _decision(request)
    plan = reform.plan_carry_over(decision=decision)
    form = CarryOverForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            result = reform.carry_over(
                plan, choices=form.choices, ends=form.ending, user=request.user
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, result.message())
            return redirect(request.get_full_path())
    title = _("Chuyển phân công sang đơn vị hành chính mới")
    return render(
        request,
        "assignments/carry_over.html",
        {
            "plan": plan,
            "counts": plan.counts(),
            "form": form,
            "groups": _groups(plan, form),
            "no_one": NO_ONE,
            "decision": decision,
            "decisions": Decision.objects.filter(amends__isnull=True).order_by("number"),
            "reform_day": REFORM_DAY,
            "page_title": title,
            "breadcrumbs": [
                (_("Phân công"), reverse("assignments:assignment_list")),
                (title, None),
            ],
        },
    )
