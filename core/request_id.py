"""A request id on every request, response and log line.

The proxy (nginx: ``proxy_set_header X-Request-ID $request_id;``) may send one;
it is kept when it is a sane token, otherwise a new one is made. The id is
returned in the ``X-Request-ID`` response header, shown on the 500 page ("Mã
lỗi") and written on every log record, so a user's report, the proxy's access
log and the application's log lines can be matched.

The current request is kept in a context variable too: code that has no
request at hand (a post_delete receiver) can still tell who did what.
"""

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
# Letters, digits and - _ . : only, 8 to 64 of them: safe in a header, a log line and a page.
SANE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

_request_id = contextvars.ContextVar("ntm_request_id", default=None)
_request = contextvars.ContextVar("ntm_request", default=None)


def current_request_id():
    return _request_id.get()


def current_request():
    return _request.get()


def request_id_of(request):
    """The id of `request` (or of the current request); None outside a request."""
    return getattr(request, "request_id", None) or current_request_id()


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that every response, error pages included, carries the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request.request_id = given if SANE.match(given) else uuid.uuid4().hex
        id_token = _request_id.set(request.request_id)
        request_token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(request_token)
            _request_id.reset(id_token)
        response[HEADER] = request.request_id
        return response


def cached_user_id(request):
    """The user's id if the request has already loaded its user, else None.

    Never loads it: a log line written while the database is down must not
    query it.
    """
    user = getattr(request, "_cached_user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


class RequestIdFilter(logging.Filter):
    """Put `request_id` and `user_id` on every record ("-" outside a request)."""

    def filter(self, record):
        request = _request.get()
        record.request_id = _request_id.get() or "-"
        user_id = cached_user_id(request) if request is not None else None
        record.user_id = "-" if user_id is None else user_id
        return True
