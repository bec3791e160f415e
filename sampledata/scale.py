"""A synthetic country-size dataset for measuring pages, exports and imports at scale.

Nothing here is real: provinces, districts and communes are named "Tỉnh Thử 07",
"Huyện Thử 123", "Thử 01234", agencies sit in the bloc ``SCALE_BLOC``, and every
row that has ``is_demo`` carries it, so the site shows its demo-data notice.
Only the criteria set ``qd318-2021-2025`` is real (from ``load_reference``).

Synthetic rows are found again by:

* units: era pre-2025 and a code starting with ``S`` (GSO codes are digits only);
* the decision ``SCALE_DECISION_NUMBER`` of ``SCALE_ISSUER``, and everything hanging
  off its assignments (visits, supports, recommendations);
* agencies of the bloc ``SCALE_BLOC``, with their leaders, groups and members.

Rows are written with ``bulk_create`` and no history records (a history of a
million invented rows is of no use), and removed with plain SQL deletes rather
than Django's collector, which would load every row and write a "deleted"
history record for it.
"""

import datetime
import random
import time
from dataclasses import dataclass

from django.db import connections, transaction
from django.utils import timezone

from assignments.models import (
    Agency,
    Assignment,
    Attachment,
    Decision,
    FieldVisit,
    Leader,
    Member,
    Recommendation,
    Support,
    VisitEvent,
    WorkingGroup,
)
from communes import scores, text
from communes.models import (
    Assessment,
    Commune,
    CommuneChange,
    CriteriaScore,
    CriteriaSet,
    District,
    Era,
    Province,
    Recognition,
)
from communes.reference import LAST_PRE_2025_DAY, NTM_SET
from reports.models import ImportBatch
from sampledata.laocai import (
    AGENCIES,
    EASE,
    FAMILY,
    FINDINGS,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    PURPOSES,
    build_recommendation,
    build_support,
)

CODE_PREFIX = "S"
SCALE_DECISION_NUMBER = "SCALE/QĐ-GIẢ-LẬP"
SCALE_ISSUER = "Dữ liệu giả lập quy mô toàn quốc"
SCALE_TITLE = (
    "DỮ LIỆU GIẢ LẬP, KHÔNG PHẢI DỮ LIỆU THẬT: phân công lãnh đạo giúp đỡ các xã xây dựng "
    "nông thôn mới quy mô toàn quốc, dùng để đo hiệu năng"
)
SCALE_BLOC = "Dữ liệu giả lập quy mô toàn quốc"
STARTED_ON = datetime.date(2021, 1, 1)
BATCH_SIZE = 5000
# Provincial bodies of the demo list without a Lào Cai name, as each test province's agencies.
AGENCY_NAMES = [
    (name, short, kind, head, deputy)
    for name, short, kind, head, deputy in AGENCIES
    if kind != Agency.Kind.ENTERPRISE and "Lào Cai" not in name
]
MEMBER_POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Phó Trưởng phòng", "Trưởng phòng"]
STATUS = FieldVisit.Status
# Visits of the last 30 days are often still in the workflow; older ones mostly confirmed.
RECENT_STATUS = {STATUS.CONFIRMED: 40, STATUS.SUBMITTED: 35, STATUS.DRAFT: 15, STATUS.RETURNED: 10}
OLD_STATUS = {STATUS.CONFIRMED: 92, STATUS.SUBMITTED: 4, STATUS.DRAFT: 2, STATUS.RETURNED: 2}


class ScaleDataError(Exception):
    """The synthetic data cannot be generated; the message says why and what to do."""


@dataclass(frozen=True)
class Scale:
    communes: int = 10_000
    districts: int = 700
    provinces: int = 63
    visits: int = 100_000
    years: int = 5
    seed: int = 2025

    def check(self):
        if not 1 <= self.provinces <= 36**2 - 1:
            raise ScaleDataError("Số tỉnh phải từ 1 đến 1295.")
        if not self.provinces <= self.districts <= self.communes <= 36**4 - 1:
            raise ScaleDataError("Cần: số tỉnh ≤ số huyện ≤ số xã ≤ 1.679.615.")
        if self.visits < 0 or self.years < 1:
            raise ScaleDataError("Số chuyến công tác phải ≥ 0 và số năm phải ≥ 1.")


def synthetic_units(model):
    return model.objects.filter(era=Era.PRE_2025, code__startswith=CODE_PREFIX)


def scale_data_exists():
    return (
        Decision.objects.filter(number=SCALE_DECISION_NUMBER, issuer=SCALE_ISSUER).exists()
        or synthetic_units(Province).exists()
        or Agency.objects.filter(bloc=SCALE_BLOC, is_demo=True).exists()
    )


class Progress:
    """Times each step and reports "label: rows (seconds, total)" to `write`."""

    def __init__(self, write):
        self.write = write or (lambda line: None)
        self.started = self.step_started = time.monotonic()
        self.counts = {}

    def done(self, label, count, written=True):
        now = time.monotonic()
        if written:
            self.counts[label] = self.counts.get(label, 0) + count
        rows = f"{count:,}".replace(",", ".")  # Vietnamese thousands separator
        self.write(
            f"{label}: {rows} dòng, {now - self.step_started:.1f} s "
            f"(tổng {now - self.started:.1f} s)"
        )
        self.step_started = now


def generate_scale_data(scale=None, *, clear=False, today=None, write=None):
    """Create the synthetic dataset in one transaction; {step label: rows written}.

    One transaction keeps a failed run from leaving half a dataset behind, and on
    SQLite it is also the fast way (one commit, not one per batch).
    """
    scale = scale or Scale()
    scale.check()
    criteria_set = CriteriaSet.objects.filter(code=NTM_SET).first()
    criteria = list(criteria_set.criteria.order_by("number")) if criteria_set else []
    if len(criteria) != 19:
        raise ScaleDataError(
            f"Chưa có bộ tiêu chí {NTM_SET} (19 tiêu chí). "
            "Hãy chạy trước: python manage.py load_reference"
        )
    years = range(criteria_set.first_year, criteria_set.first_year + scale.years)
    if years[-1] > criteria_set.last_year:
        raise ScaleDataError(
            f"Bộ tiêu chí {NTM_SET} chỉ áp dụng {criteria_set.first_year}–"
            f"{criteria_set.last_year}: --years tối đa "
            f"{criteria_set.last_year - criteria_set.first_year + 1}."
        )
    if scale_data_exists() and not clear:
        raise ScaleDataError(
            "Đã có dữ liệu giả lập quy mô toàn quốc; không ghi gì. Dùng --clear để xoá và tạo lại."
        )
    today = today or timezone.localdate()
    rng = random.Random(scale.seed)
    progress = Progress(write)
    with transaction.atomic():
        if clear:
            remove_scale_data(progress)
        communes = _create_units(rng, scale, progress)
        assignments = _create_assignments(rng, communes, progress)
        _create_assessments(rng, communes, criteria, years, progress)
        _create_visits(rng, assignments, criteria, scale.visits, today, progress)
    # PostgreSQL checks the (deferred) foreign keys of every row at commit.
    progress.done("Kết thúc giao dịch (commit)", 0, written=False)
    update_statistics()
    progress.done("Cập nhật thống kê của cơ sở dữ liệu (ANALYZE)", 0, written=False)
    return progress.counts


def update_statistics(using="default"):
    """ANALYZE after a bulk load, as autovacuum would later.

    Without statistics PostgreSQL's planner guesses, and estimates high enough to
    switch its JIT compiler on for queries that take 10 ms (half a second spent
    compiling, found on the list pages). SQLite gets ANALYZE too (for its own
    planner's sqlite_stat1).
    """
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")


def remove_scale_data(progress=None):
    """Delete every synthetic row (see the module docstring), children first."""
    progress = progress or Progress(None)
    decisions = Decision.objects.filter(number=SCALE_DECISION_NUMBER, issuer=SCALE_ISSUER)
    assignments = Assignment.objects.filter(decision__in=decisions).values("pk")
    visits = FieldVisit.objects.filter(assignment__in=assignments).values("pk")
    supports = Support.objects.filter(visit__in=visits).values("pk")
    agencies = Agency.objects.filter(bloc=SCALE_BLOC, is_demo=True).values("pk")
    groups = WorkingGroup.objects.filter(agency__in=agencies).values("pk")
    communes = synthetic_units(Commune).values("pk")
    storage = Attachment._meta.get_field("file").storage
    files = list(Attachment.objects.filter(visit__in=visits).values_list("file", flat=True))
    ImportBatch.objects.filter(decision__in=decisions).update(decision=None)
    deleted = 0
    for queryset in (
        # History exists only for rows someone edited through the site afterwards.
        Recommendation.history.filter(visit_id__in=visits),
        Support.history.filter(visit_id__in=visits),
        FieldVisit.history.filter(assignment_id__in=assignments),
        Assignment.history.filter(decision_id__in=decisions.values("pk")),
        Assessment.history.filter(commune_id__in=communes),
        Recognition.history.filter(commune_id__in=communes),
        Support.criteria.through.objects.filter(support__in=supports),
        Support.objects.filter(visit__in=visits),
        Recommendation.objects.filter(visit__in=visits),
        VisitEvent.objects.filter(visit__in=visits),
        Attachment.objects.filter(visit__in=visits),
        FieldVisit.participants.through.objects.filter(fieldvisit__in=visits),
        FieldVisit.objects.filter(assignment__in=assignments),
        Assignment.objects.filter(decision__in=decisions),
        Decision.objects.filter(number=SCALE_DECISION_NUMBER, issuer=SCALE_ISSUER),
        Member.objects.filter(group__in=groups),
        WorkingGroup.objects.filter(agency__in=agencies),
        Leader.objects.filter(agency__in=agencies),
        Agency.objects.filter(bloc=SCALE_BLOC, is_demo=True),
        Assessment.objects.filter(commune__in=communes),
        CriteriaScore.objects.filter(commune__in=communes),
        Recognition.objects.filter(commune__in=communes),
        CommuneChange.objects.filter(predecessor__in=communes),
        CommuneChange.objects.filter(successor__in=communes),
        synthetic_units(Commune),
        synthetic_units(District),
        synthetic_units(Province),
    ):
        # A plain DELETE: the collector would fetch each row and write its history.
        deleted += queryset._raw_delete(queryset.db)
    if files:
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    progress.done("Xoá dữ liệu giả lập cũ", deleted, written=False)
    return deleted


# --- units, agencies, assignments ---------------------------------------------------


def _code(number, width):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    result = ""
    while number:
        number, rest = divmod(number, 36)
        result = digits[rest] + result
    return CODE_PREFIX + result.rjust(width, "0")


def _split(rng, total, parts, minimum=1, spread=0.6):
    """`total` split into `parts` uneven shares of at least `minimum` (largest remainder)."""
    weights = [rng.uniform(1 - spread, 1 + spread) for _i in range(parts)]
    free = total - minimum * parts
    exact = [free * w / sum(weights) for w in weights]
    shares = [minimum + int(x) for x in exact]
    by_remainder = sorted(range(parts), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _keyed(unit):
    unit.refresh_keys()  # bulk_create skips save(), which sets the search and sort keys
    return unit


def _create_units(rng, scale, progress):
    valid = {"era": Era.PRE_2025, "valid_to": LAST_PRE_2025_DAY}
    provinces = Province.objects.bulk_create(
        [
            _keyed(Province(code=_code(p, 2), name=f"Tỉnh Thử {p:02d}", **valid))
            for p in range(1, scale.provinces + 1)
        ]
    )
    district_kinds = {
        District.Kind.RURAL_DISTRICT: ("Huyện", 85),
        District.Kind.TOWN: ("Thị xã", 10),
        District.Kind.CITY: ("Thành phố", 5),
    }
    districts = []
    shares = _split(rng, scale.districts, scale.provinces)
    for province, share in zip(provinces, shares, strict=True):
        for _i in range(share):
            d = len(districts) + 1
            kind = rng.choices(list(district_kinds), [w for _p, w in district_kinds.values()])[0]
            name = f"{district_kinds[kind][0]} Thử {d:03d}"
            districts.append(
                _keyed(District(code=_code(d, 4), name=name, province=province, kind=kind, **valid))
            )
    District.objects.bulk_create(districts, batch_size=BATCH_SIZE)
    communes = []
    shares = _split(rng, scale.communes, scale.districts)
    for district, share in zip(districts, shares, strict=True):
        for _i in range(share):
            c = len(communes) + 1
            communes.append(
                _keyed(
                    Commune(
                        code=_code(c, 4),
                        name=f"Thử {c:05d}",
                        province=district.province,
                        district=district,
                        kind=Commune.Kind.RURAL,
                        target_year=rng.choice([2022, 2023, 2024, 2025, 2025, None]),
                        **valid,
                    )
                )
            )
    Commune.objects.bulk_create(communes, batch_size=BATCH_SIZE)
    progress.done("Tỉnh, huyện, xã", len(provinces) + len(districts) + len(communes))
    return communes


def _full_name(rng):
    """An invented Vietnamese full name; at this scale names repeat, as real ones do."""
    if rng.random() < 0.35:
        middle, given = MIDDLE_FEMALE, GIVEN_FEMALE
    else:
        middle, given = MIDDLE_MALE, GIVEN_MALE
    return " ".join(rng.choice(part.split()) for part in (FAMILY, middle, given))


def _create_assignments(rng, communes, progress):
    """Per province, its agencies' leaders each help one commune, with their group."""
    by_province = {}
    for commune in communes:
        by_province.setdefault(commune.province, []).append(commune)
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

    leaders, groups, pairs = [], [], []
    for province, its_communes in by_province.items():
        its_agencies = agency_of[province]
        for i, commune in enumerate(its_communes):
            agency, head, deputy = its_agencies[i % len(its_agencies)]
            full_name = _full_name(rng)
            leader = Leader(
                full_name=full_name,
                position=head if i < len(its_agencies) else deputy,
                agency=agency,
                phone=f"0900 000 {rng.randrange(1000):03d}",  # visibly a placeholder
                search_name=text.search_key(full_name),
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
    members = []
    for group in groups:
        size = rng.choice([3, 3, 4, 4, 4, 5])
        roles = [Member.Role.HEAD, Member.Role.DEPUTY] + [Member.Role.MEMBER] * (size - 2)
        members += [
            Member(
                group=group,
                full_name=_full_name(rng),
                position=rng.choice(MEMBER_POSITIONS),
                role=role,
                joined_on=STARTED_ON,
            )
            for role in roles
        ]
    Member.objects.bulk_create(members, batch_size=BATCH_SIZE)
    progress.done(
        "Cơ quan, lãnh đạo, tổ giúp việc, thành viên",
        len(agencies) + len(leaders) + len(groups) + len(members),
    )

    decision = Decision.objects.create(
        number=SCALE_DECISION_NUMBER,
        issuer=SCALE_ISSUER,
        title=SCALE_TITLE,
        period_start=2021,
        period_end=2025,
        is_demo=True,
    )
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                decision=decision,
                leader=leader,
                commune=commune,
                working_group=group,
                started_on=STARTED_ON,
            )
            for commune, leader, group in pairs
        ],
        batch_size=BATCH_SIZE,
    )
    team_of = {}
    for member in members:
        team_of.setdefault(member.group_id, []).append(member)
    for assignment in assignments:
        assignment.team = team_of[assignment.working_group_id]
    progress.done("Quyết định và phân công", 1 + len(assignments))
    return assignments


# --- criteria results ----------------------------------------------------------------


def _create_assessments(rng, communes, criteria, years, progress):
    """Per commune, criteria met grow year on year, the easy ones first (like the demo)."""
    numbers = [c.number for c in criteria]
    plans = []
    for _commune in communes:
        keys = {n: rng.random() ** (1 / (EASE[n] / (1.01 - EASE[n]))) for n in numbers}
        order = sorted(numbers, key=keys.get, reverse=True)
        counts = [rng.randint(5, 17)]
        for _year in years[1:]:
            counts.append(min(19, counts[-1] + rng.choice([0, 1, 1, 2, 3])))
        plans.append((order, counts))
    for y, year in enumerate(years):
        rows = []
        written = 0
        for commune, (order, counts) in zip(communes, plans, strict=True):
            met = set(order[: counts[y]])
            rows += [
                Assessment(
                    commune_id=commune.pk,
                    criterion_id=c.pk,
                    year=year,
                    met=c.number in met,
                    is_demo=True,
                )
                for c in criteria
            ]
            if len(rows) >= BATCH_SIZE:
                Assessment.objects.bulk_create(rows, batch_size=BATCH_SIZE)
                written += len(rows)
                rows = []
        Assessment.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        progress.done(f"Đánh giá tiêu chí năm {year}", written + len(rows))
    # bulk_create sends no signals: summarise the new assessments here.
    written = scores.refresh(communes=[commune.pk for commune in communes], years=years)
    progress.done("Kết quả tổng hợp tiêu chí (xã × năm)", written)


# --- visits ---------------------------------------------------------------------------


def _weighted(rng, weights):
    return rng.choices(list(weights), list(weights.values()))[0]


def _create_visits(rng, assignments, criteria, total, today, progress):
    # About one assignment in seven gets no visit at all (stale on the dashboard).
    active = [a for a in assignments if rng.random() >= 0.15] or assignments
    shares = _split(rng, total, len(active), minimum=0, spread=0.9)
    first = datetime.date(2021, 1, 4)
    span = (today - first).days
    visits, participants = [], []
    for assignment, share in zip(active, shares, strict=True):
        for _i in range(share):
            day = first + datetime.timedelta(days=rng.randint(0, span))
            while day.weekday() >= 5 and day > first:  # working days
                day -= datetime.timedelta(days=1)
            criterion = rng.choice(criteria)
            fill = {"year": day.year, "criterion": criterion.name, "met": rng.randint(8, 18)}
            visit = FieldVisit(
                assignment=assignment,
                visited_on=day,
                leader_present=rng.random() < 0.4,
                purpose=rng.choice(PURPOSES).format(**fill),
                findings=rng.choice(FINDINGS).format(**fill),
                status=_weighted(rng, RECENT_STATUS if (today - day).days <= 30 else OLD_STATUS),
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

    by_number = {c.number: c for c in criteria}
    supports, support_criteria = [], []
    for visit in visits:
        for _i in range(rng.choices(range(4), [40, 35, 17, 8])[0]):
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

    recommendations = [
        _recommendation(rng, visit, today)
        for visit in visits
        for _i in range(rng.choices(range(3), [50, 35, 15])[0])
    ]
    Recommendation.objects.bulk_create(recommendations, batch_size=BATCH_SIZE)
    progress.done("Kiến nghị", len(recommendations))


def _recommendation(rng, visit, today):
    assignment = visit.assignment
    return build_recommendation(
        rng, visit, assignment, assignment.commune.district.name, visit.criterion.name, today
    )
