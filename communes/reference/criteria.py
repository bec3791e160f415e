"""The programme periods and the national criteria sets (docs/domain.md), as loaded by
``build_reference`` and shipped in the reference fixture.

Only what is verified is here. 2021–2025: Decision 318/QĐ-TTg, the 19 criteria of the
commune NTM set in their five groups (the advanced set's criteria are not known to us).
2026–2030: Decision 51/2025/QĐ-TTg, the commune NTM set's 10 criteria by name and the
three commune groups' definitions; its 47 indicators and their thresholds per group are
not known to us (the decision's annex was not found), so the office loads them from a
workbook (reports.imports, "Bộ tiêu chí") and the set says so (``indicators_note``).
"""

from django.db import transaction

from ..models import CriteriaSet, Criterion, CriterionGroup, GroupDefinition, Level, Period
from . import NTM_SET, NTM_SET_2026
from .tally import CREATED, UNCHANGED, UPDATED, Tally

DECISION_318 = "Quyết định 318/QĐ-TTg ngày 08/03/2022"
DECISION_51 = "Quyết định 51/2025/QĐ-TTg ngày 29/12/2025 (hiệu lực từ 15/02/2026)"

PERIODS = [
    {
        "code": "2021-2025",
        "name": "Chương trình MTQG xây dựng nông thôn mới giai đoạn 2021–2025",
        "first_year": 2021,
        "last_year": 2025,
        "legal_basis": f"{DECISION_318} (bộ tiêu chí)",
        "levels": [Level.NTM, Level.ADVANCED, Level.MODEL],
        "note": "",
    },
    {
        "code": "2026-2030",
        "name": (
            "Chương trình MTQG xây dựng nông thôn mới, giảm nghèo bền vững và phát triển "
            "kinh tế – xã hội vùng đồng bào dân tộc thiểu số và miền núi, giai đoạn I 2026–2030"
        ),
        "first_year": 2026,
        "last_year": 2030,
        "legal_basis": f"Nghị quyết 257/2025/QH15 ngày 11/12/2025; {DECISION_51} (bộ tiêu chí)",
        "levels": [Level.NTM, Level.MODERN],
        "note": (
            "Chưa rõ các mức nâng cao, kiểu mẫu có tiếp tục hay không; "
            "NTM hiện đại là khung thí điểm (Phụ lục II của Quyết định 51/2025/QĐ-TTg)."
        ),
    },
]

# Decision 51/2025/QĐ-TTg, Article on the commune groups (as reported with the decision's
# text on chinhphu.vn and by the press; docs/domain.md).
GROUPS_2026 = {
    1: (
        "Xã liền kề đô thị hiện hữu và có định hướng phát triển thành đô thị; hoặc xã có tỷ "
        "trọng ngành nông nghiệp trong cơ cấu kinh tế dưới 10%; hoặc xã được định hướng là "
        "đô thị mới."
    ),
    2: "Xã không thuộc nhóm 1 và nhóm 3.",
    3: (
        "Xã khu vực II và xã khu vực III thuộc địa bàn vùng đồng bào dân tộc thiểu số và miền "
        "núi được cấp có thẩm quyền phân định theo quy định."
    ),
}

CRITERIA_SETS = [
    {
        "code": NTM_SET,
        "period": "2021-2025",
        "name": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021–2025",
        "level": Level.NTM,
        "legal_basis": DECISION_318,
        "indicators_note": "",
    },
    {
        "code": "qd318-nang-cao-2021-2025",
        "period": "2021-2025",
        "name": "Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai đoạn 2021–2025",
        "level": Level.ADVANCED,
        "legal_basis": DECISION_318,
        "indicators_note": "",
    },
    {
        "code": NTM_SET_2026,
        "period": "2026-2030",
        "name": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026–2030",
        "level": Level.NTM,
        "legal_basis": f"{DECISION_51}, Phụ lục I",
        "indicators_note": (
            "Bộ gồm 10 tiêu chí, 47 chỉ tiêu. Tên 10 tiêu chí và định nghĩa 3 nhóm xã đã "
            "đối chiếu với văn bản; nội dung và mức đạt của 47 chỉ tiêu theo từng nhóm xã "
            "chưa được nạp sẵn (chưa có bản Phụ lục I để đối chiếu): Văn phòng nạp từ tệp "
            "Excel theo mẫu. Khi chưa có chỉ tiêu, kết quả ghi theo từng tiêu chí."
        ),
    },
]

NTM_GROUPS = {  # 2021–2025: the five groups of Decision 318
    1: "Quy hoạch",
    2: "Hạ tầng kinh tế – xã hội",
    3: "Kinh tế và tổ chức sản xuất",
    4: "Văn hóa – xã hội – môi trường",
    5: "Hệ thống chính trị",
}
NTM_CRITERIA = [  # 2021–2025: (number, name, group number)
    (1, "Quy hoạch", 1),
    (2, "Giao thông", 2),
    (3, "Thủy lợi và phòng, chống thiên tai", 2),
    (4, "Điện", 2),
    (5, "Trường học", 2),
    (6, "Cơ sở vật chất văn hóa", 2),
    (7, "Cơ sở hạ tầng thương mại nông thôn", 2),
    (8, "Thông tin và Truyền thông", 2),
    (9, "Nhà ở dân cư", 2),
    (10, "Thu nhập", 3),
    (11, "Nghèo đa chiều", 3),
    (12, "Lao động", 3),
    (13, "Tổ chức sản xuất và phát triển kinh tế nông thôn", 3),
    (14, "Giáo dục và Đào tạo", 4),
    (15, "Y tế", 4),
    (16, "Văn hóa", 4),
    (17, "Môi trường và an toàn thực phẩm", 4),
    (18, "Hệ thống chính trị và tiếp cận pháp luật", 5),
    (19, "Quốc phòng và An ninh", 5),
]
CRITERIA_2026 = [  # Decision 51/2025/QĐ-TTg, Annex I, in order (no groups of criteria)
    (1, "Quy hoạch"),
    (2, "Hạ tầng kinh tế – xã hội"),
    (3, "Phát triển kinh tế nông thôn"),
    (4, "Đào tạo nguồn nhân lực nông thôn"),
    (5, "Văn hóa, giáo dục, y tế"),
    (6, "Giảm nghèo và an sinh xã hội"),
    (7, "Khoa học công nghệ và chuyển đổi số"),
    (8, "Môi trường và cảnh quan nông thôn"),
    (9, "Xây dựng hệ thống chính trị và hành chính công"),
    (10, "Tiếp cận pháp luật và an ninh, quốc phòng"),
]


def _differs(obj, name, value):
    field = obj._meta.get_field(name)
    if field.is_relation:  # compare ids, without fetching the related row
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def upsert(model, key, values, tally):
    """The row of `model` with `key`, created or updated to `values`; counted in `tally`."""
    obj = model._default_manager.filter(**key).first()
    if obj is None:
        obj = model(**key, **values)
        obj.save()
        tally.add(obj, CREATED)
        return obj
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    tally.add(obj, UPDATED if changed else UNCHANGED)
    return obj


@transaction.atomic
def load_criteria(tally=None):
    """The two periods, their national sets, criteria and (2026–2030) commune groups."""
    tally = tally or Tally()
    periods = {
        spec["code"]: upsert(
            Period, {"code": spec["code"]}, {k: v for k, v in spec.items() if k != "code"}, tally
        )
        for spec in PERIODS
    }
    for number, definition in GROUPS_2026.items():
        key = {"period": periods["2026-2030"], "number": number}
        upsert(GroupDefinition, key, {"definition": definition}, tally)
    sets = {}
    for spec in CRITERIA_SETS:
        period = periods[spec["period"]]
        values = {
            "period": period,
            "version": 1,
            "name": spec["name"],
            "level": spec["level"],
            "legal_basis": spec["legal_basis"],
            "indicators_note": spec["indicators_note"],
            "is_provincial": False,
            "first_year": period.first_year,
            "last_year": period.last_year,
        }
        sets[spec["code"]] = upsert(CriteriaSet, {"code": spec["code"]}, values, tally)
    ntm = sets[NTM_SET]
    groups = {
        number: upsert(
            CriterionGroup, {"criteria_set": ntm, "number": number}, {"name": name}, tally
        )
        for number, name in NTM_GROUPS.items()
    }
    for number, name, group in NTM_CRITERIA:
        values = {"name": name, "group": groups[group]}
        upsert(Criterion, {"criteria_set": ntm, "number": number}, values, tally)
    for number, name in CRITERIA_2026:
        values = {"name": name, "group": None}
        upsert(Criterion, {"criteria_set": sets[NTM_SET_2026], "number": number}, values, tally)
    return tally
