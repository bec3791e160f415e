# Stub: the visit form, attachments and "my work" page arrive with issue 4.
from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404


visit_create = visit_edit = attachment_download = attachment_delete = my_work = _not_yet
