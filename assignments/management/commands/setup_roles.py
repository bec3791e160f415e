from django.core.management.base import BaseCommand

from assignments.roles import ROLE_LABELS, ensure_roles


class Command(BaseCommand):
    help = "Create or refresh the role groups (office, member, leader, reader, office_head)."

    def handle(self, *args, **options):
        groups = ensure_roles()
        for role, group in groups.items():
            self.stdout.write(f"{role}: {ROLE_LABELS[role]} – {group.permissions.count()} quyền")
