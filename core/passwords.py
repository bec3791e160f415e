"""Every signed-in user changes their own password (Django's form and the project's
validators, settings.AUTH_PASSWORD_VALIDATORS), from the link by their name in the
header: the admin's own page opens for staff only."""

from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import security_log


class PasswordChangeView(auth_views.PasswordChangeView):
    """Keeps the user signed in on this browser (Django ends their other sessions)."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("reports:dashboard")
    extra_context = {"page_title": gettext_lazy("Đổi mật khẩu")}

    def form_valid(self, form):
        response = super().form_valid(form)
        security_log.log("password_changed", self.request)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


change_password = PasswordChangeView.as_view()


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, its message in the project's catalogue: Django's Vietnamese lacks it."""

    def get_error_message(self):
        return _("Mật khẩu này quá ngắn: cần ít nhất %(min_length)d ký tự.") % {
            "min_length": self.min_length
        }
