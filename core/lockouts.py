"""Login lockouts (django-axes): who is locked out, the client's address they are
counted by, the page a locked-out person sees, and the office's page that lists
current lockouts and lifts one.

Two locks:

* per username *and* computer (settings.AXES_LOCKOUT_PARAMETERS): after
  NTM_LOGIN_FAILURE_LIMIT wrong passwords in a row, that account cannot log in
  from that IP address for NTM_LOGIN_COOLOFF_MINUTES (counted from the last
  attempt); other accounts on that computer, and that account elsewhere, still
  log in;
* per username, from every computer (:class:`LockoutHandler`): after
  NTM_LOGIN_USERNAME_FAILURE_LIMIT failures from any addresses within
  NTM_LOGIN_USERNAME_COOLOFF_MINUTES, the account is locked everywhere until that
  many minutes pass without enough failures: a guesser who changes address is
  stopped too, and the real user waits minutes, not hours (docs/operations.md).

The client's address (:func:`client_ip`) is X-Forwarded-For's only when the
connection comes from one of NTM_PROXY_ADDRESSES: a client reaching the app
directly cannot choose the address it is counted by.
"""

import datetime
import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
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


def client_ip(request):
    """AXES_CLIENT_IP_CALLABLE (and the security log's): the client's IP address.

    Behind NTM_TRUSTED_PROXIES proxies, each appending to X-Forwarded-For the address
    it received from, the client is the Nth address from the right, whatever a client
    wrote in front of it; but only when the connection itself comes from one of those
    proxies (NTM_PROXY_ADDRESSES). Anyone else gets their connection's address.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.NTM_TRUSTED_PROXIES
    if not count or not _is_proxy(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def _is_proxy(address):
    try:
        ip = ipaddress.ip_address(address)
    except (TypeError, ValueError):
        return False
    return any(
        ip in ipaddress.ip_network(net, strict=False) for net in settings.NTM_PROXY_ADDRESSES
    )


def username_cooloff():
    return datetime.timedelta(minutes=settings.NTM_LOGIN_USERNAME_COOLOFF_MINUTES)


def username_failures(username):
    """Failures for `username` from every address whose last attempt is within the
    username-wide cool-off (axes keeps one row per username, address and browser)."""
    if not username:
        return 0
    since = timezone.now() - username_cooloff()
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def locked_everywhere(username):
    return username_failures(username) >= settings.NTM_LOGIN_USERNAME_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' per username-and-address lock, plus the username-wide one."""

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        return locked_everywhere(get_client_username(request, credentials))

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        username = get_client_username(request, credentials)
        if locked_everywhere(username):
            # This failure reached the limit: the lockout page now, and the security log.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )


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
    everywhere = locked_everywhere(username[:255])
    return render(
        request,
        "registration/locked_out.html",
        {
            "page_title": _("Tài khoản tạm bị khoá trên mọi máy")
            if everywhere
            else _("Tài khoản tạm bị khoá trên máy này"),
            "everywhere": everywhere,
            "username": username[:150],
            "failure_limit": settings.NTM_LOGIN_USERNAME_FAILURE_LIMIT
            if everywhere
            else settings.AXES_FAILURE_LIMIT,
            "minutes": settings.NTM_LOGIN_USERNAME_COOLOFF_MINUTES
            if everywhere
            else cooloff_minutes(),
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
    found = [
        {**row, "unlocks_at": row["last_attempt"] + settings.AXES_COOLOFF_TIME} for row in rows
    ]
    wide = (
        AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - username_cooloff())
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.NTM_LOGIN_USERNAME_FAILURE_LIMIT)
    )
    found += [
        {**row, "ip_address": None, "unlocks_at": row["last_attempt"] + username_cooloff()}
        for row in wide
    ]
    return sorted(found, key=lambda row: row["last_attempt"], reverse=True)


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
            "username_limit": settings.NTM_LOGIN_USERNAME_FAILURE_LIMIT,
            "username_minutes": settings.NTM_LOGIN_USERNAME_COOLOFF_MINUTES,
            "may_unlock": request.user.has_perm("axes.delete_accessattempt"),
        },
    )


@require_POST
@login_required
@permission_required("axes.delete_accessattempt", raise_exception=True)
def unlock(request):
    username = request.POST.get("username", "")
    ip_address = request.POST.get("ip_address", "")
    everywhere = request.POST.get("everywhere") == "1"
    try:
        ipaddress.ip_address(ip_address)
    except ValueError:
        ip_address = ""
    if not username or not (ip_address or everywhere):
        messages.error(request, _("Thiếu tên đăng nhập hoặc địa chỉ máy cần mở khoá."))
        return redirect("lockouts")
    # No address: every row of the username, the username-wide lock's and each computer's.
    count = reset(username=username, ip=None if everywhere else ip_address)
    if count:
        security_log.unlocked(request, username, ip_address or "*", count)
        if everywhere:
            text = _("Đã mở khoá tài khoản “%(username)s” trên mọi máy.")
        else:
            text = _("Đã mở khoá tài khoản “%(username)s” trên máy %(ip)s.")
        messages.success(request, text % {"username": username, "ip": ip_address})
    else:
        messages.info(request, _("Tài khoản này không còn bị khoá trên máy đó."))
    return redirect("lockouts")
