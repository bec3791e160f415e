# Placeholder until the assignment pages land (issue 3).
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class _Placeholder(LoginRequiredMixin, TemplateView):
    template_name = "base.html"


AssignmentListView = VisitListView = VisitDetailView = LeaderDetailView = AgencyDetailView = (
    _Placeholder
)
