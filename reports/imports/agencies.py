"""The agencies the portal knows, as an annex row names them.

By name or short name (communes.text.match_key: case, tone marks, Unicode, spaces);
and "Sở Tư pháp tỉnh Lào Cai" is the known "Sở Tư pháp" (and the other way round)
when the name without the province of the file's units leaves exactly one agency. The same
rows give the KnownAgencies a title cell is split against (titles.py).
"""

from collections import defaultdict

from assignments.models import Agency
from communes import text

from .titles import KnownAgencies


class AgencyIndex:
    def __init__(self, reference):
        self.suffixes = province_suffixes(reference)
        self.by_key = defaultdict(list)
        self.by_bare_key = defaultdict(set)
        names = []
        for agency in Agency.objects.all():
            for name in {agency.name, agency.short_name} - {""}:
                key = text.match_key(name, strip=False)
                self.by_key[key].append(agency)
                self.by_bare_key[self.bare(key)].add(agency)
                names.append(name)
        self.known = KnownAgencies(names)

    def named(self, key):
        """The agencies whose name or short name has this match key."""
        return self.by_key.get(key, [])

    def without_province(self, key):
        """The one agency with this name once the province is left out, or None."""
        same = self.by_bare_key.get(self.bare(key), set())
        return next(iter(same)) if len(same) == 1 else None

    def bare(self, key):
        """A name's match key without the province it names at its end."""
        for suffix in self.suffixes:
            if key.endswith(" " + suffix) and len(key) > len(suffix) + 1:
                return key[: -len(suffix) - 1]
        return key


def province_suffixes(reference):
    """How a name ends with the province of the file's units: "tỉnh Lào Cai", "Lào Cai",
    "tỉnh". Only that province: "Sở Tài chính tỉnh Yên Bái" in an annex of the old Lào
    Cai is another province's agency."""
    names = {text.match_key(province.name) for province in reference.provinces}
    suffixes = {text.match_key(f"tỉnh {name}", strip=False) for name in names}
    suffixes |= {text.match_key(name, strip=False) for name in names}
    suffixes.add(text.match_key("tỉnh", strip=False))
    return sorted(suffixes, key=len, reverse=True)  # the longest first
