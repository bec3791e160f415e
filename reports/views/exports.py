"""The Excel reports the office prints: the reports page and the one view of every report.

The reports themselves are registered in reports/exporters.py. Each report's
parameters come from GET and are checked by its form. The file applies the
same scoping as the pages (a leader's files hold their own communes, readers
get no drafts) and writes nothing to the database. A parameter that does not
exist leads to the report's own page, where the form says what is wrong. The
files are official Vietnamese documents, so they are written in Vietnamese
whatever the interface language.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assignments import access
from core import security_log
from core.excel.download import dated_filename, workbook_download

from .. import exporters


def _form(exporter, data=None):
    form = exporter.get_form(data)
    form.auto_id = f"{exporter.identifier}_%s"  # several forms on the reports page
    return form


@require_GET
@login_required
def report_index(request):
    title = _("Báo cáo Excel")
    reports = [
        (exporter, _form(exporter) if exporter.allowed(request.user) else None)
        for exporter in exporters.registered()
    ]
    return render(
        request,
        "reports/report_index.html",
        {
            "page_title": title,
            "breadcrumbs": [(title, "")],
            "reports": reports,
            "may_import": access.is_office(request.user),
        },
    )


# A value sent back to the report's page is cut: the page quotes 40 characters of it,
# and a redirect's address has a limit (Django refuses one past 16,384 characters).
SENT_BACK_LENGTH = 200


def _sent_back(form, query):
    """The form's own parameters of `query`, each value cut, as a query string."""
    kept = QueryDict(mutable=True)
    for name in form.fields:
        kept.setlist(name, [value[:SENT_BACK_LENGTH] for value in query.getlist(name)[:5]])
    return kept.urlencode()


@require_GET
@login_required
@security_log.logs_export
def report(request, identifier, download=False):
    """The report's page (/bao-cao/<slug>/) or its file (/bao-cao/<slug>.xlsx).

    The file: the form's values, or the ones the page offers for those left
    out; a value that does not exist sends back to the page, which shows why.
    """
    exporter = exporters.get(identifier)
    if not exporter.allowed(request.user):
        raise PermissionDenied
    bound = download or bool(request.GET)
    form = _form(exporter, request.GET if bound else None)
    valid = bound and exporter.is_valid(form)
    if download and valid:
        today = timezone.localdate()
        with translation.override("vi"):
            workbook, stem = exporter.build(request.user, form, today)
        return workbook_download(workbook, dated_filename(stem, today))
    if download:
        return redirect(f"{exporter.page_url()}?{_sent_back(form, request.GET)}")
    index = _("Báo cáo Excel")
    return render(
        request,
        "reports/report_page.html",
        {
            "page_title": exporter.title,
            "breadcrumbs": [(index, reverse("reports:report_index")), (exporter.title, "")],
            "exporter": exporter,
            "form": form,
            "invalid": bound and not valid,
        },
    )
