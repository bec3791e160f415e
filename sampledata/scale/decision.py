"""The synthetic agencies, leaders, working groups and the one decision pairing them.

Per province, its own copies of the provincial bodies of ``sampledata.names``
(without the enterprises and the bodies named after Lào Cai); each agency's
leaders help one commune each, with a working group of three to five members.
From 01/07/2025 (when the generation's day is past it) the assignments are carried
over to the new units of the synthetic reform (``_carry_over``).
"""

from assignments.models import Agency, Assignment, Decision, Leader, Member, WorkingGroup
from communes import text
from communes.reference import LAST_PRE_2025_DAY, REFORM_DAY
from sampledata.names import AGENCIES, GROUP_SIZES, STAFF_POSITIONS, full_name, placeholder_phone

from .markers import SCALE_BLOC, SCALE_DECISION_NUMBER, SCALE_ISSUER, SCALE_TITLE, STARTED_ON
from .writing import BATCH_SIZE

END_REASON = Assignment.EndReason.REORGANISED
END_NOTE = "Đơn vị hành chính sắp xếp lại từ 01/07/2025, vào xã {unit} (dữ liệu giả lập)."
ENDED_NOTE = "Lãnh đạo khác tiếp tục giúp xã mới."
AGENCY_NAMES = [
    (name, short, kind, head, deputy)
    for name, short, kind, head, deputy in AGENCIES
    if kind != Agency.Kind.ENTERPRISE and "Lào Cai" not in name
]


def create_assignments(rng, communes, successor_of, today, progress):
    """One leader and group per commune; the old units' assignments, each with its `team`
    (members) and, from the reform day on, its `successor` (None if it ended there)."""
    by_province = {}
    for commune in communes:
        by_province.setdefault(commune.province, []).append(commune)
    agency_of = _create_agencies(by_province)

    leaders, groups, pairs = [], [], []
    for province, its_communes in by_province.items():
        its_agencies = agency_of[province]
        for i, commune in enumerate(its_communes):
            agency, head, deputy = its_agencies[i % len(its_agencies)]
            name = full_name(rng)
            leader = Leader(
                full_name=name,
                position=head if i < len(its_agencies) else deputy,
                agency=agency,
                phone=placeholder_phone(rng),
                search_name=text.search_key(name),
                is_demo=True,
            )
            group = WorkingGroup(
                name=f"Tổ giúp việc {agency.short_name} – xã {commune.name}",
                agency=agency,
                established_on=STARTED_ON,
                is_demo=True,
            )
            leaders.append(leader)
            groups.append(group)
            pairs.append((commune, leader, group))
    Leader.objects.bulk_create(leaders, batch_size=BATCH_SIZE)
    WorkingGroup.objects.bulk_create(groups, batch_size=BATCH_SIZE)
    members = _create_members(rng, groups)
    progress.done(
        "Cơ quan, lãnh đạo, tổ giúp việc, thành viên",
        sum(len(a) for a in agency_of.values()) + len(leaders) + len(groups) + len(members),
    )

    decision = Decision.objects.create(
        number=SCALE_DECISION_NUMBER,
        issuer=SCALE_ISSUER,
        title=SCALE_TITLE,
        period_start=2021,
        period_end=2025,
        is_demo=True,
    )
    assignments = [
        Assignment(
            decision=decision,
            leader=leader,
            commune=commune,
            working_group=group,
            started_on=STARTED_ON,
        )
        for commune, leader, group in pairs
    ]
    successors = _carry_over(assignments, successor_of) if today >= REFORM_DAY else []
    Assignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
    team_of = {}
    for member in members:
        team_of.setdefault(member.group_id, []).append(member)
    for assignment in assignments + successors:
        assignment.team = team_of[assignment.working_group_id]
    progress.done("Quyết định và phân công", 1 + len(assignments) + len(successors))
    return assignments


def _carry_over(assignments, successor_of):
    """The carry-over of 01/07/2025, as the office makes it (assignments.services.reform):
    where old units went into one new unit, the assignment of the first by code continues
    there (same leader and group, from REFORM_DAY), the others end on 30/06/2025.

    Writes the successors and sets the old assignments' end (they are written after);
    returns the successors, each old assignment's ``successor`` being its own or None.
    """
    continuing = {}
    for assignment in sorted(assignments, key=lambda a: a.commune.code):
        continuing.setdefault(successor_of[assignment.commune.pk].pk, assignment)
    successors = Assignment.objects.bulk_create(
        [
            Assignment(
                decision=old.decision,
                leader=old.leader,
                commune=successor_of[old.commune.pk],
                working_group=old.working_group,
                started_on=REFORM_DAY,
            )
            for old in continuing.values()
        ],
        batch_size=BATCH_SIZE,
    )
    for old, new in zip(continuing.values(), successors, strict=True):
        old.successor = new
        new.old_district = old.commune.district  # a label for its texts: no district now
    for old in assignments:
        unit = successor_of[old.commune.pk]
        old.ended_on = LAST_PRE_2025_DAY
        old.end_reason = END_REASON
        old.end_note = END_NOTE.format(unit=unit.name) + ("" if old.successor else " " + ENDED_NOTE)
    return successors


def _create_agencies(by_province):
    """About one agency per three communes of each province; {province: [(agency, head's
    title, deputy's title)]}."""
    agencies, agency_of = [], {}
    for province, its_communes in by_province.items():
        count = min(len(AGENCY_NAMES), max(1, len(its_communes) // 3))
        for name, short, kind, head, deputy in AGENCY_NAMES[:count]:
            full = f"{name} – {province.name}"
            short = f"{short} {province.code}"
            agency = Agency(
                name=full,
                short_name=short,
                kind=kind,
                bloc=SCALE_BLOC,
                search_name=text.search_key(f"{full} {short}"),
                is_demo=True,
            )
            agencies.append(agency)
            agency_of.setdefault(province, []).append((agency, head, deputy))
    Agency.objects.bulk_create(agencies, batch_size=BATCH_SIZE)
    return agency_of


def _create_members(rng, groups):
    """A head, a deputy and members; positions drawn whatever the role."""
    members = []
    for group in groups:
        size = rng.choice(GROUP_SIZES)
        roles = [Member.Role.HEAD, Member.Role.DEPUTY] + [Member.Role.MEMBER] * (size - 2)
        members += [
            Member(
                group=group,
                full_name=full_name(rng),
                position=rng.choice(STAFF_POSITIONS),
                role=role,
                joined_on=STARTED_ON,
            )
            for role in roles
        ]
    Member.objects.bulk_create(members, batch_size=BATCH_SIZE)
    return members
