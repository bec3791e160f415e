"""How a report's workbook reads on a map (see communes.models.Map): its heading, its groups.

On the old map a workbook groups its rows by old district, as the 2021–2025
reports were made. On the current map it groups them by the unit their records
count for today (``Commune.current_unit``), with the unit a record was made for
and its old district as a label ("Bản Phố (h. Bắc Hà)"). Both maps hold the
same records, so their grand totals are equal.
"""

import datetime

from assignments.tables import old_unit_label
from communes.models import Commune, Map
from communes.reference import REFORM_DAY
from core.excel import writer

LAST_OLD_DAY = REFORM_DAY - datetime.timedelta(days=1)  # 30/06/2025
HEADINGS = {
    Map.OLD: "theo địa giới trước 01/07/2025",
    Map.CURRENT: "theo đơn vị hành chính hiện nay",
}


def heading(map):
    """ "theo đơn vị hành chính hiện nay": which map a workbook is read on."""
    return HEADINGS[Map(map)]


def unit_title(kind, name):
    """ "Xã Bắc Hà", "Phường Âu Lâu": a current unit as a group's title."""
    return f"{Commune.Kind(kind).label} {name}" if kind else name


def district_group(district_id, district_name):
    """The (key, title) of an old district's group; units without one are grouped apart."""
    return district_id, district_name or writer.NO_DISTRICT


def made_for(commune_id, name, current_id, district_name, district_kind):
    """ "Bản Phố (h. Bắc Hà)" for a record made for a unit that has ceased, "" for one made
    for the current unit itself."""
    if current_id is None or current_id == commune_id:
        return ""
    return old_unit_label(name, district_name, district_kind)


def commune_label(commune):
    """A record's unit (district loaded) under its current unit's group: its name, with
    its old district when it has ceased ("Bản Phố (h. Bắc Hà)")."""
    if not commune.has_ceased:
        return commune.name
    district = commune.district
    return old_unit_label(commune.name, district and district.name, district and district.kind)
