"""The communes the office picks in an annex preview, and the aliases they leave behind.

A row whose commune name matched no commune of its district (or two) waits for
a pick: in the preview's form (one select per row, `xa-<row>` = commune id) or
with `import_excel --choose ROW=CODE`. On confirm, each pick is remembered as
an alias of the commune picked (CommuneAlias: the spelling as typed, its match
key, the district it was typed under, who, when, which import), in the same
transaction as the import, so the next file with the same spelling matches by
itself.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communes import text

from ..models import CommuneAlias
from .reference import Option

FIELD = "xa-"


class PickError(ValueError):
    """Picks that cannot be taken; nothing was written. `problems`: one sentence each."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


def from_post(data):
    """{row: commune id} of the selects `xa-<row>` the office filled in; PickError if garbled."""
    picks, garbled = {}, []
    for name, value in data.items():
        if not name.startswith(FIELD) or not value:
            continue
        row, value = name[len(FIELD) :], data.get(name).strip()
        if not (row.isdecimal() and len(row) < 8 and value.isdecimal() and len(value) < 12):
            garbled.append(name)
            continue
        picks[int(row)] = int(value)
    if garbled:
        raise PickError([_("Lựa chọn xã không hợp lệ; hãy tải lại trang xem trước.")])
    return picks


def from_codes(choices, reference):
    """{row: commune id} of `--choose ROW=CODE` options (GSO codes); PickError if not usable."""
    picks, problems = {}, []
    by_code = {}
    for commune in reference.communes:
        by_code.setdefault(commune.code, []).append(commune)
    for choice in choices:
        row, sep, code = choice.partition("=")
        row, code = row.strip(), code.strip()
        if not sep or not row.isdecimal() or not code:
            problems.append(
                _("--choose “%(value)s”: hãy ghi DÒNG=MÃ_XÃ, ví dụ --choose 12=02656.")
                % {"value": choice}
            )
            continue
        found = by_code.get(code, [])
        if len(found) != 1:
            problems.append(
                _(
                    "--choose %(value)s: không có xã mã %(code)s trong danh sách xã "
                    "của chương trình."
                )
                % {"value": choice, "code": code}
            )
            continue
        if int(row) in picks and picks[int(row)] != found[0].pk:
            problems.append(_("--choose: dòng %(row)s được chọn hai xã khác nhau.") % {"row": row})
            continue
        picks[int(row)] = found[0].pk
    if problems:
        raise PickError(problems)
    return picks


def options(reference, district, candidates, province=None):
    """[(label, [reference.Option])] a row's select offers: the closest names, then the rest
    of its scope.

    The scope is the row's district, else the old province a heading names, else the
    whole file's (one group per district on the old map, one group on today's).
    """

    def option(commune):
        return Option(commune.pk, reference.label(commune, place=district is None))

    groups = [(_("Gần giống nhất"), [option(c) for c in candidates])] if candidates else []
    offered = {c.pk for c in candidates}
    rest = [c for c in reference.scope(district, province) if c.pk not in offered]
    if district is not None:
        label = _("Các xã khác của %(district)s") % {"district": district.name}
        groups.append((label, [option(c) for c in rest]))
        return groups
    if reference.is_current:
        groups.append((_("Các đơn vị khác"), [option(c) for c in rest]))
        return groups
    by_district = {}
    for commune in rest:
        by_district.setdefault(reference.place(commune), []).append(option(commune))
    groups.extend(by_district.items())
    return groups


def errors_message(result):
    """Why a confirm was refused: rows still waiting for a pick, and rows to fix in the file."""
    unpicked = result.rows_to_pick
    others = [row for row in result.error_rows if row not in unpicked]
    parts = []
    if unpicked:
        parts.append(
            ngettext(
                "dòng %(rows)s chưa chọn xã",
                "các dòng %(rows)s chưa chọn xã",
                len(unpicked),
            )
            % {"rows": _rows(unpicked)}
        )
    if others:
        parts.append(
            ngettext(
                "dòng %(rows)s có lỗi cần sửa trong tệp rồi tải lên lại",
                "các dòng %(rows)s có lỗi cần sửa trong tệp rồi tải lên lại",
                len(others),
            )
            % {"rows": _rows(others)}
        )
    return _("Chưa ghi gì: %(problems)s.") % {"problems": "; ".join(parts)}


def _rows(rows):
    shown = ", ".join(map(str, rows[:20]))
    return shown + (" …" if len(rows) > 20 else "")


def remember_picks(result, batch, user):
    """Save each pick of the applied plan as an alias of the commune picked.

    The same spelling under the same district picked again replaces the earlier alias.
    """
    now = timezone.now()
    for row in result.rows:
        picked = row.target.get("alias")
        if picked is None:
            continue
        spelling, district, commune = picked
        CommuneAlias.objects.update_or_create(
            key=text.match_key(spelling)[:255],
            district=district,
            defaults={
                "spelling": spelling[:255],
                "commune": commune,
                "created_by": user,
                "created_at": now,
                "batch": batch,
            },
        )
