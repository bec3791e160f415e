"""Going back to the page a form was posted from."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def back(request, fallback):
    """Redirect to the POST's ``next`` if it is a path of this site, else to `fallback`.

    Only a path: redirect() would take anything else for a view name, and another
    host would make the site an open redirect.
    """
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(fallback)
