"""A 127-row annex typed the way offices type them, built from the demo data, with its truth.

    annex = build(seed=13)            # every kind of mess; build(mess={"merges"}): one kind
    annex.data          # the .xlsx bytes, ready for service.preview or annex.plan
    annex.truth         # one Expected per assignment row, in file order
    annex.misspelled    # {sheet row: Expected} of the rows whose commune is misspelled
    annex.expected(row) # the Expected of a sheet row

The rows are Decision 1599's 127 demo assignments (Tà Chải's, ended by its merger,
included): the real communes and districts, the demo's invented leaders. The file
has what a hand-typed annex has: a title block and a signature; district rows
in four styles ("I. HUYỆN BÁT XÁT", "Huyện Bát Xát", "BÁT XÁT", "1. Huyện Bát
Xát"); honorifics (Đ/c, Ông, Bà); names in capitals; decomposed Unicode (NFD);
old and new tone marks ("Hoà"/"Hòa"); doubled spaces; rows of one agency next
to each other with the agency cell merged over them (one run with a blank row
inside the merge); the position and the agency typed in one cell (the agency
cell empty, or merged with the position's); blank and total rows; both Thanh
Bình (Mường Khương and Sa Pa) told apart by their district rows only; and
six commune names misspelled off by one letter (s/x, d/r/gi, ch/tr) or one
tone mark (à/ả, á/ạ, ầ/ẩ). Each of these is one of MESS, and `mess` chooses
which the file has; without one, its cells are typed plainly ("Huyện Bát Xát"
district rows, one value per cell). The same seed and mess give the same sheet
and truth (the bytes differ by the moment openpyxl writes in them).

Every value of an Expected is the database's: a row "lands" when the plan's
commune (target["commune"].pk), leader, position and agency equal them.
"""

import io
import random
import unicodedata
from dataclasses import dataclass, field
from itertools import groupby

import openpyxl

from assignments.models import Assignment
from communes import text
from communes.models import Commune

DECISION = "1599/QĐ-UBND"
# The kinds of mess, each of which build() can put in the file or leave out.
MESS = frozenset(
    {
        "districts",  # district rows in four styles
        "honorifics",  # Đ/c, Ông, Bà before names
        "upper",  # names in capitals
        "nfd",  # decomposed Unicode
        "tones",  # the other tone-mark placement ("Hoà" for "Hòa")
        "spaces",  # doubled and trailing spaces
        "merges",  # same-agency rows together, the agency cell merged over them
        "titles",  # position and agency in one cell
        "blank_total",  # blank rows and "Cộng" / "Tổng cộng" rows
        "misspelled",  # six commune names off by one letter or tone mark
    }
)
HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Xã được phân công", "Ghi chú"]
NAME, POSITION, AGENCY, COMMUNE = 2, 3, 4, 5  # columns
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
# (new, old) tone-mark placements.
TONES = [("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("õa", "oã"), ("ọa", "oạ"), ("ủy", "uỷ"),
         ("úy", "uý"), ("ùy", "uỳ"), ("ụy", "uỵ"), ("òe", "oè"), ("óe", "oé")]  # fmt: skip
# The mistakes people make in a commune's name, one of each: an initial misheard
# (s/x, d/r/gi, ch/tr) or a tone mark moved on one syllable (à/ả, á/ạ, ầ/ẩ).
MISTAKES = (
    ("initial", (("s", "x"), ("x", "s"))),
    ("initial", (("gi", "d"), ("d", "gi"), ("r", "d"), ("d", "r"))),
    ("initial", (("ch", "tr"), ("tr", "ch"))),
    ("tone", (("à", "ả"), ("ả", "à"), ("è", "ẻ"), ("ì", "ỉ"), ("ò", "ỏ"), ("ù", "ủ"))),
    ("tone", (("á", "ạ"), ("ạ", "á"), ("é", "ẹ"), ("í", "ị"), ("ó", "ọ"), ("ú", "ụ"))),
    ("tone", (("ầ", "ẩ"), ("ẩ", "ầ"), ("ề", "ể"), ("ồ", "ổ"), ("ờ", "ở"), ("ừ", "ử"))),
)


@dataclass(frozen=True)
class Expected:
    row: int  # the sheet row, as Excel numbers it
    commune: int  # Commune pk
    commune_name: str
    district: str  # the District's name
    leader: str
    position: str
    agency: str  # the Agency's name
    typed_commune: str = ""  # the commune as typed, when it differs (misspelled rows)


@dataclass(frozen=True)
class OfficeAnnex:
    data: bytes
    truth: list
    misspelled: dict = field(default_factory=dict)

    def expected(self, row):
        return next(e for e in self.truth if e.row == row)


def build(seed=13, mess=MESS):
    """The annex of the demo decision's assignments as an office types it; see the module."""
    unknown = set(mess) - MESS
    if unknown:
        raise ValueError(f"Unknown kinds of mess: {sorted(unknown)}")
    return _Builder(random.Random(seed), frozenset(mess)).build()


def assignments():
    """The demo decision's assignments, district by district, as the annex lists them."""
    return list(
        Assignment.objects.filter(decision__number=DECISION)
        .select_related("leader__agency", "commune__district")
        .order_by("commune__district__code", "commune__sort_name")
    )


class _Builder:
    def __init__(self, rng, mess):
        self.rng = rng
        self.mess = mess
        self.rows = []  # the sheet's rows; row n is self.rows[n - 1]
        self.merges = []
        self.truth = []
        self.misspelled = {}
        keys = [(text.match_key(c.name), c.district_id) for c in Commune.objects.in_programme()]
        self.commune_keys = set(keys)

    def build(self):
        self.title_block()
        pairs = assignments()
        chosen = self.choose_misspelled(pairs) if "misspelled" in self.mess else {}
        stt = 0
        for number, (_district, group) in enumerate(
            groupby(pairs, key=lambda a: a.commune.district_id)
        ):
            group = self.by_agency(list(group))
            self.district_row(number, group[0].commune.district)
            for run in self.runs(group):
                stt = self.write_run(run, stt, chosen)
            if "blank_total" in self.mess and number % 3 == 1:
                self.append([None, f"Cộng: {len(group)} xã"])
            if "blank_total" in self.mess and number % 4 == 2:
                self.append([])
        if "blank_total" in self.mess:
            self.append(["Tổng cộng: 127 xã"])
        self.signature()
        return OfficeAnnex(self.save(), self.truth, self.misspelled)

    # --- the sheet around the table -----------------------------------------------------

    def title_block(self):
        self.append(["UBND TỈNH LÀO CAI", None, None, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
        self.append([None, None, None, "Độc lập – Tự do – Hạnh phúc"])
        self.append([])
        self.append(["PHỤ LỤC"], merge=6)
        self.append(["DANH SÁCH PHÂN CÔNG LÃNH ĐẠO CÁC CƠ QUAN, ĐƠN VỊ GIÚP ĐỠ CÁC XÃ"], merge=6)
        self.append(["(Kèm theo Quyết định số 1599/QĐ-UBND của UBND tỉnh Lào Cai)"], merge=6)
        self.append([])
        self.append(HEADER)
        self.append([f"({n})" for n in range(1, len(HEADER) + 1)])

    def district_row(self, number, district):
        kind, _sep, bare = district.name.partition(" ")
        if district.name.startswith(("Thành phố", "Thị xã")):
            kind, bare = " ".join(district.name.split()[:2]), " ".join(district.name.split()[2:])
        style = number % 4 if "districts" in self.mess else 1
        if style == 0:
            self.append([f"{ROMAN[number]}. {district.name.upper()}"], merge=6)
        elif style == 1:
            self.append([None, district.name])
        elif style == 2:
            self.append([None, bare.upper()], merge=6, first=2)
        else:
            self.append([f"{number + 1}. {kind} {bare}"])

    def signature(self):
        self.append([])
        self.append([None, None, None, "Lào Cai, ngày 15 tháng 3 năm 2021"])
        self.append([None, None, None, "TM. ỦY BAN NHÂN DÂN"])

    # --- rows of one district -----------------------------------------------------------

    def by_agency(self, group):
        """Half the districts list their communes by agency, as some offices do."""
        if "merges" not in self.mess or self.rng.random() < 0.5:
            return group
        return sorted(group, key=lambda a: (a.leader.agency.name, a.commune.sort_name))

    def runs(self, group):
        if "merges" not in self.mess:
            return [[assignment] for assignment in group]
        return [list(run) for _agency, run in groupby(group, key=lambda a: a.leader.agency_id)]

    def write_run(self, run, stt, chosen):
        merged = len(run) > 1
        first = len(self.rows) + 1
        for i, assignment in enumerate(run):
            blank = "blank_total" in self.mess and not self.blank_inside
            if merged and i == 1 and len(run) == 2 and blank:
                self.append([])  # a blank row inside the merged agency cell
                self.blank_inside = True
            stt += 1
            self.write_row(stt, assignment, chosen, agency=not merged or i == 0, merged=merged)
        if merged:
            self.merges.append(f"D{first}:D{len(self.rows)}")
        return stt

    blank_inside = False

    def write_row(self, stt, assignment, chosen, *, agency, merged):
        rng = self.rng
        leader, commune = assignment.leader, assignment.commune
        name = self.vary(leader.full_name, upper="upper" in self.mess and rng.random() < 0.15)
        if "honorifics" in self.mess and rng.random() < 0.3:
            name = ("Bà " if " Thị " in leader.full_name else rng.choice(["Đ/c ", "Ông "])) + name
        position = self.vary(leader.position)
        agency_cell = self.vary(leader.agency.name) if agency else None
        together = "titles" in self.mess and not merged and rng.random() < 0.2
        if together:
            typed = leader.agency.short_name if rng.random() < 0.3 else leader.agency.name
            position, agency_cell = self.vary(f"{leader.position} {typed}"), None
        typed_commune = chosen.get(assignment.pk, commune.name)
        row = [stt, name, position, agency_cell, self.vary(typed_commune)]
        self.append(row)
        number = len(self.rows)
        if together and rng.random() < 0.3:
            self.merges.append(f"C{number}:D{number}")  # one cell over both columns
        expected = Expected(
            row=number,
            commune=commune.pk,
            commune_name=commune.name,
            district=commune.district.name,
            leader=leader.full_name,
            position=leader.position,
            agency=leader.agency.name,
            typed_commune=typed_commune if assignment.pk in chosen else "",
        )
        self.truth.append(expected)
        if assignment.pk in chosen:
            self.misspelled[number] = expected

    def vary(self, value, upper=False):
        """`value` as typed: capitals, the other tone-mark placement, NFD, doubled spaces."""
        rng, mess = self.rng, self.mess
        if upper:
            value = value.upper()
        if "tones" in mess and rng.random() < 0.3:
            value = other_tones(value)
        if "spaces" in mess and rng.random() < 0.15:
            value = value.replace(" ", "  ", 1) + " "
        if "nfd" in mess and rng.random() < 0.15:
            value = unicodedata.normalize("NFD", value)
        return value

    # --- misspelled communes ------------------------------------------------------------

    def choose_misspelled(self, pairs):
        """{assignment pk: misspelled name}: one commune for each of the MISTAKES."""
        candidates = [a for a in pairs if a.commune.name != "Thanh Bình"]
        self.rng.shuffle(candidates)
        chosen = {}
        for kind, swaps in MISTAKES:
            for assignment in candidates:
                if assignment.pk in chosen:
                    continue
                wrong = misspell(assignment.commune.name, kind, swaps)
                key = (text.match_key(wrong or ""), assignment.commune.district_id)
                if wrong and key not in self.commune_keys:
                    chosen[assignment.pk] = wrong
                    break
        return chosen

    # --- writing ------------------------------------------------------------------------

    def append(self, values, merge=0, first=1):
        self.rows.append(list(values))
        if merge:
            number = len(self.rows)
            self.merges.append(f"{_letter(first)}{number}:{_letter(merge)}{number}")

    def save(self):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Phụ lục"
        for values in self.rows:
            sheet.append(values)
        for merged in self.merges:
            sheet.merge_cells(merged)
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()


def _letter(column):
    return openpyxl.utils.get_column_letter(column)


def other_tones(value):
    """ "Hòa" ↔ "Hoà", "Thủy" ↔ "Thuỷ": the other placement of the same tone mark."""
    for new, old in TONES:
        for a, b in ((new, old), (new.upper(), old.upper())):
            if a in value:
                return value.replace(a, b)
            if b in value:
                return value.replace(b, a)
    return value


def misspell(name, kind, swaps):
    """`name` with one initial (kind "initial") or one tone-marked vowel ("tone") swapped
    as `swaps` say; None when none applies."""
    words = name.split()
    for i, word in enumerate(words):
        for old, new in swaps:
            lower = word.lower()
            if kind == "initial" and lower.startswith(old):
                swapped = new + lower[len(old) :]
            elif kind == "tone" and old in lower:
                swapped = lower.replace(old, new, 1)
            else:
                continue
            words[i] = swapped[:1].upper() + swapped[1:] if word[:1].isupper() else swapped
            return " ".join(words)
    return None
