# Placeholder until the commune pages land (issue 3).
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class CommuneListView(LoginRequiredMixin, TemplateView):
    template_name = "base.html"


class CommuneDetailView(LoginRequiredMixin, TemplateView):
    template_name = "base.html"
