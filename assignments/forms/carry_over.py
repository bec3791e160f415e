"""The office's choices on the carry-over to the new units (services.reform): which leader
continues where several old units' assignments land on one unit, and which assignments
end instead of being carried over."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..services import reform
from ..services.errors import WorkflowError

NO_ONE = "0"  # the radio of a unit where no old assignment continues (all end)


def choice_field_name(target):
    return f"tiep-{target.key}"


class CarryOverForm(forms.Form):
    # The plan the page showed: a form posted for another plan is refused.
    plan = forms.CharField(widget=forms.HiddenInput)
    ends = forms.TypedMultipleChoiceField(
        label=_("Kết thúc, không chuyển"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Phân công số %(value)s không có trong danh sách cần chuyển.")
        },
    )

    def __init__(self, data=None, *, plan):
        super().__init__(data)
        self.plan = plan
        self.fields["plan"].initial = plan.fingerprint()
        self.fields["ends"].choices = [
            (move.pk, str(move.unit)) for move in plan.of(reform.Action.CONTINUE)
        ]
        for target in plan.choice_targets():
            self.fields[choice_field_name(target)] = forms.ChoiceField(
                label=str(target.unit),
                required=False,
                widget=forms.RadioSelect,
                choices=[
                    *((str(m.pk), m.assignment.leader.full_name) for m in target.moves),
                    (NO_ONE, _("Không ai tiếp tục (kết thúc tất cả)")),
                ],
            )
        self.choices, self.ending = [], []

    def clean_plan(self):
        if self.cleaned_data["plan"] != self.plan.fingerprint():
            raise ValidationError(
                _(
                    "Danh sách phân công cần chuyển đã thay đổi từ khi trang được mở; chưa ghi "
                    "gì. Hãy xem lại danh sách dưới đây rồi thực hiện lại."
                ),
                code="stale",
            )
        return self.cleaned_data["plan"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        choices, ending = [], list(data.get("ends") or [])
        for target in self.plan.choice_targets():
            value = data.get(choice_field_name(target))
            if value == NO_ONE:
                ending += [move.pk for move in target.moves]
            elif value:
                choices.append(int(value))
        try:
            reform.decide(self.plan, choices, ending)
        except reform.ChoiceRequired as error:
            for target in error.targets:
                self.add_error(
                    choice_field_name(target),
                    _("Hãy chọn lãnh đạo tiếp tục phụ trách %(unit)s.") % {"unit": target.unit},
                )
            raise ValidationError(str(error), code="choice_required") from error
        except WorkflowError as error:
            raise ValidationError(str(error), code="refused") from error
        self.choices, self.ending = choices, ending
        return data

    def selected(self, target):
        """The radio value chosen for ``target`` in the posted data ("" if none)."""
        return self.data.get(choice_field_name(target), "") if self.is_bound else ""

    def ended(self):
        """The pks ticked to end, as posted."""
        if not self.is_bound:
            return set()
        return {int(pk) for pk in self.data.getlist("ends") if str(pk).isdecimal()}
