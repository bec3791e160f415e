from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Đơn vị hành chính và tiêu chí")

    def ready(self):
        # Connect the signals that keep CriteriaScore current and refuse locked results.
        from . import locks, scores  # noqa: F401
