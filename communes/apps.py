from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Đơn vị hành chính và tiêu chí")

    def ready(self):
        from . import scores  # noqa: F401  (connects the signals that keep CriteriaScore current)
