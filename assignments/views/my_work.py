"""The "my work" page: what is waiting for the user (record, continue, fix or confirm visits)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import access, roles
from ..models import Assignment, FieldVisit, VisitEvent
from ..models.visits import LAST_VISIT_HELP
from .visit_form import pop_saved_drafts


@login_required
def my_work(request):
    """What is waiting for the user: record, continue, fix or confirm visits."""
    user = request.user
    role = roles.role_of(user)
    context = {
        "page_title": _("Việc của tôi"),
        "breadcrumbs": [(_("Việc của tôi"), None)],
        "role": role,
        "saved_drafts": pop_saved_drafts(request),
        "last_visit_help": LAST_VISIT_HELP,
    }
    if role == roles.OFFICE:
        counts = FieldVisit.objects.aggregate(
            submitted=Count("pk", filter=Q(status=FieldVisit.Status.SUBMITTED)),
            returned=Count("pk", filter=Q(status=FieldVisit.Status.RETURNED)),
        )
        context["counts"] = counts
    elif role == roles.MEMBER:
        ids = access.member_assignment_ids(user)
        context["assignments"] = _with_last_visit(
            Assignment.objects.filter(pk__in=ids, ended_on__isnull=True)
        )
        context["to_continue"] = (
            FieldVisit.objects.filter(
                assignment_id__in=ids,
                status__in=[FieldVisit.Status.DRAFT, FieldVisit.Status.RETURNED],
            )
            .select_related("assignment__commune", "updated_by")
            .prefetch_related(_return_comments())
            .order_by("-status", "-visited_on", "-pk")  # returned ones first
        )
    elif role == roles.LEADER:
        ids = access.leader_assignment_ids(user)
        context["assignments"] = _with_last_visit(Assignment.objects.filter(pk__in=ids))
        context["to_confirm"] = (
            FieldVisit.objects.filter(assignment_id__in=ids, status=FieldVisit.Status.SUBMITTED)
            .select_related("assignment__commune")
            .order_by("visited_on", "pk")
        )
    return render(request, "assignments/my_work.html", context)


def _with_last_visit(assignments):
    """The assignments with their commune's last confirmed visit (the communes list's)."""
    return (
        assignments.select_related("commune__district", "leader", "working_group")
        .annotate(last_visit_on=FieldVisit.objects.last_visit_on("commune"))
        .order_by("ended_on", "commune__sort_name", "pk")
    )


def _return_comments():
    returned = VisitEvent.objects.filter(action=VisitEvent.Action.RETURNED)
    return Prefetch(
        "events",
        queryset=returned.select_related("actor").order_by("-created_at", "-pk"),
        to_attr="returns",
    )
