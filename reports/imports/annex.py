"""The decision's annex: match its rows to the database and plan the changes.

An annex names the units of its day (scope.py): before 01/07/2025 the xã of the
old map, of the decision's old province; from that day the units of today, where
the name of a unit that has ceased is refused, naming its successor. Communes are
matched by reference.py within the row's district: exactly, or by an alias the
office picked before. A name that matches nothing, or two communes, is a row error
with the closest candidates, never a guess, until the office picks the commune for
that row (`picks`). Agencies are found by name or short name,
leaders by name within their agency, or planned as new; a commune's present leader named
under another agency is that leader with the agency corrected, not a second leader. The
pairs in force are those of the decision's whole family (the original decision and its
amendments); each new pair gets the day it takes effect from the upload's terms (terms.py).
"""

from collections import defaultdict

from django.utils.translation import gettext as _

from assignments.models import Agency, Assignment, Leader
from assignments.services.succession import decision_family, family_root
from communes import text
from core.formats import day

from .agencies import AgencyIndex
from .annex_layout import read_rows
from .files import ImportFileError
from .names import without_agency
from .picks import PickError
from .plan import CREATE, UNCHANGED, UPDATE, CommuneChoice, Plan, PlanRow
from .reference import ALIAS, PICK
from .scope import annex_reference
from .terms import resolve

NAME_LENGTH = Leader._meta.get_field("full_name").max_length
POSITION_LENGTH = Leader._meta.get_field("position").max_length
AGENCY_LENGTH = Agency._meta.get_field("name").max_length


def plan(grids, decision, reference=None, terms=None, picks=None):
    """What importing these sheets into `decision` would do, row by row.

    `terms` (terms.AnnexTerms) say which decision the file is and from when its
    pairs take effect; by default the decision's own annex, effective today.
    `picks` ({row: commune id}) are the communes the office chose for rows whose
    name matched none or two; PickError when one cannot be taken.
    """
    terms = terms or resolve(decision)
    reference = reference or annex_reference(decision, terms)
    agencies = AgencyIndex(reference)
    raws = read_rows(grids, reference, agencies.known)
    if not raws:
        raise ImportFileError(
            _(
                "Tệp không có dòng phân công nào dưới dòng tiêu đề "
                "(Họ và tên, Chức vụ, Cơ quan, Xã)."
            )
        )
    matcher = _Matcher(decision, reference, agencies, terms, picks or {})
    result = Plan(kind="annex", extra=matcher.extra, reference=reference)
    for raw in raws:
        result.rows.append(matcher.row(raw))
    strays = sorted(set(matcher.picks) - {row.row for row in result.rows})
    if strays:
        matcher.refused.append(
            _("Không có dòng phân công số %(rows)s trong tệp.")
            % {"rows": ", ".join(map(str, strays))}
        )
    if matcher.refused:
        raise PickError(matcher.refused)
    return result


class _Matcher:
    def __init__(self, decision, reference, agencies, terms, picks):
        self.decision = decision
        self.reference = reference
        self.terms = terms
        self.picks = picks
        self.refused = []  # picks that cannot be taken
        self.agencies = agencies
        self.leaders = defaultdict(list)
        for leader in Leader.objects.select_related("agency"):
            self.leaders[(leader.agency_id, text.match_key(leader.full_name, strip=False))].append(
                leader
            )
        family = decision_family(family_root(decision))
        assignments = Assignment.objects.filter(decision__in=family).select_related(
            "leader__agency", "commune"
        )
        self.active = {}
        self.ended = {}
        # On today's map: the pairs still in force on the old units that became each unit.
        self.active_before = defaultdict(list)
        self.doubled = set()  # communes with two pairs in force: never guess which one goes
        for assignment in assignments.order_by("ended_on", "pk"):
            if assignment.ended_on is None:
                if assignment.commune_id in self.active:
                    self.doubled.add(assignment.commune_id)
                self.active[assignment.commune_id] = assignment
                if assignment.commune.has_ceased:
                    self.active_before[assignment.commune.current_unit_id].append(assignment)
            else:
                self.ended[assignment.commune_id] = assignment  # the latest wins
        self.seen_communes = {}
        # Rows that share a new agency or leader share one object, created once;
        # "positions" holds {id(leader): (leader, new position)}, "agencies" {id(leader):
        # (leader, the agency the file gives them)}: corrections of known leaders.
        self.extra = {"new_agencies": {}, "new_leaders": {}, "positions": {}, "agencies": {}}
        self.position_rows = {}
        self.moved = {}  # (id(agency), name key): a known leader the file puts in that agency

    def row(self, raw):
        result = PlanRow(
            row=raw.row,
            district=raw.district.name if raw.district else raw.district_text,
            commune=raw.commune,
            leader=raw.name,
            position=raw.position,
            agency=raw.agency,
            split_from=raw.split_from,
        )
        if raw.error:
            result.fail(raw.error)
            return result
        missing = [
            label
            for label, value in (
                (_("họ và tên"), raw.name),
                (_("cơ quan"), raw.agency),
                (_("xã"), raw.commune),
            )
            if not value
        ]
        if missing:
            result.fail(
                _("Dòng %(row)s: thiếu %(fields)s.")
                % {"row": raw.row, "fields": ", ".join(missing)}
            )
            return result
        too_long = [
            _("%(field)s dài quá %(limit)s ký tự") % {"field": label, "limit": limit}
            for label, value, limit in (
                (_("Họ và tên"), raw.name, NAME_LENGTH),
                (_("Chức vụ"), raw.position, POSITION_LENGTH),
                (_("Cơ quan"), raw.agency, AGENCY_LENGTH),
            )
            if len(value) > limit
        ]
        if too_long:
            result.fail(
                _("Dòng %(row)s: %(problems)s.") % {"row": raw.row, "problems": "; ".join(too_long)}
            )
            return result
        commune = self.commune(raw, result)
        if commune is None:
            return result
        result.commune = self.reference.label(commune, place=False)  # "Xã Bắc Hà" from 2025
        if commune.district_id is not None:
            result.district = commune.district.name
        if commune.pk in self.seen_communes:
            result.fail(
                _("Dòng %(row)s: xã %(commune)s đã có ở dòng %(first)s; mỗi xã chỉ một dòng.")
                % {"row": raw.row, "commune": commune.name, "first": self.seen_communes[commune.pk]}
            )
            return result
        self.seen_communes[commune.pk] = raw.row
        agency = self.agency(raw.agency, result)
        if agency is None:
            return result
        position = without_agency(raw.position, {raw.agency, agency.name, agency.short_name})
        leader = self.leader(agency, raw.name, position, result, commune)
        if leader is None:
            return result
        result.position = self.extra["positions"].get(id(leader), (leader, leader.position))[1]
        result.agency = agency.name
        result.leader = leader.full_name
        result.target.update(commune=commune, leader=leader)
        self.decide(result, commune, leader)
        return result

    def commune(self, raw, result):
        """The row's commune: matched, by alias, or picked by the office; else a row error."""
        found = self.reference.match(
            raw.commune, raw.district, self.picks.get(raw.row), province=raw.province
        )
        if found.refused:
            self.refused.append(
                _("Dòng %(row)s: %(problem)s") % {"row": raw.row, "problem": found.refused}
            )
        # On today's map the old district a row is under is orientation, not where it is.
        if self.reference.is_current:
            district = province = None
        else:
            district, province = raw.district, None if raw.district else raw.province
        if found.how in (PICK, "") and not found.in_file:
            result.choice = CommuneChoice(
                typed=raw.commune,
                district=district,
                province=province,
                candidates=found.candidates,
                picked=found.commune,
            )
        if found.commune is None:
            result.fail(_("Dòng %(row)s: %(problem)s") % {"row": raw.row, "problem": found.problem})
            return None
        if found.how == ALIAS:
            result.matched_by = ALIAS
            result.notes.append(
                _("khớp theo tên gọi khác đã chọn trước: “%(typed)s” là xã %(commune)s")
                % {"typed": raw.commune, "commune": found.commune.name}
            )
        elif found.how == PICK:
            result.matched_by = PICK
            result.notes.append(
                _("xã đã chọn: “%(typed)s” là xã %(commune)s (ghi nhớ cho các lần nhập sau)")
                % {"typed": raw.commune, "commune": found.commune.name}
            )
            result.target["alias"] = (raw.commune, district, found.commune)
        return found.commune

    def agency(self, typed, result):
        key = text.match_key(typed, strip=False)
        found = self.agencies.named(key)
        if len(found) > 1:
            result.fail(
                _("Dòng %(row)s: “%(value)s” trùng tên viết tắt của %(count)s cơ quan: %(names)s.")
                % {
                    "row": result.row,
                    "value": typed,
                    "count": len(found),
                    "names": ", ".join(a.name for a in found),
                }
            )
            return None
        if found:
            return found[0]
        if (agency := self.agencies.without_province(key)) is not None:
            result.notes.append(
                _("cơ quan “%(typed)s” là %(name)s (cùng tên, không kèm tên tỉnh)")
                % {"typed": typed, "name": agency.name}
            )
            return agency
        new = self.extra["new_agencies"].get(key)
        if new is None:
            new = Agency(name=typed)
            self.extra["new_agencies"][key] = new
        result.notes.append(_("cơ quan mới"))
        return new

    def leader(self, agency, name, position, result, commune=None):
        key = (id(agency), text.match_key(name, strip=False))
        found = self.leaders.get((agency.pk, key[1]), []) if agency.pk else []
        if len(found) > 1:
            result.fail(
                _("Dòng %(row)s: %(agency)s có %(count)s lãnh đạo trùng tên %(name)s.")
                % {"row": result.row, "agency": agency.name, "count": len(found), "name": name}
            )
            return None
        leader = found[0] if found else self.extra["new_leaders"].get(key) or self.moved.get(key)
        if leader is None and commune is not None:
            leader = self.corrected(commune, agency, key, result)
            if result.errors:
                return None
        elif leader is not None and not self.same_agency(leader, agency, result):
            return None
        if leader is None:
            if not position:
                result.fail(
                    _("Dòng %(row)s: thiếu chức vụ của lãnh đạo %(name)s.")
                    % {"row": result.row, "name": name}
                )
                return None
            leader = Leader(full_name=name, position=position, agency=agency)
            self.extra["new_leaders"][key] = leader
            result.notes.append(_("lãnh đạo mới"))
            self.position_rows[id(leader)] = result.row
            return leader
        planned = self.extra["positions"].get(id(leader), (leader, leader.position))[1]
        if position and text.match_key(position, strip=False) != text.match_key(
            planned, strip=False
        ):
            if id(leader) in self.position_rows:
                result.fail(
                    _(
                        "Dòng %(row)s: lãnh đạo %(name)s ghi chức vụ “%(position)s”, khác với "
                        "dòng %(first)s (“%(planned)s”)."
                    )
                    % {
                        "row": result.row,
                        "name": name,
                        "position": position,
                        "first": self.position_rows[id(leader)],
                        "planned": planned,
                    }
                )
                return None
            self.extra["positions"][id(leader)] = (leader, position)
            result.notes.append(
                _("chức vụ: %(old)s → %(new)s") % {"old": leader.position, "new": position}
            )
        self.position_rows.setdefault(id(leader), result.row)
        return leader

    def corrected(self, commune, agency, key, result):
        """The leader of the commune's pair in force when the row names them under another
        agency (whose own leaders have no one of that name): the same person, their agency
        corrected, rather than a second leader of the same name and a new pair."""
        current = self.active.get(commune.pk)
        if current is None or commune.pk in self.doubled:
            return None
        known = self.leaders.get((current.leader.agency_id, key[1]), [])
        leader = next((each for each in known if each.pk == current.leader_id), None)
        if leader is None or not self.same_agency(leader, agency, result):
            return None
        self.extra["agencies"][id(leader)] = (leader, agency)
        self.moved[key] = leader
        result.notes.append(
            _("cơ quan của lãnh đạo: %(old)s → %(new)s")
            % {"old": leader.agency.name, "new": agency.name}
        )
        return leader

    def same_agency(self, leader, agency, result):
        """False (a row error) when an earlier row gave this leader another agency."""
        planned = self.extra["agencies"].get(id(leader), (leader, leader.agency))[1]
        first = self.position_rows.get(id(leader))
        if first is None or planned is agency or (agency.pk and planned.pk == agency.pk):
            return True
        result.fail(
            _(
                "Dòng %(row)s: lãnh đạo %(name)s ghi cơ quan “%(agency)s”, khác với dòng "
                "%(first)s (“%(planned)s”)."
            )
            % {
                "row": result.row,
                "name": leader.full_name,
                "agency": agency.name,
                "first": first,
                "planned": planned.name,
            }
        )
        return False

    def decide(self, result, commune, leader):
        corrected = self.extra["positions"].keys() | self.extra["agencies"].keys()
        position_changes = id(leader) in corrected
        current = self.active.get(commune.pk)
        if current is not None:
            if commune.pk in self.doubled:
                result.fail(
                    _(
                        "Dòng %(row)s: xã %(commune)s có hơn một phân công đang hiệu lực theo "
                        "quyết định này và các quyết định sửa đổi; hãy kiểm tra lại."
                    )
                    % {"row": result.row, "commune": commune.name}
                )
                return
            if current.leader_id == leader.pk and leader.pk and not position_changes:
                result.action = UNCHANGED
                return
            start = self.terms.effective_on
            if start <= current.started_on:
                self.too_early(
                    result,
                    _("phân công hiện tại của xã %(commune)s bắt đầu từ %(day)s")
                    % {"commune": commune.name, "day": day(current.started_on)},
                )
                return
            result.action = UPDATE
            result.previous = (
                f"{current.leader.full_name}, {current.leader.position} – "
                f"{current.leader.agency.name}"
            )
            result.target["current"] = current
            result.starts = start
            return
        ended = self.ended.get(commune.pk)
        if ended is not None and ended.leader_id == leader.pk and not position_changes:
            result.action = UNCHANGED
            result.notes.append(
                _("phân công đã kết thúc ngày %(day)s; không mở lại") % {"day": day(ended.ended_on)}
            )
            return
        if ended is not None and ended.end_reason == Assignment.EndReason.MERGED:
            result.fail(
                _(
                    "Dòng %(row)s: xã %(commune)s đã sáp nhập (phân công kết thúc ngày "
                    "%(day)s); không thể phân công mới."
                )
                % {"row": result.row, "commune": commune.name, "day": day(ended.ended_on)}
            )
            return
        start = self.terms.new_pair_start(self.decision, ended and ended.ended_on)
        if start is None:
            self.too_early(
                result,
                _("phân công trước của xã %(commune)s kéo dài đến hết ngày %(day)s")
                % {"commune": commune.name, "day": day(ended.ended_on)},
            )
            return
        result.action = CREATE
        result.starts = start
        before = self.active_before.get(commune.pk)
        if before:
            result.notes.append(
                _(
                    "các xã cũ nay thuộc %(unit)s còn phân công đang hiệu lực (%(pairs)s): "
                    "nhập phụ lục không kết thúc các phân công đó; hãy chuyển tiếp hoặc kết "
                    "thúc chúng."
                )
                % {
                    "unit": commune.name,
                    "pairs": "; ".join(
                        f"{a.commune.name}: {a.leader.full_name}"
                        for a in sorted(before, key=lambda a: a.commune.sort_name)
                    ),
                }
            )

    def too_early(self, result, what):
        result.fail(
            _(
                "Dòng %(row)s: %(what)s; cặp mới phải có hiệu lực sau ngày đó (đang chọn "
                "%(effective)s). Hãy chọn ngày hiệu lực muộn hơn."
            )
            % {"row": result.row, "what": what, "effective": day(self.terms.effective_on)}
        )
