"""A decision amending 1599 re-pairs some communes; every other commune keeps its
assignment under 1599.

Most tests amend the 2021–2025 decision as it stood before 01/07/2025, with 126 pairs
in force on the old xã (`in_2021_2025`: the demo's carry-over undone); the last one
amends it today, when its pairs in force are those carried over to today's units.
"""

import datetime

import pytest
from django.urls import reverse

from assignments.models import Assignment, Decision, WorkingGroup
from assignments.services import errors, succession
from sampledata import lifecycle as demo
from sampledata.laocai import DECISION_NUMBER
from tests.factories import make_decision, make_group, make_leader

pytestmark = pytest.mark.django_db

# Decision 1599's pairs as they stood before 01/07/2025 (tests/conftest.py). The clock
# stays: the amendments are entered now, after the demo's own history.
in_2021_2025 = pytest.mark.usefixtures("pairs_before_the_reform")


def base():
    return Decision.objects.get(number=DECISION_NUMBER)


def url(decision):
    return reverse("assignments:decision_amend", args=[decision.pk])


def in_force(decision, count):
    return list(
        Assignment.objects.active()
        .filter(decision=decision)
        .select_related("commune")
        .order_by("commune__sort_name")[:count]
    )


def post_data(rows, **overrides):
    data = {
        "number": "2345/QĐ-UBND",
        "issued_on": "15/03/2024",
        "title": "Sửa đổi, bổ sung Quyết định 1599/QĐ-UBND",
        "xa-TOTAL_FORMS": str(max(len(rows), 1)),
        "xa-INITIAL_FORMS": "0",
    }
    for i, (commune_id, leader_id) in enumerate(rows):
        data[f"xa-{i}-commune"] = commune_id
        data[f"xa-{i}-leader"] = leader_id
    data.update(overrides)
    return data


def snapshot(decision):
    return set(decision.assignments.values_list("pk", "leader_id", "ended_on", "successor_id"))


@in_2021_2025
def test_office_sees_the_base_decision_and_rows_to_fill(office_client):
    html = office_client.get(url(base())).content.decode()

    assert "1599/QĐ-UBND" in html
    assert "126 xã có lãnh đạo phụ trách" in html
    assert html.count('name="xa-') >= 10  # five rows of commune and leader
    assert "Bản Vược" in html


@in_2021_2025
def test_three_communes_are_re_paired_and_the_other_124_stay(office_client, office_user):
    decision = base()
    olds = in_force(decision, 3)
    # The third commune was helped before by a group of the agency its new leader is from.
    earlier = make_group(members=2)
    Assignment.objects.create(
        decision=make_decision(period_start=2016, period_end=2020),
        leader=make_leader(agency=earlier.agency),
        commune=olds[2].commune,
        working_group=earlier,
        started_on=datetime.date(2016, 1, 1),
        ended_on=datetime.date(2020, 12, 31),
        end_reason="other",
    )
    pairs = [
        (olds[0], make_leader(agency=olds[0].leader.agency)),  # same agency: same group
        (olds[1], make_leader()),  # an agency new to the commune: a new, empty group
        (olds[2], make_leader(agency=earlier.agency)),  # that agency's group comes back
    ]
    groups = WorkingGroup.objects.count()
    untouched = snapshot(decision) - {
        row for row in snapshot(decision) if row[0] in {old.pk for old in olds}
    }

    response = office_client.post(
        url(decision),
        post_data([(old.commune_id, leader.pk) for old, leader in pairs]),
        follow=True,
    )

    new_decision = Decision.objects.get(number="2345/QĐ-UBND")
    assert new_decision.amends == decision
    assert new_decision.issued_on == datetime.date(2024, 3, 15)
    assert "Đã ghi Quyết định 2345/QĐ-UBND sửa đổi Quyết định 1599/QĐ-UBND" in (
        response.content.decode()
    )
    assert response.redirect_chain[-1][0].endswith(f"?decision={new_decision.pk}")
    for old, leader in pairs:
        old.refresh_from_db()
        new = old.successor
        assert (old.ended_on, old.end_reason) == (datetime.date(2024, 3, 14), "amended")
        assert "2345/QĐ-UBND" in old.end_note
        assert (new.decision, new.leader, new.commune_id) == (new_decision, leader, old.commune_id)
        assert new.started_on == datetime.date(2024, 3, 15) and new.is_active
        assert new.history.get().history_user == office_user
        assert old.history.first().successor_id == new.pk
        assert old.history.filter(history_date__gte=new.history.get().history_date).count() == 1
        assert new.working_group.agency == leader.agency
    kept, moved, back = (Assignment.objects.get(predecessor=old) for old in olds)
    assert kept.working_group_id == olds[0].working_group_id
    assert moved.working_group.name == (
        f"Tổ giúp việc {moved.leader.agency.name} – xã {moved.commune.name}"
    )
    assert not moved.working_group.members.exists()
    assert moved.working_group.established_on == datetime.date(2024, 3, 15)
    assert back.working_group == earlier
    assert WorkingGroup.objects.count() == groups + 1
    assert len(untouched) == 124
    assert untouched <= snapshot(decision)
    assert decision.assignments.active().count() == 123


@in_2021_2025
def test_a_commune_listed_twice_is_refused_and_nothing_is_written(office_client):
    decision = base()
    old = in_force(decision, 1)[0]
    before = snapshot(decision), Decision.objects.count()

    response = office_client.post(
        url(decision),
        post_data([(old.commune_id, make_leader().pk), (old.commune_id, make_leader().pk)]),
    )

    assert f"Xã {old.commune.name} được liệt kê hai lần" in response.content.decode()
    assert (snapshot(decision), Decision.objects.count()) == before


@in_2021_2025
def test_a_commune_without_an_active_assignment_is_refused(office_client):
    decision = base()
    ended = decision.assignments.exclude(ended_on=None).select_related("commune").first()
    before = snapshot(decision), Decision.objects.count()

    response = office_client.post(url(decision), post_data([(ended.commune_id, make_leader().pk)]))

    assert "Xã được chọn không có phân công đang hiệu lực" in response.content.decode()
    assert (snapshot(decision), Decision.objects.count()) == before
    with pytest.raises(errors.WorkflowError, match="không có phân công đang hiệu lực"):
        succession.amend_decision(
            decision,
            number="9/QĐ-UBND",
            issued_on=datetime.date(2024, 3, 15),
            title="Sửa đổi",
            pairs=[
                (in_force(decision, 1)[0].commune, make_leader()),
                (ended.commune, make_leader()),
            ],
        )
    assert (snapshot(decision), Decision.objects.count()) == before


@in_2021_2025
def test_an_unknown_leader_is_refused(office_client):
    decision = base()
    old = in_force(decision, 1)[0]
    before = snapshot(decision), Decision.objects.count()

    response = office_client.post(url(decision), post_data([(old.commune_id, 999999)]))

    assert "Lãnh đạo được chọn không có trong danh sách" in response.content.decode()
    assert (snapshot(decision), Decision.objects.count()) == before


@in_2021_2025
@pytest.mark.parametrize(
    ("rows", "overrides", "says"),
    [
        ("none", {}, "Hãy chọn ít nhất một xã được phân công lại"),
        ("half", {}, "Hãy chọn cả xã và lãnh đạo mới"),
        ("ok", {"number": "1599/QĐ-UBND"}, "Đã có Quyết định 1599/QĐ-UBND"),
        ("same", {}, "lãnh đạo mới trùng với lãnh đạo đang phụ trách"),
        ("ok", {"issued_on": ""}, "Hãy ghi ngày ban hành"),
    ],
)
def test_other_mistakes_are_explained_and_nothing_is_written(office_client, rows, overrides, says):
    decision = base()
    old = in_force(decision, 1)[0]
    rows = {
        "none": [],
        "half": [(old.commune_id, "")],
        "ok": [(old.commune_id, make_leader().pk)],
        "same": [(old.commune_id, old.leader_id)],
    }[rows]
    before = snapshot(decision), Decision.objects.count()

    response = office_client.post(url(decision), post_data(rows, **overrides))

    assert says in response.content.decode()
    assert (snapshot(decision), Decision.objects.count()) == before


@in_2021_2025
def test_a_second_amendment_re_pairs_a_commune_paired_by_the_first():
    decision = base()
    commune = in_force(decision, 1)[0].commune
    first = succession.amend_decision(
        decision,
        number="100/QĐ-UBND",
        issued_on=datetime.date(2023, 1, 10),
        title="Sửa đổi lần 1",
        pairs=[(commune, make_leader())],
    )
    leader = make_leader()

    second = succession.amend_decision(
        decision,
        number="200/QĐ-UBND",
        issued_on=datetime.date(2024, 1, 10),
        title="Sửa đổi lần 2",
        pairs=[(commune, leader)],
    )

    current = Assignment.objects.active().get(commune=commune)
    assert (current.decision, current.leader) == (second, leader)
    assert first.assignments.get().successor == current


@in_2021_2025
@pytest.mark.parametrize("client_name", ["member_a_client", "leader_client", "reader_client"])
def test_only_the_office_may_amend_a_decision(request, client_name):
    client = request.getfixturevalue(client_name)
    decision = base()
    old = in_force(decision, 1)[0]

    assert client.get(url(decision)).status_code == 403
    response = client.post(url(decision), post_data([(old.commune_id, make_leader().pk)]))
    assert response.status_code == 403
    assert not Decision.objects.filter(amends=decision).exists()


def test_unknown_decision_is_not_found(office_client):
    assert office_client.get(url(Decision(pk=999999))).status_code == 404


@in_2021_2025
@pytest.mark.parametrize("issued_on", [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
def test_the_service_refuses_an_issue_day_out_of_range(issued_on):
    """1 January of year 1 has no day before it to end the old assignments on."""
    decision = base()
    commune = in_force(decision, 1)[0].commune
    before = snapshot(decision)

    with pytest.raises(errors.WorkflowError, match="nằm ngoài khoảng hợp lệ"):
        succession.amend_decision(
            decision,
            number="300/QĐ-UBND",
            issued_on=issued_on,
            title="Sửa đổi",
            pairs=[(commune, make_leader())],
        )

    assert snapshot(decision) == before
    assert not Decision.objects.filter(number="300/QĐ-UBND").exists()


def test_today_an_amendment_re_pairs_a_unit_of_today_and_the_others_stay(office_client, today):
    """Today the pairs in force are those of the demo's 2026–2030 decision, which re-confirmed
    on today's units the pairs carried over on 01/07/2025: they are offered and re-paired,
    never the old xã whose pairs ended then."""
    old = demo.demo_assignment(demo.GROUP_A_COMMUNE)  # group A's, on Xã Bát Xát
    decision = old.decision
    leader = make_leader()
    others = set(
        succession.active_under(decision).exclude(pk=old.pk).values_list("pk", "leader_id")
    )

    html = office_client.get(url(decision)).content.decode()
    office_client.post(
        url(decision), post_data([(old.commune_id, leader.pk)], issued_on="15/09/2026")
    )

    assert f"{len(others) + 1} xã có lãnh đạo phụ trách" in html
    assert f'value="{old.commune_id}">Bát Xát' in html
    # A unit of today is named without a district (there is none to name), no dangling dash.
    assert f'<option value="{old.commune_id}">Bát Xát (đang: {old.leader.full_name})' in html
    assert "Bản Vược" not in html  # its pair ended on 30/06/2025
    old.refresh_from_db()
    new = old.successor
    assert (old.ended_on, old.end_reason) == (datetime.date(2026, 9, 14), "amended")
    assert (new.decision.number, new.leader, new.commune) == ("2345/QĐ-UBND", leader, old.commune)
    assert new.started_on == datetime.date(2026, 9, 15) and new.is_active
    assert len(others) >= 40
    assert (
        set(succession.active_under(decision).exclude(pk=new.pk).values_list("pk", "leader_id"))
        == others
    )


@in_2021_2025
def test_an_amendment_issued_after_the_reform_does_not_re_pair_an_old_xa(office_client):
    """Before the office carries the pairs over, they are still in force on the old xã: a
    decision of 2026 re-pairing one would start a pair on a xã that no longer exists."""
    decision = base()
    old = demo.demo_assignment(demo.GROUP_A_COMMUNE)  # Bản Vược's, not carried over
    before = snapshot(decision), Decision.objects.count()

    response = office_client.post(
        url(decision), post_data([(old.commune_id, make_leader().pk)], issued_on="15/09/2026")
    )

    assert "Xã Bản Vược không còn từ 01/07/2025 (đã sáp nhập vào Xã Bát Xát)" in (
        response.content.decode()
    )
    assert (snapshot(decision), Decision.objects.count()) == before
