"""The upload form of the criteria-set import: the set, and the file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import CriteriaSet

from ..forms import _file_field


class CriteriaSetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} – {obj.period.label} ({obj.code})"


class CriteriaSetUploadForm(forms.Form):
    criteria_set = CriteriaSetChoiceField(
        label=_("Nạp chỉ tiêu vào bộ tiêu chí"),
        queryset=CriteriaSet.objects.select_related("period").order_by(
            "-first_year", "is_provincial", "level", "-version"
        ),
        empty_label=None,
        help_text=_(
            "Tệp thay toàn bộ chỉ tiêu và yêu cầu theo nhóm xã của bộ đã chọn. Bộ đã có kết quả "
            "được duyệt không sửa được: hãy tạo phiên bản mới của bộ trước."
        ),
    )
    file = _file_field()

    def target(self):
        return self.cleaned_data["criteria_set"]

    def options(self):
        return {}
