# Stub: the visit workflow, hand-over and decision amendment arrive with issue 4.
from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404


visit_submit = visit_confirm = visit_return = visit_answer = _not_yet
assignment_handover = decision_amend = _not_yet
