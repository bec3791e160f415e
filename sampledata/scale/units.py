"""The synthetic provinces, districts and communes ("Tỉnh Thử 07", "Huyện Thử 123",
"Thử 01234"), with codes that no real unit has (``CODE_PREFIX`` and base 36)."""

from communes.models import Commune, District, Era, Province
from communes.reference import LAST_PRE_2025_DAY

from .markers import CODE_PREFIX
from .writing import BATCH_SIZE

DISTRICT_KINDS = {  # kind: (name's prefix, weight)
    District.Kind.RURAL_DISTRICT: ("Huyện", 85),
    District.Kind.TOWN: ("Thị xã", 10),
    District.Kind.CITY: ("Thành phố", 5),
}
TARGET_YEARS = (2022, 2023, 2024, 2025, 2025, None)  # a commune's NTM target, drawn


def split(rng, total, parts, minimum=1, spread=0.6):
    """`total` split into `parts` uneven shares of at least `minimum` (largest remainder)."""
    weights = [rng.uniform(1 - spread, 1 + spread) for _i in range(parts)]
    free = total - minimum * parts
    exact = [free * w / sum(weights) for w in weights]
    shares = [minimum + int(x) for x in exact]
    by_remainder = sorted(range(parts), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def create_units(rng, scale, progress):
    """The provinces, districts (shared unevenly) and communes of `scale`; the communes."""
    valid = {"era": Era.PRE_2025, "valid_to": LAST_PRE_2025_DAY}
    provinces = Province.objects.bulk_create(
        [
            keyed(Province(code=unit_code(p, 2), name=f"Tỉnh Thử {p:02d}", **valid))
            for p in range(1, scale.provinces + 1)
        ]
    )
    districts = []
    shares = split(rng, scale.districts, scale.provinces)
    for province, share in zip(provinces, shares, strict=True):
        for _i in range(share):
            d = len(districts) + 1
            kind = rng.choices(list(DISTRICT_KINDS), [w for _p, w in DISTRICT_KINDS.values()])[0]
            name = f"{DISTRICT_KINDS[kind][0]} Thử {d:03d}"
            districts.append(
                keyed(
                    District(code=unit_code(d, 4), name=name, province=province, kind=kind, **valid)
                )
            )
    District.objects.bulk_create(districts, batch_size=BATCH_SIZE)
    communes = []
    shares = split(rng, scale.communes, scale.districts)
    for district, share in zip(districts, shares, strict=True):
        for _i in range(share):
            c = len(communes) + 1
            communes.append(
                keyed(
                    Commune(
                        code=unit_code(c, 4),
                        name=f"Thử {c:05d}",
                        province=district.province,
                        district=district,
                        kind=Commune.Kind.RURAL,
                        target_year=rng.choice(TARGET_YEARS),
                        **valid,
                    )
                )
            )
    Commune.objects.bulk_create(communes, batch_size=BATCH_SIZE)
    progress.done("Tỉnh, huyện, xã", len(provinces) + len(districts) + len(communes))
    return communes


def unit_code(number, width):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    result = ""
    while number:
        number, rest = divmod(number, 36)
        result = digits[rest] + result
    return CODE_PREFIX + result.rjust(width, "0")


def keyed(unit):
    unit.refresh_keys()  # bulk_create skips save(), which sets the search and sort keys
    return unit
