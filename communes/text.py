"""The one Vietnamese text normaliser, for search and for matching names.

Sources spell the same name differently: composed or decomposed Unicode
(NFC/NFD), old or new tone-mark placement ("Hoà"/"Hòa", "Thuỷ"/"Thủy"), with or
without an administrative prefix ("Xã ", "Huyện "), upper or lower case,
doubled spaces. Two keys absorb those differences:

* ``match_key`` keeps every letter and tone, only moving the tone mark to the
  end of its syllable ("hoà" and "hòa" both become "hoa`"). Two names with
  equal match keys are the same name; different tones or letters stay
  different, so "Tả Van" never matches "Tả Van Chư" or "Tà Van".
* ``search_key`` folds every accent away (and đ to d), for typing without
  diacritics: "ban vuoc" finds "Bản Vược". It may equate different names, so
  it is for search, never for deciding that two names are the same.
"""

import re
import unicodedata

# Combining tone marks: grave, acute, tilde, hook above, dot below.
TONE_MARKS = {"\u0300": "`", "\u0301": "'", "\u0303": "~", "\u0309": "?", "\u0323": "."}

# Whole-word administrative prefixes, longest first so "thị xã" wins over "xã".
ADMIN_PREFIXES = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "tp.",
    "tx.",
    "tt.",
    "xã",
)

_SPACES = re.compile(r"\s+")


def clean(text):
    """NFC, trimmed, single spaces, case folded: the base of both keys."""
    text = unicodedata.normalize("NFC", str(text or ""))
    return _SPACES.sub(" ", text).strip().casefold()


def strip_prefix(text):
    """Drop one leading administrative prefix ("xã", "huyện", …) from cleaned text.

    Only a whole word followed by a name is dropped: "xã" alone stays.
    """
    for prefix in ADMIN_PREFIXES:
        if text.startswith(prefix + " ") and len(text) > len(prefix) + 1:
            return text[len(prefix) + 1 :].lstrip()
    # "TP Lào Cai", "TX Sa Pa" without the dot.
    for short in ("tp", "tx", "tt"):
        if text.startswith(short + " "):
            return text[len(short) + 1 :]
    return text


def _tone_last(word):
    decomposed = unicodedata.normalize("NFD", word)
    tones = [TONE_MARKS[ch] for ch in decomposed if ch in TONE_MARKS]
    base = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return unicodedata.normalize("NFC", base) + "".join(tones)


def match_key(text, *, strip=True):
    """Key under which spelling variants of one name are equal."""
    text = clean(text)
    if strip:
        text = strip_prefix(text)
    return " ".join(_tone_last(word) for word in text.split(" ") if word)


def fold(text):
    """Remove every diacritic (đ → d), case-fold and collapse spaces."""
    text = clean(text).replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_key(text, *, strip=False):
    """Accent-free key for search ("ban vuoc" finds "Bản Vược")."""
    text = clean(text)
    if strip:
        text = strip_prefix(text)
    return fold(text)


# The Vietnamese alphabet in dictionary order; tones compare only when the
# letters are equal, in the order ngang, huyền, hỏi, ngã, sắc, nặng.
VIETNAMESE_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy" + "fjwz"
_TONE_ORDER = {"": "0", "\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_LETTER_CODE = {ch: f"{i + 2:02d}" for i, ch in enumerate(VIETNAMESE_ALPHABET)}
_LETTER_CODE.update({str(d): f"{60 + d:02d}" for d in range(10)})


def sort_key(text):
    """A digits-only key whose plain string order is Vietnamese dictionary order.

    Letters become two-digit codes in alphabet order (so ă, â, đ, ê, ô, ơ, ư sit
    after a, a, d, e, o, o, u rather than after z), a space becomes "01" (so
    "An Bình" sorts before "Anh"), the letters end with "00", and the tones of
    each syllable follow, deciding only between otherwise equal names. Digits
    only, so SQLite's binary order and any PostgreSQL collation agree.
    """
    primary, tones = [], []
    for word in clean(text).split(" "):
        if not word:
            continue
        if primary:
            primary.append("01")
        decomposed = unicodedata.normalize("NFD", word)
        tone = next((ch for ch in decomposed if ch in _TONE_ORDER and ch), "")
        tones.append(_TONE_ORDER[tone])
        base = unicodedata.normalize(
            "NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS)
        )
        primary.extend(_LETTER_CODE.get(ch, "99") for ch in base)
    return "".join(primary) + "00" + "".join(tones)
