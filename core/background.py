"""Requests the service worker makes by itself (`X-NTM-Prefetch: 1`) change nothing of
the session (templates/app_shell/sw.js).

Keeping "Việc của tôi" and the visit forms for offline use, the worker asks for them in
the background. Such a request must not be taken for the member's own visit of the page:
it would consume the messages waiting for the next page ("Đã lưu chuyến công tác…") and
what the page takes from the session once, and count as activity that keeps an idle
session alive. So nothing it changed in the session or the messages is saved.
"""

PREFETCH_HEADER = "X-NTM-Prefetch"


class BackgroundFetchMiddleware:
    """Below SessionMiddleware and MessageMiddleware: runs before them on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get(PREFETCH_HEADER) != "1":
            return response
        session = getattr(request, "session", None)
        if session is not None:
            session.modified = False
        storage = getattr(request, "_messages", None)
        if storage is not None:
            # The messages shown on this page stay for the member's next page.
            storage.used = False
        return response
