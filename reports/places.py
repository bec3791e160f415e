"""Where the dashboard's figures are read (reports.figures): a map and, on the old map,
an old province or district; the programme's units, districts and old provinces."""

from dataclasses import dataclass

from django.db.models import Q

from communes.forms import old_province_label
from communes.models import Commune, District, Map


@dataclass(frozen=True)
class Place:
    """Where the figures are read: a map and, on the old map, an old province or district.

    A province or district keeps the records made for its units. The whole map
    keeps every record, on either map: on the old map those made since
    01/07/2025 for a current unit (which has no old district) count in the
    whole map's totals though in no district's, so that the totals are the
    current map's.
    """

    map: Map = Map.OLD
    province_id: int | None = None
    district_id: int | None = None

    @property
    def is_whole(self):
        return self.province_id is None and self.district_id is None

    def records(self, path=""):
        """Q keeping the records whose unit (the field at `path`; the unit itself without
        one) is in this place."""
        prefix = f"{path}__" if path else ""
        if self.district_id is not None:
            return Q(**{f"{prefix}district": self.district_id})
        if self.province_id is not None:
            return Q(**{f"{prefix}province": self.province_id})
        return Q()


WHOLE = Place()


def programme_communes(place=WHOLE):
    """The units whose recognitions and criteria results the figures count.

    A province or district: its xã of the 2021–2025 programme. The whole map
    (either map): those xã and today's programme units, for whom the records
    made since 01/07/2025 are made.
    """
    old = Commune.objects.in_programme(Map.OLD)
    if place.is_whole:
        return old | Commune.objects.in_programme(Map.CURRENT)
    return old.filter(place.records())


@dataclass(frozen=True)
class ProgrammeDistrict:
    pk: int
    name: str
    sort_name: str
    province_id: int
    province: str  # the old province's label, "Lào Cai (cũ)"


def programme_districts():
    """The programme's districts (District.objects.in_programme()) by old province, each in
    Vietnamese order, for the filters and the district chart (one query)."""
    rows = (
        District.objects.in_programme()
        .order_by("province__code", "sort_name", "code")
        .values_list("pk", "name", "sort_name", "province_id", "province__name")
    )
    return [
        ProgrammeDistrict(pk, name, sort_name, province_id, old_province_label(province))
        for pk, name, sort_name, province_id, province in rows
    ]


def programme_provinces(districts):
    """[(pk, label)] of the old provinces of `districts` (programme_districts()), in order."""
    return list(dict.fromkeys((d.province_id, d.province) for d in districts))
