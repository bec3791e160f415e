"""The list of assignments (leader ↔ commune pairs), with its filters and Excel export."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.listing import FilteredTableView

from .. import access
from ..filters import AssignmentFilter
from ..models import Assignment
from ..tables import AssignmentTable


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
