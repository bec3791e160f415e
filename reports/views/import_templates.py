"""The blank templates the upload pages offer (/nhap-excel/mau/<kind>.xlsx): annex,
criteria matrix, a criteria set's indicators, commune groups; always in Vietnamese."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from communes import grouping
from communes.models import CriteriaSet, Map
from core import security_log
from core.excel import download

from ..imports import blank, criteria_set, scope
from ..imports.forms import programme_years
from .imports import office_only, template_sets


def _old_province(value):
    """The old province ``?province=`` names (its id), or 404."""
    if not value.isdecimal() or len(value) > 9:
        raise Http404
    return get_object_or_404(scope.old_provinces_queryset(), pk=int(value))


@require_GET
@office_only
@security_log.logs_export
def import_template(request, kind):
    # The importers read Vietnamese headers and names: a template downloaded from the
    # English interface must go back in as it came out.
    with translation.override("vi"):
        return _template(request, kind)


def _template(request, kind):
    today = timezone.localdate()
    if kind == "phu-luc":
        chosen = Map.parse(request.GET.get("map"), today)
        province = None
        if chosen == Map.OLD and request.GET.get("province"):
            province = _old_province(request.GET["province"])
        workbook = blank.annex_template(today, chosen, province)
        suffix = "" if chosen == Map.CURRENT else "-truoc-01-07-2025"
        return download.workbook_response(workbook, f"mau-phu-luc-phan-cong{suffix}.xlsx")
    if kind == "tieu-chi":
        years = programme_years()
        try:
            year = int(request.GET.get("year") or (years[0] if years else today.year))
        except ValueError:
            raise Http404 from None
        if year not in years:
            raise Http404
        workbook = blank.matrix_template(year, today)
        return download.workbook_response(workbook, f"mau-tieu-chi-{year}.xlsx")
    if kind == "bo-tieu-chi":
        # ?set= one set; without it, the set new results of this year are recorded against.
        chosen = request.GET.get("set", "")
        if chosen and (not chosen.isdigit() or len(chosen) > 9):
            raise Http404
        found = CriteriaSet.objects.for_year(today.year) if not chosen else None
        found = found or get_object_or_404(template_sets(), pk=int(chosen or 0))
        workbook = criteria_set.template(found, today)
        return download.workbook_response(workbook, criteria_set.template_filename(found))
    if kind == "nhom-xa":
        period = grouping.grouped_period(request.GET.get("giai-doan"), today)
        if period is None:
            raise Http404
        workbook = blank.groups_template(period)
        return download.workbook_response(workbook, f"mau-nhom-xa-{period.code}.xlsx")
    raise Http404
