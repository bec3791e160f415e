"""Scoped access on the reading pages: what each role sees in lists and dossiers,
and personal data (phones, e-mails) only for the office, the group and its leader."""

import datetime

import pytest
from django.urls import reverse

from assignments.models import Assignment, FieldVisit, Leader
from communes.models import Commune
from sampledata.lifecycle import GROUP_A_COMMUNE, GROUP_B_COMMUNE, demo_assignment
from tests.factories import make_visit

pytestmark = pytest.mark.django_db

ALL = {"per_page": 200}
# A day the pairs in force, on today's units since 01/07/2025, were working.
SINCE_THE_REFORM = datetime.date(2025, 8, 6)


def assignment(commune):
    """The demo pair in force that began on that 2021 xã: since 01/07/2025 on the unit it
    went into (Bản Vược → Xã Bát Xát, Y Tý → Xã Y Tý)."""
    found = demo_assignment(commune)
    assert found is not None and found.ended_on is None, commune
    return found


def listed(response):
    return {row.record.pk for row in response.context["table"].paginator.object_list}


def all_pages(client, url, params=None):
    """Every row's pk across pages (lists paginate at 200 at most)."""
    pks, page = set(), 1
    while True:
        response = client.get(url, {**ALL, **(params or {}), "page": page})
        table = response.context["table"]
        pks |= {row.record.pk for row in table.page.object_list}
        if not table.page.has_next():
            return pks
        page += 1


@pytest.fixture
def draft_a():
    return make_visit(
        assignment=assignment(GROUP_A_COMMUNE),
        status="draft",
        purpose="Nháp của tổ A",
        visited_on=SINCE_THE_REFORM,
    )


def test_visit_list_shows_drafts_only_to_their_group_and_the_office(
    office_client, member_a_client, member_b_client, reader_client, draft_a
):
    url = reverse("assignments:visit_list")
    params = {"commune": draft_a.assignment.commune_id}

    assert draft_a.pk in all_pages(office_client, url, params)
    assert draft_a.pk in all_pages(member_a_client, url, params)
    for client in (member_b_client, reader_client):
        shown = all_pages(client, url, params)
        assert draft_a.pk not in shown
        assert shown == set(
            FieldVisit.objects.filter(assignment__commune=draft_a.assignment.commune)
            .exclude(status="draft")
            .values_list("pk", flat=True)
        )


def test_leader_lists_only_their_assignments_visits_without_drafts(leader_client, draft_a):
    own = Assignment.objects.filter(leader__user__username="lanhdao")

    shown = all_pages(leader_client, reverse("assignments:visit_list"))

    expected = FieldVisit.objects.filter(assignment__in=own).exclude(status="draft")
    assert shown == set(expected.values_list("pk", flat=True))
    assert draft_a.pk not in shown


def test_leader_lists_only_their_own_assignments(leader_client, reader_client):
    own = set(
        Assignment.objects.filter(leader__user__username="lanhdao").values_list("pk", flat=True)
    )

    leader_rows = all_pages(leader_client, reverse("assignments:assignment_list"))
    reader_rows = all_pages(reader_client, reverse("assignments:assignment_list"))

    assert leader_rows == own
    assert reader_rows == set(Assignment.objects.values_list("pk", flat=True))


def test_leader_lists_and_opens_only_their_own_communes(leader_client):
    own = assignment(GROUP_A_COMMUNE)  # Xã Bát Xát, since 01/07/2025 (re-confirmed in 2026)
    other = assignment(GROUP_B_COMMUNE)  # Xã Y Tý
    # Ended, carried over on 01/07/2025, then re-confirmed for 2026–2030.
    own_until_2025 = own.predecessor.predecessor
    other_until_2025 = other.predecessor.predecessor
    assert own_until_2025.commune.name == GROUP_A_COMMUNE
    # Another leader's pair, ended on 30/06/2025, on an old xã that went into his unit.
    neighbour = Assignment.objects.get(
        commune__current_unit=own.commune, commune__name="Bản Qua", ended_on__isnull=False
    )

    def status(commune_id):
        return leader_client.get(reverse("reports:commune_detail", args=[commune_id])).status_code

    # Today's map (the default) lists his unit; the old map the xã he had until 2025.
    assert listed(leader_client.get(reverse("reports:commune_list"), ALL)) == {own.commune_id}
    old_map = leader_client.get(reverse("reports:commune_list"), {"map": "old", **ALL})
    assert listed(old_map) == {own_until_2025.commune_id}
    assert status(own.commune_id) == 200
    assert status(own_until_2025.commune_id) == 200
    assert status(other.commune_id) == 404
    assert status(other_until_2025.commune_id) == 404
    assert status(neighbour.commune_id) == 404


def test_other_roles_list_every_commune(reader_client):
    response = reader_client.get(reverse("reports:commune_list"), {"map": "old", **ALL})

    assert response.context["table"].paginator.count == Commune.objects.in_programme().count()


def test_dossier_timeline_hides_a_groups_draft_from_others(
    member_a_client, member_b_client, reader_client, draft_a
):
    url = reverse("reports:commune_detail", args=[draft_a.assignment.commune_id])
    detail = reverse("assignments:visit_detail", args=[draft_a.pk])

    own = member_a_client.get(url)
    assert draft_a in own.context["dossier"].visits
    assert detail in own.content.decode()
    for client in (member_b_client, reader_client):
        response = client.get(url)
        assert draft_a not in response.context["dossier"].visits
        assert detail not in response.content.decode()
        assert "Nháp của tổ A" not in response.content.decode()


def test_leader_opens_only_their_own_leader_and_agency_pages(leader_client):
    own = assignment(GROUP_A_COMMUNE).leader
    other = assignment(GROUP_B_COMMUNE).leader

    assert leader_client.get(reverse("assignments:leader_detail", args=[own.pk])).status_code == 200
    assert leader_client.get(reverse("assignments:leader_detail", args=[other.pk])).status_code == (
        404
    )
    own_agency = reverse("assignments:agency_detail", args=[own.agency_id])
    other_agency = reverse("assignments:agency_detail", args=[other.agency_id])
    response = leader_client.get(own_agency)
    assert response.status_code == 200
    assert leader_client.get(other_agency).status_code == 404
    # On their agency's page a leader sees their own rows, not their colleagues'.
    assert {leader.pk for leader, _card in response.context["rows"]} == {own.pk}
    colleagues = Leader.objects.filter(agency_id=own.agency_id).exclude(pk=own.pk)
    assert colleagues.exists()
    for colleague in colleagues:
        assert colleague.full_name not in response.content.decode()


def phones_of(a):
    return [a.leader.phone, *(m.phone for m in a.working_group.members.all() if m.phone)]


@pytest.mark.parametrize(
    ("persona", "sees_contacts"),
    [
        ("office", True),
        ("member_a", True),
        ("leader", True),
        ("member_b", False),
        ("reader", False),
    ],
)
def test_phone_numbers_in_the_dossier_only_for_the_office_the_group_and_its_leader(
    request, persona, sees_contacts
):
    client = request.getfixturevalue(f"{persona}_client")
    a = assignment(GROUP_A_COMMUNE)
    a.leader.email = "lan.nguyen@laocai.gov.vn"
    a.leader.save()

    html = client.get(reverse("reports:commune_detail", args=[a.commune_id])).content.decode()

    assert all(phone in html for phone in phones_of(a)) is sees_contacts
    assert any(phone in html for phone in phones_of(a)) is sees_contacts
    assert ("lan.nguyen@laocai.gov.vn" in html) is sees_contacts
    assert ("tel:" in html) is sees_contacts
    assert a.leader.full_name in html  # the name is not personal data


@pytest.mark.parametrize(
    ("persona", "sees_contacts"),
    [
        ("office", True),
        ("member_a", True),
        ("leader", True),
        ("member_b", False),
        ("reader", False),
    ],
)
def test_leader_page_shows_phone_and_email_only_to_those_who_may_see_them(
    request, persona, sees_contacts
):
    client = request.getfixturevalue(f"{persona}_client")
    leader = assignment(GROUP_A_COMMUNE).leader
    leader.email = "lan.nguyen@laocai.gov.vn"
    leader.save()

    html = client.get(reverse("assignments:leader_detail", args=[leader.pk])).content.decode()

    assert (leader.phone in html) is sees_contacts
    assert ("lan.nguyen@laocai.gov.vn" in html) is sees_contacts
    assert leader.position in html


def test_dashboard_is_readable_by_every_role(
    office_client, member_a_client, member_b_client, leader_client, reader_client
):
    for client in (office_client, member_a_client, member_b_client, leader_client, reader_client):
        response = client.get(reverse("reports:dashboard"))
        assert response.status_code == 200
        assert "Tổng quan xây dựng nông thôn mới" in response.content.decode()
