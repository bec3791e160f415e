"""What marks a row as synthetic, and finding the synthetic rows again.

* units: era pre-2025 and a code starting with ``CODE_PREFIX`` (the statistics
  office's codes are digits only);
* the decision ``SCALE_DECISION_NUMBER`` of ``SCALE_ISSUER``, and everything
  hanging off its assignments (visits, supports, recommendations);
* agencies of the bloc ``SCALE_BLOC``, with their leaders, groups and members.
"""

import datetime

from assignments.models import Agency, Decision
from communes.models import Era, Province

CODE_PREFIX = "S"
SCALE_DECISION_NUMBER = "SCALE/QĐ-GIẢ-LẬP"
SCALE_ISSUER = "Dữ liệu giả lập quy mô toàn quốc"
SCALE_TITLE = (
    "DỮ LIỆU GIẢ LẬP, KHÔNG PHẢI DỮ LIỆU THẬT: phân công lãnh đạo giúp đỡ các xã xây dựng "
    "nông thôn mới quy mô toàn quốc, dùng để đo hiệu năng"
)
SCALE_BLOC = "Dữ liệu giả lập quy mô toàn quốc"
STARTED_ON = datetime.date(2021, 1, 1)


def synthetic_units(model):
    """The synthetic provinces, districts or communes (`model` is one of the three)."""
    return model.objects.filter(era=Era.PRE_2025, code__startswith=CODE_PREFIX)


def scale_decisions():
    return Decision.objects.filter(number=SCALE_DECISION_NUMBER, issuer=SCALE_ISSUER)


def scale_agencies():
    return Agency.objects.filter(bloc=SCALE_BLOC, is_demo=True)


def scale_data_exists():
    return (
        scale_decisions().exists()
        or synthetic_units(Province).exists()
        or scale_agencies().exists()
    )
