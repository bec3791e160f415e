# Stub: change history and restore arrive with issue 4.
from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404


history = restore = _not_yet
