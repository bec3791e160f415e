from django.urls import path

from .views import (
    assignments,
    attachments,
    history,
    my_work,
    offline,
    people,
    reform,
    succession,
    visit_form,
    visits,
    workflow,
)

app_name = "assignments"

urlpatterns = [
    # Lists and pages to read.
    path("phan-cong/", assignments.AssignmentListView.as_view(), name="assignment_list"),
    path("chuyen-cong-tac/", visits.VisitListView.as_view(), name="visit_list"),
    path("chuyen-cong-tac/<int:pk>/", visits.VisitDetailView.as_view(), name="visit_detail"),
    path("lanh-dao/<int:pk>/", people.LeaderDetailView.as_view(), name="leader_detail"),
    path("co-quan/<int:pk>/", people.AgencyDetailView.as_view(), name="agency_detail"),
    # Recording visits (working groups).
    path("cua-toi/", my_work.my_work, name="my_work"),
    path("cua-toi/ngoai-tuyen/", offline.offline_state, name="offline_state"),
    path(
        "phan-cong/<int:assignment_pk>/chuyen-cong-tac/moi/",
        visit_form.visit_create,
        name="visit_create",
    ),
    path("chuyen-cong-tac/<int:pk>/sua/", visit_form.visit_edit, name="visit_edit"),
    path("tep/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    path("tep/<int:pk>/xoa/", attachments.attachment_delete, name="attachment_delete"),
    path(
        "chuyen-cong-tac/<int:pk>/tep/moi/",
        attachments.attachment_upload,
        name="attachment_upload",
    ),
    # Workflow: submit, confirm, return with a comment, answer.
    path("chuyen-cong-tac/<int:pk>/gui/", workflow.visit_submit, name="visit_submit"),
    path("chuyen-cong-tac/<int:pk>/xac-nhan/", workflow.visit_confirm, name="visit_confirm"),
    path("chuyen-cong-tac/<int:pk>/tra-lai/", workflow.visit_return, name="visit_return"),
    path("chuyen-cong-tac/<int:pk>/tra-loi/", workflow.visit_answer, name="visit_answer"),
    # A draft made by mistake: deleted by its group (kept), restored by the office.
    path("chuyen-cong-tac/<int:pk>/xoa/", workflow.visit_delete, name="visit_delete"),
    path("chuyen-cong-tac/<int:pk>/khoi-phuc/", workflow.visit_restore, name="visit_restore"),
    # Assignments over time (office).
    path(
        "phan-cong/<int:pk>/ban-giao/", succession.assignment_handover, name="assignment_handover"
    ),
    path("quyet-dinh/<int:pk>/sua-doi/", succession.decision_amend, name="decision_amend"),
    # The carry-over to the units of 01/07/2025 (office).
    path("chuyen-don-vi-moi/", reform.carry_over, name="carry_over"),
    # Change history ("Lịch sử thay đổi") and restore (office).
    path("lich-su/<str:model>/<int:pk>/", history.history, name="history"),
    path(
        "lich-su/<str:model>/<int:pk>/<int:history_id>/khoi-phuc/",
        history.restore,
        name="history_restore",
    ),
]
