"""How far a typed commune name is from a real one, the way Vietnamese names get misspelled.

Offices and the press type names that differ from the statistics office's list
by one letter or one mark: an initial s/x, d/r/gi, ch/tr or n/l swapped, a tone
changed on one syllable (à/ả, á/ạ, ầ/ẩ), a vowel mark dropped or added (ă/a,
ơ/o), y for i, a final n/ng or c/t. A plain edit distance ranks these badly
("Rền Sáng" is as far from "Dền Sáng" as from "Dền Thàng" letter by letter),
so names are compared syllable by syllable: each syllable is split into its
initial, rhyme and tone, and a known confusion costs less than any other
change. The ranking only offers candidates; the office always picks.
"""

import unicodedata
from functools import lru_cache

from communes import text

TONES = set(text.TONE_MARKS)
# Initials, longest first. "gi" and "qu" count as initials, as Vietnamese spelling has it.
INITIALS = (
    "ngh", "ng", "nh", "ch", "tr", "th", "kh", "ph", "gh", "gi", "qu",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
)  # fmt: skip
# Initials that sound alike (in Lào Cai's northern speech or by spelling rule): a swap
# between two of a class is the most common misspelling of a name.
SOUND_CLASS = {
    "s": "s", "x": "s",
    "d": "z", "gi": "z", "r": "z",
    "ch": "c", "tr": "c",
    "n": "n", "l": "n",
    "c": "k", "k": "k",
    "g": "g", "gh": "g",
    "ng": "ŋ", "ngh": "ŋ",
}  # fmt: skip
VOWELS = set("aăâeêioôơuưy")
# A final typed for another one: "Tẩng"/"Tẩn", "Lạc"/"Lạt", "Mỳ"/"Mì".
FINALS = (("nh", "n"), ("ng", "n"), ("ch", "t"), ("c", "t"))

SAME_CLASS, OTHER_INITIAL = 1, 3
MARK, TONE = 1, 1
NEAR_RHYME = 1
SYLLABLE = 5  # a syllable missing or added
LONGEST = 60  # characters; the longest commune names have about 25


def _split(word):
    """(initial, rhyme with its vowel marks, tone mark) of one syllable."""
    decomposed = unicodedata.normalize("NFD", word)
    tone = next((ch for ch in decomposed if ch in TONES), "")
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONES))
    initial = next((i for i in INITIALS if base.startswith(i)), "")
    if initial == "gi" and (len(base) == 2 or base[2] not in VOWELS):
        return "gi", "i" + base[2:], tone  # "gìn": the i belongs to the rhyme too
    return initial, base[len(initial) :], tone


def _plain(rhyme):
    """The rhyme without its vowel marks (ă, â, ê, ô, ơ, ư → a, a, e, o, o, u)."""
    return text.fold(rhyme)


def _near(rhyme):
    """The rhyme as it sounds: y as i, a final ng/nh as n, c/ch as t (vowel marks kept)."""
    heard = rhyme.replace("y", "i")
    for written, instead in FINALS:
        if heard.endswith(written) and len(heard) > len(written):
            return heard[: -len(written)] + instead
    return heard


@lru_cache(maxsize=20_000)
def syllables(name):
    """The syllables of a name (prefix "Xã" dropped, any case, NFC or NFD, hyphens as spaces)."""
    words = text.strip_prefix(text.clean(str(name).replace("-", " "))).split()
    return tuple(_split(word) for word in words)


def levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def syllable_cost(typed, real):
    (i1, r1, t1), (i2, r2, t2) = typed, real
    if i1 == i2:
        cost = 0
    elif i1 and SOUND_CLASS.get(i1, i1) == SOUND_CLASS.get(i2, i2):
        cost = SAME_CLASS
    else:
        cost = OTHER_INITIAL
    if r1 != r2:
        p1, p2 = _plain(r1), _plain(r2)
        if p1 == p2:
            cost += MARK
        elif _near(p1) == _near(p2):
            cost += NEAR_RHYME + (MARK if _near(r1) != _near(r2) else 0)
        else:
            letters = levenshtein(p1, p2)
            cost += 2 * letters + (MARK if levenshtein(r1, r2) > letters else 0)
    if t1 != t2:
        cost += TONE
    return cost


def distance(typed, real):
    """How far `typed` is from the name `real`: 0 for the same name, small for one slip.

    An edit distance over syllables: a syllable for another costs syllable_cost,
    one missing or added costs SYLLABLE. One swapped initial of a class, one
    changed tone or one dropped vowel mark costs 1.
    """
    a, b = syllables(typed), syllables(real)
    previous = [j * SYLLABLE for j in range(len(b) + 1)]
    for i, x in enumerate(a, start=1):
        current = [i * SYLLABLE]
        for j, y in enumerate(b, start=1):
            current.append(
                min(
                    previous[j] + SYLLABLE,
                    current[j - 1] + SYLLABLE,
                    previous[j - 1] + syllable_cost(x, y),
                )
            )
        previous = current
    by_syllable = previous[-1]
    # Syllables typed together or split apart ("Bảnvược"): the letters alone, a little dearer.
    joined = 2 * levenshtein(_letters(typed), _letters(real)) + 1
    return min(by_syllable, joined)


def _letters(name):
    return text.search_key(name, strip=True).replace(" ", "").replace("-", "")


def limit(typed):
    """The largest distance still offered as a candidate: about one slip per syllable."""
    return 2 + 2 * max(1, len(syllables(typed)))


def closest(typed, communes, *, count=3):
    """The communes whose names are near `typed`, closest first (at most `count`).

    Text longer than any commune's name (a note typed in the cell) has none: it is not
    compared letter by letter with every commune.
    """
    if len(str(typed)) > LONGEST:
        return []
    most = limit(typed)
    scored = []
    for commune in communes:
        cost = distance(typed, commune.name)
        if cost <= most:
            letters = levenshtein(text.match_key(typed), text.match_key(commune.name))
            scored.append((cost, letters, commune.sort_name, commune.code, commune))
    scored.sort(key=lambda item: item[:4])
    return [item[-1] for item in scored[:count]]
