"""A new version of a criteria set: how a set with approved results is changed.

Approved results were made against a set (CommuneYear.criteria_set), so that set is
never edited again (CriteriaSet.is_locked). The office copies it as version n+1
(code suffixed "-v<n+1>", ``replaces`` the old one) with its criterion groups,
criteria, indicators and their requirements, and edits or reloads the copy. New
results take the newest version of the year's set (CriteriaSet.objects.for_year);
approved ones keep theirs.
"""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import CriteriaSet, Criterion, CriterionGroup, Indicator, Requirement

_VERSION_SUFFIX = re.compile(r"-v\d+$")
CODE_LENGTH = CriteriaSet._meta.get_field("code").max_length


def version_code(code, version):
    """ "qd51-2026-2030" → "qd51-2026-2030-v2"; "qd51-2026-2030-v2" → "qd51-2026-2030-v3"."""
    suffix = f"-v{version}"
    base = _VERSION_SUFFIX.sub("", code)
    return base[: CODE_LENGTH - len(suffix)] + suffix


def newer_version(criteria_set):
    """The set's newer version (of its period, level and scope), or None."""
    return (
        CriteriaSet.objects.filter(
            period=criteria_set.period_id,
            level=criteria_set.level,
            is_provincial=criteria_set.is_provincial,
            version__gt=criteria_set.version,
        )
        .order_by("-version")
        .first()
    )


def refusal(criteria_set):
    """Why no new version can be made of the set now; "" when one can."""
    newer = newer_version(criteria_set)
    if newer is not None:
        return _(
            "Bộ này đã có phiên bản mới hơn (“%(newer)s”, mã %(code)s): hãy sửa hoặc tạo phiên "
            "bản từ phiên bản đó."
        ) % {"newer": newer, "code": newer.code}
    if not criteria_set.is_locked:
        return _(
            "Bộ này chưa có kết quả được duyệt nên vẫn sửa được (nạp lại chỉ tiêu từ tệp Excel "
            "hoặc sửa trong trang quản trị); chưa cần phiên bản mới."
        )
    return ""


@transaction.atomic
def new_version(criteria_set):
    """The copy of a locked set as its next version; ValidationError (nothing written) when
    the set is not locked or has a newer version already."""
    old = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    reason = refusal(old)
    if reason:
        raise ValidationError(reason, code="no_new_version")
    version = old.version + 1
    new = CriteriaSet(
        period=old.period,
        version=version,
        replaces=old,
        code=version_code(old.code, version),
        name=old.name,
        level=old.level,
        legal_basis=old.legal_basis,
        is_provincial=old.is_provincial,
        first_year=old.first_year,
        last_year=old.last_year,
        indicators_note=old.indicators_note,
    )
    try:
        with transaction.atomic():
            new.save()
    except IntegrityError as error:
        raise ValidationError(
            _("Mã %(code)s đã có bộ tiêu chí khác; chưa tạo phiên bản mới.") % {"code": new.code},
            code="no_new_version",
        ) from error
    groups = {}
    for group in old.groups.all():
        groups[group.pk] = CriterionGroup.objects.create(
            criteria_set=new, number=group.number, name=group.name
        )
    criteria = {}
    for criterion in old.criteria.all():
        criteria[criterion.pk] = Criterion.objects.create(
            criteria_set=new,
            group=groups.get(criterion.group_id),
            number=criterion.number,
            name=criterion.name,
        )
    old_indicators = list(Indicator.objects.filter(criterion__criteria_set=old))
    copies = Indicator.objects.bulk_create(
        Indicator(
            criterion=criteria[indicator.criterion_id],
            code=indicator.code,
            name=indicator.name,
            threshold=indicator.threshold,
            unit=indicator.unit,
            order=indicator.order,
            is_demo=indicator.is_demo,
        )
        for indicator in old_indicators
    )
    indicators = {was.pk: copy.pk for was, copy in zip(old_indicators, copies, strict=True)}
    Requirement.objects.bulk_create(
        Requirement(
            indicator_id=indicators[requirement.indicator_id],
            group=requirement.group,
            text=requirement.text,
            comparison=requirement.comparison,
            target=requirement.target,
        )
        for requirement in Requirement.objects.filter(indicator__in=old_indicators)
    )
    return new
