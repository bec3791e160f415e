"""Change history ("Lịch sử thay đổi"): who changed what and when, field by field;
deleted records keep theirs; the office restores an earlier version."""

import datetime

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from assignments.models import Assignment, FieldVisit, Recommendation, Support
from communes.models import Recognition
from sampledata.lifecycle import GROUP_A_COMMUNE, demo_assignment
from tests.factories import make_recommendation, make_support, make_visit

pytestmark = pytest.mark.django_db


def ban_vuoc():
    """Group A's pair in force: Bản Vược's, carried over to Xã Bát Xát on 01/07/2025 and
    re-confirmed there from 01/01/2026 (the demo's 2026–2030 decision)."""
    return demo_assignment(GROUP_A_COMMUNE)


def history_url(slug, pk):
    return reverse("assignments:history", args=[slug, pk])


def restore_url(slug, record):
    return reverse("assignments:history_restore", args=[slug, record.id, record.history_id])


def edit(obj, user, **values):
    """Save changes as `user` would through a form (history names the request's user)."""
    for name, value in values.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()
    return obj


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def visit(office_user):
    visit = make_visit(
        assignment=ban_vuoc(), status="submitted", purpose="Kiểm tra tiêu chí giao thông"
    )
    edit(visit, office_user, purpose="Kiểm tra tiêu chí thủy lợi", status="confirmed")
    return visit


def test_history_page_shows_who_when_and_each_field_old_and_new(office_client, office_user, visit):
    record = visit.history.latest("history_date")

    response = office_client.get(history_url("visit", visit.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Lịch sử thay đổi" in html
    assert office_user.username in html
    assert localtime(record.history_date).strftime("%H:%M %d/%m/%Y") in html
    # Field labels, the old and new value, choice labels rather than codes.
    assert "Mục đích" in html
    assert "<del>Kiểm tra tiêu chí giao thông</del> → <ins>Kiểm tra tiêu chí thủy lợi</ins>" in html
    assert "<del>Đã gửi</del> → <ins>Đã xác nhận</ins>" in html
    kinds = [e.kind for e in response.context["entries"]]
    assert kinds == ["changed", "created"]
    assert response.context["total"] == visit.history.count() == 2


def test_foreign_keys_are_shown_by_name(office_client, office_user, visit):
    other = Assignment.objects.get(commune__name="Y Tý", ended_on__isnull=True)
    edit(visit, office_user, assignment=other)

    html = office_client.get(history_url("visit", visit.pk)).content.decode()

    assert f"{ban_vuoc().leader.full_name} → Bát Xát" in html  # Bản Vược's, carried over
    assert f"{other.leader.full_name} → Y Tý" in html


def test_visit_page_shows_the_history_of_the_visit_its_support_and_recommendations(
    office_client, office_user, visit
):
    support = make_support(visit=visit, description="Xi măng làm đường", amount_vnd=5_000_000)
    edit(support, office_user, amount_vnd=7_500_000)
    make_recommendation(visit=visit, text="Đề nghị lắp đèn đường").delete()

    html = office_client.get(reverse("assignments:visit_detail", args=[visit.pk])).content.decode()

    section = html[html.index('aria-labelledby="history-visit-') :]
    assert "Lịch sử thay đổi" in section
    assert "<del>5.000.000 đ</del> → <ins>7.500.000 đ</ins>" in section
    assert "Hỗ trợ: Tiền: Xi măng làm đường" in section
    assert "Kiến nghị: Đề nghị lắp đèn đường" in section
    assert "Xoá" in section
    assert history_url("visit", visit.pk) in section


def test_a_deleted_records_history_stays_readable_for_the_office(
    office_client, member_a_client, visit
):
    recommendation = make_recommendation(visit=visit, text="Kiến nghị sẽ bị xoá")
    pk = recommendation.pk
    recommendation.delete()

    response = office_client.get(history_url("recommendation", pk))

    assert response.status_code == 200
    assert response.context["deleted"]
    assert "Kiến nghị sẽ bị xoá" in response.content.decode()
    assert [e.kind for e in response.context["entries"]] == ["deleted", "created"]
    assert member_a_client.get(history_url("recommendation", pk)).status_code == 404


def test_office_restores_an_earlier_version_as_a_new_change(office_client, office_user, visit):
    first = visit.history.earliest("history_date")
    version = FieldVisit.objects.get(pk=visit.pk).version

    response = office_client.post(restore_url("visit", first), follow=True)

    visit.refresh_from_db()
    assert visit.purpose == "Kiểm tra tiêu chí giao thông"
    # The workflow keeps its state; the lock moves on so that an open form cannot overwrite.
    assert visit.status == "confirmed"
    assert visit.version == version + 1
    latest = visit.history.latest("history_date")
    assert latest.history_user == office_user
    assert latest.history_change_reason == f"restore:{first.history_id}"
    assert visit.history.count() == 3
    when = localtime(first.history_date).strftime("%H:%M %d/%m/%Y")
    assert f"Đã khôi phục phiên bản lúc {when}." in messages_of(response)[0]
    # The page says the same moment the same way.
    assert f"Khôi phục phiên bản lúc {when}." in response.content.decode()
    entry = response.context["entries"][0]
    assert entry.kind == "restored"
    assert entry.restored_from == first.history_date
    assert "<del>Kiểm tra tiêu chí thủy lợi</del> → <ins>Kiểm tra tiêu chí giao thông</ins>" in (
        response.content.decode()
    )


def test_restoring_a_deleted_recommendation_recreates_it(office_client, office_user, visit):
    recommendation = make_recommendation(visit=visit, text="Sửa cầu treo", due_on=None)
    pk = recommendation.pk
    recommendation.delete()
    deleted = Recommendation.history.filter(id=pk).latest("history_date")

    office_client.post(restore_url("recommendation", deleted))

    restored = Recommendation.objects.get(pk=pk)
    assert restored.text == "Sửa cầu treo"
    assert restored.visit_id == visit.pk
    assert Recommendation.history.filter(id=pk).latest("history_date").history_user == office_user


def test_restoring_support_of_a_deleted_visit_explains_and_creates_nothing(office_client, visit):
    support = make_support(visit=visit)
    support_pk, visit_pk = support.pk, visit.pk
    visit.delete()
    record = Support.history.filter(id=support_pk).latest("history_date")

    response = office_client.post(restore_url("support", record), follow=True)

    assert not Support.objects.filter(pk=support_pk).exists()
    assert "Hãy khôi phục chuyến trước" in messages_of(response)[0]
    # Restoring the visit first, then its support, brings both back.
    visit_record = FieldVisit.history.filter(id=visit_pk).latest("history_date")
    office_client.post(restore_url("visit", visit_record))
    office_client.post(restore_url("support", record))
    assert Support.objects.get(pk=support_pk).visit_id == visit_pk


def test_a_restore_that_would_break_a_rule_is_refused_with_a_message(office_client, office_user):
    assignment = ban_vuoc()
    edit(
        assignment,
        office_user,
        ended_on=datetime.date(2026, 1, 1),  # the pair in force started on 01/07/2025
        end_reason=Assignment.EndReason.RETIRED,
    )
    active = assignment.history.filter(ended_on__isnull=True).earliest("history_date")
    Assignment.objects.create(
        decision=assignment.decision,
        leader=assignment.leader,
        commune=assignment.commune,
        started_on=datetime.date(2026, 1, 2),
    )

    response = office_client.post(restore_url("assignment", active), follow=True)

    assert "Không khôi phục được phiên bản này" in messages_of(response)[0]
    assignment.refresh_from_db()
    assert assignment.ended_on == datetime.date(2026, 1, 1)


def test_only_the_office_restores(member_a_client, leader_client, reader_client, visit):
    first = visit.history.earliest("history_date")

    for client in (member_a_client, leader_client, reader_client):
        assert client.post(restore_url("visit", first)).status_code == 403

    visit.refresh_from_db()
    assert visit.purpose == "Kiểm tra tiêu chí thủy lợi"
    assert visit.history.count() == 2


def test_restore_buttons_show_for_the_office_only(office_client, reader_client, visit):
    first = visit.history.earliest("history_date")
    latest = visit.history.latest("history_date")

    office_html = office_client.get(history_url("visit", visit.pk)).content.decode()
    reader_html = reader_client.get(history_url("visit", visit.pk)).content.decode()

    assert restore_url("visit", first) in office_html
    # The current version is not offered: restoring it would change nothing.
    assert restore_url("visit", latest) not in office_html
    assert "khoi-phuc" not in reader_html


def test_history_of_a_draft_is_out_of_scope_for_those_who_cannot_see_it(
    member_a_client, member_b_client, leader_client, reader_client
):
    draft = make_visit(assignment=ban_vuoc(), status="draft")
    record = draft.history.get()

    assert member_a_client.get(history_url("visit", draft.pk)).status_code == 200
    for client in (member_b_client, leader_client, reader_client):
        assert client.get(history_url("visit", draft.pk)).status_code == 404
        assert client.post(restore_url("visit", record)).status_code == 404


def test_leader_reads_the_history_of_their_own_assignment_only(leader_client):
    own = ban_vuoc()
    other = Assignment.objects.get(commune__name="Y Tý", ended_on__isnull=True)

    assert leader_client.get(history_url("assignment", own.pk)).status_code == 200
    assert leader_client.get(history_url("assignment", other.pk)).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("assignments:history", args=["decision", 1]),
        reverse("assignments:history", args=["visit", 999999]),
    ],
)
def test_unknown_model_or_record_is_not_found(office_client, url):
    assert office_client.get(url).status_code == 404


def test_restore_answers_only_post(office_client, visit):
    first = visit.history.earliest("history_date")

    assert office_client.get(restore_url("visit", first)).status_code == 405


def test_commune_dossier_and_leader_page_link_to_the_history(office_client):
    assignment = ban_vuoc()  # on Xã Bát Xát since 01/01/2026
    carried = assignment.predecessor  # on Xã Bát Xát, 01/07/2025 – 31/12/2025
    before = carried.predecessor  # on Bản Vược until 30/06/2025, same leader
    # Recognised before 2025: old xã that went into Xã Bát Xát.
    recognitions = list(Recognition.objects.filter(commune__current_unit=assignment.commune))
    assessment = before.commune.assessments.first()

    def page(name, pk):
        return office_client.get(reverse(name, args=[pk])).content.decode()

    dossier = page("reports:commune_detail", assignment.commune_id)
    old_dossier = page("reports:commune_detail", before.commune_id)
    leader_page = page("assignments:leader_detail", assignment.leader_id)

    # Today's unit: its pair, and the pairs and recognitions of the old xã it holds.
    assert history_url("assignment", assignment.pk) in dossier
    assert history_url("assignment", carried.pk) in dossier
    assert history_url("assignment", before.pk) in dossier
    assert recognitions
    for recognition in recognitions:
        assert history_url("recognition", recognition.pk) in dossier
    # The old xã: its pair and its criteria assessments of 2021–2025.
    assert history_url("assignment", before.pk) in old_dossier
    assert history_url("assessment", assessment.pk) in old_dossier
    # The leader: the three pairs.
    assert before.leader_id == carried.leader_id == assignment.leader_id
    assert history_url("assignment", assignment.pk) in leader_page
    assert history_url("assignment", carried.pk) in leader_page
    assert history_url("assignment", before.pk) in leader_page


def test_assessment_history_names_the_criterion_and_shows_met_as_yes_or_no(
    office_client, office_user
):
    # Assessed on the old unit (2021–2025): Bản Vược, which group A helped until 30/06/2025.
    ban_vuoc_unit = ban_vuoc().predecessor.predecessor.commune
    assessment = ban_vuoc_unit.assessments.select_related("criterion").first()
    edit(assessment, office_user, met=not assessment.met)

    html = office_client.get(history_url("assessment", assessment.pk)).content.decode()

    old, new = ("Có", "Không") if not assessment.met else ("Không", "Có")
    assert f"<del>{old}</del> → <ins>{new}</ins>" in html
    assert f"TC{assessment.criterion.number}" in html
