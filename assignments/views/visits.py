"""The list of visits and a visit's page (with the workflow steps the user may take)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Case, Prefetch, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from communes.models import Map
from core import formats
from core.listing import FilteredTableView

from .. import access
from ..filters import VisitFilter
from ..models import FieldVisit, Member, Recommendation, Support, VisitEvent
from ..tables import CurrentMapVisitTable, VisitTable
from .assignments import OnMapListMixin

# Head, deputy, then members (the role codes do not sort that way).
ROLE_ORDER = Case(
    *(When(role=role, then=Value(i)) for i, role in enumerate(Member.Role.values)), default=9
)


class VisitListView(OnMapListMixin, FilteredTableView):
    template_name = "assignments/visit_list.html"
    tables = {Map.OLD: VisitTable, Map.CURRENT: CurrentMapVisitTable}
    filterset_class = VisitFilter
    load_page_by_key = True  # three figures per row (support, recommendations)
    page_title = _("Chuyến công tác")
    breadcrumbs = ((_("Chuyến công tác"), None),)

    def get_queryset(self):
        visits = FieldVisit.objects.for_list()
        if self.map == Map.CURRENT:
            visits = visits.select_related("assignment__commune__current_unit")
        # Deleted drafts only when asked for (the status filter "Đã xoá"): the office's,
        # and a group's own.
        deleted = self.request.GET.get("status") == FieldVisit.Status.DELETED
        return access.visits_visible_to(self.request.user, visits, deleted=deleted)


def location_of(visit):
    """Where the phone was when the visit was recorded, for its page, or None: the point
    rounded for reading, the accuracy, the time, and a plain OpenStreetMap link."""
    if visit.latitude is None or visit.longitude is None:
        return None
    lat, lon = (format(value.normalize(), "f") for value in (visit.latitude, visit.longitude))
    return {
        "latitude": f"{visit.latitude:.5f}".rstrip("0").rstrip("."),
        "longitude": f"{visit.longitude:.5f}".rstrip("0").rstrip("."),
        "accuracy": visit.location_accuracy,
        "at": visit.located_at,
        "map_url": f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}",
    }


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
            "date": formats.day(visit.visited_on),
        }
        supports = list(visit.supports.all())
        return super().get_context_data(
            page_title=title,
            breadcrumbs=[(_("Chuyến công tác"), reverse("assignments:visit_list")), (title, None)],
            supports=supports,
            support_total=sum(s.amount_vnd for s in supports),
            today=timezone.localdate(),
            location=location_of(visit) if access.may_see_location(user, visit) else None,
            # The workflow steps the user may take now ("edit", "submit", "answer", …).
            may={
                **access.steps_for(user, visit),
                "restore_history": access.may_restore_history(user),
                "read_comments": access.may_read_workflow_comments(user, visit),
                "see_location": access.may_see_location(user, visit),
            },
            **kwargs,
        )
