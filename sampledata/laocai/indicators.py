"""The demo's indicators of the 2026–2030 set: invented, for two of its ten criteria.

The 47 indicators of Decision 51/2025/QĐ-TTg and their thresholds per commune group are
not known to us (docs/domain.md), and the shipped set has none: the office loads them
from a workbook. So that the demo shows results recorded by indicator next to criteria
still recorded for themselves, it adds a few invented ones to criterion 2 (Hạ tầng kinh
tế – xã hội) and criterion 8 (Môi trường và cảnh quan nông thôn): named "[Mẫu] …",
``Indicator.is_demo``, with a requirement per commune group; some are numbers with a
target that differs by group, some are yes/no. ``remove_demo_data`` deletes them (their
requirements go with them); the set and its ten criteria stay.
"""

from decimal import Decimal

from communes.models import Indicator, Requirement

DEMO_NOTE = " (số liệu bịa, không phải mức đạt của Quyết định 51/2025/QĐ-TTg)"
MET_TEXT = "Đạt"

# (criterion number, code, name, unit, {group: target} for a number "≥ target", or None
# for a yes/no indicator)
DEMO_INDICATORS = (
    (2, "2.1", "Tỷ lệ km đường xã, liên thôn được nhựa hóa hoặc bê tông hóa", "%",
     {1: 100, 2: 90, 3: 70}),
    (2, "2.2", "Tỷ lệ hộ sử dụng điện thường xuyên, an toàn từ các nguồn", "%",
     {1: 99, 2: 98, 3: 95}),
    (2, "2.3", "Tỷ lệ trường học các cấp có cơ sở vật chất đạt chuẩn", "%",
     {1: 100, 2: 80, 3: 70}),
    (2, "2.4", "Xã có trung tâm văn hóa – thể thao đạt chuẩn", "", None),
    (8, "8.1", "Tỷ lệ hộ được sử dụng nước sạch đạt quy chuẩn", "%", {1: 80, 2: 60, 3: 40}),
    (8, "8.2", "Tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý theo quy định", "%",
     {1: 95, 2: 85, 3: 70}),
    (8, "8.3", "Có mô hình thôn, tổ dân phố xanh – sạch – đẹp", "", None),
)  # fmt: skip
CRITERIA_WITH_INDICATORS = sorted({number for number, *_rest in DEMO_INDICATORS})
GROUPS = (1, 2, 3)


def create_indicators(criteria):
    """The demo indicators under `criteria` ({number: Criterion} of the 2026 set), with their
    requirements; [Indicator] (each with ``demo_requirements``: {group: Requirement})."""
    indicators = []
    for number, code, name, unit, targets in DEMO_INDICATORS:
        indicator = Indicator(
            criterion=criteria[number],
            code=code,
            name=f"[Mẫu] {name}",
            unit=unit,
            threshold="Theo nhóm xã" + DEMO_NOTE,
            is_demo=True,
        )
        indicator.save()  # sets the order from the code
        requirements = [_requirement(indicator, group, targets) for group in GROUPS]
        Requirement.objects.bulk_create(requirements)
        indicator.demo_requirements = {r.group: r for r in requirements}
        indicators.append(indicator)
    return indicators


def _requirement(indicator, group, targets):
    if targets is None:
        return Requirement(indicator=indicator, group=group, text=MET_TEXT + DEMO_NOTE)
    target = targets[group]
    return Requirement(
        indicator=indicator,
        group=group,
        text=f"Từ {target}% trở lên{DEMO_NOTE}",
        comparison=Requirement.Comparison.AT_LEAST,
        target=Decimal(target),
    )
