"""The Lào Cai demo: Decision 1599's 127 pairs, groups, visits and criteria results.

The real communes and criteria come from ``manage.py load_reference``; everything
made here is invented (leader names, agencies' staff, visits, results), carries
``is_demo`` where the model has it, or hangs off the demo decision, so that
``remove_demo_data`` finds every row again. Generation is deterministic
(``random.Random(SEED)``) for a given ``today``.

``decision`` makes the decision and its pairs (agencies, leaders, working groups,
assignments), ``results`` the criteria results and recognitions, ``visits`` the
field visits with their support items and recommendations, ``reform`` the
carry-over of 01/07/2025 (2021–2025 on the old xã, then the assignments carried
over to the units that exist now, and the visits since on those), ``new_period``
the invented decision of 2026–2030 re-confirming those pairs from 01/01/2026, and
``year2026`` (with ``indicators``) the year 2026 on the 2026–2030 set: commune groups,
results by indicator and by criterion, the office's review; this module loads them
all in one transaction.
"""

import random

from django.db import transaction
from django.utils import timezone

from assignments.models import Decision
from communes.models import Assessment, Commune, CriteriaSet
from communes.reference import REFORM_DAY
from sampledata import refuse_in_production
from sampledata.lifecycle import DemoDataError, demo_figures, link_demo_accounts, remove_demo_rows

from . import new_period, reform, year2026
from .decision import (
    DECISION_ISSUER,
    DECISION_NUMBER,
    STARTED_ON,
    YEARS,
    create_assignments,
    create_decision,
)
from .results import create_assessments, create_recognitions, plan_assessments
from .visits import draw_visits, save_visits

# The names used from outside: the load_demo_data command (and the tests).
__all__ = ["DECISION_NUMBER", "STARTED_ON", "DemoDataError", "load_demo_data"]

SEED = 1599


def load_demo_data(*, reset=False, today=None):
    """Create the demo data; None (and no change) if it is already loaded and not reset.

    Refused in production mode (DemoDataError) before the database is opened.
    """
    refuse_in_production("nạp dữ liệu mẫu", DemoDataError)
    with transaction.atomic():
        return _load(reset, today or timezone.localdate())


def _load(reset, today):
    # Asks for this demo's decision: synthetic scale data is demo data too, but not this.
    loaded = Decision.objects.filter(is_demo=True, number=DECISION_NUMBER).exists()
    if loaded and not reset:
        return None
    remove_demo_rows()
    rng = random.Random(SEED)
    communes, criteria = _reference()
    if Decision.objects.filter(number=DECISION_NUMBER, issuer=DECISION_ISSUER).exists():
        raise DemoDataError(
            f"Đã có Quyết định {DECISION_NUMBER} thật trong cơ sở dữ liệu; "
            "không nạp dữ liệu mẫu đè lên dữ liệu thật."
        )
    clash = Assessment.objects.filter(criterion__in=criteria, year__in=YEARS).exists()
    if clash:
        raise DemoDataError(
            "Đã có kết quả đánh giá tiêu chí thật 2021–2025; không nạp dữ liệu mẫu đè lên."
        )

    decision = create_decision()
    assignments, members_of = create_assignments(rng, decision, communes)
    plans = plan_assessments(rng, communes, criteria)
    drafts = draw_visits(rng, assignments, members_of, plans, criteria, today)
    if today >= REFORM_DAY:
        carried = reform.carry_over(decision, today)
        drafts = reform.visits_after(drafts, carried)
        drafts = new_period.visits_after(drafts, new_period.reconfirm(carried.values(), today))
    save_visits(drafts)
    create_assessments(plans, criteria)
    create_recognitions(rng, plans, today)
    year2026.create_year(today)
    link_demo_accounts()
    return demo_figures()


# Decision 1599/QĐ-UBND is the old Lào Cai province's (code 10 before 01/07/2025): its
# 127 xã, not the old Yên Bái's, which the new province's reference also holds.
DECISION_PROVINCE = "10"


def _reference():
    """The 127 xã of the decision's province and the 19 criteria of the period, or
    DemoDataError."""
    communes = list(
        Commune.objects.in_programme()
        .filter(province__code=DECISION_PROVINCE)
        .select_related("district")
        .order_by("code")
    )
    criteria_set = CriteriaSet.objects.programme().first()
    criteria = list(criteria_set.criteria.order_by("number")) if criteria_set else []
    if not communes or not criteria:
        raise DemoDataError(
            "Chưa có dữ liệu tham chiếu (127 xã và bộ tiêu chí của chương trình 2021–2025, "
            "Quyết định 318/QĐ-TTg). Hãy chạy trước: python manage.py load_reference"
        )
    if len(criteria) != 19:
        raise DemoDataError(
            f"Bộ tiêu chí {criteria_set.code} có {len(criteria)} tiêu chí, cần 19. "
            "Hãy chạy lại: python manage.py load_reference"
        )
    return communes, criteria
