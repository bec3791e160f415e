"""What marks a row as synthetic, and finding the synthetic rows again.

* units: a code starting with ``CODE_PREFIX`` (the statistics office's codes are
  digits only): the synthetic country of era pre-2025, and what its reform made of
  it (era 2025, sampledata.scale.reform), whose lineage rows go with them;
* the decision ``SCALE_DECISION_NUMBER`` of ``SCALE_ISSUER``, and everything
  hanging off its assignments (visits, supports, recommendations);
* agencies of the bloc ``SCALE_BLOC``, with their leaders, groups and members;
* the 2026–2030 set's indicators named ``SYNTHETIC_INDICATOR_PREFIX`` "…" (is_demo), added
  where the set had none (sampledata.scale.year2026), with their requirements.
"""

import datetime

from assignments.models import Agency, Decision
from communes.models import Era, Indicator, Province

CODE_PREFIX = "S"
SCALE_DECISION_NUMBER = "SCALE/QĐ-GIẢ-LẬP"
SCALE_ISSUER = "Dữ liệu giả lập quy mô toàn quốc"
SCALE_TITLE = (
    "DỮ LIỆU GIẢ LẬP, KHÔNG PHẢI DỮ LIỆU THẬT: phân công lãnh đạo giúp đỡ các xã xây dựng "
    "nông thôn mới quy mô toàn quốc, dùng để đo hiệu năng"
)
SCALE_BLOC = "Dữ liệu giả lập quy mô toàn quốc"
SYNTHETIC_INDICATOR_PREFIX = "[Giả lập] "
STARTED_ON = datetime.date(2021, 1, 1)


def synthetic_units(model, era=Era.PRE_2025):
    """The synthetic provinces, districts or communes (`model` is one of the three) of an
    era: the old map's by default (the size asked for), the reform's with Era.FROM_2025,
    both with ``era=None``."""
    units = model.objects.filter(code__startswith=CODE_PREFIX)
    return units if era is None else units.filter(era=era)


def scale_decisions():
    return Decision.objects.filter(number=SCALE_DECISION_NUMBER, issuer=SCALE_ISSUER)


def scale_agencies():
    return Agency.objects.filter(bloc=SCALE_BLOC, is_demo=True)


def synthetic_indicators():
    return Indicator.objects.filter(is_demo=True, name__startswith=SYNTHETIC_INDICATOR_PREFIX)


def scale_data_exists():
    return (
        scale_decisions().exists()
        or synthetic_units(Province, era=None).exists()
        or scale_agencies().exists()
    )
