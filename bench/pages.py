"""Pages measured by `make bench`: each list (plain, filtered, a deep page), the dashboard and a
commune's dossier as the office user, each beside the Django admin's page of the same model
with the same filter and page (as a superuser); floor: the login page."""

from urllib.parse import urlencode

from . import measure


def page_cases():
    """(label, url, anchor label, anchor url) for every page; anchors are admin changelists."""
    import math

    from django.db.models import Count
    from django.urls import reverse

    from assignments.models import Assignment, FieldVisit
    from communes.models import Commune, District, Era

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
    return [
        ("communes list", commune_list, "admin communes", admin_communes),
        (
            "communes, district + criteria_max=9",
            q(commune_list, district=d, criteria_max=9),
            "admin communes, district",
            q(admin_communes, district__id__exact=d),
        ),
        (
            f"communes, page {cp}",
            q(commune_list, page=cp),
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
        ("dashboard", reverse("reports:dashboard"), None, None),
        (
            "commune dossier",
            reverse("reports:commune_detail", args=[dossier.pk]),
            "admin commune change form",
            reverse("admin:communes_commune_change", args=[dossier.pk]),
        ),
    ]


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
