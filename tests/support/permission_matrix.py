"""The permission matrix's table: every URL of the app once, with the status each
persona gets, and the objects its URLs name.

tests/test_permission_matrix.py checks every cell (and the rules behind them);
tests/test_security.py reads every URL the office can GET from it.
"""

import base64
import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from assignments.models import Attachment
from communes import reviews
from communes.models import CriteriaSet
from reports.models import ImportBatch
from sampledata.lifecycle import GROUP_A_COMMUNE, GROUP_B_COMMUNE, demo_assignment
from tests.factories import make_recommendation, make_visit
from tests.support.reviews import YEAR, record_2026, unit_without_results

# A day the pairs in force (from 01/07/2025, on today's units) were working.
SINCE = datetime.date(2025, 8, 6)
PERSONAS = ("office", "member_a", "member_b", "leader", "reader", "anonymous")
# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


READ = (200, 200, 200, 200, 200, 302)
NOT_LEADER = (200, 200, 200, 404, 200, 302)  # out of the leader's scope
A_DRAFT = (200, 200, 404, 404, 404, 302)  # group A's draft: its group and the office
OFFICE = (200, 403, 403, 403, 403, 302)
POST_ONLY = (405,) * 6
A_ACTS = (302, 302, 404, 404, 404, 302)  # an action on group A's draft: 302 back to the visit
CONFIRMERS = (302, 403, 403, 302, 403, 302)
OFFICE_ACTS = (302, 403, 403, 403, 403, 302)
A_ANSWERS = (302, 302, 403, 403, 403, 302)
RESTORERS = (302, 403, 404, 404, 404, 302)
# Deleting group A's submitted visit: the office and the group are refused with a message
# (back to the visit), the others never take the step.
A_NO = (302, 302, 403, 403, 403, 302)
UPLOAD = "assignments:attachment_upload"
UPLOAD_SUBMITTED = (302, 403, 403, 403, 403, 302)  # the office edits any visit; no one else
# Approve, return, reopen: the office head's (an extra group; the plain office gets 403),
# on commune-years outside the leader's units.
APPROVERS = (403, 403, 403, 404, 403, 302)
REASON = {"reason": "Xã đề nghị sửa lại kết quả tiêu chí 3."}
CY = "reports:commune_year_"
CY_DRAFT = ("review.draft.pk", "review.year")
CY_SUBMITTED = ("review.submitted.pk", "review.year")
CY_APPROVED = ("review.approved.pk", "review.year")
COMMENT = {"comment": "Đề nghị bổ sung biên bản làm việc với xã."}
GROUP = {"period": "2026-2030", "number": "2", "basis": "khu vực II"}
SET_GROUP = "reports:commune_group_set"
NEW_VERSION = "reports:criteria_set_new_version"
V, H = "assignments:visit_detail", "assignments:history"
# Bản Vược and Y Tý, the old xã of the pairs in force (carried over, then re-confirmed in 2026).
OLD_A_COMMUNE = "a.predecessor.predecessor.commune_id"
OLD_B_COMMUNE = "b.predecessor.predecessor.commune_id"
# A unit's results of this year (draft_a is dated today).
THIS_YEAR = "draft_a.visited_on.year"
RESULTS_A = ("reports:commune_results", "a.commune_id", THIS_YEAR)
RESULTS_B = ("reports:commune_results", "b.commune_id", THIS_YEAR)
RESTORE = ("assignments:history_restore", "slug.visit", "draft_a.pk", "draft_record.history_id")

# (row, method, (URL name, paths of its arguments on the test objects), statuses[, data]).
ROWS = [
    ("dashboard", "get", ("reports:dashboard",), READ),
    ("commune_list", "get", ("reports:commune_list",), READ),
    ("commune_detail A", "get", ("reports:commune_detail", "a.commune_id"), READ),
    ("commune_detail B", "get", ("reports:commune_detail", "b.commune_id"), NOT_LEADER),
    # The units the groups' pairs were on until 30/06/2025 (Bản Vược, Y Tý): the leader
    # still reads his own ended pair's xã, not the other group's.
    ("commune_detail A until 2025", "get", ("reports:commune_detail", OLD_A_COMMUNE), READ),
    ("commune_detail B until 2025", "get", ("reports:commune_detail", OLD_B_COMMUNE), NOT_LEADER),
    # Everyone who reads a unit's dossier reads its results; only the office records them.
    ("commune_results A", "get", RESULTS_A, READ),
    ("commune_results B", "get", RESULTS_B, NOT_LEADER),
    ("commune_results A save", "post", RESULTS_A, OFFICE_ACTS),
    ("report_index", "get", ("reports:report_index",), READ),
    ("export_annex", "get", ("reports:export_annex",), READ),
    ("export_matrix", "get", ("reports:export_matrix",), READ),
    ("export_visits", "get", ("reports:export_visits",), READ),
    ("export_periodic", "get", ("reports:export_periodic",), READ),
    ("report_annex", "get", ("reports:report_annex",), READ),
    ("report_matrix", "get", ("reports:report_matrix",), READ),
    ("report_visits", "get", ("reports:report_visits",), READ),
    ("report_periodic", "get", ("reports:report_periodic",), READ),
    ("import_index", "get", ("reports:import_index",), OFFICE),
    ("import_annex", "get", ("reports:import_annex",), OFFICE),
    ("import_matrix", "get", ("reports:import_matrix",), OFFICE),
    ("import_preview", "get", ("reports:import_preview", "batch.pk"), OFFICE),
    ("import_template", "get", ("reports:import_template", "slug.annex_template"), OFFICE),
    ("import_groups", "get", ("reports:import_groups",), OFFICE),
    ("import_criteria_set", "get", ("reports:import_criteria_set",), OFFICE),
    # Criteria sets: everyone reads them; only the office makes a new version of one (of a set
    # with approved results; otherwise refused with the reason, a redirect all the same).
    ("criteria_set_list", "get", ("reports:criteria_set_list",), READ),
    ("criteria_set_detail", "get", ("reports:criteria_set_detail", "criteria_set.pk"), READ),
    ("criteria_set_new_version", "post", (NEW_VERSION, "criteria_set.pk"), OFFICE_ACTS),
    ("criteria_set_new_version GET", "get", (NEW_VERSION, "criteria_set.pk"), POST_ONLY),
    # Commune groups: everyone reads them (a leader his units), only the office sets them.
    ("groups", "get", ("reports:groups",), READ),
    ("groups set", "post", ("reports:groups",), OFFICE_ACTS, GROUP),
    ("commune_group_set", "post", (SET_GROUP, "a.commune_id"), OFFICE_ACTS, GROUP),
    ("commune_group_set GET", "get", (SET_GROUP, "a.commune_id"), POST_ONLY),
    ("assignment_list", "get", ("assignments:assignment_list",), READ),
    ("visit_list", "get", ("assignments:visit_list",), READ),
    ("visit_detail draft A", "get", (V, "draft_a.pk"), A_DRAFT),
    ("visit_detail submitted A", "get", (V, "submitted_a.pk"), READ),
    ("visit_detail confirmed B", "get", (V, "confirmed_b.pk"), NOT_LEADER),
    ("leader_detail A", "get", ("assignments:leader_detail", "a.leader_id"), READ),
    ("leader_detail B", "get", ("assignments:leader_detail", "b.leader_id"), NOT_LEADER),
    ("agency_detail A", "get", ("assignments:agency_detail", "a.leader.agency_id"), READ),
    ("agency_detail B", "get", ("assignments:agency_detail", "b.leader.agency_id"), NOT_LEADER),
    ("my_work", "get", ("assignments:my_work",), READ),
    # What the phone keeps for offline use (issue 17): each user's own, for everyone signed in.
    ("offline_state", "get", ("assignments:offline_state",), READ),
    ("visit_create A", "get", ("assignments:visit_create", "a.pk"), (200, 200, 403, 403, 403, 302)),
    ("visit_create B", "get", ("assignments:visit_create", "b.pk"), (200, 403, 200, 404, 403, 302)),
    # Group A's pair carried over ended on 31/12/2025 (re-confirmed under the 2026–2030
    # decision): only the office records for it now.
    ("visit_create A ended", "get", ("assignments:visit_create", "a.predecessor.pk"), OFFICE),
    ("visit_edit draft A", "get", ("assignments:visit_edit", "draft_a.pk"), A_DRAFT),
    ("visit_edit submitted A", "get", ("assignments:visit_edit", "submitted_a.pk"), OFFICE),
    ("attachment_download", "get", ("assignments:attachment_download", "file.pk"), A_DRAFT),
    ("attachment_delete GET", "get", ("assignments:attachment_delete", "file.pk"), POST_ONLY),
    ("attachment_delete", "post", ("assignments:attachment_delete", "file.pk"), A_ACTS),
    ("visit_submit GET", "get", ("assignments:visit_submit", "draft_a.pk"), POST_ONLY),
    ("visit_submit", "post", ("assignments:visit_submit", "draft_a.pk"), A_ACTS),
    ("visit_confirm GET", "get", ("assignments:visit_confirm", "submitted_a.pk"), POST_ONLY),
    ("visit_confirm", "post", ("assignments:visit_confirm", "submitted_a.pk"), CONFIRMERS),
    ("visit_return GET", "get", ("assignments:visit_return", "submitted_a.pk"), POST_ONLY),
    ("visit_return", "post", ("assignments:visit_return", "submitted_a.pk"), OFFICE_ACTS, COMMENT),
    ("visit_answer GET", "get", ("assignments:visit_answer", "returned_a.pk"), POST_ONLY),
    ("visit_answer", "post", ("assignments:visit_answer", "returned_a.pk"), A_ANSWERS, COMMENT),
    # Issue 17: a draft deleted by its group (or the office), restored by the office; one
    # file added to a visit the user may edit (no file here: refused, back to the visit).
    ("visit_delete GET", "get", ("assignments:visit_delete", "draft_a.pk"), POST_ONLY),
    ("visit_delete", "post", ("assignments:visit_delete", "draft_a.pk"), A_ACTS),
    ("visit_delete submitted A", "post", ("assignments:visit_delete", "submitted_a.pk"), A_NO),
    ("visit_restore GET", "get", ("assignments:visit_restore", "deleted_a.pk"), POST_ONLY),
    ("visit_restore", "post", ("assignments:visit_restore", "deleted_a.pk"), RESTORERS),
    ("attachment_upload GET", "get", ("assignments:attachment_upload", "draft_a.pk"), POST_ONLY),
    ("attachment_upload", "post", ("assignments:attachment_upload", "draft_a.pk"), A_ACTS),
    ("attachment_upload submitted A", "post", (UPLOAD, "submitted_a.pk"), UPLOAD_SUBMITTED),
    ("assignment_handover", "get", ("assignments:assignment_handover", "a.pk"), OFFICE),
    ("decision_amend", "get", ("assignments:decision_amend", "decision.pk"), OFFICE),
    ("carry_over", "get", ("assignments:carry_over",), OFFICE),
    ("history visit draft A", "get", (H, "slug.visit", "draft_a.pk"), A_DRAFT),
    ("history assignment B", "get", (H, "slug.assignment", "b.pk"), NOT_LEADER),
    ("history assignment A ended", "get", (H, "slug.assignment", "a.predecessor.pk"), READ),
    ("history assignment B ended", "get", (H, "slug.assignment", "b.predecessor.pk"), NOT_LEADER),
    ("history recommendation", "get", (H, "slug.recommendation", "recommendation.pk"), READ),
    ("history leader A", "get", (H, "slug.leader", "a.leader_id"), READ),
    ("history leader B", "get", (H, "slug.leader", "b.leader_id"), NOT_LEADER),
    ("history unknown model", "get", (H, "slug.unknown", "a.pk"), (404,) * 5 + (302,)),
    ("history_restore", "post", RESTORE, RESTORERS),
    ("history_restore GET", "get", RESTORE, POST_ONLY),
    # The review of yearly results (communes.reviews); the office head's column: tests/
    # test_permission_matrix.py OFFICE_HEAD.
    ("review_list", "get", ("reports:review_list",), OFFICE),
    ("commune_year_submit", "post", (CY + "submit", *CY_DRAFT), OFFICE_ACTS),
    ("commune_year_submit GET", "get", (CY + "submit", *CY_DRAFT), POST_ONLY),
    ("commune_year_approve", "post", (CY + "approve", *CY_SUBMITTED), APPROVERS),
    ("commune_year_return", "post", (CY + "return", *CY_SUBMITTED), APPROVERS, REASON),
    ("commune_year_reopen", "post", (CY + "reopen", *CY_APPROVED), APPROVERS, REASON),
    ("commune_year_reopen GET", "get", (CY + "reopen", *CY_APPROVED), POST_ONLY),
    ("admin index", "get", ("admin:index",), (200, 302, 302, 302, 302, 302)),
    ("login", "get", ("login",), (200,) * 6),
    ("logout GET", "get", ("logout",), (405,) * 6),
    ("logout", "post", ("logout",), (302,) * 6),
    ("set_language", "post", ("set_language",), (302,) * 6, {"language": "vi", "next": "/"}),
]


def url_for(row, o):
    name, *paths = row[2]
    return reverse(name, args=[_get(o, path) for path in paths])


def _get(o, path):
    value = o
    for part in path.split("."):
        value = getattr(value, part)
    return value


def review_objects(a, b):
    """Commune-years of 2026 to review: group A's unit (draft, with results), group B's
    submitted, another approved."""
    office, head = (get_user_model().objects.get(username=u) for u in ("vanphong", "truongvp"))
    submitted, approved = b.commune, unit_without_results()
    record_2026(a.commune)
    record_2026(submitted)
    record_2026(approved)
    reviews.submit(submitted, YEAR, office)
    reviews.submit(approved, YEAR, office)
    reviews.approve(approved, YEAR, head)
    return SimpleNamespace(year=YEAR, draft=a.commune, submitted=submitted, approved=approved)


def objects(member_a_user):
    """The objects the matrix's URLs name (a draft of group A, a submitted visit, a file…)."""
    # The pairs in force today: group A's and group B's, carried over on 01/07/2025 from
    # Bản Vược and Y Tý to the units these went into, re-confirmed from 01/01/2026.
    a = demo_assignment(GROUP_A_COMMUNE)
    b = demo_assignment(GROUP_B_COMMUNE)
    assert a.predecessor.ended_on and b.predecessor.ended_on, "the demo's carry-over"
    # Dated today: first in the visits list for whoever may see it.
    draft_a = make_visit(
        assignment=a,
        status="draft",
        purpose="Nháp tổ A",
        created_by=member_a_user,
        visited_on=timezone.localdate(),
    )
    submitted_a = make_visit(
        assignment=a, status="submitted", purpose="Chuyến đã gửi của tổ A", visited_on=SINCE
    )
    attachment = Attachment(
        visit=draft_a, original_name="anh.png", content_type="image/png", size=len(PNG)
    )
    attachment.file.save("anh.png", ContentFile(PNG), save=True)
    return SimpleNamespace(
        a=a,
        b=b,
        draft_a=draft_a,
        draft_record=draft_a.history.earliest("history_date"),
        submitted_a=submitted_a,
        returned_a=make_visit(assignment=a, status="returned", visited_on=SINCE),
        deleted_a=make_visit(assignment=a, status="deleted", visited_on=SINCE),
        confirmed_b=make_visit(assignment=b, status="confirmed", visited_on=SINCE),
        file=attachment,
        recommendation=make_recommendation(visit=submitted_a, text="Sửa đường nội đồng"),
        decision=a.decision,
        batch=ImportBatch.objects.create(
            kind=ImportBatch.Kind.ANNEX,
            decision=a.decision,
            file_name="phu-luc.xlsx",
            sha256="0" * 64,
            status=ImportBatch.Status.CANCELLED,
        ),
        review=review_objects(a, b),
        criteria_set=CriteriaSet.objects.for_year(2026),
        slug=SimpleNamespace(
            visit="visit",
            assignment="assignment",
            recommendation="recommendation",
            leader="leader",
            unknown="xyz",
            annex_template="phu-luc",
        ),
    )
