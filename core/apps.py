from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CoreConfig(AppConfig):
    """The bottom layer's app: its template tags, and the security log's receivers."""

    default = True  # the module holds AxesConfig too: Django must not fall back to AppConfig
    name = "core"
    verbose_name = _("NTM Portal")

    def ready(self):
        from . import security_log

        security_log.connect()


# django-axes' models in the admin's words: (singular, plural). Only the names the admin
# shows change; migrations read the options as declared (Options.original_attrs).
AXES_MODEL_NAMES = {
    "accessattempt": (_("lần đăng nhập sai"), pgettext_lazy("số nhiều", "lần đăng nhập sai")),
    "accessfailurelog": (
        _("nhật ký đăng nhập sai"),
        pgettext_lazy("số nhiều", "nhật ký đăng nhập sai"),
    ),
    "accesslog": (_("nhật ký đăng nhập"), pgettext_lazy("số nhiều", "nhật ký đăng nhập")),
    "accessattemptexpiration": (
        _("hạn khoá đăng nhập"),
        pgettext_lazy("số nhiều", "hạn khoá đăng nhập"),
    ),
}


class AxesConfig(AxesAppConfig):
    """django-axes (login throttling), named in Vietnamese in the admin: the package ships
    no Vietnamese, so its section read "AXES / Access attempts"."""

    verbose_name = _("Bảo vệ đăng nhập")

    def ready(self):
        super().ready()
        for model in self.get_models():
            names = AXES_MODEL_NAMES.get(model._meta.model_name)
            if names:
                model._meta.verbose_name, model._meta.verbose_name_plural = names
