from django.contrib import admin
from django.urls import include, path

from assignments.views import login
from core import lockouts, passwords

from . import app_shell

admin.site.site_header = "NTM Portal – Lào Cai"
admin.site.site_title = "NTM Portal"
admin.site.index_title = "Quản trị dữ liệu"

urlpatterns = [
    path("", include("reports.urls")),
    path("", include("assignments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", login.LoginView.as_view(), name="login"),
    # Logging out clears the phone: Clear-Site-Data, then ?da-dang-xuat=1 (app_shell.py).
    path("accounts/logout/", app_shell.LogoutView.as_view(), name="logout"),
    path("accounts/password/", passwords.change_password, name="password_change"),
    path("accounts/lockouts/", lockouts.lockout_list, name="lockouts"),
    path("accounts/lockouts/unlock/", lockouts.unlock, name="unlock"),
    path("admin/", admin.site.urls),
    # The installable app (issue 17): from the site's root, the worker's scope is every page.
    path("sw.js", app_shell.service_worker, name="service_worker"),
    path("manifest.webmanifest", app_shell.manifest, name="web_manifest"),
    path("ngoai-tuyen/", app_shell.offline_page, name="offline_page"),
]

# Friendly pages; 500 and 400 without any database query (core/errors.py).
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler500 = "core.errors.server_error"
