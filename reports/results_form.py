"""The results page's form: one row per criterion, and under a criterion with indicators
one row per indicator (value where the commune group's requirement is a number, met /
not met otherwise, a note). Its field names are communes.results.field_name's, so the
errors record() raises land on the field they are about.
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from communes.results import field_name

MET_CHOICES = [("", "–"), ("1", _("Đạt")), ("0", _("Chưa đạt"))]
MET_VALUES = {"1": True, "0": False}


def value_text(value):
    """A Decimal as typed back into a field: 80, 80,5 (no grouping: it reads back the same)."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def met_text(met):
    return "" if met is None else ("1" if met else "0")


@dataclass
class IndicatorLine:
    indicator: object
    requirement: object  # the commune group's, or None
    result: object  # the IndicatorResult recorded, or None
    value: object = None  # bound fields (value only where the requirement is a number)
    met: object = None
    note: object = None

    @property
    def is_numeric(self):
        return self.requirement is not None and self.requirement.is_numeric


@dataclass
class CriterionLine:
    criterion: object
    assessment: object  # the Assessment recorded, or None
    indicators: list = field(default_factory=list)
    met: object = None  # bound fields, for a criterion without indicators
    note: object = None


def _met_field(label):
    return forms.ChoiceField(
        choices=MET_CHOICES, required=False, widget=forms.Select(attrs={"aria-label": label})
    )


def _note_field(label):
    return forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"aria-label": label, "class": "note"}),
    )


class ResultsForm(forms.Form):
    """Every result of a commune's year (``communes.results.Sheet``) in one form.

    ``entries()`` gives record() only the rows whose fields changed: a row nobody
    touched is left as it is (a met-only result from an import keeps its value)."""

    def __init__(self, current, found, *args, editable=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        found_indicators, found_criteria = found
        self._lines = []
        for criterion in current.criteria:
            line = CriterionLine(criterion, found_criteria.get(criterion.pk))
            indicators = list(criterion.indicators.all())
            for indicator in indicators:
                result = found_indicators.get(indicator.pk)
                line.indicators.append(
                    IndicatorLine(indicator, current.requirement(indicator), result)
                )
                self._add_indicator(line.indicators[-1])
            if not indicators:
                self._add_criterion(line)
            self._lines.append(line)
        if not editable:
            for form_field in self.fields.values():
                form_field.disabled = True

    def _add(self, kind, pk, part, form_field, initial):
        name = field_name(kind, pk, part)
        self.fields[name] = form_field
        self.initial[name] = initial

    def _add_criterion(self, line):
        number, assessment, pk = line.criterion.number, line.assessment, line.criterion.pk
        met = _met_field(_("Kết quả tiêu chí %s") % number)
        self._add("c", pk, "met", met, met_text(assessment.met) if assessment else "")
        note = _note_field(_("Ghi chú tiêu chí %s") % number)
        self._add("c", pk, "note", note, assessment.note if assessment else "")

    def _add_indicator(self, line):
        code, result, pk = line.indicator.code, line.result, line.indicator.pk
        if line.is_numeric:
            value = forms.CharField(
                required=False,
                max_length=40,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "autocomplete": "off",
                        "class": "value",
                        "aria-label": _("Giá trị chỉ tiêu %s") % code,
                    }
                ),
            )
            self._add("i", pk, "value", value, value_text(result.value) if result else "")
        else:
            met = _met_field(_("Kết quả chỉ tiêu %s") % code)
            self._add("i", pk, "met", met, met_text(result.met) if result else "")
        note = _note_field(_("Ghi chú chỉ tiêu %s") % code)
        self._add("i", pk, "note", note, result.note if result else "")

    def lines(self):
        """The criteria in order, each with its bound fields (and its indicators')."""
        for line in self._lines:
            for sub in line.indicators:
                for part in ("value", "met", "note"):
                    name = field_name("i", sub.indicator.pk, part)
                    if name in self.fields:
                        setattr(sub, part, self[name])
            for part in ("met", "note"):
                name = field_name("c", line.criterion.pk, part)
                if name in self.fields:
                    setattr(line, part, self[name])
        return self._lines

    def entries(self):
        """({indicator id: (met, value, note)}, {criterion id: (met, note)}) of the rows
        changed, for record()."""
        data = self.cleaned_data
        indicators, criteria = {}, {}
        for line in self._lines:
            for sub in line.indicators:
                pk = sub.indicator.pk
                value, met, note = (field_name("i", pk, part) for part in ("value", "met", "note"))
                if not self._changed(value, met, note):
                    continue
                if sub.is_numeric:
                    indicators[pk] = (None, data.get(value) or None, data.get(note, ""))
                else:
                    # No value field: a value recorded by another path stays.
                    kept = sub.result.value if sub.result else None
                    indicators[pk] = (MET_VALUES.get(data.get(met)), kept, data.get(note, ""))
            met, note = (field_name("c", line.criterion.pk, part) for part in ("met", "note"))
            if self._changed(met, note):
                criteria[line.criterion.pk] = (MET_VALUES.get(data.get(met)), data.get(note, ""))
        return indicators, criteria

    def _changed(self, *names):
        """Whether a row's fields changed; a row with a field the browser did not send (a
        cut-off request) is left alone: it would otherwise read as emptied, and be cleared."""
        names = [name for name in names if name in self.fields]
        return all(name in self.data for name in names) and any(
            name in self.changed_data for name in names
        )
