"""What an invented field visit says, brings and asks for, shared by both generators.

The purposes and findings of visits, the support items (money, goods, work days,
technology) with plausible amounts, the recommendations and how they were
resolved (none to a district from 01/07/2025, when the district level went), how
many of each a visit has, and the odds of a visit's workflow status by its age.
Texts are generic: they name no real person or project.
"""

import datetime

from assignments.models import FieldVisit, Recommendation, Support
from communes.reference import REFORM_DAY

PURPOSES = (
    "Nắm tình hình thực hiện các tiêu chí nông thôn mới của xã",
    "Làm việc với Đảng ủy, UBND xã về kế hoạch xây dựng nông thôn mới năm {year}",
    "Kiểm tra tiến độ thực hiện tiêu chí {criterion}",
    "Khảo sát nhu cầu hỗ trợ làm đường giao thông nông thôn",
    "Trao hỗ trợ và kiểm tra việc sử dụng nguồn lực đã vận động",
    "Hướng dẫn xã hoàn thiện hồ sơ đánh giá tiêu chí {criterion}",
    "Khảo sát, lựa chọn mô hình phát triển sản xuất cho hộ nghèo",
    "Dự hội nghị sơ kết xây dựng nông thôn mới của xã năm {year}",
)
FINDINGS = (
    "Xã đạt {met}/19 tiêu chí; tiêu chí {criterion} còn khó khăn do thiếu vốn đối ứng.",
    "Các công trình hỗ trợ đợt trước đã đưa vào sử dụng, người dân đồng thuận cao.",
    "Tỷ lệ hộ nghèo đa chiều còn cao; thu nhập bình quân chưa đạt mức quy định.",
    "Tuyến đường liên thôn xuống cấp sau mưa lũ, cần hỗ trợ sửa chữa.",
    "Xã đã rà soát hồ sơ minh chứng; tiêu chí {criterion} chưa đạt, cần tập trung chỉ đạo.",
    "Nhà văn hóa thôn thiếu trang thiết bị; tổ đề xuất vận động hỗ trợ.",
    "Mô hình trồng cây dược liệu bước đầu cho thu nhập, cần nhân rộng.",
)
LEADER_PRESENT_SHARE = 0.4  # the leader comes along on two visits in five
MONEY, IN_KIND, WORK_DAYS = Support.Kind.MONEY, Support.Kind.IN_KIND, Support.Kind.WORK_DAYS
TECH, OTHER = Support.Kind.TECHNOLOGY, Support.Kind.OTHER
# (kind, description, unit, quantity range, VND per unit, criteria numbers); without a
# unit the amount is drawn in millions from the range.
SUPPORTS = (
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
)
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
RESOLUTIONS = (
    "Đã bố trí kinh phí, công trình đã triển khai.",
    "Đã hướng dẫn, xã hoàn thiện hồ sơ theo quy định.",
    "Đã tiếp thu, đưa vào kế hoạch năm sau.",
)
# How many support items (0–3) and recommendations (0–2) a visit has: weights.
SUPPORTS_PER_VISIT = (40, 35, 17, 8)
RECOMMENDATIONS_PER_VISIT = (50, 35, 15)
_S = FieldVisit.Status
_STATUSES = (_S.CONFIRMED, _S.SUBMITTED, _S.DRAFT, _S.RETURNED)
# Visits of the last 30 days are often still in the workflow; older ones mostly confirmed.
RECENT_STATUS_WEIGHTS = (40, 35, 15, 10)
OLD_STATUS_WEIGHTS = (92, 4, 2, 2)


def how_many(rng, weights):
    """A count from 0 to len(weights) - 1, drawn with those weights."""
    return rng.choices(range(len(weights)), weights)[0]


def working_day(day, not_before=datetime.date.min):
    """The day itself, or the Friday before it if it falls on a weekend (not before a day)."""
    while day.weekday() >= 5 and day > not_before:
        day -= datetime.timedelta(days=1)
    return day


def visit_status(rng, visited_on, today):
    recent = (today - visited_on).days <= 30
    return rng.choices(_STATUSES, RECENT_STATUS_WEIGHTS if recent else OLD_STATUS_WEIGHTS)[0]


def build_support(rng, visit):
    """A plausible support item and the criterion numbers it targets."""
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


def build_recommendation(rng, visit, agency_name, district, criterion, today):
    """A recommendation of the visit, some resolved, some open past their due day."""
    addressed_to = rng.choice(list(RECOMMENDATIONS))
    if addressed_to == Recommendation.AddressedTo.DISTRICT and visit.visited_on >= REFORM_DAY:
        addressed_to = Recommendation.AddressedTo.PROVINCE  # no district level any more
    text = RECOMMENDATIONS[addressed_to].format(
        criterion=criterion, district=district, agency=agency_name
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
        text=text,
        addressed_to=addressed_to,
        due_on=due_on,
        status=status,
        resolved_on=resolved_on,
        resolution_note=note,
    )
