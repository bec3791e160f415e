"""What the phone keeps for working offline (issue 17): GET /cua-toi/ngoai-tuyen/.

The service worker (templates/sw.js) reads it to cache the member's pages ("Việc của
tôi" and the visit form of each assignment they record visits for) before the signal
goes; the send queue (static/js/queue.js) reads it for the CSRF token and the user now
signed in before it sends anything. Never cached (Cache-Control: no-store).
"""

from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.views.decorators.http import require_GET

from .. import access
from ..models import Assignment, FieldVisit
from .queue_auth import queue_login_required


@require_GET
@queue_login_required
def offline_state(request):
    """The user, a fresh CSRF token, the pages to keep offline and, per assignment the
    user records visits for, the days that already have a visit (so that the phone can
    ask "đã có chuyến công tác ngày này – vẫn lưu?" without the server)."""
    user = request.user
    # The assignments of the user's working groups that they may still record visits
    # for (access.may_record_visit_for: the active ones). The office may record for
    # every assignment but works from the office, not from a phone in the commune:
    # its pages are not kept offline.
    candidates = (
        Assignment.objects.filter(pk__in=access.member_assignment_ids(user))
        .select_related("commune")
        .order_by("commune__sort_name", "pk")
    )
    assignments = [a for a in candidates if access.may_record_visit_for(user, a)]
    days = {}
    for assignment_id, day in (
        # A draft deleted by its group is no visit of that day (contract item 5).
        FieldVisit.objects.not_deleted()
        .filter(assignment__in=assignments)
        .order_by("assignment_id", "visited_on")
        .values_list("assignment_id", "visited_on")
        .distinct()
    ):
        days.setdefault(assignment_id, []).append(day.isoformat())
    entries = [
        {
            "id": assignment.pk,
            "commune": assignment.commune.name,
            "create_url": reverse("assignments:visit_create", args=[assignment.pk]),
            "visit_days": days.get(assignment.pk, []),
        }
        for assignment in assignments
    ]
    pages = [reverse("assignments:my_work")] + [entry["create_url"] for entry in entries]
    response = JsonResponse(
        {
            "user": user.pk,
            "csrf": get_token(request),
            "pages": pages,
            "assignments": entries,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-store"
    return response
