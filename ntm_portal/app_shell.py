"""The installable web app (issue 17): service worker, manifest, offline page, logout.

* /sw.js — the service worker (templates/app_shell/sw.js), served from the site's root
  so that its scope is the whole site, rendered so that it names the hashed static files
  it keeps (core/staticfiles.py) and carries a version that changes with them;
* /manifest.webmanifest — name, colours and icons (static/icons/, scripts/make_icons.py);
* /ngoai-tuyen/ — the page shown offline for a page the phone has not kept;
* logout — Django's, answering `Clear-Site-Data: "cache", "storage"` so that the phone
  keeps no page and no queued visit of the user (static/js/app.js does the same on the
  login page for browsers without Clear-Site-Data).
"""

import hashlib
import json
import re
from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, JsonResponse
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# The manifest's and the address bar's colour: portal.css's --green.
THEME_COLOUR = "#1b6e3c"
BACKGROUND_COLOUR = "#f6f8f9"

# What the worker keeps at install: every member page needs these (the pages' own
# <script> and <link> files are added when a page is kept, see sw.js).
PRECACHED_STATIC = (
    "css/portal.css",
    "js/forms.js",
    "js/visit_form.js",
    "js/queue.js",
    "js/pending.js",
    "js/app.js",
    "favicon.svg",
    "favicon.png",
    "icons/icon-192.png",
)

# The member's pages the worker may keep (per user): "Việc của tôi", the visit form
# (new and edit) and the visit page. Nothing else is ever kept: not the admin, not the
# exports, not the lists and reports.
_ANY_ID = 987654321
MEMBER_PAGES = (
    ("assignments:my_work", ()),
    ("assignments:visit_create", (_ANY_ID,)),
    ("assignments:visit_edit", (_ANY_ID,)),
    ("assignments:visit_detail", (_ANY_ID,)),
)

LOGGED_OUT_PARAMETER = "da-dang-xuat"


def member_page_patterns():
    """The member pages' paths as regular expressions (JavaScript syntax)."""
    return [
        "^" + re.escape(reverse(name, args=args)).replace(str(_ANY_ID), r"\d+") + "$"
        for name, args in MEMBER_PAGES
    ]


def _worker_context():
    precache = [static(name) for name in PRECACHED_STATIC] + [reverse("offline_page")]
    context = {
        "precache": precache,
        "member_pages": member_page_patterns(),
        "queue_js": static("js/queue.js"),
        "state_url": reverse("assignments:offline_state"),
        "offline_url": reverse("offline_page"),
        "static_prefix": static(""),
    }
    # A new deploy (another script, other hashed files) is a new version: the worker
    # installs again and drops the caches of the old one.
    source = get_template("app_shell/sw.js").template.source
    digest = hashlib.sha256((source + json.dumps(context, sort_keys=True)).encode())
    context["version"] = digest.hexdigest()[:12]
    return {key: json.dumps(value) for key, value in context.items()}


@require_GET
def service_worker(request):
    # Rendered without the request: no context processor, no query.
    script = get_template("app_shell/sw.js").render(_worker_context())
    response = HttpResponse(script, content_type="application/javascript")
    # The browser checks for a new worker on every visit; its scope is the whole site.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request):
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ] + [
        {
            "src": static(f"icons/icon-maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    data = {
        "name": "NTM Portal – Lào Cai",
        "short_name": "NTM",
        "description": _("Theo dõi chương trình nông thôn mới tỉnh Lào Cai"),
        "id": reverse("assignments:my_work"),
        "start_url": reverse("assignments:my_work"),
        "scope": "/",
        "display": "standalone",
        "lang": "vi",
        "dir": "ltr",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline_page(request):
    """The same for every user (the worker keeps one copy): no name, no token."""
    page = get_template("app_shell/offline.html").render({"theme_colour": THEME_COLOUR})
    return HttpResponse(page)


class LogoutView(auth_views.LogoutView):
    """Django's logout; then the browser forgets the site's caches and storage (the
    worker's pages, the send queue, the form's local copies) and the login page it
    lands on knows it came from a logout (?da-dang-xuat=1), not from an expired
    session, which keeps the queue for the member's next login."""

    def get_success_url(self):
        url = super().get_success_url()
        separator = "&" if "?" in url else "?"
        return f"{url}{separator}{urlencode({LOGGED_OUT_PARAMETER: 1})}"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
