"""The four roles of NTM Portal, as Django groups with their model permissions.

Scoping (a member edits only their own group's visits) is decided per object
elsewhere; these groups give each role its model-level permissions.

The office head is not a fifth role but a group given in addition to the office's:
it holds only the permission to approve and reopen a commune's yearly results
(communes.reviews), which the office itself does not have. ``role_of`` still says
"office" for its members.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

OFFICE = "office"
MEMBER = "member"
LEADER = "leader"
READER = "reader"
OFFICE_HEAD = "office_head"

ROLE_LABELS = {
    OFFICE: _("Văn phòng điều phối NTM"),
    MEMBER: _("Thành viên tổ giúp việc"),
    LEADER: _("Lãnh đạo được phân công"),
    READER: _("Người xem"),
    OFFICE_HEAD: _("Trưởng văn phòng (duyệt kết quả)"),
}

APPS = ("communes", "assignments", "reports")
# The office lists login lockouts and lifts them (core/lockouts.py).
OFFICE_EXTRA = {"axes": ("view_accessattempt", "delete_accessattempt")}
VISIT_MODELS = ("fieldvisit", "support", "recommendation", "attachment")
# Approving a commune's yearly results (and reopening them) is the office head's alone.
APPROVE = ("communes", "approve_communeyear")


def _approve_permission():
    app_label, codename = APPROVE
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)


def _permissions(role):
    if role == OFFICE_HEAD:
        return _approve_permission()
    perms = Permission.objects.filter(content_type__app_label__in=APPS)
    if role == OFFICE:
        perms = perms.exclude(pk__in=_approve_permission())
        for app_label, codenames in OFFICE_EXTRA.items():
            perms = perms | Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        return perms
    view = perms.filter(codename__startswith="view_")
    if role == MEMBER:
        edit = perms.filter(
            content_type__model__in=VISIT_MODELS,
            codename__regex=r"^(add|change|delete)_",
        )
        return view | edit
    return view


def ensure_roles():
    """Create or refresh the role groups; safe to run any number of times."""
    groups = {}
    for role in ROLE_LABELS:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(role))
        groups[role] = group
    return groups


def role_of(user):
    """The user's role name, or None (superusers count as office); asked once per request."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return OFFICE
    if not hasattr(user, "_ntm_role"):
        names = set(user.groups.values_list("name", flat=True))
        user._ntm_role = next(
            (role for role in (OFFICE, LEADER, MEMBER, READER) if role in names), None
        )
    return user._ntm_role
