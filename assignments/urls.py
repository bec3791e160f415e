from django.urls import path

from . import views

app_name = "assignments"

urlpatterns = [
    path("phan-cong/", views.AssignmentListView.as_view(), name="assignment_list"),
    path("chuyen-cong-tac/", views.VisitListView.as_view(), name="visit_list"),
    path("chuyen-cong-tac/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("lanh-dao/<int:pk>/", views.LeaderDetailView.as_view(), name="leader_detail"),
    path("co-quan/<int:pk>/", views.AgencyDetailView.as_view(), name="agency_detail"),
]
