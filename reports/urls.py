from django.urls import path

from .views import communes, dashboard

app_name = "reports"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("xa/", communes.CommuneListView.as_view(), name="commune_list"),
    path("xa/<int:pk>/", communes.CommuneDetailView.as_view(), name="commune_detail"),
]
