"""How easily an invented commune meets each criterion, shared by both generators.

The odds only shape invented results so that they look like a province's: Điện
(4) and Quốc phòng (19) met almost everywhere, Thu nhập (10), Nghèo đa chiều (11)
and Môi trường (17) rarely (the context figures of docs/domain.md). The 2026–2030
set (Decision 51/2025/QĐ-TTg, 10 criteria) gets odds of the same shape (EASE_2026):
its criteria merge several of the old ones, so a commune meets fewer of them.
"""

# Criterion number -> how easily a commune meets it (0 to 1).
EASE = {
    1: 0.9, 2: 0.45, 3: 0.7, 4: 0.97, 5: 0.5, 6: 0.55, 7: 0.75, 8: 0.85, 9: 0.5, 10: 0.2,
    11: 0.15, 12: 0.65, 13: 0.55, 14: 0.75, 15: 0.7, 16: 0.8, 17: 0.15, 18: 0.85, 19: 0.97,
}  # fmt: skip

# The 2026–2030 set's criteria by number: 1 Quy hoạch, 2 Hạ tầng, 3 Kinh tế, 4 Đào tạo nguồn
# nhân lực, 5 Văn hóa – giáo dục – y tế, 6 Giảm nghèo, 7 Chuyển đổi số, 8 Môi trường, 9 Hệ
# thống chính trị, 10 Pháp luật và an ninh, quốc phòng.
EASE_2026 = {
    1: 0.85, 2: 0.4, 3: 0.3, 4: 0.6, 5: 0.55, 6: 0.2, 7: 0.35, 8: 0.25, 9: 0.8, 10: 0.9,
}  # fmt: skip


def criteria_order(rng, numbers, ease=None):
    """The criterion numbers in the order one commune meets them, the easiest first.

    A weighted order without replacement (key u^(1/w), w the odds of meeting the
    criterion): a commune that meets n criteria meets the first n of its order, so
    its set of criteria met only grows as n grows.
    """
    ease = EASE if ease is None else ease
    keys = {n: rng.random() ** (1 / _odds(ease.get(n, 0.5))) for n in numbers}
    return sorted(numbers, key=keys.get, reverse=True)


def _odds(ease):
    return ease / (1.01 - ease)
