"""The permission matrix: every URL of the app once, with the status each persona gets
(the table is tests/support/permission_matrix.py).

Rules: the office may do everything; members record and edit their own
group's visits and read everything else that is not personal data; the leader
reads their commune and their group's visits and confirms them; readers read;
anonymous visitors see only the login page. Out of scope → 404 (never reveal that
it exists), in scope but not allowed → 403, anonymous → 302 to the login page,
GET on a POST-only URL → 405 (checked before anything else, so it reveals nothing).
"""

import io

import openpyxl
import pytest
from django.urls import reverse

from assignments.models import FieldVisit
from communes.models import CommuneYear
from tests.support.permission_matrix import PERSONAS, PNG, ROWS, objects, url_for

pytestmark = pytest.mark.django_db

ROWS_BY_NAME = {row[0]: row for row in ROWS}
CASES = [
    (row[0], persona, status)
    for row in ROWS
    for persona, status in zip(PERSONAS, row[3], strict=True)
]
# The office head (truongvp) is office staff with one more permission, approving yearly
# results (assignments.roles.OFFICE_HEAD): what differs from the office, and a few of the
# office's own cells to show the extra group takes nothing away.
OFFICE_HEAD = {
    "commune_year_approve": 302,
    "commune_year_return": 302,
    "commune_year_reopen": 302,
    "commune_year_submit": 302,
    "review_list": 200,
    "dashboard": 200,
    "import_index": 200,
    "history_restore": 302,
    "admin index": 200,
}
CASES += [(name, "office_head", status) for name, status in OFFICE_HEAD.items()]


def test_the_matrix_lists_every_url_of_the_app():
    from assignments.urls import urlpatterns as assignment_urls
    from reports.urls import urlpatterns as report_urls

    names = {f"reports:{p.name}" for p in report_urls} | {
        f"assignments:{p.name}" for p in assignment_urls
    }
    covered = {row[2][0] for row in ROWS}
    assert names | {"admin:index", "login", "logout", "set_language"} == covered


@pytest.fixture
def o(member_a_user):
    return objects(member_a_user)


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
    assert "tel:" not in html  # nor those of the other pairs the unit's dossier shows


def _ended_pair_without_contacts(response, o):
    """The xã of group A's pair until 30/06/2025: the pair among the previous ones, no
    phone for anyone (the group is reached on today's unit, which the page links to)."""
    _contacts_hidden(response, o)
    assert reverse("reports:commune_detail", args=[o.a.commune_id]) in response.content.decode()


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


def _review_is(attribute, status):
    """The row's commune-year (o.review.<attribute>) is `status` after the request."""

    def check(response, o):
        commune = getattr(o.review, attribute)
        assert CommuneYear.objects.get(commune=commune, year=o.review.year).status == status

    return check


CHECKS = {
    ("visit_detail submitted A", "member_b"): _no_contacts_of_group_a,
    ("visit_detail submitted A", "reader"): _no_contacts_of_group_a,
    ("commune_detail A", "reader"): _contacts_hidden,
    ("commune_detail A", "member_b"): _contacts_hidden,
    ("commune_detail A", "member_a"): _contacts_of_group_a,
    ("commune_detail A", "leader"): _contacts_of_group_a,
    ("commune_detail A until 2025", "reader"): _ended_pair_without_contacts,
    ("commune_detail A until 2025", "member_b"): _ended_pair_without_contacts,
    ("commune_detail A until 2025", "member_a"): _ended_pair_without_contacts,
    ("commune_detail A until 2025", "leader"): _ended_pair_without_contacts,
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
    ("commune_year_submit", "office"): _review_is("draft", "submitted"),
    ("commune_year_submit", "reader"): _review_is("draft", "draft"),
    ("commune_year_approve", "office"): _review_is("submitted", "submitted"),
    ("commune_year_approve", "office_head"): _review_is("submitted", "approved"),
    ("commune_year_return", "office"): _review_is("submitted", "submitted"),
    ("commune_year_return", "office_head"): _review_is("submitted", "draft"),
    ("commune_year_reopen", "office"): _review_is("approved", "approved"),
    ("commune_year_reopen", "office_head"): _review_is("approved", "draft"),
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
