"""Building the reference units from the ``vietnamadminunits`` package (criteria: .criteria).

Units come from the ``vietnamadminunits`` package (1.0.4): the pre-2025 map (with
districts), the 2025 map and its old→new converter. What the package lacks is
added from docs/domain.md facts (Xã Tà Chải, merged on 01/11/2024; the legal
basis of the 2025 reform, Resolution 1673/NQ-UBTVQH15). Names follow the
models' display: a commune's name has no prefix ("Bản Vược"; ``Commune.__str__``
adds the kind), a district or province keeps it ("Huyện Bát Xát", "Tỉnh Lào Cai").

Every loader upserts by natural key (code and era; set code and number) and
writes only rows whose values differ, so a second run changes nothing. A
province whose lineage would leave an old unit without exactly one current unit
(the package divides some units between two new ones) is refused: ``load_province``
raises ``communes.lineage.UnsoundLineage`` and its transaction writes nothing.

The shipped fixture (communes/reference/fixture.py loads it) is this module's
output for the new Lào Cai, made of the old Lào Cai (10) and the old Yên Bái (15),
with the programme periods, the 2026–2030 group definitions and the national criteria
sets of ``.criteria``, built in a fresh database and written without the fields
derived on load (``Commune.current_unit``) by ``--dump``::

    DATABASE_URL=sqlite:////tmp/ref.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/ref.sqlite3 python manage.py build_reference \\
        --province 10 --province 15 --dump fixtures/reference_laocai.json
"""

import datetime
from collections import Counter, defaultdict

from django.db import transaction

from .. import lineage
from ..models import (
    Commune,
    CommuneChange,
    District,
    Era,
    Province,
)
from . import LAST_PRE_2025_DAY, REFORM_DAY
from .criteria import upsert as _upsert
from .tally import Tally

DISTRICT_KINDS = {
    "Huyện": District.Kind.RURAL_DISTRICT,
    "Thị xã": District.Kind.TOWN,
    "Thành phố": District.Kind.CITY,
    "Quận": District.Kind.URBAN_DISTRICT,
}
COMMUNE_KINDS = {
    "Xã": Commune.Kind.RURAL,
    "Phường": Commune.Kind.WARD,
    "Thị trấn": Commune.Kind.TOWNSHIP,
}

# Units and changes the package lacks, by pre-2025 province code: Xã Tà Chải, merged into
# Thị trấn Bắc Hà by Resolution 1197/NQ-UBTVQH15 from 01/11/2024 (docs/domain.md).
MISSING_COMMUNES = {
    "10": [
        {
            "code": "02872",
            "name": "Tà Chải",
            "district": "085",
            "kind": Commune.Kind.RURAL,
            "valid_to": datetime.date(2024, 10, 31),
        },
    ],
}
MISSING_CHANGES = {
    "10": [
        {
            "predecessor": "02872",
            "successor": "02839",
            "kind": CommuneChange.Kind.MERGED,
            "effective_on": datetime.date(2024, 11, 1),
            "legal_basis": "Nghị quyết 1197/NQ-UBTVQH15",
        },
    ],
}

# The resolution that made each new province's commune-level units on 01/07/2025, by the
# new province's code (era 2025). The package does not carry them; a province not listed
# gets its lineage with the legal basis left blank (docs/domain.md).
REFORM_RESOLUTIONS = {
    "15": "Nghị quyết 1673/NQ-UBTVQH15 ngày 16/06/2025",  # the new Lào Cai (with Yên Bái)
}

# --- Administrative units -----------------------------------------------------


def _legacy_rows(province_code):
    from vietnamadminunits.database import get_data

    fields = ["provinceCode", "province", "provinceKey", "districtCode", "district"]
    fields += ["districtType", "districtKey", "wardCode", "wardShort", "wardType", "wardKey"]
    rows = get_data(fields, table="admin_units_legacy")
    return sorted(
        (row for row in rows if row["provinceCode"] == province_code),
        key=lambda row: (row["districtCode"], row["wardCode"] or ""),
    )


def _reform_2025(legacy_rows):
    """Where each old unit went on 01/07/2025, per the package's converter.

    Returns the new province's row and [(old code, new unit row, change kind)].
    Raises ValueError when the data does not say it cleanly: an old unit
    without a successor, a successor missing from the 2025 table, or a kind
    the models lack (the 2025 "đặc khu"). An old unit wholly absorbed by a
    new one is "merged", or "reorganised" when it is the new unit's only
    predecessor; a unit divided among
    several is "split".
    """
    from vietnamadminunits.converter.converter_2025 import (
        DICT_PROVINCE,
        DICT_PROVINCE_WARD_DIVIDED,
        DICT_PROVINCE_WARD_NO_DIVIDED,
    )
    from vietnamadminunits.database import get_data

    old_province = legacy_rows[0]["provinceKey"]
    new_province = next((new for new, olds in DICT_PROVINCE.items() if old_province in olds), None)
    if new_province is None:
        raise ValueError("không có tỉnh mới tương ứng")
    targets = defaultdict(list)  # old unit key → [(new unit key, divided?)]
    predecessors = Counter()  # new unit key → number of old units that went into it
    for new_key, old_keys in DICT_PROVINCE_WARD_NO_DIVIDED.get(new_province, {}).items():
        for old_key in old_keys:
            targets[old_key].append((new_key, False))
            predecessors[new_key] += 1
    for old_key, parts in DICT_PROVINCE_WARD_DIVIDED.get(new_province, {}).items():
        for part in parts:
            targets[old_key].append((part["newWardKey"], True))
            predecessors[part["newWardKey"]] += 1
    fields = ["provinceCode", "province", "provinceKey"]
    fields += ["wardCode", "wardShort", "wardType", "wardKey"]
    new_units = {
        row["wardKey"]: row
        for row in get_data(fields, table="admin_units")
        if row["provinceKey"] == new_province
    }

    moves = []
    for row in legacy_rows:
        if not row["wardCode"]:
            continue
        found = targets.get(f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}", [])
        if not found or sum(not divided for _, divided in found) > 1:
            raise ValueError(f"không rõ đơn vị mới của {row['wardType']} {row['wardShort']}")
        for new_key, divided in found:
            new = new_units.get(new_key)
            if new is None or new["wardType"] not in COMMUNE_KINDS:
                raise ValueError(f"không nạp được đơn vị mới {new_key}")
            if divided:
                kind = CommuneChange.Kind.SPLIT
            elif predecessors[new_key] == 1:
                kind = CommuneChange.Kind.REORGANISED
            else:
                kind = CommuneChange.Kind.MERGED
            moves.append((row["wardCode"], new, kind))
    return next(iter(new_units.values())), moves


def _load_2025(legacy_rows, communes, tally):
    """The new province's units and the old units' changes into them; {code: new unit}.

    What the package does not say cleanly is noted and skipped: the old units are then
    left without successor, which ``load_province`` refuses.
    """
    try:
        new_province, moves = _reform_2025(legacy_rows)
    except ValueError as unclear:
        tally.notes.append(f"Bỏ qua đơn vị từ 01/07/2025: {unclear}.")
        return {}
    province = _upsert(
        Province,
        {"code": new_province["provinceCode"], "era": Era.FROM_2025},
        {"name": new_province["province"], "valid_from": REFORM_DAY},
        tally,
    )
    successors = {}
    for old_code, new, kind in moves:
        if new["wardCode"] not in successors:
            values = {
                "name": new["wardShort"],
                "kind": COMMUNE_KINDS[new["wardType"]],
                "province": province,
                "district": None,
                "valid_from": REFORM_DAY,
            }
            key = {"code": new["wardCode"], "era": Era.FROM_2025}
            successors[new["wardCode"]] = _upsert(Commune, key, values, tally)
        _upsert(
            CommuneChange,
            {
                "predecessor": communes[old_code],
                "successor": successors[new["wardCode"]],
                "effective_on": REFORM_DAY,
            },
            {"kind": kind, "legal_basis": REFORM_RESOLUTIONS.get(province.code, "")},
            tally,
        )
    return successors


@transaction.atomic
def load_province(code, tally=None):
    """A pre-2025 province's units, what the package lacks, and what they became in 2025.

    Raises ``lineage.UnsoundLineage`` (and writes nothing) when one of its units would not
    have exactly one current unit: divided between two new units, or left without one.
    """
    tally = tally or Tally()
    rows = _legacy_rows(code)
    if not rows:
        raise LookupError(f"Không có tỉnh mã {code} trong dữ liệu vietnamadminunits.")
    era = Era.PRE_2025
    province = _upsert(
        Province,
        {"code": code, "era": era},
        {"name": rows[0]["province"], "valid_to": LAST_PRE_2025_DAY},
        tally,
    )
    districts, communes = {}, {}
    for row in rows:
        if row["districtCode"] not in districts:
            values = {
                "name": row["district"],
                "kind": DISTRICT_KINDS[row["districtType"]],
                "province": province,
                "valid_to": LAST_PRE_2025_DAY,
            }
            key = {"code": row["districtCode"], "era": era}
            districts[row["districtCode"]] = _upsert(District, key, values, tally)
        if row["wardCode"]:  # island districts have no commune level
            values = {
                "name": row["wardShort"],
                "kind": COMMUNE_KINDS[row["wardType"]],
                "province": province,
                "district": districts[row["districtCode"]],
                "valid_to": LAST_PRE_2025_DAY,
            }
            key = {"code": row["wardCode"], "era": era}
            communes[row["wardCode"]] = _upsert(Commune, key, values, tally)

    for spec in MISSING_COMMUNES.get(code, []):
        values = {
            "name": spec["name"],
            "kind": spec["kind"],
            "province": province,
            "district": districts[spec["district"]],
            "valid_to": spec["valid_to"],
        }
        communes[spec["code"]] = _upsert(Commune, {"code": spec["code"], "era": era}, values, tally)
    for spec in MISSING_CHANGES.get(code, []):
        key = {
            "predecessor": Commune.objects.get(code=spec["predecessor"], era=era),
            "successor": Commune.objects.get(code=spec["successor"], era=era),
            "effective_on": spec["effective_on"],
        }
        values = {"kind": spec["kind"], "legal_basis": spec["legal_basis"]}
        _upsert(CommuneChange, key, values, tally)

    successors = _load_2025(rows, communes, tally)
    units = [unit.pk for unit in (*communes.values(), *successors.values())]
    if found := lineage.problems(units):
        raise lineage.UnsoundLineage(found)
    lineage.refresh_current_units()
    return tally
