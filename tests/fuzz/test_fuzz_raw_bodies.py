"""Bodies no browser sends, posted to every form: bytes that are not UTF-8, a charset
that does not exist, a broken multipart body, JSON, a thousand fields, a body past
the upload limit. Each is answered without a server error and writes nothing.
"""

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from assignments.models import Decision, FieldVisit
from reports.models import ImportBatch
from sampledata import lifecycle as demo
from sampledata.laocai import new_period
from tests.factories import make_visit

from .fuzzing import FUZZ, changes, check_page, client_as, rolled_back, snapshot, users

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
BODIES = {
    "bytes that are not UTF-8": (FORM, b"purpose=%FF%FE&comment=%C3%28&visited_on=%E0%80%80"),
    "raw bytes": (FORM, b"\xff\xfe=\xff&\x00=\x00&comment=\xc3\x28"),
    "a charset that does not exist": (f"{FORM}; charset=klingon", b"comment=abc"),
    "UTF-16 declared, UTF-8 sent": (f"{FORM}; charset=utf-16", "comment=Bản Vược".encode()),
    "a broken multipart body": ("multipart/form-data; boundary=xyz", b"--xyz\r\nbroken"),
    "multipart without a boundary": ("multipart/form-data", b"comment=abc"),
    "multipart with a bad header": (
        "multipart/form-data; boundary=b",
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="\xff.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n--b--\r\n",
    ),
    "JSON": ("application/json", b'{"purpose": "x", "comment": "<script>alert(1)</script>"}'),
    "a thousand and one fields": (FORM, b"&".join(b"f%d=1" % i for i in range(1001))),
    "a body past the upload limit": (FORM, b"comment=" + b"x" * (3 * 1024 * 1024)),
    "no body": (FORM, b""),
}

# Steps that read no field, or only a comment (which "\xc3\x28" still is, decoded with a
# replacement character): taken whatever the body, as one whole step.
STEPS = {"visit_submit", "visit_confirm", "visit_return", "visit_answer", "restore"}


class Targets:
    def __init__(self):
        self.people = users()
        a = demo.demo_assignment(demo.GROUP_A_COMMUNE)
        draft = make_visit(assignment=a, created_by=self.people["member_a"])
        submitted = make_visit(assignment=a, status=FieldVisit.Status.SUBMITTED)
        returned = make_visit(assignment=a, status=FieldVisit.Status.RETURNED)
        record = FieldVisit.history.filter(id=draft.pk).first()
        batch = ImportBatch.objects.create(kind=ImportBatch.Kind.MATRIX, year=2025, file_name="x")
        self.urls = {
            "visit_create": reverse("assignments:visit_create", args=[a.pk]),
            "visit_edit": reverse("assignments:visit_edit", args=[draft.pk]),
            "visit_submit": reverse("assignments:visit_submit", args=[draft.pk]),
            "visit_confirm": reverse("assignments:visit_confirm", args=[submitted.pk]),
            "visit_return": reverse("assignments:visit_return", args=[submitted.pk]),
            "visit_answer": reverse("assignments:visit_answer", args=[returned.pk]),
            "handover": reverse("assignments:assignment_handover", args=[a.pk]),
            "amend": reverse(
                "assignments:decision_amend",
                args=[Decision.objects.get(number=new_period.DECISION_NUMBER).pk],
            ),
            "restore": reverse(
                "assignments:history_restore", args=["visit", draft.pk, record.history_id]
            ),
            "import_annex": reverse("reports:import_annex"),
            "import_matrix": reverse("reports:import_matrix"),
            "import_preview": reverse("reports:import_preview", args=[batch.pk]),
            "login": reverse("login"),
            "set_language": reverse("set_language"),
            "unlock": reverse("unlock"),
            "admin_visit_add": reverse("admin:assignments_fieldvisit_add"),
            "admin_visit_change": reverse("admin:assignments_fieldvisit_change", args=[draft.pk]),
        }

    def __repr__(self):
        return "<every form's URL>"


@pytest.fixture
def targets():
    return Targets()


@FUZZ
@given(data=st.data())
def test_bodies_no_browser_sends_are_answered_and_write_nothing(data, targets):
    name = data.draw(st.sampled_from(sorted(targets.urls)))
    body = data.draw(st.sampled_from(sorted(BODIES)))
    persona = data.draw(st.sampled_from(["office", "member_a", None]))
    event(body)
    content_type, payload = BODIES[body]
    with rolled_back():
        client = client_as(targets.people.get(persona))
        before = snapshot()
        # generic(): the bytes as they are (post() would encode them for the charset).
        response = check_page(
            client.generic("POST", targets.urls[name], payload, content_type=content_type)
        )
        after = snapshot()
        written = set(changes(before, after))
        if name in STEPS:
            assert all("Historical" in label or label.endswith("VisitEvent") for label in written)
        else:  # a refused import file is logged as a failed batch; nothing else is written
            assert written <= {"reports.ImportBatch"}, changes(before, after)
        if response.status_code == 302 and response.url.startswith("/"):
            check_page(client.get(response.url))
