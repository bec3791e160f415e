"""A leader's whole title in one cell, split into the position and the agency.

Offices often type "Phó Giám đốc Sở Tư pháp" in the position column and leave
the agency column empty. :func:`split_title` finds where the agency begins:

1. At the longest known agency (an Agency's name or short name, compared by
   :func:`communes.text.match_key`) that ends the title, when what is left
   before it reads as a position: it starts with a position word
   (names.POSITION_WORDS: "Giám đốc", "Phó …", "Chủ tịch" …) and does not
   end with a connecting word ("và", "–").
2. Otherwise at the first word that starts an agency name (AGENCY_WORDS: "Sở",
   "Ban", "Văn phòng", "Công ty", "VNPT" …) where
   * something is left before it (the position),
   * that position is complete: "Chánh", "Phó Chánh", "Trưởng" and "Phó
     Trưởng" alone are not ("Chánh Văn phòng" is the head of a Văn phòng);
   * the agency carries no second title after a comma or dash ("Ủy viên Ban
     Thường vụ Tỉnh ủy, Giám đốc Sở Y tế": the agency is Sở Y tế).
   A word inside a longer agency word ("công ty" in "Tổng công ty", "cục" in
   "Chi cục") or inside a position phrase ("Hội đồng quản trị") starts nothing.
3. When the position would be incomplete, the agency word belongs to both,
   unless another agency starts right after it: "Chánh Văn phòng Sở Y tế"
   works for the Sở (rule 2 takes "Sở"), while "Chánh Văn phòng UBND tỉnh" is
   the position "Chánh Văn phòng" of the agency "Văn phòng UBND tỉnh" (UBND,
   Tỉnh ủy and the other BODIES own an office of their own), and "Trưởng Ban
   Dân tộc tỉnh" is "Trưởng Ban" of "Ban Dân tộc tỉnh". When the title repeats
   the word ("Phó Chánh Văn phòng Văn phòng UBND tỉnh") the second one starts
   the agency.

A title with no agency word ("Giám đốc"), or with nothing after it ("Giám đốc
Sở"; Tỉnh đoàn, VNPT and the like stand alone), is not split: the agency is missing.
"""

import re
from typing import NamedTuple

from assignments.models import Agency
from communes import text

from .names import looks_like_position

# Words that start an agency's name (compared by match key, so "Trường" is not
# "Trưởng"); the longest at a word wins: "Tổng công ty" over "Công ty".
AGENCY_WORDS = (
    "sở",
    "ban",
    "văn phòng",
    "thanh tra",
    "cục",
    "chi cục",
    "kho bạc",
    "bảo hiểm",
    "công an",
    "bộ chỉ huy",
    "bộ đội biên phòng",
    "báo",
    "đài",
    "trường",
    "công ty",
    "tổng công ty",
    "ngân hàng",
    "liên đoàn",
    "liên minh",
    "liên hiệp",
    "hội",
    "ủy ban",
    "ubnd",
    "ubmttq",
    "hđnd",
    "tỉnh đoàn",
    "đoàn",
    "tỉnh ủy",
    "đảng ủy",
    "mặt trận",
    "trung tâm",
    "viện",
    "bệnh viện",
    "tòa án",
    "quỹ",
    "điện lực",
    "chi nhánh",
    "tập đoàn",
    "bưu điện",
    "viễn thông",
    "vườn quốc gia",
    "hạt kiểm lâm",
    "viettel",
    "vnpt",
    "agribank",
    "vietcombank",
    "vietinbank",
    "bidv",
    "evn",
    # as offices shorten them
    "vp",
    "ttr",
    "bql",
    "bqlda",
    "bch",
    "bđbp",
    "ca",
    "bhxh",
    "kbnn",
    "cty",
    "nh",
    "nhcsxh",
    "nhnn",
    "hnd",
    "hlhpn",
    "hccb",
    "lđlđ",
    "mttq",
)
# Agency words that are a whole agency on their own ("Bí thư Tỉnh đoàn", "Giám đốc
# VNPT"); any other needs a word after it ("Sở" alone names no agency).
STANDALONE = ("tỉnh đoàn", "tỉnh ủy", "huyện ủy", "thành ủy", "viettel", "vnpt", "agribank",
              "vietcombank", "vietinbank", "bidv", "evn", "bhxh", "kbnn")  # fmt: skip
# Bodies whose office or board is an agency of its own: "Chánh Văn phòng UBND tỉnh"
# heads the Văn phòng UBND tỉnh, while "Chánh Văn phòng Sở Y tế" works for the Sở.
BODIES = (
    "ubnd",
    "ủy ban nhân dân",
    "hđnd",
    "hội đồng nhân dân",
    "tỉnh ủy",
    "huyện ủy",
    "thành ủy",
    "đảng ủy",
    "ubmttq",
    "đoàn đbqh",
    "đoàn đại biểu quốc hội",
)
# Position phrases that begin with an agency word: never the start of the agency.
POSITION_PHRASES = (
    "hội đồng quản trị",
    "hội đồng thành viên",
    "ban thường vụ",
    "ban chấp hành",
    "ban giám đốc",
    "ban giám hiệu",
)
# A position that needs the next word to be whole (accent-free): "Chánh" of what?
_INCOMPLETE = re.compile(r"^(?:(?:q|quyen|pho)\s+)*(?:chanh|truong|pho|tong)$")
_CONNECTORS = {"va", "-", "–", "—", "&", "cua", "thuoc"}
_SECOND_TITLE = re.compile(r"\s*[,;]\s*|\s+[–—-]\s+")
_PUNCTUATION = ".,;:()"


def _phrases(values):
    return tuple(text.match_key(value, strip=False).split() for value in values)


_AGENCY_WORDS = _phrases(AGENCY_WORDS)
_STANDALONE = _phrases(STANDALONE)
_BODIES = _phrases(BODIES)
_POSITION_PHRASES = _phrases(POSITION_PHRASES)


class Title(NamedTuple):
    position: str
    agency: str


def _key(word):
    """A word's match key without punctuation around it ("Sở," → "sở")."""
    return text.match_key(word.strip(_PUNCTUATION), strip=False)


def _keys(words):
    return [_key(word) for word in words]


def _folded(value):
    return " ".join(text.fold(word).strip(_PUNCTUATION) for word in value.split())


def _starts(keys, index, phrases):
    """How many words the longest of `phrases` spelt from `index` has; 0 for none."""
    best = 0
    for words in phrases:
        if len(words) > best and keys[index : index + len(words)] == words:
            best = len(words)
    return best


class Start(NamedTuple):
    index: int
    length: int
    body: bool  # UBND, Tỉnh ủy …: see BODIES


def agency_starts(words):
    """The Starts of agency words in `words`, in order, none inside another."""
    keys = _keys(words)
    found, covered = [], 0
    for index in range(len(words)):
        if index < covered:
            continue
        protected = _starts(keys, index, _POSITION_PHRASES)
        length = _starts(keys, index, _AGENCY_WORDS)
        body = _starts(keys, index, _BODIES)
        if protected and protected >= max(length, body):
            covered = index + protected
            continue
        if length or body:
            found.append(Start(index, max(length, body), bool(body)))
            covered = index + max(length, body)
    return found


def is_complete(position):
    """A position that stands alone: not "Chánh", "Phó Trưởng" and the like."""
    key = _folded(position)
    return bool(key) and not _INCOMPLETE.match(key)


def _has_second_title(agency):
    parts = _SECOND_TITLE.split(agency)
    return any(looks_like_position(part) for part in parts[1:] if part)


def _agency(words):
    value = " ".join(words)
    return value[:1].upper() + value[1:]


def _join(words):
    return " ".join(words).strip(" ,;–-")


def split_title(value, known=None):
    """Title(position, agency) of "Phó Giám đốc Sở Tư pháp"; None when it names no agency.

    `known` is a KnownAgencies (rule 1), or None to use the agency words only.
    """
    words = value.split()
    if len(words) < 2:
        return None
    if known is not None:
        found = known.at_end(words)
        if found is not None:
            return found
    starts = agency_starts(words)
    for number, start in enumerate(starts):
        position = _join(words[: start.index])
        agency = words[start.index :]
        if not position or _has_second_title(" ".join(agency)):
            continue
        if len(agency) == start.length and not _starts(_keys(agency), 0, _STANDALONE):
            continue  # "Giám đốc Sở": the agency word alone names no agency
        if is_complete(position):
            return Title(position, _agency(agency))
        after = starts[number + 1] if number + 1 < len(starts) else None
        if after and after.index == start.index + start.length:
            again = _keys(words[after.index : after.index + start.length]) == _keys(
                words[start.index : after.index]
            )
            if again or not after.body:
                continue  # "Phó Chánh Văn phòng Văn phòng …", "Chánh Văn phòng Sở Y tế"
        # "Chánh Văn phòng UBND tỉnh": the word belongs to the position and the agency.
        return Title(_join(words[: start.index + start.length]), _agency(agency))
    return None


class KnownAgencies:
    """The agencies the portal knows, by the match key of their name and short name."""

    def __init__(self, names):
        self.keys = {}
        for name in names:
            if name and name.strip():
                self.keys.setdefault(text.match_key(name, strip=False), name)
        self.longest = max((len(key.split()) for key in self.keys), default=0)

    @classmethod
    def load(cls):
        names = []
        for name, short in Agency.objects.values_list("name", "short_name"):
            names += [name, short]
        return cls(names)

    def at_end(self, words):
        """Title(position, agency) where the longest known agency ends `words`; or None."""
        for size in range(min(self.longest, len(words) - 1), 0, -1):
            key = text.match_key(" ".join(words[-size:]), strip=False)
            if key not in self.keys:
                continue
            position = _join(words[:-size])
            if _folded(words[-size - 1]) in _CONNECTORS or not looks_like_position(position):
                continue
            if not is_complete(position):
                position = _join(words[: len(words) - size + _lead(words[-size:])])
            return Title(position, _agency(words[-size:]))
        return None


def _lead(agency_words):
    """How many words of the agency's start are an agency word ("Văn phòng": 2), at least 1."""
    starts = agency_starts(agency_words)
    return starts[0].length if starts and starts[0].index == 0 else 1
