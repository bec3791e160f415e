"""Session lifetime: an idle timeout, and an absolute limit counted from the login.

Django ends a session SESSION_COOKIE_AGE (NTM_SESSION_IDLE_MINUTES) seconds
after it was last saved. Saving it on every request (SESSION_SAVE_EVERY_REQUEST)
would write the session row on every page view; this middleware touches the
session at most once a minute instead, which saves it and so moves its expiry
forward. It ends, with a message on the login page, a session older than
NTM_SESSION_MAX_HOURS since the login, however active, and one idle for too
long that the database has not dropped yet (an expired row is simply gone: the
login page then shows without a message).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils.translation import ngettext

LOGIN_AT = "ntm_login_at"
SEEN_AT = "ntm_seen_at"
# At most one session write a minute per user for activity alone.
REFRESH_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="core.sessions.start_lifetime")
def start_lifetime(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[SEEN_AT] = int(time.time())


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = self._reason_to_end(request.session, int(time.time()))
            if reason:
                return self._end(request, reason)
        elif SESSION_KEY in request.session:
            # The account was set inactive (or deleted): drop the session, so that
            # setting it active again does not bring the old session back.
            request.session.flush()
        return self.get_response(request)

    @staticmethod
    def _reason_to_end(session, now):
        # A session started before this middleware existed counts from now.
        login_at = session.setdefault(LOGIN_AT, now)
        seen_at = session.setdefault(SEEN_AT, now)
        hours = settings.NTM_SESSION_MAX_HOURS
        if now - login_at >= hours * 3600:
            message = ngettext(
                "Phiên làm việc đã kết thúc sau %(hours)d giờ kể từ khi đăng nhập. "
                "Vui lòng đăng nhập lại.",
                "Phiên làm việc đã kết thúc sau %(hours)d giờ kể từ khi đăng nhập. "
                "Vui lòng đăng nhập lại.",
                hours,
            )
            return message % {"hours": hours}
        if now - seen_at >= settings.SESSION_COOKIE_AGE:
            minutes = settings.SESSION_COOKIE_AGE // 60
            message = ngettext(
                "Phiên làm việc đã kết thúc vì không hoạt động trong %(minutes)d phút. "
                "Vui lòng đăng nhập lại.",
                "Phiên làm việc đã kết thúc vì không hoạt động trong %(minutes)d phút. "
                "Vui lòng đăng nhập lại.",
                minutes,
            )
            return message % {"minutes": minutes}
        if now - seen_at >= REFRESH_SECONDS:
            session[SEEN_AT] = now
        return None

    @staticmethod
    def _end(request, reason):
        logout(request)
        messages.warning(request, reason)
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        # No ?next= after a POST: the address may accept nothing but a POST.
        return redirect(settings.LOGIN_URL)
