from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom layer's app: its template tags, and the security log's receivers."""

    name = "core"
    verbose_name = _("NTM Portal")

    def ready(self):
        from . import security_log

        security_log.connect()
