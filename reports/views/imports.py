# Stub: Excel imports arrive with issue 5.
from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404


import_index = import_annex = import_matrix = import_preview = import_template = _not_yet
