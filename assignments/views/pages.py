"""Assignments and visits lists, visit detail, leader and agency pages."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Case, F, Prefetch, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from core.listing import FilteredTableView

from .. import access
from ..filters import AssignmentFilter, VisitFilter
from ..models import (
    Agency,
    Assignment,
    FieldVisit,
    Leader,
    Member,
    Recommendation,
    Support,
    VisitEvent,
)
from ..queries import scorecards
from ..tables import AssignmentTable, VisitTable

# Head, deputy, then members (the role codes do not sort that way).
ROLE_ORDER = Case(
    *(When(role=role, then=Value(i)) for i, role in enumerate(Member.Role.values)), default=9
)


class AssignmentListView(FilteredTableView):
    template_name = "assignments/assignment_list.html"
    table_class = AssignmentTable
    filterset_class = AssignmentFilter
    load_page_by_key = True  # five figures per row (visits, support, recommendations)
    page_title = _("Phân công lãnh đạo giúp đỡ xã")
    breadcrumbs = ((_("Phân công"), None),)

    def get_queryset(self):
        self.today = timezone.localdate()
        return access.assignments_visible_to(
            self.request.user, Assignment.objects.for_list(self.today)
        )

    def get_table_kwargs(self):
        return {"today": self.today}

    def get_context_data(self, **kwargs):
        form = self.filterset.form
        chosen = form.cleaned_data.get("decision") if form.is_valid() else None
        return super().get_context_data(
            stale_days=settings.NTM_STALE_VISIT_DAYS,
            # The amendment page is reached from the list of that decision's assignments.
            amendable_decision=chosen if access.may_manage_assignments(self.request.user) else None,
            **kwargs,
        )


class VisitListView(FilteredTableView):
    template_name = "assignments/visit_list.html"
    table_class = VisitTable
    filterset_class = VisitFilter
    load_page_by_key = True  # three figures per row (support, recommendations)
    page_title = _("Chuyến công tác")
    breadcrumbs = ((_("Chuyến công tác"), None),)

    def get_queryset(self):
        return access.visits_visible_to(self.request.user, FieldVisit.objects.for_list())


class VisitDetailView(LoginRequiredMixin, DetailView):
    template_name = "assignments/visit_detail.html"
    context_object_name = "visit"
    queryset = FieldVisit.objects.select_related(
        "assignment__commune__district",
        "assignment__leader__agency",
        "assignment__working_group",
        "assignment__decision",
    ).prefetch_related(
        Prefetch("participants", queryset=Member.objects.order_by(ROLE_ORDER, "full_name")),
        Prefetch("supports", queryset=Support.objects.prefetch_related("criteria").order_by("pk")),
        Prefetch("recommendations", queryset=Recommendation.objects.order_by("due_on", "pk")),
        "attachments",
        Prefetch("events", queryset=VisitEvent.objects.select_related("actor")),
    )

    def get_object(self, queryset=None):
        return access.get_visit_for_user(
            self.request, self.kwargs["pk"], "view", self.get_queryset()
        )

    def get_context_data(self, **kwargs):
        visit = self.object
        user = self.request.user
        title = _("Chuyến công tác xã %(commune)s ngày %(date)s") % {
            "commune": visit.assignment.commune.name,
            "date": visit.visited_on.strftime("%d/%m/%Y"),
        }
        supports = list(visit.supports.all())
        return super().get_context_data(
            page_title=title,
            breadcrumbs=[(_("Chuyến công tác"), reverse("assignments:visit_list")), (title, None)],
            supports=supports,
            support_total=sum(s.amount_vnd for s in supports),
            today=timezone.localdate(),
            may={
                "edit": access.may_edit_visit(user, visit),
                "submit": access.may_submit_visit(user, visit),
                "confirm": access.may_confirm_visit(user, visit),
                "return": access.may_return_visit(user, visit),
                "restore": access.may_restore_history(user),
            },
            **kwargs,
        )


class LeaderDetailView(LoginRequiredMixin, DetailView):
    template_name = "assignments/leader_detail.html"
    context_object_name = "leader"

    def get_queryset(self):
        return access.leaders_visible_to(self.request.user, Leader.objects.select_related("agency"))

    def get_context_data(self, **kwargs):
        leader = self.object
        user = self.request.user
        today = timezone.localdate()
        assignments = list(
            leader.assignments.select_related(
                "commune__district",
                "decision",
                "working_group",
                "predecessor__leader",
                "successor__leader",
            )
            # Current assignments first, then the most recently ended.
            .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "pk")
        )
        cards = scorecards(assignments, today)
        return super().get_context_data(
            page_title=leader.full_name,
            breadcrumbs=[
                (_("Phân công"), reverse("assignments:assignment_list")),
                (leader.agency.name, reverse("assignments:agency_detail", args=[leader.agency_id])),
                (leader.full_name, None),
            ],
            cards=list(cards.values()),
            # Phone and e-mail are personal data: the office, the leader's groups, the leader.
            show_contacts=access.may_see_contacts(user, None)
            or any(access.may_see_contacts(user, a) for a in assignments),
            may_manage=access.may_manage_assignments(user),
            today=today,
            **kwargs,
        )


class AgencyDetailView(LoginRequiredMixin, DetailView):
    template_name = "assignments/agency_detail.html"
    context_object_name = "agency"

    def get_queryset(self):
        return access.agencies_visible_to(self.request.user, Agency.objects.all())

    def get_context_data(self, **kwargs):
        agency = self.object
        user = self.request.user
        today = timezone.localdate()
        # A leader sees their own rows of their agency; every other role sees them all.
        of_agency = access.assignments_visible_to(
            user, Assignment.objects.filter(leader__agency=agency)
        )
        assignments = list(
            of_agency.for_list(today).order_by(
                F("ended_on").desc(nulls_first=True), "commune__sort_name", "pk"
            )
        )
        cards = scorecards(assignments, today)
        stale_ids = set(of_agency.stale(today).values_list("pk", flat=True))
        overdue = (
            Recommendation.objects.overdue(today)
            .filter(visit__in=access.visits_visible_to(user, FieldVisit.objects.all()))
            .filter(visit__assignment__in=of_agency)
            .select_related("visit__assignment__commune", "visit__assignment__leader")
            .order_by("due_on", "pk")
        )
        by_leader = {}
        for assignment in assignments:
            by_leader.setdefault(assignment.leader_id, []).append(cards[assignment.pk])
        leaders = list(
            access.leaders_visible_to(user, agency.leaders.all()).order_by("search_name", "pk")
        )
        return super().get_context_data(
            page_title=agency.name,
            breadcrumbs=[
                (_("Phân công"), reverse("assignments:assignment_list")),
                (agency.name, None),
            ],
            leaders=leaders,
            assignment_count=len(assignments),
            # One row per assignment; a leader without any still gets a row.
            rows=[
                (leader, card) for leader in leaders for card in by_leader.get(leader.pk) or [None]
            ],
            stale=[a for a in assignments if a.pk in stale_ids],
            stale_days=settings.NTM_STALE_VISIT_DAYS,
            overdue=overdue,
            today=today,
            **kwargs,
        )
