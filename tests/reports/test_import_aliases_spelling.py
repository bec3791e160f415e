"""Candidates for a misspelled commune: the real commune comes first for every kind of slip.

The cases are made from the real names of the programme's communes: each name
with one initial swapped (s/x, d/r/gi, ch/tr, n/l), one tone changed, one
vowel mark dropped, one tone dropped or added. Spellings that are another real
name of the district are left out (those match exactly).
"""

import unicodedata
from collections import defaultdict

import pytest

from communes import text
from communes.models import Commune
from reports.imports import spelling
from reports.imports.reference import Reference

pytestmark = pytest.mark.django_db

SWAPS = {
    "gi": "d",
    "ch": "tr",
    "tr": "ch",
    "s": "x",
    "x": "s",
    "d": "r",
    "r": "d",
    "n": "l",
    "l": "n",
}
# grave ↔ hook, acute ↔ dot, tilde → hook: à/ả, á/ạ, ầ/ẩ, ẽ/ẻ
TONE_CHANGES = {"\u0300": "\u0309", "\u0309": "\u0300", "\u0301": "\u0323", "\u0323": "\u0301"}
TONE_CHANGES["\u0303"] = "\u0309"
VOWEL_MARKS = ("\u0306", "\u0302", "\u031b")  # ă, â ê ô, ơ ư


def _each_syllable(name, change):
    words = name.split(" ")
    for i, word in enumerate(words):
        for new in change(word):
            yield " ".join([*words[:i], new, *words[i + 1 :]])


def initial_swapped(name):
    def change(word):
        for old, new in SWAPS.items():
            if word.lower().startswith(old) and not word.lower().startswith(("ng", "nh")):
                yield (new.capitalize() if word[0].isupper() else new) + word[len(old) :]
                return

    return _each_syllable(name, change)


def tone_changed(name):
    def change(word):
        decomposed = unicodedata.normalize("NFD", word)
        for old, new in TONE_CHANGES.items():
            if old in decomposed:
                yield unicodedata.normalize("NFC", decomposed.replace(old, new))

    return _each_syllable(name, change)


def mark_dropped_or_added(name):
    def change(word):
        decomposed = unicodedata.normalize("NFD", word)
        for mark in VOWEL_MARKS:
            if mark in decomposed:
                yield unicodedata.normalize("NFC", decomposed.replace(mark, ""))
        toned = [ch for ch in decomposed if ch in text.TONE_MARKS]
        if toned:
            yield unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in toned))
        else:  # a grave accent on its first vowel
            at = next(i for i, ch in enumerate(decomposed) if ch.lower() in "aeiouy")
            yield unicodedata.normalize(
                "NFC", decomposed[: at + 1] + "\u0300" + decomposed[at + 1 :]
            )

    return _each_syllable(name, change)


@pytest.fixture(scope="module")
def districts(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        communes = Commune.objects.in_programme().select_related("district")
        by_district = defaultdict(list)
        for commune in communes:
            by_district[commune.district_id].append(commune)
        return dict(by_district)


def misspellings(districts, mistake):
    """(typed, the commune meant, its district's communes) for every commune it applies to."""
    for communes in districts.values():
        names = {text.match_key(c.name) for c in communes}
        for commune in communes:
            for typed in mistake(commune.name):
                if text.match_key(typed) not in names:
                    yield typed, commune, communes


@pytest.mark.parametrize(
    "mistake", [initial_swapped, tone_changed, mark_dropped_or_added], ids=lambda f: f.__name__
)
def test_the_commune_meant_is_the_first_candidate_in_its_district(districts, mistake):
    cases = list(misspellings(districts, mistake))
    assert len(cases) > 50
    wrong = [
        (typed, meant.name, [c.name for c in found])
        for typed, meant, communes in cases
        if meant not in first(typed, found := spelling.closest(typed, communes))
    ]
    assert wrong == []


def first(typed, found):
    """The candidates ranked first: the closest, and any exactly as close.

    A slip can make one spelling of two names of a district: "Minh Quan" is Minh Quán
    with its tone dropped and Minh Quân with its mark dropped (Huyện Trấn Yên). Both
    are then offered first, and the office picks.
    """
    if not found:
        return []
    best = spelling.distance(typed, found[0].name)
    tied = [c for c in found if spelling.distance(typed, c.name) == best]
    assert len(tied) <= 2, (typed, [c.name for c in tied])
    return tied


@pytest.mark.parametrize(
    "district, typed, meant, other",
    [
        ("Huyện Bát Xát", "Rền Sáng", "Dền Sáng", "Dền Thàng"),  # r for d, not the other Dền
        ("Huyện Bát Xát", "Xàng Ma Sáo", "Sàng Ma Sáo", None),  # x for s
        ("Huyện Văn Bàn", "Giương Quỳ", "Dương Quỳ", None),  # gi for d
        ("Thị xã Sa Pa", "Chung Chải", "Trung Chải", None),  # ch for tr
        ("Huyện Văn Bàn", "Triềng Ken", "Chiềng Ken", None),  # tr for ch
        ("Huyện Bát Xát", "Lậm Chạc", "Nậm Chạc", "Nậm Pung"),  # l for n
        ("Huyện Mường Khương", "Bản Lẩu", "Bản Lầu", "Bản Sen"),  # ẩ for ầ
        ("Huyện Bắc Hà", "Nậm Đẹt", "Nậm Đét", "Nậm Mòn"),  # ạ for á
        ("Thành phố Lào Cai", "Tà Phời", "Tả Phời", None),  # à for ả
        ("Huyện Bắc Hà", "Ta Cu Ty", "Tả Củ Tỷ", None),  # no diacritics at all
        ("Huyện Bát Xát", "Cốc Mì", "Cốc Mỳ", None),  # i for y
        ("Huyện Mường Khương", "La Pan Tẩng", "La Pan Tẩn", None),  # a final ng for n
        ("Huyện Bát Xát", "Bảnvược", "Bản Vược", "Bản Qua"),  # typed as one word
    ],
)
def test_each_kind_of_slip_puts_the_commune_first(district, typed, meant, other):
    reference = Reference()
    scope = reference.scope(next(d for d in reference.districts.values() if d.name == district))
    found = [c.name for c in spelling.closest(typed, scope)]
    assert found[0] == meant
    if other in found:
        assert spelling.distance(typed, meant) < spelling.distance(typed, other)


def test_a_name_far_from_every_commune_has_no_candidate():
    reference = Reference()
    assert spelling.closest("Hà Nội Mới", reference.scope(None)) == []
    # A note typed in the cell is not compared letter by letter with every commune.
    assert spelling.closest("Bản Vược " * 500, reference.scope(None)) == []


def test_the_distance_counts_one_slip_as_one():
    assert spelling.distance("Bản Vược", "xã  BẢN VƯỢC") == 0
    assert spelling.distance("Xuân Hoà", "Xuân Hòa") == 0  # old and new tone placement
    assert [
        spelling.distance(typed, "Sàng Ma Sáo") for typed in ("Xàng Ma Sáo", "Sàng Mà Sáo")
    ] == [
        1,
        1,
    ]
    assert spelling.distance("Tả Van", "Tả Van Chư") == spelling.SYLLABLE
