"""Random posts to the visit form (create and edit): the visit, its support and
recommendation formsets with random management counts, the follow-up of earlier
recommendations, attachments that may not be what they say, and extra fields.

A refused post writes nothing; an accepted one writes the visit with every row
and file that was posted, nothing less; whatever was typed comes back escaped.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import event, given
from hypothesis import strategies as st

from assignments.forms.rows import MAX_FORMS, ntm_criteria
from assignments.models import Attachment, FieldVisit, Recommendation, Support, VisitEvent
from assignments.views.visit_form import open_recommendations
from sampledata import lifecycle as demo
from tests.factories import make_recommendation, make_support, make_visit

from .fuzzing import (
    FAKE_FILES,
    FUZZ,
    MISSING,
    SCRIPT,
    changes,
    check_page,
    client_as,
    date_texts,
    digest,
    extra_fields,
    files,
    follow,
    ids,
    last,
    maybe,
    numbers,
    post_data,
    rolled_back,
    safe_text,
    snapshot,
    spoil,
    text,
    upload,
    users,
)

pytestmark = pytest.mark.django_db

KINDS = [choice for choice, _label in Support.Kind.choices]
ADDRESSED = [choice for choice, _label in Recommendation.AddressedTo.choices]
STATUSES = [choice for choice, _label in Recommendation.Status.choices]
SUPPORT_FIELDS = ("kind", "amount_vnd", "quantity", "unit", "description", "criteria")
REC_FIELDS = ("text", "addressed_to", "due_on")
VALID_FILES = ["a real JPEG", "a PDF", "a real JPEG with a hostile name"]


class Context:
    """What the examples draw from: group A's assignment, its members, the criteria, and
    ids that belong to someone else (group B's members, other visits' rows)."""

    def __init__(self):
        self.people = users()
        self.assignment = demo.demo_assignment(demo.GROUP_A_COMMUNE)
        self.other = demo.demo_assignment(demo.GROUP_B_COMMUNE)
        self.today = timezone.localdate()
        current = self.assignment.working_group.members.exclude(left_on__lt=self.today)
        self.members = list(current.values_list("pk", flat=True))
        self.strangers = list(self.other.working_group.members.values_list("pk", flat=True))
        self.criteria = list(ntm_criteria().values_list("pk", flat=True))
        # This year's visits only: a support aims at criteria of its visit year's set (19 up
        # to 2025, 10 from 2026), and self.criteria are this year's.
        self.first_day = max(
            self.assignment.started_on,
            self.today - datetime.timedelta(days=400),
            datetime.date(self.today.year, 1, 1),
        )
        foreign = make_visit(assignment=self.other, status=FieldVisit.Status.SUBMITTED)
        self.foreign_support = make_support(foreign).pk
        self.foreign_rec = make_recommendation(foreign).pk

    def __repr__(self):
        return "<group A's assignment>"

    def visit_dates(self):
        return st.dates(self.first_day, self.today).flatmap(
            lambda day: st.sampled_from([day.strftime("%d/%m/%Y"), day.isoformat()])
        )


@pytest.fixture
def ctx():
    return Context()


def filled(row, names):
    return any(
        any(str(v).strip() for v in row[name])
        if isinstance(row.get(name), list)
        else str(last(row.get(name, MISSING))).strip()
        for name in names
    )


def deleted(row):
    """As CheckboxInput reads DELETE: anything but missing, "" or "false" deletes."""
    value = last(row.get("DELETE", MISSING))
    return bool(value) and value.lower() != "false"


def valid_support(ctx):
    money = st.fixed_dictionaries(
        {
            "kind": st.just("money"),
            "amount_vnd": st.integers(1, 10**12).flatmap(
                lambda n: st.sampled_from([str(n), f"{n:,}".replace(",", "."), f"{n:,} đ"])
            ),
        }
    )
    other = st.fixed_dictionaries(
        {
            "kind": st.sampled_from(KINDS[1:]),
            "amount_vnd": st.sampled_from(["", "0", "2.500.000"]),
            "quantity": st.sampled_from(["", "2,5", "100", "1.000,25", "0"]),
            "unit": st.one_of(st.just(""), safe_text(30)),
        }
    )
    common = st.fixed_dictionaries(
        {
            "description": safe_text(500),
            "criteria": st.lists(st.sampled_from(ctx.criteria), unique=True, max_size=3).map(
                lambda pks: [str(pk) for pk in pks]
            ),
        }
    )
    return st.tuples(st.one_of(money, other), common).map(lambda parts: {**parts[0], **parts[1]})


def junk_support(ctx):
    return st.fixed_dictionaries(
        {},
        optional={
            "kind": maybe(st.one_of(st.sampled_from(KINDS), text())),
            "amount_vnd": maybe(numbers()),
            "quantity": maybe(numbers()),
            "unit": maybe(text()),
            "description": maybe(text()),
            "criteria": st.lists(ids(*ctx.criteria), max_size=3),
            "DELETE": st.sampled_from(["on", "false", "", "0", "yes"]),
            "id": ids(ctx.foreign_support),
        },
    )


def valid_recommendation(ctx):
    due = st.dates(ctx.today, ctx.today + datetime.timedelta(days=900)).map(
        lambda day: day.strftime("%d/%m/%Y")
    )
    return st.fixed_dictionaries(
        {
            "text": safe_text(300),
            "addressed_to": st.sampled_from(ADDRESSED),
            "due_on": st.one_of(st.just(""), due),
        }
    )


def junk_recommendation(ctx):
    return st.fixed_dictionaries(
        {},
        optional={
            "text": maybe(text()),
            "addressed_to": maybe(st.one_of(st.sampled_from(ADDRESSED), text())),
            "due_on": maybe(date_texts()),
            "DELETE": st.sampled_from(["on", "false", ""]),
            "id": ids(ctx.foreign_rec),
        },
    )


@st.composite
def formset(draw, prefix, valid_row, junk_row, honest, existing=()):
    """(fields, rows, total, initial) of one formset; `existing` are the rows already saved."""
    rows = []
    for pk, current in existing:
        row = dict(current) if draw(st.booleans()) else draw(valid_row)
        row["id"] = str(pk)
        if draw(st.integers(0, 3)) == 0:
            row["DELETE"] = "on"
        if not honest and draw(st.booleans()):
            row = {**row, **draw(junk_row)}
        rows.append(row)
    rows += draw(st.lists(valid_row if honest else st.one_of(valid_row, junk_row), max_size=3))
    total, initial = str(len(rows)), str(len(existing))
    if not honest:
        counts = st.sampled_from(["-1", "", "abc", "1.5", "100", "99999999999", "２"])
        total = draw(
            st.one_of(st.just(total), st.integers(0, 6).map(str), counts, st.just(MISSING))
        )
        initial = draw(st.one_of(st.just(initial), st.integers(0, 3).map(str), counts))
    fields = {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": initial}
    for i, row in enumerate(rows):
        fields.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return fields, rows, total, initial


def expected_rows(rows, total, initial, names):
    """(new rows, ids deleted) an accepted formset writes, read as Django reads the form."""
    total, initial = int(total), int(initial)
    new, gone = [], set()
    for i in range(min(total, MAX_FORMS)):
        row = rows[i] if i < len(rows) else {}
        if i < initial:
            if deleted(row):
                gone.add(int(last(row["id"])))
        elif filled(row, names) and not deleted(row):
            new.append(row)
    return new, gone


@st.composite
def visit_posts(draw, ctx, existing_supports=(), existing_recs=(), followups=()):
    # Honest posts (accepted ones are checked too), honest ones with a few fields spoiled
    # (which reach the code behind the form), and junk throughout.
    mode = draw(st.sampled_from(["honest", "honest", "spoiled", "junk"]))
    honest = mode == "honest"
    event(f"{mode} post")
    participants = st.lists(st.sampled_from(ctx.members), unique=True, max_size=3).map(
        lambda pks: [str(pk) for pk in pks]
    )
    if mode != "junk":
        fields = {
            "visited_on": draw(ctx.visit_dates()),
            "purpose": draw(safe_text(500)),
            "findings": draw(st.one_of(st.just(""), safe_text(2000))),
            "other_participants": draw(st.one_of(st.just(""), safe_text(500))),
            "participants": draw(participants),
            "leader_present": draw(st.sampled_from([MISSING, "on"])),
            "kind": draw(st.sampled_from([c for c, _l in Attachment.Kind.choices])),
            "draft_token": draw(st.sampled_from([MISSING, "abc-123", "<script>"])),
        }
        uploads = draw(st.lists(st.sampled_from(VALID_FILES), max_size=2))
        uploads = [(label, *FAKE_FILES[label]) for label in uploads]
        if mode == "spoiled":
            junk = {
                "visited_on": date_texts(),
                "purpose": text(),
                "findings": text(),
                "other_participants": text(),
                "participants": st.lists(ids(*ctx.members, *ctx.strangers), max_size=3),
                "leader_present": text(),
                "kind": text(),
                "remove": ids(1, 2),
                "draft_token": text(),
            }
            fields = spoil(draw, fields, junk)
            uploads += draw(st.lists(files(), max_size=1))
    else:
        fields = {
            "visited_on": draw(maybe(date_texts(ctx.visit_dates()))),
            "purpose": draw(maybe(st.one_of(safe_text(500), text()))),
            "findings": draw(maybe(text())),
            "other_participants": draw(maybe(text())),
            "participants": draw(
                st.one_of(participants, st.lists(ids(*ctx.members, *ctx.strangers), max_size=3))
            ),
            "leader_present": draw(maybe(text())),
            "kind": draw(maybe(st.one_of(st.just("photo"), text()))),
            "remove": draw(maybe(ids(1, 2))),
            "draft_token": draw(maybe(text())),
            **draw(extra_fields()),
        }
        uploads = draw(st.lists(files(), max_size=2))
    rows_honest = honest or (mode == "spoiled" and draw(st.booleans()))
    supports = draw(
        formset("supports", valid_support(ctx), junk_support(ctx), rows_honest, existing_supports)
    )
    recs = draw(
        formset(
            "recommendations",
            valid_recommendation(ctx),
            junk_recommendation(ctx),
            rows_honest,
            existing_recs,
        )
    )
    fields.update(supports[0])
    fields.update(recs[0])
    answers = {}
    for rec in followups:
        if rows_honest:
            status, note = draw(st.sampled_from([*STATUSES, MISSING])), draw(safe_text(2000))
        else:
            status = draw(maybe(st.one_of(st.sampled_from(STATUSES), text())))
            note = draw(maybe(text()))
        fields[f"followup-{rec.pk}-status"] = status
        fields[f"followup-{rec.pk}-note"] = note
        answers[rec.pk] = (status, note)
    return honest, fields, uploads, supports, recs, answers


def post(client, url, fields, uploads):
    data = post_data(fields)
    if uploads:
        data["files"] = [upload(name, content, kind) for _label, name, content, kind in uploads]
    return client.post(url, data)


def visit_rows(visit):
    return (
        FieldVisit.objects.filter(pk=visit.pk),
        Support.objects.filter(visit=visit),
        Recommendation.objects.filter(visit=visit),
        Attachment.objects.filter(visit=visit),
        VisitEvent.objects.filter(visit=visit),
    )


def check_written(visit, fields, uploads, supports, recs, before_supports=0, before_recs=0):
    """The accepted visit holds exactly what was posted: rows, files and participants."""
    new_supports, gone_supports = expected_rows(*supports[1:], SUPPORT_FIELDS)
    new_recs, gone_recs = expected_rows(*recs[1:], REC_FIELDS)
    assert visit.supports.count() == before_supports - len(gone_supports) + len(new_supports)
    assert visit.recommendations.count() == before_recs - len(gone_recs) + len(new_recs)
    assert not visit.supports.filter(pk__in=gone_supports).exists()
    posted = fields.get("participants", MISSING)
    posted = [] if posted is MISSING else posted if isinstance(posted, list) else [posted]
    posted = {int(pk) for pk in posted}
    assert set(visit.participants.values_list("pk", flat=True)) == posted
    assert visit.status in (FieldVisit.Status.DRAFT, FieldVisit.Status.RETURNED)
    descriptions = [row["description"].strip() for row in new_supports]
    saved = list(visit.supports.order_by("pk").values_list("description", flat=True))
    assert saved[len(saved) - len(descriptions) :] == descriptions
    texts = [row["text"].strip() for row in new_recs]
    saved = list(visit.recommendations.order_by("pk").values_list("text", flat=True))
    assert saved[len(saved) - len(texts) :] == texts
    return len(uploads)


PERSONAS = ["member_a", "member_a", "member_a", "office", "member_b", "leader", "reader", None]
MAY_RECORD = ("member_a", "office")


def check_refused(response, persona, before):
    assert snapshot() == before, changes(before, snapshot())
    if persona is None:
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    elif persona not in MAY_RECORD:
        assert response.status_code in (403, 404)
    else:
        assert response.status_code == 200


@FUZZ
@given(data=st.data())
def test_random_posts_to_the_new_visit_form(data, ctx):
    followups = list(open_recommendations(ctx.people["member_a"], ctx.assignment))
    honest, fields, uploads, supports, recs, answers = data.draw(
        visit_posts(ctx, followups=followups)
    )
    persona = data.draw(st.sampled_from(PERSONAS))
    event(f"persona {persona}")
    url = reverse("assignments:visit_create", args=[ctx.assignment.pk])
    with rolled_back():
        client = client_as(ctx.people.get(persona))
        before, recs_before = snapshot(), digest(Recommendation.objects.all())
        response = post(client, url, fields, uploads)
        detail = follow(client, response)
        if response.status_code != 302 or persona is None:
            event("refused")
            assert not (honest and persona in MAY_RECORD), "an honest post was refused"
            assert digest(Recommendation.objects.all()) == recs_before
            check_refused(response, persona, before)
            return
        event("accepted")
        assert persona in MAY_RECORD
        visit = FieldVisit.objects.order_by("pk").last()
        assert response.url == reverse("assignments:visit_detail", args=[visit.pk])
        assert FieldVisit.objects.count() == before["assignments.FieldVisit"][0] + 1
        assert visit.assignment == ctx.assignment
        assert visit.created_by == ctx.people[persona] == visit.updated_by
        assert visit.status == FieldVisit.Status.DRAFT
        assert visit.purpose == last(fields["purpose"]).strip()
        assert visit.attachments.count() == check_written(visit, fields, uploads, supports, recs)
        check_followups(followups, answers, visit)
        check_shown_escaped(client, detail, visit)


def check_shown_escaped(client, detail, visit):
    """The purpose is on the visit's page as text; every page listing the visit is escaped."""
    if SCRIPT in visit.purpose:
        assert escape(SCRIPT) in detail.content.decode()
    for url in (
        reverse("assignments:visit_list"),
        reverse("reports:commune_detail", args=[visit.assignment.commune_id]),
        reverse("assignments:my_work"),
        reverse("assignments:history", args=["visit", visit.pk]),
    ):
        check_page(client.get(url))


def check_followups(followups, answers, visit):
    for rec in followups:
        status, note = answers[rec.pk]
        current = Recommendation.objects.get(pk=rec.pk)
        status = last(status) or rec.status
        if status not in STATUSES:
            raise AssertionError(f"accepted an invalid follow-up status {status!r}")
        assert current.status == status
        if (status, last(note).strip()) != (rec.status, rec.resolution_note):
            assert current.resolution_note == last(note).strip()
        if current.status == Recommendation.Status.RESOLVED and status != rec.status:
            assert current.resolved_on == visit.visited_on


@pytest.fixture
def draft(ctx):
    """A draft of group A with two support items and a recommendation."""
    visit = make_visit(
        assignment=ctx.assignment,
        visited_on=max(ctx.first_day, ctx.today - datetime.timedelta(days=10)),
        created_by=ctx.people["member_a"],
    )
    visit.participants.set(ctx.members[:1])
    money = make_support(visit, description="Xi măng")
    money.criteria.set(ctx.criteria[:2])
    make_support(visit, kind="in_kind", amount_vnd=0, quantity=2, unit="tấn", description="Sắt")
    make_recommendation(visit, text="Bổ sung vốn")
    return visit


def as_posted(visit):
    supports = [
        (
            s.pk,
            {
                "kind": s.kind,
                "amount_vnd": str(s.amount_vnd or ""),
                "quantity": "" if s.quantity is None else str(s.quantity),
                "unit": s.unit,
                "description": s.description,
                "criteria": [str(pk) for pk in s.criteria.values_list("pk", flat=True)],
            },
        )
        for s in visit.supports.order_by("pk")
    ]
    recs = [
        (r.pk, {"text": r.text, "addressed_to": r.addressed_to, "due_on": ""})
        for r in visit.recommendations.order_by("pk")
    ]
    return supports, recs


EDIT_PERSONAS = ["member_a", "member_a", "office", "member_b", "leader", "reader", None]


@FUZZ
@given(data=st.data())
def test_random_posts_to_the_edit_form_of_a_draft(data, ctx, draft):
    followups = list(open_recommendations(ctx.people["member_a"], ctx.assignment, draft))
    supports_now, recs_now = as_posted(draft)
    honest, fields, uploads, supports, recs, answers = data.draw(
        visit_posts(ctx, supports_now, recs_now, followups)
    )
    fields["version"] = (
        str(draft.version) if honest else data.draw(maybe(ids(draft.version, draft.version + 1)))
    )
    persona = data.draw(st.sampled_from(EDIT_PERSONAS))
    event(f"persona {persona}")
    url = reverse("assignments:visit_edit", args=[draft.pk])
    with rolled_back():
        client = client_as(ctx.people.get(persona))
        before = snapshot()
        rows_before = digest(*visit_rows(draft), Recommendation.objects.all())
        response = post(client, url, fields, uploads)
        detail = follow(client, response)
        if response.status_code != 302 or persona is None:
            event("refused")
            assert not (honest and persona in MAY_RECORD), "an honest edit was refused"
            assert digest(*visit_rows(draft), Recommendation.objects.all()) == rows_before
            check_refused(response, persona, before)
            return
        event("accepted")
        assert persona in MAY_RECORD
        assert response.url == reverse("assignments:visit_detail", args=[draft.pk])
        visit = FieldVisit.objects.get(pk=draft.pk)
        assert FieldVisit.objects.count() == before["assignments.FieldVisit"][0]
        assert (visit.version, visit.updated_by) == (draft.version + 1, ctx.people[persona])
        assert visit.created_by == ctx.people["member_a"]
        assert visit.purpose == last(fields["purpose"]).strip()
        files_before = before["assignments.Attachment"][0]
        assert Attachment.objects.count() == files_before + check_written(
            visit, fields, uploads, supports, recs, len(supports_now), len(recs_now)
        )
        check_followups(followups, answers, visit)
        check_shown_escaped(client, detail, visit)
