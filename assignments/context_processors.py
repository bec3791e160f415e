"""The navigation menu: only what the user may open."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import roles

# (url name, label, who may open it); the menu lists only what the user may open.
MENU = [
    ("reports:dashboard", _("Tổng quan"), "authenticated"),
    ("assignments:my_work", _("Việc của tôi"), "groups"),
    ("reports:commune_list", pgettext_lazy("menu", "Xã"), "authenticated"),
    ("reports:criteria_set_list", _("Bộ tiêu chí"), "authenticated"),
    ("assignments:assignment_list", _("Phân công"), "authenticated"),
    ("assignments:carry_over", _("Chuyển sang đơn vị mới"), "office"),
    ("assignments:visit_list", _("Chuyến công tác"), "authenticated"),
    ("reports:report_index", _("Báo cáo"), "authenticated"),
    ("reports:import_index", _("Nhập Excel"), "office"),
    ("reports:review_list", _("Duyệt kết quả"), "office"),
    ("lockouts", _("Mở khoá đăng nhập"), "office"),
    ("admin:index", _("Quản trị"), "staff"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    current = request.path
    items = []
    for name, label, audience in MENU:
        if audience == "staff" and not user.is_staff:
            continue
        role = roles.role_of(user)
        if audience == "groups" and role not in (roles.MEMBER, roles.LEADER):
            continue
        if audience == "office" and role != roles.OFFICE:
            continue
        url = reverse(name)
        active = current == url or (url != "/" and current.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    return {"menu": items}
