"""Plain helpers that make valid rows with as little typing as possible."""

import datetime
import itertools

from django.db.models import Max

from assignments.models import (
    Agency,
    Assignment,
    Decision,
    FieldVisit,
    Leader,
    Member,
    Recommendation,
    Support,
    WorkingGroup,
)
from communes.models import (
    Assessment,
    Commune,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    District,
    Era,
    Period,
    Province,
)

_seq = itertools.count(1)


def _next():
    return next(_seq)


def make_province(**kw):
    n = _next()
    defaults = {"code": f"9{n % 10}", "name": f"Tỉnh Thử {n}", "era": Era.PRE_2025}
    defaults.update(kw)
    province, _ = Province.objects.get_or_create(
        code=defaults["code"], era=defaults["era"], defaults=defaults
    )
    return province


def make_district(province=None, **kw):
    n = _next()
    # A letter: never the code of a real district of the reference (Yên Bái's are 132–141).
    defaults = {"code": f"T{n % 10000:04d}", "name": f"Huyện Thử {n}"}
    defaults.update(kw)
    return District.objects.create(province=province or make_province(), **defaults)


def make_commune(district=None, **kw):
    n = _next()
    district = district or make_district()
    defaults = {"code": f"9{n:04d}"[-5:], "name": f"Xã Thử {n}", "kind": Commune.Kind.RURAL}
    defaults.update(kw)
    return Commune.objects.create(province=district.province, district=district, **defaults)


def make_period(first_year=2021, last_year=2025, **kw):
    """The period of those years (the reference's when loaded), created if missing."""
    defaults = {"name": f"Giai đoạn thử {first_year}–{last_year}", "levels": ["ntm"], **kw}
    period, _ = Period.objects.get_or_create(
        first_year=first_year,
        last_year=last_year,
        defaults={"code": f"{first_year}-{last_year}", **defaults},
    )
    return period


def make_criteria_set(first_year=2021, last_year=2025, **kw):
    """A provincial set of the period: never the year's national set (CriteriaSet.for_year)."""
    n = _next()
    defaults = {
        "code": f"bo-thu-{n}",
        "name": f"Bộ tiêu chí thử {n}",
        "is_provincial": True,
        "period": make_period(first_year, last_year),
        "first_year": first_year,
        "last_year": last_year,
    }
    defaults.update(kw)
    if "version" not in kw:  # the next version: two test sets of one period never collide
        same = CriteriaSet.objects.filter(
            period=defaults["period"],
            level=defaults.get("level", CriteriaSet.Level.NTM),
            is_provincial=defaults["is_provincial"],
        )
        defaults["version"] = (same.aggregate(Max("version"))["version__max"] or 0) + 1
    return CriteriaSet.objects.create(**defaults)


def make_criterion(number=None, criteria_set=None, **kw):
    n = _next()
    criteria_set = criteria_set or make_criteria_set()
    group, _ = CriterionGroup.objects.get_or_create(
        criteria_set=criteria_set, number=1, defaults={"name": "Nhóm thử"}
    )
    return Criterion.objects.create(
        criteria_set=criteria_set, group=group, number=number or n, name=f"Tiêu chí {n}", **kw
    )


def make_assessment(commune=None, criterion=None, year=2023, **kw):
    return Assessment.objects.create(
        commune=commune or make_commune(), criterion=criterion or make_criterion(), year=year, **kw
    )


def make_decision(**kw):
    n = _next()
    defaults = {
        "number": f"{n}/QĐ-UBND",
        "title": "Quyết định thử",
        "period_start": 2021,
        "period_end": 2025,
    }
    defaults.update(kw)
    return Decision.objects.create(**defaults)


def make_leader(agency=None, **kw):
    n = _next()
    agency = agency or Agency.objects.create(name=f"Sở Thử {n}")
    defaults = {"full_name": f"Lãnh Đạo Thử {n}", "position": "Giám đốc"}
    defaults.update(kw)
    return Leader.objects.create(agency=agency, **defaults)


def make_group(agency=None, members=3, **kw):
    agency = agency or Agency.objects.create(name=f"Sở Thử {_next()}")
    group = WorkingGroup.objects.create(agency=agency, name=kw.pop("name", "Tổ thử"), **kw)
    for i in range(members):
        Member.objects.create(group=group, full_name=f"Thành Viên {i + 1}")
    return group


def make_assignment(decision=None, leader=None, commune=None, **kw):
    defaults = {"started_on": datetime.date(2021, 1, 1)}
    defaults.update(kw)
    return Assignment.objects.create(
        decision=decision or make_decision(),
        leader=leader or make_leader(),
        commune=commune or make_commune(),
        **defaults,
    )


def make_visit(assignment=None, **kw):
    defaults = {"visited_on": datetime.date(2024, 5, 6), "purpose": "Nắm tình hình"}
    defaults.update(kw)
    return FieldVisit.objects.create(assignment=assignment or make_assignment(), **defaults)


def make_support(visit=None, **kw):
    defaults = {"kind": Support.Kind.MONEY, "amount_vnd": 1_000_000, "description": "Hỗ trợ"}
    defaults.update(kw)
    return Support.objects.create(visit=visit or make_visit(), **defaults)


def make_recommendation(visit=None, **kw):
    defaults = {"text": "Kiến nghị", "addressed_to": Recommendation.AddressedTo.COMMUNE}
    defaults.update(kw)
    return Recommendation.objects.create(visit=visit or make_visit(), **defaults)
