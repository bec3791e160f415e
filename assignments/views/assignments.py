"""The list of assignments (leader ↔ commune pairs), with its filters and Excel export."""

from django.conf import settings
from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Map
from core.listing import FilteredTableView

from .. import access
from ..filters import AssignmentFilter, list_map
from ..models import Assignment
from ..tables import AssignmentTable, CurrentMapAssignmentTable


class OnMapListMixin:
    """A list read on a map (``?map=old|current``, see assignments.filters.OnMapFilterSet):
    its filters, its table (`tables`: {Map: table class}) and the switch between the maps
    follow the map."""

    tables = {}

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.map = list_map(request.GET)

    def get_table_class(self):
        return self.tables[self.map]

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "map": self.map}

    def filter_active(self):
        data = self.filterset.data or {}
        return any(data.get(name) not in (None, "") for name in self.filterset.form.fields
                   if name != "map")  # fmt: skip

    def get_context_data(self, **kwargs):
        for label, its_map in self.filterset_class.ignored(self.request.GET, self.map):
            messages.info(
                self.request,
                _("Đã bỏ qua bộ lọc “%(filter)s”: bộ lọc này chỉ dùng khi đọc theo %(map)s.")
                % {"filter": label, "map": str(its_map.label).lower()},
            )
        return super().get_context_data(current_map=self.map, **kwargs)


class AssignmentListView(OnMapListMixin, FilteredTableView):
    template_name = "assignments/assignment_list.html"
    tables = {Map.OLD: AssignmentTable, Map.CURRENT: CurrentMapAssignmentTable}
    filterset_class = AssignmentFilter
    load_page_by_key = True  # five figures per row (visits, support, recommendations)
    page_title = gettext_lazy("Phân công lãnh đạo giúp đỡ xã")
    breadcrumbs = ((gettext_lazy("Phân công"), None),)

    def get_queryset(self):
        self.today = timezone.localdate()
        assignments = Assignment.objects.for_list(self.today)
        if self.map == Map.CURRENT:
            # The assignments of a unit and of its predecessors together.
            assignments = assignments.select_related("commune__current_unit").order_by(
                "commune__current_unit__sort_name", "commune__sort_name", "-started_on", "pk"
            )
        return access.assignments_visible_to(self.request.user, assignments)

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
