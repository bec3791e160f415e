"""Random posts to the workflow actions (submit, confirm, return with a comment, answer,
delete an attachment), the hand-over, the decision amendment and the history restore,
by every persona.

A refused action writes nothing; an accepted one is one whole step (the visit's new
state and its event; the old assignment ended and its successor started; the new
decision with every listed commune re-paired); comments come back escaped.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from assignments import access
from assignments.history import registry as audit
from assignments.models import Assignment, Attachment, Decision, FieldVisit, Leader, VisitEvent
from assignments.services import succession
from sampledata import lifecycle as demo
from sampledata.laocai import new_period
from tests.factories import make_support, make_visit

from .fuzzing import (
    FEW,
    FUZZ,
    MISSING,
    changes,
    client_as,
    date_texts,
    digest,
    extra_fields,
    follow,
    ids,
    last,
    maybe,
    post_data,
    rolled_back,
    safe_text,
    snapshot,
    spoil,
    text,
    users,
)

pytestmark = pytest.mark.django_db

S = FieldVisit.Status
PERSONAS = ["office", "member_a", "member_b", "leader", "reader", "admin", None]
ACTIONS = {
    "visit_submit": ("submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED),
    "visit_confirm": ("confirm", {S.SUBMITTED}, S.CONFIRMED),
    "visit_return": ("return", {S.SUBMITTED, S.CONFIRMED}, S.RETURNED),
    "visit_answer": ("answer", {S.RETURNED}, S.SUBMITTED),  # the answer resubmits
}


@pytest.fixture
def people():
    return users()


@pytest.fixture
def visits():
    """A visit of group A and one of group B in every state."""
    a = demo.demo_assignment(demo.GROUP_A_COMMUNE)
    b = demo.demo_assignment(demo.GROUP_B_COMMUNE)
    found = {}
    for group, assignment in (("A", a), ("B", b)):
        for status in S.values:
            visit = make_visit(assignment=assignment, status=status, purpose=f"Nhóm {group}")
            make_support(visit)
            found[f"{group} {status}"] = visit
    return found


def comment():
    return st.one_of(safe_text(1000), text(), st.just(MISSING))


def who_may(action, user, visit):
    return access.may(user, visit, action) and (
        access.visits_visible_to(user).filter(pk=visit.pk).exists()
    )


@FUZZ
@given(data=st.data())
def test_random_workflow_steps_by_every_persona(data, people, visits):
    name = data.draw(st.sampled_from(sorted(ACTIONS)))
    action, sources, target = ACTIONS[name]
    label = data.draw(st.sampled_from(sorted(visits)))
    visit = visits[label]
    persona = data.draw(st.sampled_from(PERSONAS))
    fields = {"comment": data.draw(comment()), **data.draw(extra_fields())}
    event(f"{name} on {label}")
    user = people.get(persona)
    with rolled_back():
        client = client_as(user)
        before = snapshot()
        rows = digest(FieldVisit.objects.all(), VisitEvent.objects.all())
        response = client.post(reverse(f"assignments:{name}", args=[visit.pk]), post_data(fields))
        follow(client, response)
        after = snapshot()
        if after == before:
            event("refused")
            assert digest(FieldVisit.objects.all(), VisitEvent.objects.all()) == rows
            if persona is None:
                assert response.url.startswith(reverse("login"))
            return
        event("accepted")
        assert user is not None and who_may(action, user, visit)
        assert visit.status in sources
        new = VisitEvent.objects.get(visit=visit, pk__gt=before["assignments.VisitEvent"][1] or 0)
        assert new.actor == user
        if action in ("return", "answer"):
            assert new.comment == str(fields["comment"]).strip() != ""
        current = FieldVisit.objects.get(pk=visit.pk)
        assert current.status == target
        assert current.version == visit.version + 1
        changed = set(changes(before, after))
        assert changed <= {
            "assignments.VisitEvent",
            "assignments.HistoricalFieldVisit",
        }, changed


@FUZZ
@given(data=st.data())
def test_random_attachment_deletions(data, people, visits):
    label = data.draw(st.sampled_from(sorted(visits)))
    visit = visits[label]
    persona = data.draw(st.sampled_from(PERSONAS))
    user = people.get(persona)
    with rolled_back():
        attachment = Attachment(visit=visit, original_name="<script>alert(1)</script>.pdf")
        attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
        pk = data.draw(st.one_of(st.just(attachment.pk), st.integers(-1, 10**20)))
        client = client_as(user)
        before = snapshot()
        response = client.post(
            reverse("assignments:attachment_delete", args=[pk]) if pk >= 0 else "/tep/-1/xoa/",
            post_data(data.draw(extra_fields())),
        )
        follow(client, response)
        if snapshot() == before:
            event("refused")
            return
        event("accepted")
        assert who_may("edit", user, visit)
        assert set(changes(before, snapshot())) == {"assignments.Attachment"}
        assert not Attachment.objects.filter(pk=attachment.pk).exists()


# --- hand-over --------------------------------------------------------------------


class HandOver:
    def __init__(self):
        self.people = users()
        self.assignment = demo.demo_assignment(demo.GROUP_A_COMMUNE)
        self.ended = Assignment.objects.exclude(ended_on=None).first()
        self.leaders = list(
            Leader.objects.exclude(pk=self.assignment.leader_id).values_list("pk", flat=True)[:20]
        )
        self.agencies = list(Leader.objects.values_list("agency_id", flat=True).distinct()[:10])
        self.today = timezone.localdate()

    def __repr__(self):
        return "<hand-over of group A's assignment>"

    def dates(self, start=None):
        start = start or self.assignment.started_on
        return st.dates(start, self.today).map(lambda day: day.strftime("%d/%m/%Y"))


@pytest.fixture
def handover():
    return HandOver()


def day_after(text):
    day = datetime.datetime.strptime(text, "%d/%m/%Y").date() + datetime.timedelta(days=1)
    return day.strftime("%d/%m/%Y")


@st.composite
def handover_posts(draw, h):
    honest = draw(st.integers(0, 2)) > 0
    event("honest post" if honest else "hostile post")
    reasons = [r for r, _l in Assignment.EndReason.choices]
    ended_on = draw(h.dates())
    fields = {
        "ended_on": ended_on,
        "reason": draw(st.sampled_from(reasons)),
        "note": draw(st.one_of(st.just(""), safe_text(500))),
        # The successor starts after the old assignment's last day: never both in force.
        "started_on": draw(st.sampled_from(["", day_after(ended_on)])),
    }
    if draw(st.booleans()):
        fields["leader"] = str(draw(st.sampled_from(h.leaders)))
    else:
        fields.update(
            full_name=draw(safe_text(100)),
            position=draw(safe_text(200)),
            agency=str(draw(st.sampled_from(h.agencies))),
        )
    if honest:
        return honest, fields
    junk = {
        "ended_on": date_texts(h.dates()),
        "reason": st.one_of(st.sampled_from(reasons), text()),
        "note": text(),
        "leader": ids(*h.leaders, h.assignment.leader_id),
        "full_name": text(),
        "position": text(),
        "agency": ids(*h.agencies),
        "started_on": date_texts(h.dates()),
    }
    return honest, spoil(draw, fields, junk)


@FUZZ
@given(data=st.data())
def test_random_hand_overs(data, handover):
    h = handover
    honest, fields = data.draw(handover_posts(h))
    persona = data.draw(st.sampled_from(["office", "office", "office", "admin", "member_a", None]))
    target = data.draw(st.sampled_from([h.assignment, h.assignment, h.ended]))
    with rolled_back():
        client = client_as(h.people.get(persona))
        before = snapshot()
        rows = digest(Assignment.objects.all(), Leader.objects.all())
        response = client.post(
            reverse("assignments:assignment_handover", args=[target.pk]), post_data(fields)
        )
        follow(client, response)
        if response.status_code != 302 or persona is None:
            event("refused")
            assert snapshot() == before, changes(before, snapshot())
            assert digest(Assignment.objects.all(), Leader.objects.all()) == rows
            assert not (honest and persona in ("office", "admin") and target == h.assignment)
            return
        event("accepted")
        assert persona in ("office", "admin") and target == h.assignment
        old = Assignment.objects.get(pk=target.pk)
        new = old.successor
        ended_on = last(fields["ended_on"])
        assert ended_on in (old.ended_on.strftime("%d/%m/%Y"), old.ended_on.isoformat())
        assert old.end_reason == last(fields["reason"])
        assert new.started_on > old.ended_on
        assert (new.commune_id, new.decision_id, new.ended_on) == (
            old.commune_id,
            old.decision_id,
            None,
        )
        # The working group follows the new leader's agency.
        if new.leader.agency_id == old.leader.agency_id:
            assert new.working_group_id == old.working_group_id
        else:
            assert new.working_group.agency_id == new.leader.agency_id
        added = Leader.objects.count() - before["assignments.Leader"][0]
        if last(fields.get("leader", MISSING)):
            assert (new.leader_id, added) == (int(last(fields["leader"])), 0)
        else:
            assert (new.leader.full_name, added) == (last(fields["full_name"]).strip(), 1)
        assert Assignment.objects.count() == before["assignments.Assignment"][0] + 1


# --- decision amendment ---------------------------------------------------------


class Amendment:
    def __init__(self):
        self.people = users()
        self.base = Decision.objects.get(number=new_period.DECISION_NUMBER)
        # The decision in force today (the demo's 2026–2030 one) and its pairs on units that
        # exist today: an amendment re-pairing a unit that ceased is rightly refused.
        in_force = (
            succession.active_under(self.base)
            .filter(commune__current_unit=F("commune"))
            .order_by("pk")[:30]
        )
        self.pairs = {a.commune_id: a.leader_id for a in in_force}
        self.leaders = list(Leader.objects.values_list("pk", flat=True)[:30])
        self.first_day = max(a.started_on for a in in_force) + datetime.timedelta(days=1)

    def __repr__(self):
        return "<amendment of the demo decision>"


@pytest.fixture
def amendment():
    return Amendment()


@st.composite
def amendment_posts(draw, a):
    honest = draw(st.integers(0, 2)) > 0
    event("honest post" if honest else "hostile post")
    today = timezone.localdate()
    issued = st.dates(a.first_day, today).map(lambda day: day.strftime("%d/%m/%Y"))
    communes = list(a.pairs)
    fields = {
        "number": draw(safe_text(50)),
        "issued_on": draw(issued),
        "title": draw(safe_text(500)),
    }
    chosen = draw(st.lists(st.sampled_from(communes), unique=True, min_size=1, max_size=4))
    rows = [
        (str(c), str(draw(st.sampled_from([pk for pk in a.leaders if pk != a.pairs[c]]))))
        for c in chosen
    ]
    rows += [("", "")] * draw(st.integers(0, 2))
    total = str(len(rows))
    if not honest:
        fields = spoil(
            draw,
            fields,
            {"number": text(), "issued_on": date_texts(issued), "title": text()},
        )
        if draw(st.booleans()):
            row = draw(st.tuples(ids(*communes), ids(*a.leaders, *a.pairs.values())))
            rows.insert(draw(st.integers(0, len(rows))), row)
            total = str(len(rows))
        total = draw(
            st.sampled_from(
                [total, total, "-1", "abc", "0", "300", "99999999999999999999", MISSING]
            )
        )
    fields.update({"xa-TOTAL_FORMS": total, "xa-INITIAL_FORMS": "0"})
    for i, (commune, leader) in enumerate(rows):
        fields[f"xa-{i}-commune"], fields[f"xa-{i}-leader"] = commune, leader
    return honest, fields, [(c, lead) for c, lead in rows if c != ""]


@FUZZ
@given(data=st.data())
def test_random_decision_amendments(data, amendment):
    a = amendment
    honest, fields, rows = data.draw(amendment_posts(a))
    persona = data.draw(st.sampled_from(["office", "office", "office", "member_a", "reader", None]))
    rows_param = data.draw(maybe(st.sampled_from(["5", "0", "-3", "²", "١", "999999", "abc"])))
    url = reverse("assignments:decision_amend", args=[a.base.pk])
    if rows_param is not MISSING and not isinstance(rows_param, list):
        url += f"?so_dong={rows_param}"
    with rolled_back():
        client = client_as(a.people.get(persona))
        before = snapshot()
        rows_digest = digest(Assignment.objects.all(), Decision.objects.all())
        response = client.post(url, post_data(fields))
        follow(client, response)
        if response.status_code != 302 or persona is None:
            event("refused")
            assert snapshot() == before, changes(before, snapshot())
            assert digest(Assignment.objects.all(), Decision.objects.all()) == rows_digest
            assert not (honest and persona == "office"), "an honest amendment was refused"
            return
        event("accepted")
        assert persona == "office"
        decision = Decision.objects.get(amends=a.base, number=last(fields["number"]).strip())
        repaired = {x.commune_id: x.leader_id for x in decision.assignments.all()}
        assert repaired == {int(c): int(lead) for c, lead in rows}
        assert Assignment.objects.count() == before["assignments.Assignment"][0] + len(rows)


# --- history restore ---------------------------------------------------------------


@pytest.fixture
def records(visits):
    """(slug, pk, history_id) of real history records, the visits' and others'."""
    found = []
    for slug, tracked in audit.REGISTRY.items():
        for record in tracked.records.order_by("-history_id")[:3]:
            found.append((slug, record.id, record.history_id))
    return found


@FEW
@given(data=st.data())
def test_random_history_restores(data, people, records):
    slug, pk, history_id = data.draw(
        st.one_of(
            st.sampled_from(records),
            st.tuples(
                st.sampled_from([*audit.REGISTRY, "user", "session", "x"]),
                st.integers(0, 10**20),
                st.integers(0, 10**20),
            ),
        )
    )
    persona = data.draw(st.sampled_from(["office", "office", "member_a", "leader", "reader", None]))
    fields = {
        "next": data.draw(
            maybe(
                st.one_of(
                    st.sampled_from(
                        ["https://evil.example/", "//evil.example", "javascript:alert(1)", "/xa/"]
                    ),
                    text(),
                )
            )
        )
    }
    with rolled_back():
        client = client_as(people.get(persona))
        before = snapshot()
        response = client.post(
            reverse("assignments:history_restore", args=[slug, pk, history_id]), post_data(fields)
        )
        follow(client, response)
        if response.status_code == 302:
            assert not response.url.startswith(("//", "http", "javascript")), response.url
        if snapshot() == before:
            event("refused")
            return
        event("accepted")
        assert persona == "office"
        # A restore is recorded as one new change in the record's history.
        model = audit.REGISTRY[slug].model
        history = f"{model._meta.app_label}.Historical{model.__name__}"
        assert snapshot()[history][0] == before[history][0] + 1
