"""Error pages: friendly, in the user's language, never a traceback.

* 500 and 400 are rendered from self-contained templates without the context
  processors: those query the database (the demo notice, the menu), and a
  500 is often the database being down. The 500 page shows the request id
  ("Mã lỗi") to quote to the office; the traceback goes to the log only
  (Django's ``django.request`` logger, with the request id and user id from
  core.request_id.RequestIdFilter).
* A database still locked by another writer after the busy timeout (SQLite's
  "database is locked": two confirms at once) is no fault: the 500 handler
  answers it with a "try again" page, status 503 and Retry-After, wherever in
  the request it was raised.
* 403 is logged in the security log, then rendered like any page (menu and all).
* A refused CSRF token gets its own page: almost always a form left open too
  long or a session that expired.
"""

import sys

from django.db import OperationalError
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from . import security_log
from .request_id import request_id_of


def _standalone(template_name, request, response_class):
    # A plain dict, no request: no context processor runs, so no database query.
    body = loader.get_template(template_name).render({"request_id": request_id_of(request)})
    return response_class(body)


# Seconds a client is asked to wait after the database was busy.
BUSY_RETRY_AFTER = 10


def database_busy(error):
    """Whether `error` is SQLite's lock held by another writer past the busy timeout."""
    return isinstance(error, OperationalError) and "database is locked" in str(error)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    # Django calls the handler while handling the exception: it is still the current one.
    if database_busy(sys.exc_info()[1]):
        response = _standalone("503.html", request, HttpResponse)
        response.status_code = 503
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response
    return _standalone(template_name, request, HttpResponseServerError)


@requires_csrf_token
def bad_request(request, exception, template_name="400.html"):
    return _standalone(template_name, request, HttpResponseBadRequest)


@requires_csrf_token
def permission_denied(request, exception, template_name="403.html"):
    security_log.access_denied(request)
    return defaults.permission_denied(request, exception, template_name=template_name)


def csrf_failure(request, reason=""):
    security_log.log("csrf_refused", request, reason=reason)
    if request.headers.get("X-NTM-Queue") == "1":
        # The phone's send queue (static/js/queue.js): no page to show; it keeps the item
        # and sends it again with the fresh token it fetches before every round.
        return JsonResponse({"csrf_refused": True}, status=403)
    body = loader.render_to_string("403_csrf.html", request=request)
    return HttpResponseForbidden(body)
