"""The programme's districts and communes, and how a typed commune name finds its commune.

A name is matched with :func:`communes.text.match_key` within the row's
district (names are unique only within a district: Lào Cai has two Thanh
Bình). A name that matches nothing there, or two communes, is never guessed:
the row lists its closest candidates (spelling.py) and waits for the office
to pick one, which is remembered as an alias of that commune (CommuneAlias).
The next file with the same spelling under the same district matches by the
alias, and says so. An alias never overrides an exact match of another
commune, and a spelling remembered for two different communes applies to
neither.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from communes import text
from communes.models import Commune

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


class Reference:
    """The programme's districts, communes and remembered aliases, loaded once per import."""

    def __init__(self):
        self.communes = list(Commune.objects.in_programme().select_related("district"))
        self.by_pk = {c.pk: c for c in self.communes}
        self.districts = {c.district_id: c.district for c in self.communes if c.district_id}
        self._district_keys = defaultdict(list)
        self._district_folded = defaultdict(list)
        for district in self.districts.values():
            self._district_keys[text.match_key(district.name)].append(district)
            self._district_folded[text.search_key(district.name, strip=True)].append(district)
        self._commune_keys = defaultdict(list)
        self._in_district = defaultdict(list)
        for commune in self.communes:
            self._commune_keys[text.match_key(commune.name)].append(commune)
            self._in_district[commune.district_id].append(commune)
        self._scopes = {}
        self._aliases = defaultdict(list)
        for alias in CommuneAlias.objects.filter(commune__in=self.by_pk).order_by("pk"):
            alias.commune = self.by_pk[alias.commune_id]
            self._aliases[alias.key].append(alias)

    def district(self, value):
        found = self._district_keys.get(text.match_key(value)) or []
        if len(found) == 1:
            return found[0]
        # The province's nine districts stay distinct without accents ("BAT XAT").
        folded = self._district_folded.get(text.search_key(value, strip=True)) or []
        return folded[0] if len(folded) == 1 else None

    def scope(self, district):
        """The communes a row of `district` (None: of no district) may be given, in list order."""
        key = district.pk if district is not None else None
        if key not in self._scopes:
            communes = self._in_district[key] if district is not None else self.communes
            self._scopes[key] = sorted(
                communes, key=lambda c: (c.district.sort_name, c.sort_name, c.code)
            )
        return self._scopes[key]

    def match(self, value, district, pick=None):
        """The CommuneMatch of `value` typed under `district` (None: no district).

        `pick` is the id of the commune the office chose for this row; it is taken
        only where the name needs a choice, and only a programme commune of the
        row's district.
        """
        key = text.match_key(value)
        same_name = self._commune_keys.get(key, [])
        exact = [c for c in same_name if district is None or c.district_id == district.pk]
        if len(exact) == 1:
            found = CommuneMatch(exact[0], EXACT)
            if pick is not None and pick != exact[0].pk:
                found.refused = self._refused_pick(value, exact[0], EXACT)
            return found
        aliases = self._aliases_for(key, district)
        aliased = list({a.commune.pk: a.commune for a in aliases}.values())
        # Two communes of the same name: an alias may tell which one, never another commune.
        if len(aliased) == 1 and (not exact or aliased[0] in exact):
            alias = next(a for a in aliases if a.commune == aliased[0])
            found = CommuneMatch(aliased[0], ALIAS, alias=alias)
            if pick is not None and pick != aliased[0].pk:
                found.refused = self._refused_pick(value, aliased[0], ALIAS)
            return found
        near = spelling.closest(value, self.scope(district))
        found = CommuneMatch(
            candidates=_unique(exact + aliased + near),
            problem=self._problem(value, district, exact, near),
        )
        if len(aliased) > 1:
            found.problem += " " + _(
                "Tên này đã được chọn là tên gọi khác của %(count)s xã (%(communes)s); "
                "hãy chọn một."
            ) % {"count": len(aliased), "communes": self.describe(aliased)}
        if pick is None:
            return found
        picked = self.by_pk.get(pick)
        if picked is None:
            found.refused = _("xã đã chọn không có trong danh sách xã của chương trình.")
        elif district is not None and picked.district_id != district.pk:
            found.refused = _(
                "xã đã chọn (%(commune)s) không thuộc %(district)s, huyện ghi ở dòng này."
            ) % {"commune": self.describe([picked]), "district": district.name}
        else:
            found.commune, found.how, found.problem = picked, PICK, ""
        return found

    def _aliases_for(self, key, district):
        """The aliases of `key` a row of `district` may use.

        Typed under the same district, or under none for a commune of that district;
        a row without a district uses every alias of the spelling.
        """
        aliases = self._aliases.get(key, [])
        if district is None:
            return aliases
        return [
            a
            for a in aliases
            if a.district_id == district.pk
            or (a.district_id is None and a.commune.district_id == district.pk)
        ]

    def _problem(self, value, district, exact, near):
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
        if district is None:
            where = _("không có xã “%(value)s” trong danh sách xã của chương trình") % {
                "value": value
            }
        else:
            where = _("không có xã “%(value)s” ở %(district)s") % {
                "value": value,
                "district": district.name,
            }
            elsewhere = self._commune_keys.get(text.match_key(value), [])
            if elsewhere:
                where += _(" (có xã tên này ở %(communes)s: nếu đúng xã đó, hãy sửa huyện)") % {
                    "communes": ", ".join(c.district.name for c in elsewhere)
                }
        if near:
            return where + _("; gần giống: %(candidates)s.") % {"candidates": self.describe(near)}
        return where + _("; không có tên xã nào gần giống.")

    def _refused_pick(self, value, commune, how):
        return _(
            "tên “%(value)s” đã khớp %(how)s xã %(commune)s; không chọn xã khác cho dòng này."
        ) % {
            "value": value,
            "how": _("theo tên gọi khác") if how == ALIAS else _("đúng tên"),
            "commune": self.describe([commune]),
        }

    @staticmethod
    def describe(communes):
        return ", ".join(f"{c.name} ({c.district.name})" for c in communes)


def _unique(communes):
    return list({c.pk: c for c in communes}.values())
