"""The synthetic field visits with their participants, support items and recommendations.

Visits are shared unevenly among the old units' assignments, on working days from
January 2021 to today; about one assignment in seven gets none (stale on the
dashboard). A visit drawn after an assignment's end (the reform of 01/07/2025) is
made on its successor, the assignment on the new unit, or, where it ended without
one, drawn again before its end.
"""

import datetime

from assignments.models import FieldVisit, Recommendation, Support
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

from .units import split
from .writing import BATCH_SIZE

WITHOUT_VISITS_SHARE = 0.15
FIRST_VISIT_ON = datetime.date(2021, 1, 4)


def create_visits(rng, assignments, criteria, total, today, progress):
    visited = [a for a in assignments if rng.random() >= WITHOUT_VISITS_SHARE] or assignments
    shares = split(rng, total, len(visited), minimum=0, spread=0.9)
    span = (today - FIRST_VISIT_ON).days
    visits, participants = [], []
    for assignment, share in zip(visited, shares, strict=True):
        for _i in range(share):
            day = FIRST_VISIT_ON + datetime.timedelta(days=rng.randint(0, span))
            day = working_day(day, not_before=FIRST_VISIT_ON)
            made_for = assignment
            if assignment.ended_on and day > assignment.ended_on:
                # After the reform: on the new unit if this assignment continues there,
                # else on a day before its end.
                made_for = assignment.successor
                if made_for is None:
                    made_for = assignment
                    day = FIRST_VISIT_ON + datetime.timedelta(
                        days=rng.randint(0, (assignment.ended_on - FIRST_VISIT_ON).days)
                    )
                    day = working_day(day, not_before=FIRST_VISIT_ON)
            criterion = rng.choice(criteria)
            fill = {"year": day.year, "criterion": criterion.name, "met": rng.randint(8, 18)}
            visit = FieldVisit(
                assignment=made_for,
                visited_on=day,
                leader_present=rng.random() < LEADER_PRESENT_SHARE,
                purpose=rng.choice(PURPOSES).format(**fill),
                findings=rng.choice(FINDINGS).format(**fill),
                status=visit_status(rng, day, today),
            )
            visit.criterion = criterion
            visits.append(visit)
            team = assignment.team
            participants += [
                (visit, m) for m in [team[0], *rng.sample(team[1:], rng.randint(0, 2))]
            ]
    FieldVisit.objects.bulk_create(visits, batch_size=BATCH_SIZE)
    progress.done("Chuyến công tác", len(visits))

    Through = FieldVisit.participants.through
    Through.objects.bulk_create(
        [Through(fieldvisit_id=v.pk, member_id=m.pk) for v, m in participants],
        batch_size=BATCH_SIZE,
    )
    progress.done("Thành viên tham gia chuyến", len(participants))
    _create_supports(rng, visits, criteria, progress)

    recommendations = [
        _recommendation(rng, visit, today)
        for visit in visits
        for _i in range(how_many(rng, RECOMMENDATIONS_PER_VISIT))
    ]
    Recommendation.objects.bulk_create(recommendations, batch_size=BATCH_SIZE)
    progress.done("Kiến nghị", len(recommendations))


def _create_supports(rng, visits, criteria, progress):
    by_number = {c.number: c for c in criteria}
    supports, support_criteria = [], []
    for visit in visits:
        for _i in range(how_many(rng, SUPPORTS_PER_VISIT)):
            support, numbers = build_support(rng, visit)
            supports.append(support)
            support_criteria += [(support, by_number[n]) for n in numbers]
    Support.objects.bulk_create(supports, batch_size=BATCH_SIZE)
    Through = Support.criteria.through
    Through.objects.bulk_create(
        [Through(support_id=s.pk, criterion_id=c.pk) for s, c in support_criteria],
        batch_size=BATCH_SIZE,
    )
    progress.done("Hỗ trợ (kèm tiêu chí hướng tới)", len(supports) + len(support_criteria))


def _recommendation(rng, visit, today):
    assignment = visit.assignment
    # A new unit has no district: its texts name its first predecessor's.
    district = getattr(assignment, "old_district", None) or assignment.commune.district
    return build_recommendation(
        rng,
        visit,
        assignment.leader.agency.name,
        district.name,
        visit.criterion.name,
        today,
    )
