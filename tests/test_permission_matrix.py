"""The permission matrix: every URL of the app once, with the status each persona gets.

Rules (issue 4): the office may do everything; members record and edit their own
group's visits and read everything else that is not personal data; the leader
reads their commune and their group's visits and confirms them; readers read;
anonymous visitors see only the login page. Out of scope → 404 (never reveal that
it exists), in scope but not allowed → 403, anonymous → 302 to the login page,
GET on a POST-only URL → 405 (checked before anything else, so it reveals nothing).
"""

import base64
import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment, Attachment, Decision, FieldVisit
from reports.models import ImportBatch
from tests.factories import make_recommendation, make_visit

pytestmark = pytest.mark.django_db

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
COMMENT = {"comment": "Đề nghị bổ sung biên bản làm việc với xã."}
V, H = "assignments:visit_detail", "assignments:history"
RESTORE = ("assignments:history_restore", "slug.visit", "draft_a.pk", "draft_record.history_id")

# (row, method, (URL name, paths of its arguments on the test objects), statuses[, data]).
ROWS = [
    ("dashboard", "get", ("reports:dashboard",), READ),
    ("commune_list", "get", ("reports:commune_list",), READ),
    ("commune_detail A", "get", ("reports:commune_detail", "a.commune_id"), READ),
    ("commune_detail B", "get", ("reports:commune_detail", "b.commune_id"), NOT_LEADER),
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
    ("visit_create A", "get", ("assignments:visit_create", "a.pk"), (200, 200, 403, 403, 403, 302)),
    ("visit_create B", "get", ("assignments:visit_create", "b.pk"), (200, 403, 200, 404, 403, 302)),
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
    ("assignment_handover", "get", ("assignments:assignment_handover", "a.pk"), OFFICE),
    ("decision_amend", "get", ("assignments:decision_amend", "decision.pk"), OFFICE),
    ("history visit draft A", "get", (H, "slug.visit", "draft_a.pk"), A_DRAFT),
    ("history assignment B", "get", (H, "slug.assignment", "b.pk"), NOT_LEADER),
    ("history recommendation", "get", (H, "slug.recommendation", "recommendation.pk"), READ),
    ("history unknown model", "get", (H, "slug.unknown", "a.pk"), (404,) * 5 + (302,)),
    ("history_restore", "post", RESTORE, RESTORERS),
    ("history_restore GET", "get", RESTORE, POST_ONLY),
    ("admin index", "get", ("admin:index",), (200, 302, 302, 302, 302, 302)),
    ("login", "get", ("login",), (200,) * 6),
    ("logout GET", "get", ("logout",), (405,) * 6),
    ("logout", "post", ("logout",), (302,) * 6),
    ("set_language", "post", ("set_language",), (302,) * 6, {"language": "vi", "next": "/"}),
]
ROWS_BY_NAME = {row[0]: row for row in ROWS}
CASES = [
    (row[0], persona, status)
    for row in ROWS
    for persona, status in zip(PERSONAS, row[3], strict=True)
]


def url_for(row, o):
    name, *paths = row[2]
    return reverse(name, args=[_get(o, path) for path in paths])


def _get(o, path):
    value = o
    for part in path.split("."):
        value = getattr(value, part)
    return value


def test_the_matrix_lists_every_url_of_the_app():
    from assignments.urls import urlpatterns as assignment_urls
    from reports.urls import urlpatterns as report_urls

    names = {f"reports:{p.name}" for p in report_urls} | {
        f"assignments:{p.name}" for p in assignment_urls
    }
    covered = {row[2][0] for row in ROWS}
    assert names | {"admin:index", "login", "logout", "set_language"} == covered


@pytest.fixture
def o(office_user, member_a_user):
    a = Assignment.objects.select_related("leader").get(commune__name="Bản Vược", ended_on=None)
    b = Assignment.objects.select_related("leader").get(commune__name="Y Tý", ended_on=None)
    # Dated today: first in the visits list for whoever may see it.
    draft_a = make_visit(
        assignment=a,
        status="draft",
        purpose="Nháp tổ A",
        created_by=member_a_user,
        visited_on=timezone.localdate(),
    )
    submitted_a = make_visit(assignment=a, status="submitted", purpose="Chuyến đã gửi của tổ A")
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
        returned_a=make_visit(assignment=a, status="returned"),
        confirmed_b=make_visit(assignment=b, status="confirmed"),
        file=attachment,
        recommendation=make_recommendation(visit=submitted_a, text="Sửa đường nội đồng"),
        decision=Decision.objects.get(is_demo=True),
        batch=ImportBatch.objects.create(
            kind=ImportBatch.Kind.ANNEX,
            decision=Decision.objects.get(is_demo=True),
            file_name="phu-luc.xlsx",
            sha256="0" * 64,
            status=ImportBatch.Status.CANCELLED,
        ),
        slug=SimpleNamespace(
            visit="visit",
            assignment="assignment",
            recommendation="recommendation",
            unknown="xyz",
            annex_template="phu-luc",
        ),
    )


# Beyond the status: what the page must (not) show, what must (not) have changed.
def _phones(a):
    return [
        a.leader.phone,
        *a.working_group.members.exclude(phone="").values_list("phone", flat=True),
    ]


def _no_contacts_of_group_a(response, o):
    html = response.content.decode()
    assert "Chuyến đã gửi của tổ A" in html
    assert not any(phone in html for phone in _phones(o.a))
    assert "tel:" not in html


def _contacts_hidden(response, o):
    html = response.content.decode()
    assert o.a.leader.full_name in html
    assert not any(phone in html for phone in _phones(o.a))


def _contacts_of_group_a(response, o):
    assert all(phone in response.content.decode() for phone in _phones(o.a))


def _listed(response):
    return {row.record.pk for row in response.context["table"].page.object_list}


def _draft_a_not_listed(response, o):
    assert o.draft_a.pk not in _listed(response)
    assert "Nháp tổ A" not in response.content.decode()


def _draft_a_listed(response, o):
    assert o.draft_a.pk in _listed(response)


def _workbook_text(response):
    content = response.content if not response.streaming else b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def _draft_a_not_exported(response, o):
    text = _workbook_text(response)
    assert "Chuyến đã gửi của tổ A" in text
    assert "Nháp tổ A" not in text


def _draft_a_exported(response, o):
    assert "Nháp tổ A" in _workbook_text(response)


def _the_png(response, o):
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"


def _draft_a_is(status):
    def check(response, o):
        assert FieldVisit.objects.get(pk=o.draft_a.pk).status == status

    return check


def _nothing_restored(response, o):
    assert o.draft_a.history.count() == 1


CHECKS = {
    ("visit_detail submitted A", "member_b"): _no_contacts_of_group_a,
    ("visit_detail submitted A", "reader"): _no_contacts_of_group_a,
    ("commune_detail A", "reader"): _contacts_hidden,
    ("commune_detail A", "member_b"): _contacts_hidden,
    ("commune_detail A", "member_a"): _contacts_of_group_a,
    ("commune_detail A", "leader"): _contacts_of_group_a,
    ("visit_list", "member_b"): _draft_a_not_listed,
    ("visit_list", "reader"): _draft_a_not_listed,
    ("visit_list", "member_a"): _draft_a_listed,
    ("attachment_download", "member_a"): _the_png,
    ("export_visits", "member_a"): _draft_a_exported,
    ("export_visits", "member_b"): _draft_a_not_exported,
    ("export_visits", "reader"): _draft_a_not_exported,
    ("visit_submit", "member_a"): _draft_a_is("submitted"),
    ("visit_submit", "member_b"): _draft_a_is("draft"),
    ("visit_submit", "reader"): _draft_a_is("draft"),
    ("history_restore", "member_a"): _nothing_restored,
    ("history_restore", "reader"): _nothing_restored,
}


@pytest.mark.parametrize(
    ("name", "persona", "expected"), CASES, ids=[f"{n}|{p}" for n, p, _ in CASES]
)
def test_permission_matrix(request, o, name, persona, expected):
    _name, method, _url, _statuses, *data = ROWS_BY_NAME[name]
    client = request.getfixturevalue(f"{persona}_client")
    url = url_for(ROWS_BY_NAME[name], o)

    response = getattr(client, method)(url, data[0] if data else {})

    assert response.status_code == expected, f"{method.upper()} {url} as {persona}"
    if persona == "anonymous" and expected == 302 and url.startswith(("/accounts", "/i18n")):
        pass
    elif persona == "anonymous" and expected == 302:
        login = reverse("admin:login") if url.startswith("/admin") else reverse("login")
        assert response.url.startswith(login)
    check = CHECKS.get((name, persona))
    if check is not None:
        check(response, o)
