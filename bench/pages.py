"""Pages measured by `make bench`: each list (plain, filtered, a deep page) and the dashboard on
the old map and on the current one (``?map=``), the communes list and the dashboard of 2025 (19
criteria) and of 2026 (the 2026–2030 set: 10 criteria, 47 indicators; all units and approved
results only), a commune's dossier, and the roll-up: dossiers of current units with 1, 3 and 4
predecessors, as the office user, each beside the Django admin's page of the same model with the
same filter and page (as a superuser); floor: the login page."""

from urllib.parse import urlencode

from . import measure


def page_cases():
    """(label, url, anchor label, anchor url) for every page; anchors are admin changelists."""
    import math

    from django.db.models import Count
    from django.urls import reverse

    from assignments.models import Assignment, FieldVisit
    from communes.models import Commune, District, Era, Map

    # The district with the most communes: a typical, non-trivial filter.
    district = (
        District.objects.filter(era=Era.PRE_2025)
        .annotate(n=Count("communes"))
        .order_by("-n", "pk")
        .first()
    )
    d = district.pk

    def deep(count, per_page):
        return max(1, min(50, math.ceil(count / per_page)))

    communes = Commune.objects.count()
    assignments = Assignment.objects.count()
    visits = FieldVisit.objects.count()
    commune_list = reverse("reports:commune_list")
    assignment_list = reverse("assignments:assignment_list")
    visit_list = reverse("assignments:visit_list")
    admin_communes = reverse("admin:communes_commune_changelist")
    admin_assignments = reverse("admin:assignments_assignment_changelist")
    admin_visits = reverse("admin:assignments_fieldvisit_changelist")
    dossier = Commune.objects.filter(assignments__isnull=False).order_by("pk").first()

    def q(base, **params):
        return f"{base}?{urlencode(params)}" if params else base

    cp, ap = deep(communes, 25), deep(communes, 100)
    sp, sap = deep(assignments, 25), deep(assignments, 100)
    vp, vap = deep(visits, 25), deep(visits, 100)
    # 2025: the last year of the 2021–2025 set (the default year before 2026 had results).
    old = [
        ("communes list 2025", q(commune_list, year=2025), "admin communes", admin_communes),
        (
            "communes 2025, district + criteria_max=9",
            q(commune_list, year=2025, district=d, criteria_max=9),
            "admin communes, district",
            q(admin_communes, district__id__exact=d),
        ),
        (
            f"communes 2025, page {cp}",
            q(commune_list, year=2025, page=cp),
            f"admin communes, p={ap}",
            q(admin_communes, p=ap),
        ),
        ("assignments list", assignment_list, "admin assignments", admin_assignments),
        (
            "assignments, district",
            q(assignment_list, district=d),
            "admin assignments, district",
            q(admin_assignments, commune__district__id__exact=d),
        ),
        (
            f"assignments, page {sp}",
            q(assignment_list, page=sp),
            f"admin assignments, p={sap}",
            q(admin_assignments, p=sap),
        ),
        ("visits list", visit_list, "admin visits", admin_visits),
        (
            "visits, district",
            q(visit_list, district=d),
            "admin visits, district",
            q(admin_visits, assignment__commune__district__id__exact=d),
        ),
        (
            f"visits, page {vp}",
            q(visit_list, page=vp),
            f"admin visits, p={vap}",
            q(admin_visits, p=vap),
        ),
        ("dashboard 2025", q(reverse("reports:dashboard"), year=2025), None, None),
    ]
    # Each page on the old map (by old district, how the 2021–2025 reports were made) and,
    # beside it, on the current map (the default since 01/07/2025: the records rolled up to
    # today's units), with the same anchor; the old district is a filter of the old map only.
    cases = []
    for label, url, *anchor in old:
        base, params = url.split("?")[0], _params(url)
        cases.append((f"{label} [old map]", q(base, map=Map.OLD, **params), *anchor))
        if "district" not in params:
            cases.append((f"{label} [current map]", q(base, map=Map.CURRENT, **params), *anchor))
    cases += _cases_2026(q, cp, ap)
    cases.append(_dossier("commune dossier (old unit)", dossier))
    # The roll-up: a current unit's dossier with its predecessors' records. Its query count
    # must not grow with the number of predecessors (pinned by tests at two sizes).
    for count in (1, 3, 4):
        unit = with_predecessors(count)
        if unit is not None:
            plural = "s" if count > 1 else ""
            cases.append(_dossier(f"dossier of a current unit, {count} predecessor{plural}", unit))
    return cases


def _cases_2026(q, page, admin_page):
    """The communes list and the dashboard of 2026, on the current map (results from 2026 are
    recorded on today's units): all units, a deep page, approved results only (?da-duyet=1)."""
    from django.urls import reverse

    from communes.models import CriteriaScore, Map

    if not CriteriaScore.objects.filter(year=2026).exists():
        return []
    commune_list, dashboard = reverse("reports:commune_list"), reverse("reports:dashboard")
    admin_communes = reverse("admin:communes_commune_changelist")
    year, approved = {"year": 2026, "map": Map.CURRENT}, {"da-duyet": 1}
    return [
        ("communes list 2026 [current map]", q(commune_list, **year), "admin communes",
         admin_communes),
        (f"communes 2026, page {page} [current map]", q(commune_list, page=page, **year),
         f"admin communes, p={admin_page}", q(admin_communes, p=admin_page)),
        ("communes 2026, approved only [current map]", q(commune_list, **year, **approved),
         "admin communes", admin_communes),
        ("dashboard 2026 [current map]", q(dashboard, **year), None, None),
        ("dashboard 2026, approved only [current map]", q(dashboard, **year, **approved), None,
         None),
    ]  # fmt: skip


def _params(url):
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query))


def _dossier(label, unit):
    from django.urls import reverse

    return (
        label,
        reverse("reports:commune_detail", args=[unit.pk]),
        "admin commune change form",
        reverse("admin:communes_commune_change", args=[unit.pk]),
    )


def with_predecessors(count):
    """The first current unit (by pk) into which exactly `count` old units with assignments
    went, or None."""
    from django.db.models import Count, F, Q

    from communes.models import Commune, Era

    return (
        Commune.objects.filter(era=Era.FROM_2025)
        .annotate(
            old=Count("rolled_up", filter=~Q(rolled_up__pk=F("pk")), distinct=True),
            made=Count("rolled_up__assignments", distinct=True),
        )
        .filter(old=count, made__gt=0)
        .order_by("pk")
        .first()
    )


def measure_pages(repeat):
    from django.test import Client
    from django.urls import reverse

    office, admin = measure.client_as(measure.OFFICE_USER), measure.client_as(measure.ADMIN_USER)
    floor = measure.measure_get(Client(), reverse("login"), repeat)
    rows = [measure.row("floor: login page (anonymous GET)", floor)]
    for label, url, anchor_label, anchor_url in page_cases():
        print(f"  {label}…", flush=True)
        page = measure.measure_get(office, url, repeat)
        if anchor_url:
            anchor = measure.measure_get(admin, anchor_url, repeat)
            rows.append(
                measure.row(label, page, anchor_label, anchor, url=url, anchor_url=anchor_url)
            )
        else:
            rows.append(measure.row(label, page, "floor (login page)", floor, url=url))
    return rows
