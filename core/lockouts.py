"""Login lockouts (django-axes): the page a locked-out person sees, and the
office's page that lists current lockouts and lifts one.

A lockout is per username *and* computer (settings.AXES_LOCKOUT_PARAMETERS):
after NTM_LOGIN_FAILURE_LIMIT wrong passwords in a row, that account cannot
log in from that IP address for NTM_LOGIN_COOLOFF_MINUTES (counted from the
last attempt); other accounts on that computer, and that account elsewhere,
still log in.
"""

import ipaddress

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Max, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import security_log


def cooloff_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def client_username(request, credentials=None):
    """AXES_USERNAME_CALLABLE: the typed username as axes reads it, cut to the 255
    characters its records hold; longer is no account's name, and made PostgreSQL
    refuse the failure record (a server error on the login page)."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username[:255] if isinstance(username, str) else username


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a page that says what happened and what to do, status 429."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return render(
        request,
        "registration/locked_out.html",
        {
            "page_title": _("Tài khoản tạm bị khoá trên máy này"),
            "username": username[:150],
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": cooloff_minutes(),
            "office_contact": settings.NTM_OFFICE_CONTACT,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def current_lockouts():
    """[{username, ip_address, failures, last_attempt, unlocks_at}], latest first.

    Axes keeps one row per username, IP and browser; a lockout counts the
    failures of a username and IP across browsers, so they are added up here too.
    """
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt")
    )
    return [{**row, "unlocks_at": row["last_attempt"] + settings.AXES_COOLOFF_TIME} for row in rows]


@require_GET
@login_required
@permission_required("axes.view_accessattempt", raise_exception=True)
def lockout_list(request):
    title = _("Tài khoản bị khoá đăng nhập")
    return render(
        request,
        "registration/lockouts.html",
        {
            "page_title": title,
            "breadcrumbs": [(title, "")],
            "lockouts": current_lockouts(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": cooloff_minutes(),
            "may_unlock": request.user.has_perm("axes.delete_accessattempt"),
        },
    )


@require_POST
@login_required
@permission_required("axes.delete_accessattempt", raise_exception=True)
def unlock(request):
    username = request.POST.get("username", "")
    ip_address = request.POST.get("ip_address", "")
    try:
        ipaddress.ip_address(ip_address)
    except ValueError:
        ip_address = ""
    if not username or not ip_address:
        messages.error(request, _("Thiếu tên đăng nhập hoặc địa chỉ máy cần mở khoá."))
        return redirect("lockouts")
    count = reset(username=username, ip=ip_address)
    if count:
        security_log.unlocked(request, username, ip_address, count)
        messages.success(
            request,
            _("Đã mở khoá tài khoản “%(username)s” trên máy %(ip)s.")
            % {"username": username, "ip": ip_address},
        )
    else:
        messages.info(request, _("Tài khoản này không còn bị khoá trên máy đó."))
    return redirect("lockouts")
