"""Random uploads to the import pages (annex and criteria matrix) and random answers to
the preview's confirm / cancel, by the office and by the others.

An upload either leads to a preview (and records its batch) or is refused (a
refused file is logged as a failed batch, nothing else); the preview shows every
cell escaped; a confirm writes the whole file or nothing.
"""

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assignments.models import Agency, Assignment, Decision, Leader
from communes.models import Assessment, Commune, Map
from communes.reference import REFORM_DAY
from reports.models import ImportBatch
from tests.factories import make_decision
from tests.reports.import_workbooks import edited, matrix_bytes, matrix_cells, workbook_bytes

from .fuzzing import (
    FEW,
    MISSING,
    changes,
    check_page,
    client_as,
    digest,
    extra_fields,
    files,
    follow,
    ids,
    maybe,
    post_data,
    rolled_back,
    safe_text,
    snapshot,
    text,
    upload,
    users,
)

pytestmark = pytest.mark.django_db


def cell_text():
    """Any text a cell can hold (Excel has no control characters)."""
    return text().map(lambda value: ILLEGAL_CHARACTERS_RE.sub("", value))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERSONAS = ["office", "office", "office", "admin", "member_a", "reader", None]
HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Xã", "Huyện"]


class Reference:
    def __init__(self):
        self.people = users()
        self.communes = list(
            Commune.objects.in_programme().select_related("district").order_by("code")[:40]
        )
        self.agencies = list(Agency.objects.order_by("pk").values_list("name", flat=True)[:5])
        self.decisions = list(Decision.objects.values_list("pk", flat=True))
        self.matrix = matrix_bytes(2025, district="Huyện Si Ma Cai")
        self.cells = matrix_cells(self.matrix)

    def __repr__(self):
        return "<communes, agencies and a matrix export>"


@pytest.fixture
def reference():
    return Reference()


@st.composite
def annex_files(draw, ref):
    """(label, name, bytes, type, communes a valid file assigns) of an annex upload."""
    if draw(st.integers(0, 3)) == 0:
        label, name, content, kind = draw(files())
        return label, name, content, kind, None
    picked = draw(st.lists(st.sampled_from(ref.communes), unique=True, min_size=1, max_size=4))
    rows = []
    for i, commune in enumerate(picked, start=1):
        rows.append(
            [
                i,
                draw(safe_text(60)),
                draw(safe_text(60)),
                draw(st.sampled_from(ref.agencies)),
                commune.name,
                commune.district.name,
            ]
        )
    invalid = draw(st.lists(cell_text(), max_size=2))
    for bad in invalid:
        rows.insert(draw(st.integers(0, len(rows))), [9, "Trần Thị Lan", "Giám đốc", "x", bad, "?"])
    content = workbook_bytes([["UBND TỈNH LÀO CAI"], [], HEADER, *rows])
    return "a generated annex", draw(safe_text(80)) + ".xlsx", content, XLSX, picked


@st.composite
def matrix_files(draw, ref):
    if draw(st.integers(0, 3)) == 0:
        label, name, content, kind = draw(files())
        return label, name, content, kind
    keys = draw(st.lists(st.sampled_from(sorted(ref.cells)), unique=True, min_size=1, max_size=4))
    values = {
        ref.cells[key]: draw(
            st.one_of(st.sampled_from(["Đạt", "x", None, "Chưa đạt"]), cell_text())
        )
        for key in keys
    }
    return "an edited matrix export", "tieu-chi.xlsx", edited(ref.matrix, values), XLSX


def the_batch(before):
    return ImportBatch.objects.filter(pk__gt=before["reports.ImportBatch"][1] or 0).first()


def check_upload(response, before, persona):
    """The upload's outcome; the batch it recorded, if any."""
    batch = the_batch(before)
    if persona is None:
        assert response.url.startswith(reverse("login")) and snapshot() == before
        return None
    if persona not in ("office", "admin"):
        assert response.status_code == 403 and snapshot() == before
        return None
    written = set(changes(before, snapshot()))
    if response.status_code == 302:
        assert response.url == reverse("reports:import_preview", args=[batch.pk])
        assert batch.status == ImportBatch.Status.PREVIEWED
    else:
        assert response.status_code == 400
        # A refused file is logged as a failed batch; a form error writes nothing.
        assert written <= {"reports.ImportBatch"}
        assert batch is None or batch.status == ImportBatch.Status.FAILED
        batch = None
    assert written <= {"reports.ImportBatch"}
    return batch


def post_upload(client, url_name, fields, file, persona):
    """Upload `file` (name, content, content type) with `fields` as `persona`; the batch
    the upload recorded for a preview, if any (see check_upload)."""
    before = snapshot()
    data = post_data(fields)
    data["file"] = upload(*file)
    response = client.post(reverse(url_name), data)
    follow(client, response)
    return check_upload(response, before, persona)


def domain_rows():
    return digest(Assignment.objects.all(), Leader.objects.all(), Agency.objects.all())


def confirm(client, batch, action):
    """Post the preview's answer; the batch and what was written."""
    fields = {"action": action}
    response = client.post(reverse("reports:import_preview", args=[batch.pk]), post_data(fields))
    follow(client, response)
    return response


valid = st.integers(0, 3).map(bool)  # three in four
TERMS = ("source", "amendment_number", "amendment_issued_on", "amendment_title", "effective_on")


@st.composite
def annex_terms(draw):
    """Which decision the file is and from when: the own annex, an amendment, or junk."""
    if not draw(valid):
        junk = st.one_of(st.sampled_from(["goc", "sua_doi", "31/02/2024", "01/01/9999"]), text())
        return {name: draw(maybe(junk)) for name in TERMS}
    effective = draw(st.sampled_from(["", "01/07/2024", "2025-01-02"]))
    if draw(st.booleans()):
        return {"source": draw(st.sampled_from(["goc", MISSING])), "effective_on": effective}
    return {
        "source": "sua_doi",
        "amendment_number": draw(safe_text(50)),
        "amendment_issued_on": draw(st.sampled_from(["10/09/2024", "2024-06-20"])),
        "amendment_title": draw(safe_text(500)),
        "effective_on": effective,
    }


ACTIONS = st.one_of(st.sampled_from(["confirm", "confirm", "cancel"]), maybe(text()))


@FEW
@given(data=st.data())
def test_random_annex_uploads_and_confirmations(data, reference):
    label, name, content, kind, picked = data.draw(annex_files(reference))
    persona = data.draw(st.sampled_from(PERSONAS))
    event(label)
    with rolled_back():
        decision = make_decision()
        fields = {
            "decision": str(decision.pk)
            if data.draw(valid)
            else data.draw(ids(*reference.decisions)),
            **data.draw(annex_terms()),
            **data.draw(extra_fields()),
        }
        client = client_as(reference.people.get(persona))
        batch = post_upload(client, "reports:import_annex", fields, (name, content, kind), persona)
        if batch is None:
            return
        event("previewed")
        action = data.draw(ACTIONS)
        before, rows = snapshot(), domain_rows()
        response = confirm(client, batch, action)
        batch.refresh_from_db()
        if batch.status != ImportBatch.Status.APPLIED:
            event("not applied")
            assert domain_rows() == rows
            assert set(changes(before, snapshot())) <= {"reports.ImportBatch"}
            if action not in ("confirm", "cancel"):
                assert response.status_code == 400 and snapshot() == before
            return
        event("applied")
        assert action == "confirm"
        target = batch.decision
        amendment = Decision.objects.filter(amends=target).first()
        if batch.amendment_number and batch.created_count + batch.updated_count:
            assert amendment.number == batch.amendment_number.strip()
            target = amendment
        else:
            assert amendment is None
        written = set(target.assignments.values_list("commune_id", flat=True))
        if batch.decision == decision:
            # Pairs from 01/07/2025 are on today's units: those of the old xã's names.
            if batch.effective_on < REFORM_DAY:
                assert written == {c.pk for c in picked}
            else:
                expected = Commune.objects.in_programme(Map.CURRENT).filter(
                    name__in=[c.name for c in picked]
                )
                assert written == set(expected.values_list("pk", flat=True))
            assert {a.started_on for a in target.assignments.all()} == {batch.effective_on}
        check_page(client.get(reverse("assignments:assignment_list"), {"decision": target.pk}))


@FEW
@given(data=st.data())
def test_random_matrix_uploads_and_confirmations(data, reference):
    label, name, content, kind = data.draw(matrix_files(reference))
    persona = data.draw(st.sampled_from(PERSONAS))
    event(label)
    fields = {
        "year": "2025"
        if data.draw(valid)
        else data.draw(maybe(st.sampled_from(["2019", "x", "²"]))),
        **data.draw(extra_fields()),
    }
    with rolled_back():
        client = client_as(reference.people.get(persona))
        batch = post_upload(client, "reports:import_matrix", fields, (name, content, kind), persona)
        if batch is None:
            return
        event("previewed")
        action = data.draw(ACTIONS)
        before = snapshot()
        assessments = digest(Assessment.objects.filter(year=batch.year))
        confirm(client, batch, action)
        batch.refresh_from_db()
        if batch.status != ImportBatch.Status.APPLIED:
            event("not applied")
            assert digest(Assessment.objects.filter(year=batch.year)) == assessments
            assert set(changes(before, snapshot())) <= {"reports.ImportBatch"}
            return
        event("applied")
        assert action == "confirm" and batch.error_count == 0


def test_the_preview_answers_an_unknown_action_with_400_and_writes_nothing(office_client):
    batch = ImportBatch.objects.create(kind=ImportBatch.Kind.MATRIX, year=2025, file_name="x")
    before = snapshot()

    for action in (MISSING, "", "apply", "<script>alert(1)</script>"):
        response = office_client.post(
            reverse("reports:import_preview", args=[batch.pk]), post_data({"action": action})
        )
        assert response.status_code == 400

    assert snapshot() == before
