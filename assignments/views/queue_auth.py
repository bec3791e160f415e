"""Requests from the phone's send queue (static/js/queue.js) carry `X-NTM-Queue: 1`
and are answered in JSON, never with a redirect or an HTML page (issue 17)."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import resolve_url

QUEUE_HEADER = "X-NTM-Queue"


def from_queue(request):
    """Whether the request comes from the phone's send queue (`X-NTM-Queue: 1`)."""
    return request.headers.get(QUEUE_HEADER) == "1"


def login_url_for(request):
    """The login page, coming back to this request's page once signed in."""
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"


def queue_login_required(view):
    """login_required, except that a queue request without a session gets
    401 {"login_url": ...} (the phone keeps the item and asks the member to sign in)."""
    html_view = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if from_queue(request) and not request.user.is_authenticated:
            response = JsonResponse({"login_url": login_url_for(request)}, status=401)
            response["Cache-Control"] = "no-store"
            return response
        return html_view(request, *args, **kwargs)

    return wrapper
