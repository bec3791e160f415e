"""The demo's field visits with their participants, support items and recommendations.

Each assignment gets a few visits on working days since January 2021 (none after
an assignment ended, none in the future); about 15 % of the active assignments
have none in the last 90 days, so the dashboard has stale assignments to show.
"""

import datetime
from dataclasses import dataclass, field

from simple_history.utils import bulk_create_with_history

from assignments.models import FieldVisit, Recommendation, Support
from communes.reference import REFORM_DAY
from core import history_m2m
from sampledata.fieldwork import (
    FINDINGS,
    LEADER_PRESENT_SHARE,
    PURPOSES,
    RECOMMENDATIONS_PER_VISIT,
    SUPPORTS_PER_VISIT,
    build_recommendation,
    build_support,
    how_many,
    visit_status,
    working_day,
)

from .decision import HISTORY_REASON

STALE_SHARE = 0.15  # of the active assignments: no visit in the last 90 days
FIRST_VISIT_ON = datetime.date(2021, 1, 6)
DISTRICT_KINDS = {"huyen": "huyện", "thi_xa": "thị xã", "thanh_pho": "thành phố", "quan": "quận"}
OTHER_PARTICIPANTS = ("", "", "Đại diện UBND {district}", "Cán bộ Văn phòng điều phối NTM tỉnh")


@dataclass
class Draft:
    """A visit drawn, with what it brings, not yet written."""

    visit: FieldVisit
    participants: list
    supports: list = field(default_factory=list)  # [(support, [criteria])]
    recommendations: list = field(default_factory=list)


def draw_visits(rng, assignments, members_of, plans, criteria, today):
    """The visits of the old units' assignments up to `today`, drawn as if no unit had
    ceased (so the draws before 01/07/2025 are the same whatever follows); [Draft]."""
    plan_of = {plan.commune.pk: plan for plan in plans}
    name_of = {c.number: c.name for c in criteria}
    by_number = {c.number: c for c in criteria}
    active = [a for a in assignments if a.ended_on is None]
    stale = {a.pk for a in rng.sample(active, round(STALE_SHARE * len(active)))}

    drafts = []
    for assignment in assignments:
        plan = plan_of[assignment.commune_id]
        old_district = _district_label(assignment.commune.district)
        for visited_on in _visit_dates(rng, assignment, assignment.pk in stale, today):
            # No district level from 01/07/2025: the commune's own people come along.
            district = old_district if visited_on < REFORM_DAY else "xã"
            year = min(visited_on.year, max(plan.counts))
            missing = [n for n in plan.order if n not in plan.met(year)] or plan.order[-3:]
            criterion = name_of[rng.choice(missing)]
            fill = {"year": visited_on.year, "criterion": criterion, "met": plan.counts[year]}
            visit = FieldVisit(
                assignment=assignment,
                visited_on=visited_on,
                leader_present=rng.random() < LEADER_PRESENT_SHARE,
                purpose=rng.choice(PURPOSES).format(**fill),
                findings=rng.choice(FINDINGS).format(**fill),
                other_participants=rng.choice(OTHER_PARTICIPANTS).format(district=district),
                status=visit_status(rng, visited_on, today),
            )
            team = members_of[assignment.working_group_id]
            draft = Draft(visit, [team[0]] + rng.sample(team[1:], rng.randint(0, len(team) - 1)))
            drafts.append(draft)
            for _i in range(how_many(rng, SUPPORTS_PER_VISIT)):
                support, numbers = build_support(rng, visit)
                draft.supports.append((support, [by_number[n] for n in numbers]))
            agency = assignment.leader.agency.name
            for _i in range(how_many(rng, RECOMMENDATIONS_PER_VISIT)):
                draft.recommendations.append(
                    build_recommendation(rng, visit, agency, old_district, criterion, today)
                )
    return drafts


def save_visits(drafts):
    """Write the drafts: visits, participants, support items with their criteria,
    recommendations, each with its first history entry."""
    visits = [draft.visit for draft in drafts]
    supports = [support for draft in drafts for support, _criteria in draft.supports]
    bulk_create_with_history(visits, FieldVisit, default_change_reason=HISTORY_REASON)
    _add_with_history(
        FieldVisit, "participants", [(d.visit.pk, m.pk) for d in drafts for m in d.participants]
    )
    bulk_create_with_history(supports, Support, default_change_reason=HISTORY_REASON)
    _add_with_history(
        Support,
        "criteria",
        [
            (support.pk, criterion.pk)
            for draft in drafts
            for support, criteria in draft.supports
            for criterion in criteria
        ],
    )
    recommendations = [r for draft in drafts for r in draft.recommendations]
    bulk_create_with_history(recommendations, Recommendation, default_change_reason=HISTORY_REASON)


def _add_with_history(model, field_name, pairs):
    """Write a many-to-many's rows [(row pk, related pk)] and copy them onto each row's first
    history record, as simple_history does on a save (core.history_m2m). Without the copy
    that record says "none", and the next save of the row (confirming a visit) shows them
    all as added: a change nobody made, credited to whoever saved."""
    m2m = model._meta.get_field(field_name)
    Through = m2m.remote_field.through
    own, other = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
    pairs = list(dict.fromkeys(pairs))
    Through.objects.bulk_create([Through(**{own: a, other: b}) for a, b in pairs])
    history_m2m.onto_first_record(model, field_name, {a for a, _b in pairs})


def _district_label(district):
    """The district as a sentence names it ("huyện Bát Xát"), prefix in its name or not."""
    if district is None:
        return "huyện"
    kind = DISTRICT_KINDS.get(district.kind, "huyện")
    name = district.name
    if name.casefold().startswith(kind + " "):
        name = name[len(kind) + 1 :]
    return f"{kind} {name}"


def _random_day(rng, start, end):
    return working_day(start + datetime.timedelta(days=rng.randint(0, (end - start).days)))


def _visit_dates(rng, assignment, stale, today):
    """A few older visits; unless stale, one or two in the last 85 days too."""
    if assignment.ended_on:
        return [
            _random_day(rng, FIRST_VISIT_ON, assignment.ended_on - datetime.timedelta(days=5))
            for _i in range(rng.randint(1, 4))
        ]
    older_end = today - datetime.timedelta(days=95)
    dates = [
        _random_day(rng, FIRST_VISIT_ON, older_end)
        for _i in range(rng.choices(range(6), [8, 20, 28, 24, 14, 6])[0])
    ]
    if not stale:
        recent = 2 if rng.random() < 0.2 else 1
        dates += [
            _random_day(
                rng, today - datetime.timedelta(days=85), today - datetime.timedelta(days=2)
            )
            for _i in range(recent)
        ]
    return sorted(dates)
