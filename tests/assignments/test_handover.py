"""The office hands an assignment over: the old one ends, its successor starts
with the working group of the new leader's agency, in one step, never two in
force on one day.

The assignment handed over is the one in force today: group A's pair, made for xã
Bản Vược in 2021 and carried over on 01/07/2025 to Xã Bát Xát, the unit Bản Vược
went into (sampledata.laocai.reform).
"""

import datetime

import pytest
from django.urls import reverse

from assignments import access
from assignments.models import Assignment, Leader, WorkingGroup
from assignments.services import errors, succession
from sampledata import lifecycle as demo
from tests.factories import make_decision, make_group, make_leader, make_visit

pytestmark = pytest.mark.django_db

D = datetime.date


def group_a_pair():
    """Group A's pair in force today: on Xã Bát Xát since 01/07/2025, re-confirmed from
    01/01/2026 under the demo's 2026–2030 decision."""
    return demo.demo_assignment(demo.GROUP_A_COMMUNE)


def url(assignment):
    return reverse("assignments:assignment_handover", args=[assignment.pk])


def form(**overrides):
    data = {
        "ended_on": "30/06/2026",
        "reason": Assignment.EndReason.TRANSFERRED,
        "note": "Quyết định điều động số 12/QĐ-UBND",
        "leader": "",
        "full_name": "",
        "position": "",
        "agency": "",
        "started_on": "",
    }
    data.update(overrides)
    return data


def test_office_sees_the_current_assignment_and_the_form(office_client):
    old = group_a_pair()
    assert (old.commune.name, old.started_on) == ("Bát Xát", D(2026, 1, 1))

    html = office_client.get(url(old)).content.decode()

    assert old.commune.name in html
    assert old.leader.full_name in html
    assert 'name="ended_on"' in html and 'name="full_name"' in html


def test_hand_over_to_an_existing_leader(office_client, office_user, member_a_user):
    old = group_a_pair()
    visit = make_visit(assignment=old, visited_on=D(2026, 5, 6))
    new_leader = make_leader(agency=old.leader.agency, full_name="Trần Văn Bình")

    response = office_client.post(url(old), form(leader=new_leader.pk), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "assignments:leader_detail", args=[new_leader.pk]
    )
    assert "Đã bàn giao xã Bát Xát" in response.content.decode()
    old.refresh_from_db()
    new = old.successor
    assert (old.ended_on, old.end_reason) == (D(2026, 6, 30), Assignment.EndReason.TRANSFERRED)
    assert old.end_note == "Quyết định điều động số 12/QĐ-UBND"
    assert new.is_active and new.leader == new_leader and new.predecessor == old
    assert new.started_on == D(2026, 7, 1)  # the day after, by default
    assert (new.decision, new.commune, new.working_group) == (
        old.decision,
        old.commune,
        old.working_group,
    )
    assert (
        Assignment.objects.active().filter(commune=old.commune, decision=old.decision).get() == new
    )
    # History stays with the old assignment; the group keeps recording for the commune.
    visit.refresh_from_db()
    assert visit.assignment_id == old.pk
    assert access.may_record_visit_for(member_a_user, Assignment.objects.get(pk=new.pk))
    assert old.history.first().history_user == office_user
    assert old.history.first().successor_id == new.pk
    assert new.history.get().history_user == office_user


def test_hand_over_to_a_new_leader_creates_the_leader(office_client):
    old = group_a_pair()
    agency = old.leader.agency

    office_client.post(
        url(old),
        form(
            full_name="Lò Thị Mai",
            position="Phó Giám đốc",
            agency=agency.pk,
            started_on="15/07/2026",
        ),
    )

    old.refresh_from_db()
    leader = Leader.objects.get(full_name="Lò Thị Mai")
    assert (leader.position, leader.agency) == ("Phó Giám đốc", agency)
    assert (old.successor.leader, old.successor.started_on) == (leader, D(2026, 7, 15))


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"leader": "other", "started_on": "29/06/2026"}, "phải sau ngày kết thúc phân công cũ"),
        ({"leader": "other", "started_on": "30/06/2026"}, "phải sau ngày kết thúc phân công cũ"),
        # The pair began on 01/07/2025, when it was carried over to Xã Bát Xát.
        ({"leader": "other", "ended_on": "30/06/2025"}, "không được trước ngày bắt đầu"),
        ({"leader": "same"}, "trùng với lãnh đạo đang phụ trách"),
        ({}, "Hãy chọn hoặc nhập lãnh đạo tiếp nhận"),
        ({"full_name": "Lò Thị Mai"}, "Hãy ghi chức vụ"),
        ({"ended_on": "31/02/2026", "leader": "other"}, "tháng 2 năm 2026 có 28 ngày"),
        ({"ended_on": "cuối tháng", "leader": "other"}, "Hãy ghi ngày theo dạng dd/mm/yyyy"),
        ({"reason": "", "leader": "other"}, "Hãy chọn lý do kết thúc"),
    ],
)
def test_refused_hand_overs_explain_why_and_write_nothing(office_client, overrides, says):
    old = group_a_pair()
    chosen = overrides.get("leader")
    if chosen:
        overrides["leader"] = old.leader_id if chosen == "same" else make_leader().pk
    counts = Assignment.objects.count(), Leader.objects.count()

    response = office_client.post(url(old), form(**overrides))

    assert response.status_code == 200
    assert says in response.content.decode()
    old.refresh_from_db()
    assert old.is_active and old.successor is None
    assert (Assignment.objects.count(), Leader.objects.count()) == counts


def test_hand_over_to_a_leader_of_another_agency_gives_the_commune_that_agencys_group(
    office_client,
):
    old = group_a_pair()
    group_a = old.working_group
    new_leader = make_leader(full_name="Trần Văn Bình")
    groups = WorkingGroup.objects.count()

    office_client.post(url(old), form(leader=new_leader.pk))

    old.refresh_from_db()
    new = old.successor
    group = new.working_group
    assert old.working_group == group_a  # the old assignment keeps its group
    assert (group.agency, group.established_on) == (new_leader.agency, D(2026, 7, 1))
    assert group.name == f"Tổ giúp việc {new_leader.agency.name} – xã Bát Xát"
    assert not group.members.exists()  # the office adds the members
    assert WorkingGroup.objects.count() == groups + 1
    page = office_client.get(url(new)).content.decode()
    assert "Tổ giúp việc " + new_leader.agency.name in page

    # Handed back to the first agency: its group for Bát Xát comes back, nothing new.
    back = succession.hand_over(
        new, ended_on=D(2026, 9, 30), reason="other", new_leader=make_leader(group_a.agency)
    )
    assert back.working_group == group_a
    assert WorkingGroup.objects.count() == groups + 1


def test_the_agencys_group_of_an_earlier_decision_is_used_again(pairs_before_the_reform):
    """Bản Vược's 2021–2025 pair handed over in 2024 goes to the group that the new
    leader's agency had for Bản Vược under the 2016–2020 decision."""
    old = group_a_pair()
    assert old.commune.name == "Bản Vược"
    earlier = make_group(members=2)
    Assignment.objects.create(
        decision=make_decision(period_start=2016, period_end=2020),
        leader=make_leader(agency=earlier.agency),
        commune=old.commune,
        working_group=earlier,
        started_on=D(2016, 1, 1),
        ended_on=D(2020, 12, 31),
        end_reason="other",
    )

    new = succession.hand_over(
        old, ended_on=D(2024, 6, 30), reason="transferred", new_leader=make_leader(earlier.agency)
    )

    assert new.working_group == earlier
    assert new.working_group.members.count() == 2


def test_on_every_day_one_leader_is_in_force(office_client):
    old = group_a_pair()

    office_client.post(url(old), form(leader=make_leader().pk))

    for day in (D(2026, 6, 29), D(2026, 6, 30), D(2026, 7, 1), D(2026, 7, 2)):
        in_force = Assignment.objects.active(on=day).filter(commune=old.commune)
        assert in_force.count() == 1, day


def test_an_ended_assignment_cannot_be_handed_over(office_client):
    old = group_a_pair()
    succession.hand_over(old, ended_on=D(2026, 6, 30), reason="retired", new_leader=make_leader())
    count = Assignment.objects.count()

    page = office_client.get(url(old)).content.decode()
    response = office_client.post(url(old), form(leader=make_leader().pk))

    assert "Phân công này đã kết thúc" in page
    assert "Phân công này đã kết thúc" in response.content.decode()
    assert Assignment.objects.count() == count


def test_the_service_refuses_a_stale_assignment_already_handed_over():
    stale = group_a_pair()
    succession.hand_over(
        Assignment.objects.get(pk=stale.pk),
        ended_on=D(2026, 6, 30),
        reason="retired",
        new_leader=make_leader(),
    )

    with pytest.raises(errors.WorkflowError, match="Phân công này đã kết thúc"):
        succession.hand_over(
            stale, ended_on=D(2026, 8, 1), reason="other", new_leader=make_leader()
        )

    assert Assignment.objects.filter(commune=stale.commune, ended_on__isnull=True).count() == 1


def test_two_active_assignments_are_refused_even_when_the_service_is_misused(
    office_client, monkeypatch
):
    """If the old assignment were left active, the database refuses the successor."""
    old = group_a_pair()
    monkeypatch.setattr(succession, "_end_assignment", lambda assignment, **kwargs: 1)
    count = Assignment.objects.count()

    response = office_client.post(url(old), form(leader=make_leader().pk))

    html = response.content.decode()
    assert "Mỗi xã chỉ có một phân công đang hiệu lực theo một quyết định" in html
    assert "Bát Xát" in html
    old.refresh_from_db()
    assert old.is_active and old.successor is None
    assert Assignment.objects.count() == count


@pytest.mark.parametrize("client_name", ["member_a_client", "leader_client", "reader_client"])
def test_only_the_office_may_hand_over(request, client_name):
    client = request.getfixturevalue(client_name)
    old = group_a_pair()

    assert client.get(url(old)).status_code == 403
    assert client.post(url(old), form(leader=make_leader().pk)).status_code == 403
    old.refresh_from_db()
    assert old.is_active


def test_anonymous_visitor_is_sent_to_log_in(anonymous_client):
    response = anonymous_client.get(url(group_a_pair()))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("ended_on", "started_on"),
    [(D(9999, 12, 31), None), (D(2026, 6, 30), D(9999, 12, 31)), (D(1, 1, 1), None)],
)
def test_the_service_refuses_days_out_of_range_as_the_form_does(ended_on, started_on):
    """Called without the form (a script, a later view), a day past 2100 or before 1900
    is refused with the form's sentence, not an OverflowError; nothing is written."""
    old = group_a_pair()
    count = Assignment.objects.count()

    with pytest.raises(errors.WorkflowError, match="nằm ngoài khoảng hợp lệ"):
        succession.hand_over(
            old, ended_on=ended_on, started_on=started_on, reason="other", new_leader=make_leader()
        )

    old.refresh_from_db()
    assert old.is_active and Assignment.objects.count() == count


def test_a_pair_on_an_old_xa_is_not_handed_over_past_the_reform(
    office_client, pairs_before_the_reform
):
    """Where the office has not carried the pairs over yet, Bản Vược's pair is still in
    force; handed over from a day after 30/06/2025 it would start a pair on a xã that no
    longer exists. Refused, naming the unit it went into; nothing is written."""
    old = group_a_pair()
    assert old.commune.name == "Bản Vược"
    counts = Assignment.objects.count(), Leader.objects.count()

    response = office_client.post(url(old), form(leader=make_leader().pk))
    with pytest.raises(errors.WorkflowError, match="đã sáp nhập vào Xã Bát Xát"):
        succession.hand_over(old, ended_on=D(2025, 6, 30), reason="other", new_leader=make_leader())

    html = response.content.decode()
    assert "Xã Bản Vược không còn từ 01/07/2025 (đã sáp nhập vào Xã Bát Xát)" in html
    old.refresh_from_db()
    assert old.is_active and old.successor is None
    assert Assignment.objects.count() == counts[0]
