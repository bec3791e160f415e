"""The review of a commune's yearly results: its four steps (submit, approve, return,
reopen) and the approver's list of commune-years of a year (/duyet-ket-qua/).

Thin views: communes.reviews (its table STEPS) decides who may take which step from
which state and does the work; the panel on the results pages is
templates/reports/_commune_year_review.html ({% commune_year_review %}).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assignments import access
from communes import reviews
from communes.models import Commune, CommuneYear, Period, YearClosing
from core import formats, redirects

from ..review_list import review_rows

DONE = {
    "submit": gettext_lazy("Đã trình duyệt kết quả năm %(year)s của %(unit)s."),
    "approve": gettext_lazy(
        "Đã duyệt kết quả năm %(year)s của %(unit)s: kết quả được khóa, không ai sửa được "
        "cho đến khi mở lại."
    ),
    "return": gettext_lazy("Đã trả lại kết quả năm %(year)s của %(unit)s để nhập, sửa tiếp."),
    "reopen": gettext_lazy("Đã mở lại kết quả năm %(year)s của %(unit)s: có thể sửa lại."),
}


def results_url(commune_id, year):
    return reverse("reports:commune_results", args=[commune_id, year])


@require_POST
@login_required
def commune_year_step(request, pk, year, step):
    """One step of a commune-year's review (communes.reviews.STEPS: submit, approve, return,
    reopen), back to the page the panel was on."""
    # Out of the user's scope: 404 (a leader and another commune); not allowed: 403.
    commune = get_object_or_404(access.communes_visible_to(request.user, Commune.objects), pk=pk)
    if not reviews.STEPS[step].may(request.user):
        raise PermissionDenied
    try:
        reviews.take(step, commune, year, request.user, request.POST.get("reason", ""))
    except reviews.ReviewError as error:
        messages.error(request, str(error))
    else:
        unit = reviews.unit_title(commune)
        messages.success(request, DONE[step] % {"year": year, "unit": unit})
    return redirects.back(request, results_url(commune.pk, year))


def _year(request, years):
    """?nam= if it is a year of a period, else this year (or the last period's last)."""
    requested = request.GET.get("nam", "")
    if requested.isdecimal() and int(requested) in years:  # "²".isdigit(), not int()
        return int(requested)
    this_year = timezone.localdate().year
    return this_year if this_year in years or not years else years[-1]


def _closing_note(closing, today):
    if closing is None:
        return ""
    day = formats.day(closing.closes_on)
    if closing.closes_on <= today:
        return _(
            "Năm %(year)s đã khóa sổ từ ngày %(day)s: không nhập, sửa kết quả của năm này "
            "được nữa, kể cả kết quả chưa duyệt."
        ) % {"year": closing.year, "day": day}
    return _(
        "Năm %(year)s sẽ khóa sổ từ ngày %(day)s: từ ngày đó không nhập, sửa kết quả của "
        "năm này được nữa."
    ) % {"year": closing.year, "day": day}


@login_required
def review_list(request):
    if not access.is_office(request.user):
        raise PermissionDenied
    years = Period.objects.years()
    year = _year(request, years)
    today = timezone.localdate()
    closings = list(YearClosing.objects.all())
    closing = next((c for c in closings if c.year == year), None)
    groups, without_results = review_rows(year, results_url)
    return render(
        request,
        "reports/reviews.html",
        {
            "page_title": _("Duyệt kết quả năm %(year)s") % {"year": year},
            "breadcrumbs": [(_("Duyệt kết quả"), None)],
            "year": year,
            "years": list(reversed(years)),
            "groups": groups,
            "without_results": without_results,
            "closing": closing,
            "closing_note": _closing_note(closing, today),
            "closings": [(c, c.closes_on <= today) for c in closings],
            "may_approve": reviews.STEPS["approve"].may(request.user),
            "may_close": request.user.has_perm("communes.change_yearclosing"),
            "statuses": CommuneYear.Status,
        },
    )
