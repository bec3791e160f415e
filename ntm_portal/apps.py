from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NtmPortalConfig(AppConfig):
    """The project's own app: connects the security log's receivers."""

    name = "ntm_portal"
    verbose_name = _("NTM Portal")

    def ready(self):
        from . import security_log

        security_log.connect()
