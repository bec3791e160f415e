from django.urls import path

from . import exporters
from .views import (
    communes,
    criteria_sets,
    dashboard,
    exports,
    groups,
    import_templates,
    imports,
    results,
    reviews,
)

app_name = "reports"
# A commune's results of one year (its page, the steps of its review).
YEAR = "xa/<int:pk>/ket-qua/<int:year>/"
REVIEW_STEPS = {"submit": "gui", "approve": "duyet", "return": "tra-lai", "reopen": "mo-lai"}


def _report_urls(exporter):
    """A registered report's page (its form) and its file, both served by exports.report."""
    kwargs = {"identifier": exporter.identifier}
    return [
        path(f"bao-cao/{exporter.slug}/", exports.report, kwargs,
             name=f"report_{exporter.identifier}"),
        path(f"bao-cao/{exporter.slug}.xlsx", exports.report, {**kwargs, "download": True},
             name=f"export_{exporter.identifier}"),
    ]  # fmt: skip


urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("xa/", communes.CommuneListView.as_view(), name="commune_list"),
    path("xa/<int:pk>/", communes.CommuneDetailView.as_view(), name="commune_detail"),
    path(YEAR, results.commune_results, name="commune_results"),
    # The review of a commune's yearly results (communes.reviews): submit, approve, return, reopen.
    *(
        path(
            f"{YEAR}{slug}/", reviews.commune_year_step, {"step": step}, name=f"commune_year_{step}"
        )
        for step, slug in REVIEW_STEPS.items()
    ),
    path("duyet-ket-qua/", reviews.review_list, name="review_list"),
    # Commune groups of a period (communes.grouping): the list, bulk and one by one.
    path("nhom-xa/", groups.GroupListView.as_view(), name="groups"),
    path("xa/<int:pk>/nhom/", groups.commune_group_set, name="commune_group_set"),
    # Criteria sets of each period: criteria, indicators, requirements by commune group.
    path("bo-tieu-chi/", criteria_sets.criteria_set_list, name="criteria_set_list"),
    path("bo-tieu-chi/<int:pk>/", criteria_sets.criteria_set_detail, name="criteria_set_detail"),
    path(
        "bo-tieu-chi/<int:pk>/phien-ban-moi/",
        criteria_sets.criteria_set_new_version,
        name="criteria_set_new_version",
    ),
    # Excel reports the office prints (reports/exporters.py).
    path("bao-cao/", exports.report_index, name="report_index"),
    *[url for exporter in exporters.registered() for url in _report_urls(exporter)],
    # Excel imports: upload → preview → confirm.
    path("nhap-excel/", imports.import_index, name="import_index"),
    path("nhap-excel/phu-luc/", imports.import_annex, name="import_annex"),
    path("nhap-excel/tieu-chi/", imports.import_matrix, name="import_matrix"),
    path("nhap-excel/nhom-xa/", imports.import_groups, name="import_groups"),
    path("nhap-excel/bo-tieu-chi/", imports.import_criteria_set, name="import_criteria_set"),
    path("nhap-excel/<int:pk>/", imports.import_preview, name="import_preview"),
    path(
        "nhap-excel/mau/<slug:kind>.xlsx", import_templates.import_template, name="import_template"
    ),
]
