"""The login page: where each role lands when it signs in without a page to go back to."""

from django.contrib.auth import views as auth_views
from django.shortcuts import resolve_url

from .. import roles

# Members and leaders come to record or confirm their own visits: "Việc của tôi" first.
# The office and readers keep the dashboard (LOGIN_REDIRECT_URL).
LANDS_ON_MY_WORK = {roles.MEMBER, roles.LEADER}


class LoginView(auth_views.LoginView):
    def get_default_redirect_url(self):
        if roles.role_of(self.request.user) in LANDS_ON_MY_WORK:
            return resolve_url("assignments:my_work")
        return super().get_default_redirect_url()
