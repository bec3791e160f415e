"""How easily an invented commune meets each criterion, shared by both generators.

The odds only shape invented results so that they look like a province's: Điện
(4) and Quốc phòng (19) met almost everywhere, Thu nhập (10), Nghèo đa chiều (11)
and Môi trường (17) rarely (the context figures of docs/domain.md).
"""

# Criterion number -> how easily a commune meets it (0 to 1).
EASE = {
    1: 0.9, 2: 0.45, 3: 0.7, 4: 0.97, 5: 0.5, 6: 0.55, 7: 0.75, 8: 0.85, 9: 0.5, 10: 0.2,
    11: 0.15, 12: 0.65, 13: 0.55, 14: 0.75, 15: 0.7, 16: 0.8, 17: 0.15, 18: 0.85, 19: 0.97,
}  # fmt: skip


def criteria_order(rng, numbers):
    """The criterion numbers in the order one commune meets them, the easiest first.

    A weighted order without replacement (key u^(1/w), w the odds of meeting the
    criterion): a commune that meets n criteria meets the first n of its order, so
    its set of criteria met only grows as n grows.
    """
    keys = {n: rng.random() ** (1 / _odds(EASE.get(n, 0.5))) for n in numbers}
    return sorted(numbers, key=keys.get, reverse=True)


def _odds(ease):
    return ease / (1.01 - ease)
