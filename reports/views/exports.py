# Stub: Excel reports arrive with issue 5.
from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404


report_index = export_annex = export_matrix = export_visits = export_periodic = _not_yet
