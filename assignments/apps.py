from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_roles(sender, **kwargs):
    from .roles import ensure_roles

    ensure_roles()


class AssignmentsConfig(AppConfig):
    name = "assignments"
    verbose_name = _("Phân công giúp đỡ xã")

    def ready(self):
        # After every migrate (and test database set-up) the role groups exist
        # with the permissions of the models that exist by then.
        post_migrate.connect(_create_roles, sender=self)
