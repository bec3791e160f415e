"""`X-NTM-User: <user id>` on the pages of a signed-in user (templates/app_shell/sw.js).

The service worker keeps the pages a member may need offline in a cache of its own
per user, "ntm-pages-<version>-<user id>": this header says whose page a response is
(a page without it, such as the login page after a session expired, is never kept).
"""


class UserHeaderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["X-NTM-User"] = str(user.pk)
        return response
