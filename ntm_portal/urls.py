from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assignments.views import login
from core import lockouts, passwords

admin.site.site_header = "NTM Portal – Lào Cai"
admin.site.site_title = "NTM Portal"
admin.site.index_title = "Quản trị dữ liệu"

urlpatterns = [
    path("", include("reports.urls")),
    path("", include("assignments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", login.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", passwords.change_password, name="password_change"),
    path("accounts/lockouts/", lockouts.lockout_list, name="lockouts"),
    path("accounts/lockouts/unlock/", lockouts.unlock, name="unlock"),
    path("admin/", admin.site.urls),
]

# Friendly pages; 500 and 400 without any database query (core/errors.py).
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler500 = "core.errors.server_error"
