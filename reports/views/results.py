"""A commune's results for one year (/xa/<pk>/ket-qua/<year>/): the office records them,
everyone who may read the dossier reads them.

One form and one POST for the whole year (the office may be on a weak connection);
communes.results.record() writes it in one transaction or refuses it, field by field.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from assignments import access
from communes import results
from communes.models import Period

from .. import dossier
from ..dossier_results import result_years
from ..results_form import ResultsForm


@login_required
@require_http_methods(["GET", "POST"])
def commune_results(request, pk, year):
    visible = access.communes_visible_to(request.user, dossier.dossier_commune_queryset())
    commune = get_object_or_404(visible, pk=pk)
    current = results.sheet(commune, year)
    if current is None:
        raise Http404
    office = access.is_office(request.user)
    url = reverse("reports:commune_results", args=[commune.pk, year])
    if request.method == "POST":
        if not office:
            raise PermissionDenied
        if current.blockers:
            for reason in current.reasons:
                messages.error(request, reason)
            return redirect(url)
    found = current.existing()
    editable = office and not current.blockers
    data = request.POST if request.method == "POST" else None
    form = ResultsForm(current, found, data, editable=editable)
    if data is not None and form.is_valid():
        indicators, criteria = form.entries()
        try:
            done = results.record(
                commune, year, indicators=indicators, criteria=criteria, user=request.user
            )
        except ValidationError as error:
            _show(form, error)
        else:
            messages.success(request, done.summary())
            return redirect(url)
    title = f"{commune.get_kind_display()} {commune.name}"
    page_title = _("Kết quả năm %(year)s – %(unit)s") % {"year": year, "unit": title}
    return render(
        request,
        "reports/results.html",
        {
            "commune": commune,
            "year": year,
            "sheet": current,
            "form": form,
            "lines": form.lines(),
            "editable": editable,
            "can_edit": office,
            "years": result_years(commune, Period.objects.years(), timezone.localdate().year),
            "page_title": page_title,
            "breadcrumbs": [
                (pgettext("menu", "Xã"), reverse("reports:commune_list")),
                (title, reverse("reports:commune_detail", args=[commune.pk])),
                (_("Kết quả năm %s") % year, ""),
            ],
        },
        status=400 if form.errors else 200,
    )


def _show(form, error):
    """record()'s refusal on the form: each error on its field, the rest above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
