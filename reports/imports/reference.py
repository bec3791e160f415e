"""The units a file's commune names are matched among, and how a typed name finds its unit.

A Reference holds the units of one map (communes.models.Map; scope.py says which):

* On the old map (before 01/07/2025): the programme's xã of the old Lào Cai and
  the old Yên Bái, by old province and district, or of one old province when the
  decision is of it. A name is matched with :func:`communes.text.match_key`
  within the row's district, else within the old province a heading names, else
  within the whole scope. Names are unique only within a district (Lào Cai has two
  Thanh Bình, the old Yên Bái two Tân Thịnh): a name found twice is never guessed.
* On the current map (from 01/07/2025): the units of the new province, which have
  no district; a heading naming an old district or province is orientation only.
  The name of a unit that no longer exists is refused, naming the unit that took
  its place (communes.validation.ceased_message): the file is to say the unit
  of its day.

A name that matches nothing, or two units, lists its closest candidates
(spelling.py) and waits for the office to pick one, which is remembered as an
alias of that unit (CommuneAlias). The next file with the same spelling under the
same district matches by the alias, and says so. An alias never overrides an exact
match of another unit, and a spelling remembered for two different units applies to
neither. A problem only the file can fix (a district outside the decision's
province, a unit that ceased) offers no pick.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _

from communes import text
from communes.forms import old_province_label
from communes.models import Commune, Era, Map
from communes.reference import REFORM_DAY
from communes.validation import ceased_message, unit_title

from ..models import CommuneAlias
from . import spelling

EXACT, ALIAS, PICK = "exact", "alias", "pick"


@dataclass
class CommuneMatch:
    """What a typed commune name found: a commune and how, or why not and what is near."""

    commune: Commune | None = None
    how: str = ""  # EXACT, ALIAS or PICK
    problem: str = ""  # the row's error when nothing was found
    refused: str = ""  # a pick that cannot be taken (not a programme commune, other district)
    candidates: list = field(default_factory=list)  # closest first
    alias: CommuneAlias | None = None
    in_file: bool = False  # the problem is fixed in the file: no pick is offered


class Option(NamedTuple):
    """One commune a row's select offers."""

    pk: int
    label: str


def province_label(province):
    """ "Lào Cai (cũ)" for a province before 01/07/2025, "Lào Cai" for the present one."""
    if province.era == Era.PRE_2025:
        return old_province_label(province.name)
    return province.name.removeprefix("Tỉnh ")


class Reference:
    """The units of one map, their districts and remembered aliases, loaded once per import.

    `province` (kept as `limited_to`): on the old map, the one old province a decision is
    of (None: both).
    `day`: on the current map, the day the file is of (its refusals say since when).
    """

    def __init__(self, map=Map.OLD, province=None, day=None):
        self.map = Map(map)
        self.day = max(day or REFORM_DAY, REFORM_DAY)
        old = list(
            Commune.objects.in_programme(Map.OLD).select_related(
                "district", "province", "current_unit"
            )
        )
        if self.map == Map.OLD:
            self.limited_to = province
            self.communes = [c for c in old if province is None or c.province_id == province.pk]
            # The programme's xã outside the decision's province: named in messages only.
            outside = [c for c in old if province is not None and c.province_id != province.pk]
        else:
            self.limited_to = None
            self.communes = list(
                Commune.objects.in_programme(Map.CURRENT).select_related("province")
            )
            outside = old  # their names are refused, naming the unit of today
        self.by_pk = {c.pk: c for c in self.communes}
        self.provinces = list({c.province_id: c.province for c in self.communes}.values())
        self.districts = {c.district_id: c.district for c in self.communes if c.district_id}
        self._province_ids = {p.pk for p in self.provinces}
        self._district_keys = defaultdict(list)
        self._district_folded = defaultdict(list)
        for district in {c.district_id: c.district for c in old}.values():
            self._district_keys[text.match_key(district.name)].append(district)
            self._district_folded[text.search_key(district.name, strip=True)].append(district)
        self._province_keys = defaultdict(list)
        for province_ in {c.province_id: c.province for c in [*old, *self.communes]}.values():
            if self.map == Map.CURRENT or province_.era == Era.PRE_2025:
                self._province_keys[text.match_key(province_.name)].append(province_)
        self._commune_keys = self._keys(self.communes)
        self._outside_keys = self._keys(outside)
        self._in_district = defaultdict(list)
        self._in_province = defaultdict(list)
        for commune in self.communes:
            self._in_district[commune.district_id].append(commune)
            self._in_province[commune.province_id].append(commune)
        self._scopes = {}
        self._aliases = defaultdict(list)
        for alias in CommuneAlias.objects.filter(commune__in=self.by_pk).order_by("pk"):
            alias.commune = self.by_pk[alias.commune_id]
            self._aliases[alias.key].append(alias)

    @staticmethod
    def _keys(communes):
        keys = defaultdict(list)
        for commune in communes:
            keys[text.match_key(commune.name)].append(commune)
        return keys

    @property
    def is_current(self):
        return self.map == Map.CURRENT

    # --- headings -------------------------------------------------------------------

    def district(self, value):
        """The old district a heading or cell names (on the current map: for orientation)."""
        found = self._district_keys.get(text.match_key(value)) or []
        if len(found) == 1:
            return found[0]
        # The districts stay distinct without accents ("BAT XAT").
        folded = self._district_folded.get(text.search_key(value, strip=True)) or []
        return folded[0] if len(folded) == 1 else None

    def province(self, value):
        """The province a heading names ("Tỉnh Yên Bái"), or None; on the old map an old one."""
        found = self._province_keys.get(text.match_key(value)) or []
        return found[0] if found else None

    def describe_scope(self):
        """One sentence for the preview: which units the file's names were matched among."""
        if self.is_current:
            return _(
                "Tên xã được so với %(count)s đơn vị hành chính từ 01/07/2025 (không còn cấp "
                "huyện; dòng huyện trong tệp chỉ để tham khảo): các xã và những phường có xã "
                "cũ sáp nhập vào."
            ) % {"count": len(self.communes)}
        return _(
            "Tên xã được so với %(count)s xã trước 01/07/2025 của %(provinces)s, theo huyện."
        ) % {
            "count": len(self.communes),
            "provinces": ", ".join(province_label(p) for p in self._sorted(self.provinces)),
        }

    @staticmethod
    def _sorted(provinces):
        return sorted(provinces, key=lambda p: p.code)

    # --- the units a row may be given -----------------------------------------------

    def scope(self, district=None, province=None):
        """The units a row of `district` or `province` (None: any) may be given, in list order.

        On the current map a row's district and province are orientation only.
        """
        if self.is_current:
            district = province = None
        if district is not None:
            key, communes = ("d", district.pk), self._in_district[district.pk]
        elif province is not None:
            key, communes = ("p", province.pk), self._in_province[province.pk]
        else:
            key, communes = None, self.communes
        if key not in self._scopes:
            self._scopes[key] = sorted(communes, key=self._order)
        return self._scopes[key]

    @staticmethod
    def _order(commune):
        district = commune.district.sort_name if commune.district_id else ""
        return (commune.province.code, district, commune.sort_name, commune.code)

    def label(self, commune, *, place=True):
        """How a message or a select names a unit: "Y Tý (Huyện Bát Xát)", "Xã Bắc Hà"."""
        if commune.district_id is None:
            return unit_title(commune)
        if not place:
            return commune.name
        return f"{commune.name} ({self.place(commune)})"

    def place(self, commune):
        """An old xã's district, with its old province where two could be meant."""
        if len(self.provinces) > 1 or commune.province_id not in self._province_ids:
            return f"{commune.district.name}, {province_label(commune.province)}"
        return commune.district.name

    def describe(self, communes):
        return ", ".join(self.label(c) for c in communes)

    # --- matching -------------------------------------------------------------------

    def match(self, value, district, pick=None, province=None):
        """The CommuneMatch of `value` typed under `district` and `province` (None: none).

        `pick` is the id of the unit the office chose for this row; it is taken only
        where the name needs a choice, and only a unit the row may be given.
        """
        if self.is_current:
            return self._match_current(value, district, pick)
        outside = self._outside_scope(value, district, province)
        if outside:
            return self._in_file(outside, pick)
        if district is not None:
            province = None
        key = text.match_key(value)
        area = {c.pk for c in self.scope(district, province)}
        exact = [c for c in self._commune_keys.get(key, []) if c.pk in area]
        if len(exact) == 1:
            return self._exact(value, exact[0], pick)
        aliases = self._aliases_for(key, district, province)
        aliased = list({a.commune.pk: a.commune for a in aliases}.values())
        # Two communes of the same name: an alias may tell which one, never another commune.
        if len(aliased) == 1 and (not exact or aliased[0] in exact):
            return self._by_alias(value, aliases, aliased[0], pick)
        near = spelling.closest(value, self.scope(district, province))
        found = CommuneMatch(
            candidates=_unique(exact + aliased + near),
            problem=self._problem(value, district, province, exact, near),
        )
        self._add_aliased(found, aliased)
        if pick is None:
            return found
        picked = self.by_pk.get(pick)
        if picked is None:
            found.refused = _("xã đã chọn không có trong danh sách xã của chương trình.")
        elif district is not None and picked.district_id != district.pk:
            found.refused = _(
                "xã đã chọn (%(commune)s) không thuộc %(district)s, huyện ghi ở dòng này."
            ) % {"commune": self.describe([picked]), "district": district.name}
        elif province is not None and picked.province_id != province.pk:
            found.refused = _(
                "xã đã chọn (%(commune)s) không thuộc %(province)s, tỉnh ghi ở dòng tiêu đề."
            ) % {"commune": self.describe([picked]), "province": province_label(province)}
        else:
            found.commune, found.how, found.problem = picked, PICK, ""
        return found

    def _match_current(self, value, district, pick):
        key = text.match_key(value)
        exact = self._commune_keys.get(key, [])
        if len(exact) == 1:
            return self._exact(value, exact[0], pick)
        aliases = self._aliases.get(key, [])
        aliased = list({a.commune.pk: a.commune for a in aliases}.values())
        if len(aliased) == 1 and (not exact or aliased[0] in exact):
            return self._by_alias(value, aliases, aliased[0], pick)
        ceased = self._outside_keys.get(key, [])
        if ceased and not exact:
            return self._in_file(self._ceased(ceased, district), pick)
        near = spelling.closest(value, self.communes)
        if len(exact) > 1:
            problem = _("có %(count)s đơn vị tên “%(value)s”: %(candidates)s.") % {
                "count": len(exact),
                "value": value,
                "candidates": self.describe(exact),
            }
        else:
            problem = _("không có đơn vị hành chính từ 01/07/2025 nào tên “%(value)s”") % {
                "value": value
            }
            problem += self._near(near)
        found = CommuneMatch(candidates=_unique(exact + aliased + near), problem=problem)
        self._add_aliased(found, aliased)
        if pick is None:
            return found
        picked = self.by_pk.get(pick)
        if picked is None:
            found.refused = _(
                "đơn vị đã chọn không có trong danh sách đơn vị hành chính từ 01/07/2025."
            )
        else:
            found.commune, found.how, found.problem = picked, PICK, ""
        return found

    def _exact(self, value, commune, pick):
        found = CommuneMatch(commune, EXACT)
        if pick is not None and pick != commune.pk:
            found.refused = self._refused_pick(value, commune, EXACT)
        return found

    def _by_alias(self, value, aliases, commune, pick):
        alias = next(a for a in aliases if a.commune == commune)
        found = CommuneMatch(commune, ALIAS, alias=alias)
        if pick is not None and pick != commune.pk:
            found.refused = self._refused_pick(value, commune, ALIAS)
        return found

    def _add_aliased(self, found, aliased):
        if len(aliased) > 1:
            found.problem += " " + _(
                "Tên này đã được chọn là tên gọi khác của %(count)s xã (%(communes)s); "
                "hãy chọn một."
            ) % {"count": len(aliased), "communes": self.describe(aliased)}

    @staticmethod
    def _in_file(problem, pick):
        found = CommuneMatch(problem=problem, in_file=True)
        if pick is not None:
            found.refused = _("%(problem)s Dòng này không chọn xã được; hãy sửa tệp.") % {
                "problem": problem
            }
        return found

    def _outside_scope(self, value, district, province):
        """Why a row's district or province heading is outside the decision's province."""
        if self.limited_to is None:
            return ""
        if district is not None:
            if district.pk in self.districts:
                return ""
            place = district.name
        elif province is not None and province.pk != self.limited_to.pk:
            place = province_label(province)
        else:
            return ""
        return _(
            "%(place)s không thuộc %(province)s, tỉnh của quyết định; không tìm xã “%(value)s” "
            "ở đó. Nếu tệp là phụ lục của quyết định khác, hãy nhập vào quyết định đó."
        ) % {"place": place, "province": province_label(self.limited_to), "value": value}

    def _ceased(self, units, district):
        """The refusal of an old unit's name on the current map, naming its successor."""
        if district is not None and any(u.district_id == district.pk for u in units):
            units = [u for u in units if u.district_id == district.pk]
        then = _("Phụ lục từ ngày này ghi đơn vị hiện nay: %(successor)s.")
        messages = []
        for unit in units:
            message = ceased_message(unit, self.day, then) or _(
                "%(unit)s là đơn vị trước 01/07/2025."
            ) % {"unit": unit_title(unit)}
            if len(units) > 1:
                message = f"{self.place(unit)}: {message}"
            messages.append(message)
        return " ".join(messages)

    def _aliases_for(self, key, district, province=None):
        """The aliases of `key` a row of `district` (or `province`) may use.

        Typed under the same district, or under none for a commune of that district;
        a row without a district uses every alias of the spelling in its province.
        """
        aliases = self._aliases.get(key, [])
        if district is None:
            if province is None:
                return aliases
            return [a for a in aliases if a.commune.province_id == province.pk]
        return [
            a
            for a in aliases
            if a.district_id == district.pk
            or (a.district_id is None and a.commune.district_id == district.pk)
        ]

    def _problem(self, value, district, province, exact, near):
        if len(exact) > 1 and district is not None:
            return _("%(district)s có %(count)s xã tên “%(value)s”: %(candidates)s.") % {
                "district": district.name,
                "count": len(exact),
                "value": value,
                "candidates": self.describe(exact),
            }
        if len(exact) > 1:
            return _(
                "xã “%(value)s” có ở %(count)s huyện: %(candidates)s. Hãy chọn xã đúng, hoặc ghi "
                "dòng huyện phía trên (ví dụ “I. HUYỆN …”) hoặc cột Huyện."
            ) % {"value": value, "count": len(exact), "candidates": self.describe(exact)}
        key = text.match_key(value)
        if district is not None:
            where = _("không có xã “%(value)s” ở %(district)s") % {
                "value": value,
                "district": district.name,
            }
            elsewhere = [c for c in self._commune_keys.get(key, []) if c.district_id != district.pk]
            if elsewhere:
                where += _(" (có xã tên này ở %(communes)s: nếu đúng xã đó, hãy sửa huyện)") % {
                    "communes": ", ".join(self.place(c) for c in elsewhere)
                }
        elif province is not None:
            where = _("không có xã “%(value)s” ở %(province)s") % {
                "value": value,
                "province": province_label(province),
            }
        else:
            where = _("không có xã “%(value)s” trong danh sách xã của chương trình") % {
                "value": value
            }
        outside = self._outside_keys.get(key, [])
        if outside:
            where += _(" (có xã tên này ở %(places)s, ngoài %(province)s, tỉnh của quyết định)") % {
                "places": ", ".join(self.place(c) for c in outside),
                "province": province_label(self.limited_to),
            }
        return where + self._near(near)

    def _near(self, near):
        if near:
            return _("; gần giống: %(candidates)s.") % {"candidates": self.describe(near)}
        return _("; không có tên xã nào gần giống.")

    def _refused_pick(self, value, commune, how):
        return _(
            "tên “%(value)s” đã khớp %(how)s xã %(commune)s; không chọn xã khác cho dòng này."
        ) % {
            "value": value,
            "how": _("theo tên gọi khác") if how == ALIAS else _("đúng tên"),
            "commune": self.describe([commune]),
        }


def _unique(communes):
    return list({c.pk: c for c in communes}.values())
