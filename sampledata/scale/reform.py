"""The synthetic reform of 01/07/2025, as the real one was made: each synthetic province gets
its 2025-era province ("Tỉnh Thử 07", the same code and name, as the new Lào Cai kept code
15), the district level goes, and its communes go whole, in groups of one to four neighbours
of one district (code order), into new units "Thử Mới 0123" (a group of one is the unit
reorganised alone, as 8 of the 319 real ones were). So some current units have three or four
predecessors, and the benchmark measures the roll-up.

Every change is a ``CommuneChange`` effective on ``REFORM_DAY`` with ``LEGAL_BASIS`` saying
it is invented; ``Commune.current_unit`` is set here in two UPDATEs, to what
``communes.lineage.refresh_current_units`` computes (the tests say so), instead of reading
the whole lineage back.
"""

from itertools import groupby

from django.db.models import F, OuterRef, Subquery

from communes.models import Commune, CommuneChange, Era, Province
from communes.reference import REFORM_DAY

from .markers import synthetic_units
from .units import keyed, unit_code
from .writing import BATCH_SIZE

GROUP_SIZES = (1, 2, 3, 4)  # old units per new unit, drawn
GROUP_WEIGHTS = (10, 30, 35, 25)
WARD_SHARE = 0.1  # of the new units: a phường that absorbed old xã
LEGAL_BASIS = "Dữ liệu giả lập: không phải nghị quyết thật"


def create_reform(rng, communes, progress):
    """The 2025-era provinces and units, the lineage, current units; {old commune pk: new unit}."""
    old_provinces = list(dict.fromkeys(commune.province for commune in communes))
    new_provinces = [
        keyed(Province(code=p.code, name=p.name, era=Era.FROM_2025, valid_from=REFORM_DAY))
        for p in old_provinces
    ]
    Province.objects.bulk_create(new_provinces)
    new_province = dict(zip(old_provinces, new_provinces, strict=True))
    groups = []  # (new unit, its old units)
    for _district, members in groupby(communes, key=lambda commune: commune.district):
        members = list(members)
        while members:
            size = rng.choices(GROUP_SIZES, GROUP_WEIGHTS)[0]
            group, members = members[:size], members[size:]
            n = len(groups) + 1
            ward = rng.random() < WARD_SHARE
            unit = Commune(
                code=unit_code(n, 4),
                name=f"Thử Mới {n:04d}",
                era=Era.FROM_2025,
                province=new_province[group[0].province],
                district=None,
                kind=Commune.Kind.WARD if ward else Commune.Kind.RURAL,
                valid_from=REFORM_DAY,
            )
            groups.append((keyed(unit), group))
    Commune.objects.bulk_create([unit for unit, _group in groups], batch_size=BATCH_SIZE)
    changes = [
        CommuneChange(
            predecessor=old,
            successor=unit,
            kind=CommuneChange.Kind.MERGED if len(group) > 1 else CommuneChange.Kind.REORGANISED,
            effective_on=REFORM_DAY,
            legal_basis=LEGAL_BASIS,
        )
        for unit, group in groups
        for old in group
    ]
    CommuneChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)
    # What refresh_current_units computes: a new unit counts for itself, an old one for
    # the one unit it went into.
    synthetic_units(Commune, Era.FROM_2025).update(current_unit=F("pk"))
    successor = CommuneChange.objects.filter(predecessor=OuterRef("pk")).values("successor")
    synthetic_units(Commune).update(current_unit=Subquery(successor[:1]))
    successor_of = {}
    for unit, group in groups:
        unit.current_unit_id = unit.pk
        for old in group:
            old.current_unit_id = unit.pk
            successor_of[old.pk] = unit
    progress.done(
        "Sắp xếp đơn vị hành chính 01/07/2025: tỉnh, xã mới, thay đổi địa giới",
        len(new_province) + len(groups) + len(changes),
    )
    return successor_of
