"""The criteria sets of each programme period (/bo-tieu-chi/) and one set (/bo-tieu-chi/<pk>/).

Everyone signed in reads them; only the office loads indicators (the import) and makes a
new version of a set with approved results (communes.criteria_versions).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assignments import access
from communes import criteria_versions
from communes.models import CriteriaSet, Indicator, Level, Period, Requirement
from core import security_log

from ..imports.criteria_set import COMMON_GROUP
from ..imports.criteria_set.cells import SYMBOLS, shown
from ..models import ImportBatch
from .imports import office_only


def _crumbs(*trail):
    return [(_("Bộ tiêu chí"), reverse("reports:criteria_set_list")), *trail]


def _sets():
    return CriteriaSet.objects.select_related("period", "replaces").annotate(
        criteria_count=Count("criteria", distinct=True),
        indicator_count=Count("criteria__indicators", distinct=True),
    )


@require_GET
@login_required
def criteria_set_list(request):
    """Each period with its sets, the one new results use first."""
    periods = list(
        Period.objects.order_by("-first_year").prefetch_related(
            "group_definitions",
            Prefetch(
                "criteria_sets",
                queryset=_sets().order_by("code"),
            ),
        )
    )
    for period in periods:
        current = CriteriaSet.objects.for_year(period.first_year)
        sets = list(period.criteria_sets.all())
        for criteria_set in sets:
            criteria_set.is_current = current is not None and criteria_set.pk == current.pk
        # The set new results use first, then the other versions and levels.
        period.sets = sorted(
            sets,
            key=lambda s: (not s.is_current, s.is_provincial, s.level != Level.NTM, -s.version),
        )
    title = _("Bộ tiêu chí")
    return render(
        request,
        "reports/criteria_set_list.html",
        {"page_title": title, "breadcrumbs": [(title, "")], "periods": periods},
    )


class GroupColumn:
    """A column of the set page: a commune group's requirements (or the one of a period
    without groups)."""

    def __init__(self, number, label, definition=""):
        self.number = number
        self.label = label
        self.definition = definition


@require_GET
@login_required
def criteria_set_detail(request, pk):
    criteria_set = get_object_or_404(_sets(), pk=pk)
    definitions = list(criteria_set.period.group_definitions.all())
    columns = [GroupColumn(d.number, str(d), d.definition) for d in definitions] or [
        GroupColumn(COMMON_GROUP, _("Yêu cầu"))
    ]
    criteria = list(
        criteria_set.criteria.select_related("group")
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("order", "code").prefetch_related(
                    Prefetch("requirements", queryset=Requirement.objects.order_by("group"))
                ),
            )
        )
    )
    for criterion in criteria:
        for indicator in criterion.indicators.all():
            by_group = {r.group: r for r in indicator.requirements.all()}
            indicator.cells = [_requirement_cell(by_group.get(c.number)) for c in columns]
    locked = criteria_set.is_locked
    newer = criteria_versions.newer_version(criteria_set)
    is_office = access.is_office(request.user)
    title = str(criteria_set)
    return render(
        request,
        "reports/criteria_set_detail.html",
        {
            "page_title": title,
            "breadcrumbs": _crumbs((title, "")),
            "criteria_set": criteria_set,
            "criteria": criteria,
            "columns": columns,
            "definitions": definitions,
            "has_groups": bool(definitions),
            "locked": locked,
            "newer": newer,
            "replaced_by": criteria_set.replaced_by.order_by("version").first(),
            "is_office": is_office,
            "may_load": is_office and not locked,
            "may_make_version": is_office and locked and newer is None,
            "last_import": ImportBatch.objects.filter(
                criteria_set=criteria_set, status=ImportBatch.Status.APPLIED
            )
            .select_related("applied_by")
            .order_by("-applied_at")
            .first(),
            "is_current": _is_current(criteria_set),
        },
    )


def _requirement_cell(requirement):
    """(text, "≥ 90" or "") of a group's requirement; None when the group has none."""
    if requirement is None:
        return None
    rule = ""
    if requirement.is_numeric:
        rule = f"{SYMBOLS[requirement.comparison]} {shown(requirement.target)}"
    return requirement.text, rule


def _is_current(criteria_set):
    current = CriteriaSet.objects.for_year(criteria_set.first_year)
    return current is not None and current.pk == criteria_set.pk


@require_POST
@office_only
def criteria_set_new_version(request, pk):
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    try:
        new = criteria_versions.new_version(criteria_set)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:criteria_set_detail", pk=criteria_set.pk)
    security_log.log("criteria_set_version", request, obj=new, replaces=criteria_set.pk)
    messages.success(
        request,
        _(
            "Đã tạo phiên bản %(version)s (mã %(code)s) với đủ tiêu chí, chỉ tiêu và yêu cầu "
            "của phiên bản trước. Kết quả mới của các năm %(years)s ghi theo phiên bản này; "
            "kết quả đã duyệt giữ phiên bản cũ."
        )
        % {
            "version": new.version,
            "code": new.code,
            "years": f"{new.first_year}–{new.last_year}",
        },
    )
    return redirect("reports:criteria_set_detail", pk=new.pk)
