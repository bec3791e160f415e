"""Recording a commune's results for one year: per indicator (2026+) and per criterion.

``record()`` is the one writer the results page calls (and any later path: an import,
the API). It writes in one transaction or not at all:

* the set is the commune-year's (``CommuneYear.criteria_set``) or else the year's
  (``CriteriaSet.objects.for_year``); a year no period covers is refused;
* a unit that did not exist that year, a locked commune-year (approved, or the year
  closed: communes.locks) and, where the period's requirements differ by commune group,
  a commune without a group are refused as a whole (``Sheet.blockers``);
* a value that is not a number, a note without a result, a result typed for a criterion
  whose result comes from its indicators: one error per field (``field_name``), nothing
  written;
* then the indicator results and the criteria without indicators are written (with
  their history, only the rows that change), the commune-year is created as a draft if
  missing, and ``communes.evaluation.evaluate`` derives the criteria from the indicators.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.numbers import read_decimal

from . import evaluation, locks, scores
from .models import (
    Assessment,
    CommuneGroup,
    CommuneYear,
    Indicator,
    IndicatorResult,
    Period,
)
from .validation import ceased_in_year_message, unit_title

# IndicatorResult.value: 14 digits, 4 of them after the decimal separator.
MAX_DECIMALS = 4
MAX_VALUE = Decimal(10) ** 10


def field_name(kind, pk, part):
    """The name a result's part goes by, in the page's form and in record()'s errors:
    "i12-value" (indicator 12's value), "c3-met" (criterion 3's result)."""
    return f"{kind}{pk}-{part}"


def parse_value(raw):
    """A Decimal from what was typed, Vietnamese first (core.numbers): "80", "80,5",
    "1.000,5", "80.5", "1,000.5", "-2,5", "80 %"; None for nothing. ValidationError when
    it is no number."""
    if raw is None or isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, int | float):
        number = Decimal(str(raw))
    elif not str(raw).strip():
        return None
    else:
        number = read_decimal(raw)
        if number is None:
            raise ValidationError(
                _("«%(value)s» không phải là số: hãy ghi ví dụ 80 hoặc 80,5."),
                code="invalid",
                params={"value": str(raw).strip()},
            )
    if number is None:
        return None
    if not number.is_finite():
        raise ValidationError(_("Giá trị không hợp lệ."), code="invalid")
    if -number.normalize().as_tuple().exponent > MAX_DECIMALS:
        raise ValidationError(
            _("Giá trị ghi tối đa %(n)s chữ số thập phân.") % {"n": MAX_DECIMALS}, code="decimals"
        )
    if abs(number) >= MAX_VALUE:
        raise ValidationError(_("Giá trị quá lớn: hãy kiểm tra lại."), code="too_big")
    return number


def existence_message(unit, year):
    """Why ``unit`` can have no results for ``year`` (it did not exist then), or None."""
    ceased = ceased_in_year_message(unit, year)
    if ceased:
        return ceased
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if (unit.valid_to and unit.valid_to < first) or (unit.valid_from and unit.valid_from > last):
        return _("%(unit)s không tồn tại trong năm %(year)s.") % {
            "unit": unit_title(unit),
            "year": year,
        }
    return None


@dataclass
class Sheet:
    """What a commune's results for a year are recorded against, and what stops it."""

    commune: object
    year: int
    criteria_set: object
    period: Period
    commune_year: CommuneYear | None
    group: CommuneGroup | None  # the commune's group for the period, if it has one
    criteria: list  # the set's criteria, each with .indicators.all() and their requirements
    blockers: list = field(default_factory=list)  # [ValidationError]: why nothing may change

    @property
    def reasons(self):
        return [error.message for error in self.blockers]

    @property
    def group_number(self):
        return self.group.number if self.group else None

    def requirement(self, indicator):
        """What the indicator requires of this commune's group (None: a yes/no result)."""
        for requirement in indicator.requirements.all():
            if requirement.group == self.group_number:
                return requirement
        return None

    def existing(self):
        """({indicator id: IndicatorResult}, {criterion id: Assessment}) of the year."""
        indicators = IndicatorResult.objects.filter(
            commune=self.commune,
            year=self.year,
            indicator__criterion__criteria_set=self.criteria_set,
        )
        assessments = Assessment.objects.filter(
            commune=self.commune, year=self.year, criterion__criteria_set=self.criteria_set
        )
        return (
            {r.indicator_id: r for r in indicators},
            {a.criterion_id: a for a in assessments},
        )


def sheet(commune, year, *, lock=False, today=None):
    """The commune's sheet for ``year``, or None for a year no period covers.

    ``lock`` takes the commune-year row for update (record() does, so that an approval
    cannot slip in between the check and the write)."""
    years = CommuneYear.objects.select_related("criteria_set__period")
    if lock:
        years = years.select_for_update()
    commune_year = years.filter(commune=commune, year=year).first()
    criteria_set = evaluation.set_for(commune_year.criteria_set if commune_year else None, year)
    if criteria_set is None:
        return None
    period = criteria_set.period
    group = None
    if period.has_groups:
        group = CommuneGroup.objects.filter(commune=commune, period=period).first()
    indicators = Indicator.objects.prefetch_related("requirements").order_by("order", "code")
    criteria = list(
        criteria_set.criteria.select_related("group")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("number")
    )
    current = Sheet(commune, year, criteria_set, period, commune_year, group, criteria)
    current.blockers = _blockers(current, today)
    return current


def _blockers(current, today):
    blockers = []
    gone = existence_message(current.commune, current.year)
    if gone:
        blockers.append(ValidationError(gone, code="ceased"))
    for reason in locks.locked([(current.commune.pk, current.year)], today).values():
        blockers.append(ValidationError(reason, code="locked"))
    if current.period.has_groups and current.group is None:
        blockers.append(
            ValidationError(
                _(
                    "Xã chưa được xếp nhóm cho giai đoạn %(period)s nên chưa đánh giá được: "
                    "%(unit)s. Hãy xếp nhóm (1, 2 hoặc 3) cho xã trong hồ sơ xã trước."
                )
                % {"period": current.period.label, "unit": unit_title(current.commune)},
                code="no_group",
            )
        )
    return blockers


def no_period_error(year):
    return ValidationError(
        _("Năm %(year)s không thuộc giai đoạn nào của chương trình: không ghi kết quả được.")
        % {"year": year},
        code="no_period",
    )


@dataclass
class Recorded:
    """What record() changed."""

    commune_year: CommuneYear | None
    indicators: list = field(default_factory=list)  # codes of the indicators written or cleared
    criteria: list = field(default_factory=list)  # numbers of the criteria written or cleared
    changes: list = field(default_factory=list)  # [evaluation.Change]: criteria whose result moved
    created: bool = False  # the commune-year row was created

    def __bool__(self):
        return bool(self.indicators or self.criteria)

    def summary(self):
        if not self:
            return _("Không có thay đổi nào để lưu.")
        parts = []
        if self.indicators:
            parts.append(
                ngettext("%(n)s chỉ tiêu", "%(n)s chỉ tiêu", len(self.indicators))
                % {"n": len(self.indicators)}
            )
        if self.criteria:
            parts.append(
                ngettext("%(n)s tiêu chí", "%(n)s tiêu chí", len(self.criteria))
                % {"n": len(self.criteria)}
            )
        text = _("Đã lưu kết quả năm %(year)s: %(what)s.") % {
            "year": self.commune_year.year,
            "what": ", ".join(parts),
        }
        if self.changes:
            text += " " + _("Kết quả tiêu chí thay đổi: %s.") % "; ".join(map(str, self.changes))
        return text


def _same(existing, met, value, note):
    if existing is None:
        return False
    same_value = (existing.value is None and value is None) or (
        existing.value is not None and value is not None and existing.value == value
    )
    return existing.met == met and same_value and existing.note == note


def _plan_indicators(current, entries, found, errors):
    indicators = {i.pk: i for c in current.criteria for i in c.indicators.all()}
    plan = []
    for pk, (met, raw, note) in entries.items():
        indicator = indicators.get(_as_int(pk))
        if indicator is None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Chỉ tiêu #%(pk)s không thuộc %(set)s.") % {"pk": pk, "set": current.criteria_set}
            )
            continue
        note = (note or "").strip()
        try:
            value = parse_value(raw)
        except ValidationError as error:
            errors.setdefault(field_name("i", indicator.pk, "value"), []).append(error)
            continue
        requirement = current.requirement(indicator)
        if requirement is not None and requirement.is_numeric and value is not None:
            met = requirement.check_value(value)
        existing = found.get(indicator.pk)
        if met is None:
            if value is not None:
                errors.setdefault(field_name("i", indicator.pk, "met"), []).append(
                    _("Chỉ tiêu %(code)s đánh giá đạt hay chưa đạt: hãy chọn một.")
                    % {"code": indicator.code}
                )
            elif note:
                errors.setdefault(field_name("i", indicator.pk, "note"), []).append(
                    _("Ghi chú cần đi kèm kết quả: hãy ghi giá trị hoặc chọn Đạt / Chưa đạt.")
                )
            elif existing is not None:
                plan.append((indicator, None, existing))
            continue
        if _same(existing, met, value, note):
            continue
        result = existing or IndicatorResult(
            commune=current.commune, indicator=indicator, year=current.year
        )
        result.met, result.value, result.note = met, value, note
        plan.append((indicator, result, None))
    return plan


def _plan_criteria(current, entries, found, errors):
    criteria = {c.pk: c for c in current.criteria}
    plan = []
    for pk, (met, note) in entries.items():
        criterion = criteria.get(_as_int(pk))
        if criterion is None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Tiêu chí #%(pk)s không thuộc %(set)s.") % {"pk": pk, "set": current.criteria_set}
            )
            continue
        note = (note or "").strip()
        if criterion.indicators.all():
            if met is not None or note:
                errors.setdefault(field_name("c", criterion.pk, "met"), []).append(
                    _(
                        "Tiêu chí %(number)s có chỉ tiêu: kết quả của tiêu chí tính từ kết quả "
                        "các chỉ tiêu, không ghi trực tiếp."
                    )
                    % {"number": criterion.number}
                )
            continue
        existing = found.get(criterion.pk)
        if met is None:
            if note:
                errors.setdefault(field_name("c", criterion.pk, "note"), []).append(
                    _("Ghi chú cần đi kèm kết quả: hãy chọn Đạt hoặc Chưa đạt.")
                )
            elif existing is not None:
                plan.append((criterion, None, existing, existing.met))
            continue
        if existing is not None and existing.met == met and existing.note == note:
            continue
        was = existing.met if existing is not None else None
        assessment = existing or Assessment(
            commune=current.commune, criterion=criterion, year=current.year
        )
        assessment.met, assessment.note = met, note
        plan.append((criterion, assessment, None, was))
    return plan


def _as_int(pk):
    try:
        return int(pk)
    except (TypeError, ValueError):
        return None


def _write(save, delete, user):
    """Save one row or delete another, the history naming the user."""
    row = save if save is not None else delete
    row._history_user = user
    if save is not None:
        save.save()
    else:
        delete.delete()


@transaction.atomic
def record(commune, year, *, indicators=None, criteria=None, user=None, today=None):
    """Write a commune's results for ``year``; return what changed (``Recorded``).

    ``indicators``: {indicator id: (met, value, note)}; ``criteria``: {criterion id:
    (met, note)}. ``met`` None with no value and no note clears a result; an id left
    out is left as it is. A numeric requirement of the commune's group decides ``met``
    from the value. Raises ValidationError (nothing written): a list of refusals
    (``Sheet.blockers``, or no period), or a dict of errors by ``field_name``.
    """
    current = sheet(commune, year, lock=True, today=today)
    if current is None:
        raise no_period_error(year)
    if current.blockers:
        raise ValidationError(current.blockers)
    found_indicators, found_criteria = current.existing()
    errors = {}
    indicator_plan = _plan_indicators(current, indicators or {}, found_indicators, errors)
    criterion_plan = _plan_criteria(current, criteria or {}, found_criteria, errors)
    if errors:
        raise ValidationError(errors)
    done = Recorded(current.commune_year)
    if not indicator_plan and not criterion_plan:
        return done
    if current.commune_year is None:
        done.commune_year = CommuneYear.objects.create(
            commune=commune, year=year, criteria_set=current.criteria_set
        )
        done.created = True
    with scores.deferred():
        for indicator, save, delete in indicator_plan:
            _write(save, delete, user)
            done.indicators.append(indicator.code)
        for criterion, save, delete, was in criterion_plan:
            _write(save, delete, user)
            done.criteria.append(criterion.number)
            now = save.met if save is not None else None
            if now != was:
                done.changes.append(
                    evaluation.Change(commune.pk, year, criterion.number, criterion.name, was, now)
                )
    if indicator_plan:
        done.changes += evaluation.evaluate([commune.pk], year, current.criteria_set, user=user)
    done.changes.sort(key=lambda change: change.criterion_number)
    return done
