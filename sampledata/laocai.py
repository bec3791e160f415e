"""Invented demo data: Decision 1599's 127 pairs, groups, visits and criteria results.

The real communes and criteria come from ``manage.py load_reference``; everything
made here is invented (leader names, agencies' staff, visits, results), carries
``is_demo`` where the model has it, or hangs off the demo decision, so that
``remove_demo_data`` finds every row again. Generation is deterministic
(``random.Random(1599)``) for a given ``today``.
"""

import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assignments.models import (
    Agency,
    Assignment,
    Decision,
    FieldVisit,
    Leader,
    Member,
    Recommendation,
    Support,
    WorkingGroup,
)
from communes import scores, text
from communes.models import Assessment, Commune, CriteriaSet, Recognition

from .lifecycle import (
    DemoDataError,
    demo_figures,
    link_demo_accounts,
    remove_demo_rows,
)

DECISION_NUMBER = "1599/QĐ-UBND"
DECISION_ISSUER = "UBND tỉnh Lào Cai"
DECISION_TITLE = (
    "Về việc phân công lãnh đạo các cơ quan, đơn vị, doanh nghiệp giúp đỡ các xã xây dựng "
    "nông thôn mới giai đoạn 2021 – 2025"
)
CRITERIA_SET_CODE = "qd318-2021-2025"
STARTED_ON = datetime.date(2021, 1, 1)  # the real start dates are not known
YEARS = range(2021, 2026)
TA_CHAI_CODE = "02872"
TA_CHAI_ENDED_ON = datetime.date(2024, 10, 31)
TA_CHAI_END_NOTE = (
    "Xã Tà Chải sáp nhập vào Thị trấn Bắc Hà theo Nghị quyết số 1197/NQ-UBTVQH15 "
    "(hiệu lực từ 01/11/2024)."
)
HISTORY_REASON = "Nạp dữ liệu mẫu"
SEED = 1599


# --- invented content ---------------------------------------------------------------

AG, UN, EN, OR = (
    Agency.Kind.AGENCY,
    Agency.Kind.UNIT,
    Agency.Kind.ENTERPRISE,
    Agency.Kind.ORGANISATION,
)
GD, PGD = "Giám đốc", "Phó Giám đốc"
# (name, short name, kind, head's title, deputy's title): generic names of the bloc.
AGENCIES = [
    ("Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT", AG, GD, PGD),
    ("Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", AG, GD, PGD),
    ("Sở Tài chính", "Sở TC", AG, GD, PGD),
    ("Sở Xây dựng", "Sở XD", AG, GD, PGD),
    ("Sở Giao thông vận tải", "Sở GTVT", AG, GD, PGD),
    ("Sở Tài nguyên và Môi trường", "Sở TN&MT", AG, GD, PGD),
    ("Sở Công Thương", "Sở CT", AG, GD, PGD),
    ("Sở Giáo dục và Đào tạo", "Sở GD&ĐT", AG, GD, PGD),
    ("Sở Y tế", "Sở YT", AG, GD, PGD),
    ("Sở Văn hóa và Thể thao", "Sở VH&TT", AG, GD, PGD),
    ("Sở Lao động – Thương binh và Xã hội", "Sở LĐ-TB&XH", AG, GD, PGD),
    ("Sở Thông tin và Truyền thông", "Sở TT&TT", AG, GD, PGD),
    ("Sở Khoa học và Công nghệ", "Sở KH&CN", AG, GD, PGD),
    ("Sở Tư pháp", "Sở TP", AG, GD, PGD),
    ("Sở Nội vụ", "Sở NV", AG, GD, PGD),
    ("Sở Du lịch", "Sở DL", AG, GD, PGD),
    ("Sở Ngoại vụ", "Sở NgV", AG, GD, PGD),
    ("Thanh tra tỉnh", "TTr tỉnh", AG, "Chánh Thanh tra", "Phó Chánh Thanh tra"),
    ("Văn phòng UBND tỉnh", "VP UBND tỉnh", AG, "Chánh Văn phòng", "Phó Chánh Văn phòng"),
    ("Ban Dân tộc tỉnh", "Ban DT", AG, "Trưởng ban", "Phó Trưởng ban"),
    ("Ban Quản lý Khu kinh tế tỉnh", "BQL KKT", AG, "Trưởng ban", "Phó Trưởng ban"),
    ("Bộ Chỉ huy Quân sự tỉnh", "BCH QS tỉnh", AG, "Chỉ huy trưởng", "Phó Chỉ huy trưởng"),
    ("Công an tỉnh", "CA tỉnh", AG, GD, PGD),
    ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "BĐBP tỉnh", AG, "Chỉ huy trưởng", "Phó Chỉ huy trưởng"),
    ("Đài Phát thanh và Truyền hình tỉnh", "Đài PT-TH", UN, GD, PGD),
    ("Báo Lào Cai", "Báo LC", UN, "Tổng Biên tập", "Phó Tổng Biên tập"),
    ("Trường Cao đẳng Lào Cai", "CĐ Lào Cai", UN, "Hiệu trưởng", "Phó Hiệu trưởng"),
    ("Ban Quản lý dự án đầu tư xây dựng tỉnh", "BQLDA tỉnh", UN, GD, PGD),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "UBMTTQ tỉnh", OR, "Chủ tịch", "Phó Chủ tịch"),
    ("Hội Nông dân tỉnh", "HND tỉnh", OR, "Chủ tịch", "Phó Chủ tịch"),
    ("Hội Liên hiệp Phụ nữ tỉnh", "HLHPN tỉnh", OR, "Chủ tịch", "Phó Chủ tịch"),
    ("Tỉnh đoàn Lào Cai", "Tỉnh đoàn", OR, "Bí thư", "Phó Bí thư"),
    ("Hội Cựu chiến binh tỉnh", "HCCB tỉnh", OR, "Chủ tịch", "Phó Chủ tịch"),
    ("Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh", OR, "Chủ tịch", "Phó Chủ tịch"),
    ("Công ty Điện lực Lào Cai", "PC Lào Cai", EN, GD, PGD),
    ("Ngân hàng Nông nghiệp và PTNT – Chi nhánh Lào Cai", "Agribank LC", EN, GD, PGD),
    ("Ngân hàng Chính sách xã hội – Chi nhánh tỉnh Lào Cai", "NHCSXH LC", EN, GD, PGD),
    ("Viễn thông Lào Cai", "VNPT LC", EN, GD, PGD),
    ("Công ty Cổ phần Nông sản Hoàng Liên", "Nông sản HL", EN, "Tổng Giám đốc", "Phó TGĐ"),
    ("Công ty Cổ phần Xây dựng Phố Lu", "XD Phố Lu", EN, "Chủ tịch HĐQT", "Phó Tổng Giám đốc"),
]
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Vũ Đỗ Bùi Đặng Ngô Dương Lý Đinh Hà Lương Nông Triệu Ma Lục"
ETHNIC_FAMILY = "Giàng Lò Vàng Sùng Thào Lù Tẩn Hầu Sần"
MIDDLE_MALE = "Văn Đức Minh Quang Hữu Xuân Mạnh Tiến Công Thành Trung Ngọc"
MIDDLE_FEMALE = "Thị Thu Hồng Thanh Ngọc Minh Kim Thùy"
GIVEN_MALE = (
    "Hùng Dũng Tuấn Hải Long Sơn Thắng Bình Cường Kiên Phong Quý Chiến Lâm Hưng Vinh Khánh "
    "Toàn Nam Việt Hiếu Đạt Lợi Quyết Tùng Huy Thịnh Phúc"
)
GIVEN_FEMALE = "Lan Hương Mai Hạnh Nga Thảo Hoa Huyền Yến Thủy Linh Trang Hằng Dung Vân Oanh Nhung"
ETHNIC_MIDDLE = "Seo A Văn Thị"
ETHNIC_GIVEN = "Páo Chứ Phìn Sử Dín Lử Sình Cáu Chu Sang Pao Chản"
HEAD_POSITIONS = [
    "Trưởng phòng Kế hoạch – Tài chính",
    "Chánh Văn phòng",
    "Trưởng phòng Tổ chức – Hành chính",
    "Trưởng phòng Nghiệp vụ",
]
DEPUTY_POSITIONS = [
    "Phó Chánh Văn phòng",
    "Phó Trưởng phòng Nghiệp vụ",
    "Phó Trưởng phòng Kế hoạch",
]
MEMBER_POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Cán sự", "Kế toán viên", "Kỹ sư"]

# How easily a commune meets each criterion (by number): Điện and Quốc phòng are
# met almost everywhere, Thu nhập, Nghèo đa chiều and Môi trường rarely.
EASE = {
    1: 0.9, 2: 0.45, 3: 0.7, 4: 0.97, 5: 0.5, 6: 0.55, 7: 0.75, 8: 0.85, 9: 0.5, 10: 0.2,
    11: 0.15, 12: 0.65, 13: 0.55, 14: 0.75, 15: 0.7, 16: 0.8, 17: 0.15, 18: 0.85, 19: 0.97,
}  # fmt: skip
# The year each commune first meets all 19 again under the new set (None: not by 2025).
OLD_NTM_REACH = {2022: 4, 2023: 8, 2024: 20, 2025: 27, None: 2}  # the 61 recognised before 2021
NEW_NTM_REACH = {2022: 1, 2023: 3, 2024: 7, 2025: 12}  # recognised in that year
ADVANCED_PER_YEAR = {2024: 3, 2025: 4}
TARGET_AVERAGE_2023 = 12.02  # Lào Cai's reported 2023 figure

PURPOSES = [
    "Nắm tình hình thực hiện các tiêu chí nông thôn mới của xã",
    "Làm việc với Đảng ủy, UBND xã về kế hoạch xây dựng nông thôn mới năm {year}",
    "Kiểm tra tiến độ thực hiện tiêu chí {criterion}",
    "Khảo sát nhu cầu hỗ trợ làm đường giao thông nông thôn",
    "Trao hỗ trợ và kiểm tra việc sử dụng nguồn lực đã vận động",
    "Hướng dẫn xã hoàn thiện hồ sơ đánh giá tiêu chí {criterion}",
    "Khảo sát, lựa chọn mô hình phát triển sản xuất cho hộ nghèo",
    "Dự hội nghị sơ kết xây dựng nông thôn mới của xã năm {year}",
]
FINDINGS = [
    "Xã đạt {met}/19 tiêu chí; tiêu chí {criterion} còn khó khăn do thiếu vốn đối ứng.",
    "Các công trình hỗ trợ đợt trước đã đưa vào sử dụng, người dân đồng thuận cao.",
    "Tỷ lệ hộ nghèo đa chiều còn cao; thu nhập bình quân chưa đạt mức quy định.",
    "Tuyến đường liên thôn xuống cấp sau mưa lũ, cần hỗ trợ sửa chữa.",
    "Xã đã rà soát hồ sơ minh chứng; tiêu chí {criterion} chưa đạt, cần tập trung chỉ đạo.",
    "Nhà văn hóa thôn thiếu trang thiết bị; tổ đề xuất vận động hỗ trợ.",
    "Mô hình trồng cây dược liệu bước đầu cho thu nhập, cần nhân rộng.",
]
MONEY, IN_KIND, WORK_DAYS = Support.Kind.MONEY, Support.Kind.IN_KIND, Support.Kind.WORK_DAYS
TECH, OTHER = Support.Kind.TECHNOLOGY, Support.Kind.OTHER
# (kind, description, unit, quantity range, VND per unit, criteria numbers); without a
# unit the amount is drawn in millions from the range.
SUPPORTS = [
    (MONEY, "Hỗ trợ kinh phí làm đường bê tông nội thôn", "", (20, 200), 0, (2,)),
    (MONEY, "Hỗ trợ kinh phí sửa chữa nhà văn hóa thôn", "", (10, 120), 0, (6, 16)),
    (MONEY, "Hỗ trợ xóa nhà tạm, nhà dột nát cho hộ nghèo", "", (20, 150), 0, (9, 11)),
    (MONEY, "Hỗ trợ kinh phí kiên cố hóa kênh mương nội đồng", "", (20, 200), 0, (3,)),
    (MONEY, "Hỗ trợ xây dựng điểm tập kết rác thải", "", (5, 60), 0, (17,)),
    (IN_KIND, "Hỗ trợ xi măng làm đường giao thông nông thôn", "tấn", (10, 80), 1_500_000, (2,)),
    (IN_KIND, "Hỗ trợ cây giống chè, cây ăn quả", "cây", (500, 5000), 10_000, (10, 13)),
    (IN_KIND, "Hỗ trợ bàn ghế, thiết bị cho điểm trường", "bộ", (10, 60), 1_200_000, (5, 14)),
    (IN_KIND, "Hỗ trợ con giống cho hộ nghèo", "con", (50, 400), 150_000, (10, 11)),
    (IN_KIND, "Hỗ trợ thùng rác, xe gom rác", "chiếc", (10, 50), 800_000, (17,)),
    (IN_KIND, "Hỗ trợ tủ sách pháp luật", "cuốn", (100, 600), 50_000, (18,)),
    (WORK_DAYS, "Ngày công làm đường, nạo vét kênh mương", "ngày công", (20, 300), 250_000, (2, 3)),
    (TECH, "Tập huấn kỹ thuật trồng, chăm sóc cây dược liệu", "lớp", (1, 4), 15_000_000, (13, 12)),
    (TECH, "Hỗ trợ xây dựng mô hình liên kết tiêu thụ sản phẩm", "", (20, 100), 0, (13, 10)),
    (OTHER, "Tặng quà học sinh, hộ nghèo dịp Tết", "", (5, 50), 0, (11,)),
    (OTHER, "Hỗ trợ thiết bị truyền thanh thôn", "", (10, 40), 0, (8,)),
]
SUPPORT_WEIGHTS = {MONEY: 35, IN_KIND: 30, WORK_DAYS: 15, TECH: 12, OTHER: 8}
RECOMMENDATIONS = {
    Recommendation.AddressedTo.COMMUNE: "Đề nghị UBND xã rà soát, hoàn thiện hồ sơ minh chứng "
    "tiêu chí {criterion}.",
    Recommendation.AddressedTo.DISTRICT: "Đề nghị UBND {district} bố trí vốn đối ứng cho "
    "tuyến đường liên thôn của xã.",
    Recommendation.AddressedTo.AGENCY: "Đề nghị {agency} tiếp tục vận động nguồn lực hỗ trợ xã "
    "thực hiện tiêu chí {criterion}.",
    Recommendation.AddressedTo.PROVINCE: "Kiến nghị UBND tỉnh, các sở ngành xem xét bổ sung vốn "
    "sự nghiệp cho xã thực hiện tiêu chí {criterion}.",
}
RESOLUTIONS = [
    "Đã bố trí kinh phí, công trình đã triển khai.",
    "Đã hướng dẫn, xã hoàn thiện hồ sơ theo quy định.",
    "Đã tiếp thu, đưa vào kế hoạch năm sau.",
]


# --- loading ------------------------------------------------------------------------


@transaction.atomic
def load_demo_data(*, reset=False, today=None):
    """Create the demo data; None (and no change) if it is already loaded and not reset."""
    # Asks for this demo's decision: synthetic scale data is demo data too, but not this.
    loaded = Decision.objects.filter(is_demo=True, number=DECISION_NUMBER).exists()
    if loaded and not reset:
        return None
    remove_demo_rows()
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    communes, criteria = _reference()
    if Decision.objects.filter(number=DECISION_NUMBER, issuer=DECISION_ISSUER).exists():
        raise DemoDataError(
            f"Đã có Quyết định {DECISION_NUMBER} thật trong cơ sở dữ liệu; "
            "không nạp dữ liệu mẫu đè lên dữ liệu thật."
        )
    clash = Assessment.objects.filter(criterion__in=criteria, year__in=YEARS).exists()
    if clash:
        raise DemoDataError(
            "Đã có kết quả đánh giá tiêu chí thật 2021–2025; không nạp dữ liệu mẫu đè lên."
        )

    decision = Decision.objects.create(
        number=DECISION_NUMBER,
        issuer=DECISION_ISSUER,
        title=DECISION_TITLE,
        period_start=2021,
        period_end=2025,
        is_demo=True,
    )
    assignments, members_of = _create_assignments(rng, decision, communes)
    plan = _plan_assessments(rng, communes, criteria)
    _create_visits(rng, assignments, members_of, plan, criteria, today)
    _create_assessments(plan, criteria)
    _create_recognitions(rng, plan, today)
    link_demo_accounts()
    return demo_figures()


def _reference():
    communes = list(Commune.objects.in_programme().select_related("district").order_by("code"))
    criteria_set = CriteriaSet.objects.filter(code=CRITERIA_SET_CODE).first()
    criteria = list(criteria_set.criteria.order_by("number")) if criteria_set else []
    if not communes or not criteria:
        raise DemoDataError(
            "Chưa có dữ liệu tham chiếu (127 xã và bộ tiêu chí "
            f"{CRITERIA_SET_CODE}). Hãy chạy trước: python manage.py load_reference"
        )
    if len(criteria) != 19:
        raise DemoDataError(
            f"Bộ tiêu chí {CRITERIA_SET_CODE} có {len(criteria)} tiêu chí, cần 19. "
            "Hãy chạy lại: python manage.py load_reference"
        )
    return communes, criteria


def _names(rng):
    """An endless supply of distinct invented Vietnamese full names."""
    used = set()
    while True:
        if rng.random() < 0.2:
            name = f"{rng.choice(ETHNIC_FAMILY.split())} {rng.choice(ETHNIC_MIDDLE.split())} "
            name += rng.choice(ETHNIC_GIVEN.split())
        elif rng.random() < 0.35:
            name = f"{rng.choice(FAMILY.split())} {rng.choice(MIDDLE_FEMALE.split())} "
            name += rng.choice(GIVEN_FEMALE.split())
        else:
            name = f"{rng.choice(FAMILY.split())} {rng.choice(MIDDLE_MALE.split())} "
            name += rng.choice(GIVEN_MALE.split())
        if name not in used:
            used.add(name)
            yield name


def _phone(rng):
    return f"0900 000 {rng.randrange(1000):03d}"  # visibly a placeholder


def _create_assignments(rng, decision, communes):
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
    titles = {
        agency.name: (head, deputy)
        for agency, (*_x, head, deputy) in zip(agencies, rows, strict=True)
    }
    names = _names(rng)
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
                phone=_phone(rng),
                search_name=text.search_key(full_name),
                is_demo=True,
            )
        )
        groups.append(
            WorkingGroup(
                name=f"Tổ giúp việc {agency.short_name or agency.name} – xã {commune.name}",
                agency=agency,
                established_on=STARTED_ON,
                is_demo=True,
            )
        )
    Leader.objects.bulk_create(leaders)
    WorkingGroup.objects.bulk_create(groups)

    members = []
    for group in groups:
        size = rng.choice([3, 3, 4, 4, 4, 5])
        kinds = [Member.Role.HEAD]
        kinds += [Member.Role.DEPUTY] if rng.random() < 0.6 else []
        kinds += [Member.Role.MEMBER] * (size - len(kinds))
        for kind in kinds:
            position = {
                Member.Role.HEAD: HEAD_POSITIONS,
                Member.Role.DEPUTY: DEPUTY_POSITIONS,
                Member.Role.MEMBER: MEMBER_POSITIONS,
            }[kind]
            members.append(
                Member(
                    group=group,
                    full_name=next(names),
                    position=rng.choice(position),
                    role=kind,
                    phone=_phone(rng),
                    joined_on=STARTED_ON,
                )
            )
    Member.objects.bulk_create(members)

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
    members_of = defaultdict(list)  # group id -> members, head first
    for member in members:
        members_of[member.group_id].append(member)
    return assignments, members_of


# --- criteria results ---------------------------------------------------------------


@dataclass
class CommunePlan:
    commune: Commune
    kind: str  # "old" (recognised before 2021), "new" (recognised 2022–2025) or "weak"
    reach: int | None  # first year with all 19 under the new set
    counts: dict  # year -> number of criteria met
    order: list  # criterion numbers, most easily met first

    def met(self, year):
        return set(self.order[: self.counts[year]])


def _plan_assessments(rng, communes, criteria):
    """How many (and which) criteria each commune meets per year, shaped like the province."""
    pool = [c for c in communes if c.code != TA_CHAI_CODE]  # merged in 2024: not a 2025 NTM
    rng.shuffle(pool)
    weak = [c for c in communes if c.code == TA_CHAI_CODE]
    plans = []
    for kind, reach_counts in (("old", OLD_NTM_REACH), ("new", NEW_NTM_REACH)):
        for reach, count in reach_counts.items():
            for commune in pool[:count]:
                plans.append(CommunePlan(commune, kind, reach, {}, []))
            pool = pool[count:]
    plans += [CommunePlan(c, "weak", None, {}, []) for c in pool + weak]

    numbers = [c.number for c in criteria]
    for plan in plans:
        # Weighted order without replacement (key u^(1/w), w the odds of meeting it):
        # a commune's met set is a prefix of its order, so it grows as its count grows.
        keys = {n: rng.random() ** (1 / _odds(EASE.get(n, 0.5))) for n in numbers}
        plan.order = sorted(numbers, key=keys.get, reverse=True)
        plan.counts = _counts(rng, plan)
        if plan.commune.valid_to and plan.commune.valid_to.year < 2025:
            plan.counts = {y: n for y, n in plan.counts.items() if y <= plan.commune.valid_to.year}
    _calibrate(rng, plans, 2023, TARGET_AVERAGE_2023)
    return plans


def _odds(ease):
    return ease / (1.01 - ease)


def _counts(rng, plan):
    """Criteria met per year: 19 from the reach year on, climbing towards it before."""
    if plan.kind == "weak":
        counts = {2021: rng.randint(5, 12)}
        counts[2022] = max(3, counts[2021] - rng.randint(2, 4))
        for year, steps in ((2023, [0, 0, 1]), (2024, [0, 1, 1]), (2025, [0, 1, 1])):
            counts[year] = min(17, counts[year - 1] + rng.choice(steps))
        return counts
    counts = {2021: 19 if plan.kind == "old" else rng.randint(13, 17)}
    reach = plan.reach or 2026
    step = rng.uniform(2.0, 4.0)  # criteria gained per year on the way to 19
    for year in YEARS[1:]:
        gap = 0 if year >= reach else math.ceil((reach - year) * step)
        counts[year] = 19 if gap == 0 else max(4, 19 - gap)
    return counts


def _calibrate(rng, plans, year, average):
    """Move single communes by one criterion until the year's average is as intended.

    Only communes below 19 move, and never past their previous or next year.
    """
    rows = [p for p in plans if year in p.counts]
    diff = round(average * len(rows)) - sum(p.counts[year] for p in rows)
    step = 1 if diff > 0 else -1
    movable = [p for p in rows if p.counts[year] < 19]
    for _attempt in range(50 * len(rows)):
        if diff == 0 or not movable:
            break
        plan = rng.choice(movable)
        new = plan.counts[year] + step
        low = plan.counts.get(year - 1, 0) if year > 2022 else 0
        high = min(18, plan.counts.get(year + 1, 18))
        if low <= new <= high:
            plan.counts[year] = new
            diff -= step


def _create_assessments(plans, criteria):
    rows = [
        Assessment(
            commune=plan.commune,
            criterion=criterion,
            year=year,
            met=criterion.number in met,
            is_demo=True,
        )
        for plan in plans
        for year in plan.counts
        for met in [plan.met(year)]
        for criterion in criteria
    ]
    bulk_create_with_history(
        rows, Assessment, batch_size=2000, default_change_reason=HISTORY_REASON
    )
    # bulk_create sends no signals: summarise the new assessments here.
    scores.refresh(communes=[plan.commune.pk for plan in plans], years=YEARS)


def _decision_dates(rng, year, count, today):
    """`count` invented (number, date) decisions late in `year`, never after yesterday."""
    latest = today - datetime.timedelta(days=1)
    result = []
    for _i in range(count):
        day = datetime.date(year, rng.randint(6, 12), rng.randint(1, 28))
        result.append((f"{rng.randint(100, 4999)}/QĐ-UBND", min(day, latest)))
    return result


def _create_recognitions(rng, plans, today):
    rows = []

    def recognise(plans_of_year, year, level, decisions=2):
        options = _decision_dates(rng, year, decisions, today)
        for plan in plans_of_year:
            number, decided_on = rng.choice(options)
            rows.append(
                Recognition(
                    commune=plan.commune,
                    level=level,
                    decision_number=number,
                    decided_on=decided_on,
                    note="Dữ liệu mẫu: số và ngày quyết định là bịa.",
                    is_demo=True,
                )
            )

    old = [p for p in plans if p.kind == "old"]
    for year in range(2015, 2021):
        recognise(
            [p for i, p in enumerate(old) if i % 6 == year - 2015], year, CriteriaSet.Level.NTM
        )
    for year in YEARS[1:]:
        new = [p for p in plans if p.kind == "new" and p.reach == year]
        recognise(new, year, CriteriaSet.Level.NTM, decisions=1)
    strongest = [p for p in old if p.reach in (2022, 2023)]
    rng.shuffle(strongest)
    for year, count in ADVANCED_PER_YEAR.items():
        recognise(strongest[:count], year, CriteriaSet.Level.ADVANCED, decisions=1)
        strongest = strongest[count:]
    bulk_create_with_history(rows, Recognition, default_change_reason=HISTORY_REASON)


# --- visits -------------------------------------------------------------------------


DISTRICT_KINDS = {"huyen": "huyện", "thi_xa": "thị xã", "thanh_pho": "thành phố", "quan": "quận"}


def _district_label(district):
    """The district as a sentence names it ("huyện Bát Xát"), prefix in its name or not."""
    if district is None:
        return "huyện"
    kind = DISTRICT_KINDS.get(district.kind, "huyện")
    name = district.name
    if name.casefold().startswith(kind + " "):
        name = name[len(kind) + 1 :]
    return f"{kind} {name}"


def _working_day(day):
    while day.weekday() >= 5:  # visits fall on working days
        day -= datetime.timedelta(days=1)
    return day


def _random_day(rng, start, end):
    return _working_day(start + datetime.timedelta(days=rng.randint(0, (end - start).days)))


def _visit_dates(rng, assignment, stale, today):
    first = datetime.date(2021, 1, 6)
    if assignment.ended_on:
        return [
            _random_day(rng, first, assignment.ended_on - datetime.timedelta(days=5))
            for _i in range(rng.randint(1, 4))
        ]
    older_end = today - datetime.timedelta(days=95)
    dates = [
        _random_day(rng, first, older_end)
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


def _visit_status(rng, visited_on, today):
    S = FieldVisit.Status
    if (today - visited_on).days <= 30:
        return rng.choices([S.CONFIRMED, S.SUBMITTED, S.DRAFT, S.RETURNED], [40, 35, 15, 10])[0]
    return rng.choices([S.CONFIRMED, S.SUBMITTED, S.DRAFT, S.RETURNED], [92, 4, 2, 2])[0]


def _create_visits(rng, assignments, members_of, plans, criteria, today):
    plan_of = {plan.commune.pk: plan for plan in plans}
    name_of = {c.number: c.name for c in criteria}
    by_number = {c.number: c for c in criteria}
    active = [a for a in assignments if a.ended_on is None]
    stale = {a.pk for a in rng.sample(active, round(0.15 * len(active)))}

    visits, participants, supports, support_criteria, recommendations = [], [], [], [], []
    for assignment in assignments:
        plan = plan_of[assignment.commune_id]
        district = _district_label(assignment.commune.district)
        for visited_on in _visit_dates(rng, assignment, assignment.pk in stale, today):
            year = min(visited_on.year, max(plan.counts))
            missing = [n for n in plan.order if n not in plan.met(year)] or plan.order[-3:]
            criterion = name_of[rng.choice(missing)]
            fill = {"year": visited_on.year, "criterion": criterion, "met": plan.counts[year]}
            visit = FieldVisit(
                assignment=assignment,
                visited_on=visited_on,
                leader_present=rng.random() < 0.4,
                purpose=rng.choice(PURPOSES).format(**fill),
                findings=rng.choice(FINDINGS).format(**fill),
                other_participants=rng.choice(
                    ["", "", f"Đại diện UBND {district}", "Cán bộ Văn phòng điều phối NTM tỉnh"]
                ),
                status=_visit_status(rng, visited_on, today),
            )
            visits.append(visit)
            team = members_of[assignment.working_group_id]
            participants.append(
                (visit, [team[0]] + rng.sample(team[1:], rng.randint(0, len(team) - 1)))
            )
            for _i in range(rng.choices(range(4), [40, 35, 17, 8])[0]):
                support, numbers = build_support(rng, visit)
                supports.append(support)
                support_criteria += [(support, by_number[n]) for n in numbers]
            for _i in range(rng.choices(range(3), [50, 35, 15])[0]):
                recommendations.append(
                    build_recommendation(rng, visit, assignment, district, criterion, today)
                )

    bulk_create_with_history(visits, FieldVisit, default_change_reason=HISTORY_REASON)
    Through = FieldVisit.participants.through
    Through.objects.bulk_create(
        [Through(fieldvisit_id=v.pk, member_id=m.pk) for v, team in participants for m in team]
    )
    bulk_create_with_history(supports, Support, default_change_reason=HISTORY_REASON)
    Through = Support.criteria.through
    Through.objects.bulk_create(
        [Through(support_id=s.pk, criterion_id=c.pk) for s, c in support_criteria],
        ignore_conflicts=True,
    )
    bulk_create_with_history(recommendations, Recommendation, default_change_reason=HISTORY_REASON)


def build_support(rng, visit):
    """A plausible support item and the criterion numbers it targets (also used at scale)."""
    kind = rng.choices(list(SUPPORT_WEIGHTS), list(SUPPORT_WEIGHTS.values()))[0]
    kind, description, unit, (low, high), price, numbers = rng.choice(
        [s for s in SUPPORTS if s[0] == kind]
    )
    if unit:
        quantity = rng.randint(low, high)
        amount = max(5_000_000, round(quantity * price, -6))
    else:
        quantity = None
        amount = rng.randrange(low, high + 1, 5) * 1_000_000
    return (
        Support(
            visit=visit,
            kind=kind,
            amount_vnd=amount,
            quantity=quantity,
            unit=unit,
            description=description,
        ),
        numbers[: rng.randint(1, len(numbers))],
    )


def build_recommendation(rng, visit, assignment, district, criterion, today):
    addressed_to = rng.choice(list(RECOMMENDATIONS))
    text_ = RECOMMENDATIONS[addressed_to].format(
        criterion=criterion, district=district, agency=assignment.leader.agency.name
    )
    due_on = visit.visited_on + datetime.timedelta(days=rng.choice([30, 45, 60, 90, 120]))
    R = Recommendation.Status
    weights = [50, 40, 10] if due_on >= today else [18, 12, 70]  # some open ones overdue
    status = rng.choices([R.OPEN, R.IN_PROGRESS, R.RESOLVED], weights)[0]
    resolved_on, note = None, ""
    if status == R.RESOLVED:
        start = visit.visited_on + datetime.timedelta(days=7)
        end = min(due_on + datetime.timedelta(days=30), today - datetime.timedelta(days=1))
        if start > end:
            status = R.IN_PROGRESS
        else:
            resolved_on = start + datetime.timedelta(days=rng.randint(0, (end - start).days))
            note = rng.choice(RESOLUTIONS)
    return Recommendation(
        visit=visit,
        text=text_,
        addressed_to=addressed_to,
        due_on=due_on,
        status=status,
        resolved_on=resolved_on,
        resolution_note=note,
    )
