"""The demo's decision and its 127 pairs: agencies, leaders, working groups, assignments.

The decision is the real Decision 1599/QĐ-UBND of the Lào Cai provincial People's
Committee on the real programme communes; its date and the names in its annex are
not known (docs/domain.md), so the agencies' staff, the leaders and the working
groups are invented, and every assignment starts on ``STARTED_ON``. Tà Chải's
assignment ends with its merger (Resolution 1197/NQ-UBTVQH15, effective 01/11/2024).
"""

import datetime
from collections import defaultdict

from simple_history.utils import bulk_create_with_history

from assignments.models import Agency, Assignment, Decision, Leader, Member, WorkingGroup
from communes import text
from sampledata.lifecycle import DemoDataError
from sampledata.names import (
    AGENCIES,
    DEPUTY_POSITIONS,
    GROUP_SIZES,
    HEAD_POSITIONS,
    MEMBER_POSITIONS,
    distinct_names,
    placeholder_phone,
)

DECISION_NUMBER = "1599/QĐ-UBND"
DECISION_ISSUER = "UBND tỉnh Lào Cai"
DECISION_TITLE = (
    "Về việc phân công lãnh đạo các cơ quan, đơn vị, doanh nghiệp giúp đỡ các xã xây dựng "
    "nông thôn mới giai đoạn 2021 – 2025"
)
STARTED_ON = datetime.date(2021, 1, 1)  # the real start dates are not known
YEARS = range(2021, 2026)
TA_CHAI_CODE = "02872"
TA_CHAI_ENDED_ON = datetime.date(2024, 10, 31)
TA_CHAI_END_NOTE = (
    "Xã Tà Chải sáp nhập vào Thị trấn Bắc Hà theo Nghị quyết số 1197/NQ-UBTVQH15 "
    "(hiệu lực từ 01/11/2024)."
)
HISTORY_REASON = "Nạp dữ liệu mẫu"  # the reason on each demo row's first history record
ETHNIC_SHARE = 0.2  # of the invented names
DEPUTY_SHARE = 0.6  # of the working groups that have a deputy head
POSITIONS = {
    Member.Role.HEAD: HEAD_POSITIONS,
    Member.Role.DEPUTY: DEPUTY_POSITIONS,
    Member.Role.MEMBER: MEMBER_POSITIONS,
}


def create_decision():
    return Decision.objects.create(
        number=DECISION_NUMBER,
        issuer=DECISION_ISSUER,
        title=DECISION_TITLE,
        period_start=YEARS[0],
        period_end=YEARS[-1],
        is_demo=True,
    )


def create_assignments(rng, decision, communes):
    """One invented leader and working group per commune, paired under the decision.

    Returns the assignments and {working group id: its members, head first}.
    """
    agencies, titles = _create_agencies()
    names = distinct_names(rng, ETHNIC_SHARE)
    order = communes[:]
    rng.shuffle(order)
    leaders, groups = [], []
    for i, commune in enumerate(order):
        agency = agencies[i % len(agencies)]
        head, deputy = titles[agency.name]
        full_name = next(names)
        leaders.append(
            Leader(
                full_name=full_name,
                position=head if i < len(agencies) else deputy,
                agency=agency,
                phone=placeholder_phone(rng),
                search_name=text.search_key(full_name),
                is_demo=True,
            )
        )
        groups.append(
            WorkingGroup(
                name=WorkingGroup.name_for(agency, commune),
                agency=agency,
                established_on=STARTED_ON,
                is_demo=True,
            )
        )
    leaders = bulk_create_with_history(leaders, Leader, default_change_reason=HISTORY_REASON)
    WorkingGroup.objects.bulk_create(groups)
    members = _create_members(rng, groups, names)

    assignments = []
    for commune, leader, group in zip(order, leaders, groups, strict=True):
        ended = commune.code == TA_CHAI_CODE
        assignments.append(
            Assignment(
                decision=decision,
                leader=leader,
                commune=commune,
                working_group=group,
                started_on=STARTED_ON,
                ended_on=TA_CHAI_ENDED_ON if ended else None,
                end_reason=Assignment.EndReason.MERGED if ended else "",
                end_note=TA_CHAI_END_NOTE if ended else "",
            )
        )
    assignments = bulk_create_with_history(
        assignments, Assignment, default_change_reason=HISTORY_REASON
    )
    members_of = defaultdict(list)
    for member in members:
        members_of[member.group_id].append(member)
    return assignments, members_of


def _create_agencies():
    """The invented agencies whose names no real agency has; and {name: (head, deputy)}."""
    taken = set(Agency.objects.values_list("name", flat=True))
    rows = [row for row in AGENCIES if row[0] not in taken]
    agencies = Agency.objects.bulk_create(
        [
            Agency(
                name=name,
                short_name=short,
                kind=kind,
                search_name=text.search_key(f"{name} {short}"),
                is_demo=True,
            )
            for name, short, kind, _head, _deputy in rows
        ]
    )
    if not agencies:
        raise DemoDataError("Mọi tên cơ quan mẫu đều trùng cơ quan thật; không nạp dữ liệu mẫu.")
    titles = {name: (head, deputy) for name, _short, _kind, head, deputy in rows}
    return agencies, titles


def _create_members(rng, groups, names):
    """Three to five members per group: one head, often a deputy, the rest members."""
    members = []
    for group in groups:
        size = rng.choice(GROUP_SIZES)
        kinds = [Member.Role.HEAD]
        kinds += [Member.Role.DEPUTY] if rng.random() < DEPUTY_SHARE else []
        kinds += [Member.Role.MEMBER] * (size - len(kinds))
        for kind in kinds:
            members.append(
                Member(
                    group=group,
                    full_name=next(names),
                    position=rng.choice(POSITIONS[kind]),
                    role=kind,
                    phone=placeholder_phone(rng),
                    joined_on=STARTED_ON,
                )
            )
    Member.objects.bulk_create(members)
    return members
