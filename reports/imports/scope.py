"""Which units an imported file names: the map of its day and, on the old map, its province.

Since 01/07/2025 the province holds two maps (communes.models.Map): the old one,
the xã of the old Lào Cai and the old Yên Bái by district, and the current one,
the 99 units of 2025 without districts. A file names the units of its time:

* an annex lists the units of its day: those of today when the amending
  decision it belongs to was issued on or after 01/07/2025, or when its pairs
  take effect on or after that day (the office's own annex of Decision 1599
  uploaded today lists the units its pairs are on today, as its export does);
  else the xã before 01/07/2025. On the old map, a decision issued by one old
  province ("UBND tỉnh Lào Cai", "UBND tỉnh Yên Bái") lists that province's xã
  only: the two provinces share names, and a decision of one never paired the
  other's xã;
* a criteria matrix lists the units assessed in its year: the old map up to
  2025, the current map from 2026. 2025, the last year of the 2021–2025 criteria
  set, is assessed on the old xã: the year's results (the demo's among them)
  are on them, and communes.validation lets an assessment of 2025 be made for a
  unit that existed on some day of it.
"""

from communes import text
from communes.models import Commune, Era, Map, Province
from communes.reference import REFORM_DAY

from .reference import Reference


def annex_day(decision, terms):
    """The day an annex is of (its decision's issue date), or None when not known."""
    if terms.amends:
        return terms.amendment_issued_on
    return decision.issued_on


def annex_map(decision, terms):
    """The Map whose units the annex of `decision` under `terms` (terms.AnnexTerms) lists."""
    day = annex_day(decision, terms)
    if (day is not None and day >= REFORM_DAY) or terms.effective_on >= REFORM_DAY:
        return Map.CURRENT
    return Map.OLD


def old_provinces_queryset():
    """The old provinces of the programme (Lào Cai and Yên Bái before 01/07/2025)."""
    programme = Commune.objects.in_programme(Map.OLD).values("province")
    return Province.objects.filter(era=Era.PRE_2025, pk__in=programme).order_by("code")


def decision_province(decision, provinces):
    """The one of `provinces` the decision's issuer names ("UBND tỉnh Yên Bái"), or None."""
    issuer = f" {text.match_key(decision.issuer, strip=False)} "
    named = [p for p in provinces if f" {text.match_key(p.name)} " in issuer]
    return named[0] if len(named) == 1 else None


def annex_reference(decision, terms):
    """The Reference an annex of `decision` under `terms` is matched in."""
    chosen = annex_map(decision, terms)
    if chosen == Map.CURRENT:
        return Reference(Map.CURRENT, day=terms.effective_on)
    return Reference(Map.OLD, province=decision_province(decision, list(old_provinces_queryset())))


def year_map(year):
    """The Map a criteria matrix of `year` lists its communes on (Map.of_year)."""
    return Map.of_year(year)
