"""A leader's page and an agency's page: their assignments' scorecards."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from .. import access
from ..models import Agency, Assignment, FieldVisit, Leader, Recommendation
from ..queries import scorecards


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
