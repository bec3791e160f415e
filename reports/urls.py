from django.urls import path

from .views import communes, dashboard, exports, imports

app_name = "reports"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("xa/", communes.CommuneListView.as_view(), name="commune_list"),
    path("xa/<int:pk>/", communes.CommuneDetailView.as_view(), name="commune_detail"),
    # Excel reports the office prints.
    path("bao-cao/", exports.report_index, name="report_index"),
    path("bao-cao/phan-cong.xlsx", exports.export_annex, name="export_annex"),
    path("bao-cao/tieu-chi.xlsx", exports.export_matrix, name="export_matrix"),
    path("bao-cao/chuyen-cong-tac.xlsx", exports.export_visits, name="export_visits"),
    path("bao-cao/dinh-ky.xlsx", exports.export_periodic, name="export_periodic"),
    # Excel imports: upload → preview → confirm.
    path("nhap-excel/", imports.import_index, name="import_index"),
    path("nhap-excel/phu-luc/", imports.import_annex, name="import_annex"),
    path("nhap-excel/tieu-chi/", imports.import_matrix, name="import_matrix"),
    path("nhap-excel/<int:pk>/", imports.import_preview, name="import_preview"),
    path("nhap-excel/mau/<slug:kind>.xlsx", imports.import_template, name="import_template"),
]
