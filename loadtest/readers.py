"""Users who read: office staff and readers browsing, office staff downloading exports."""

import datetime
import random

from locust import between, task

from .client import Catalog, PortalUser, url


def deep_page(last):
    """A page far into a list: the last one now and then, else anywhere past the first."""
    return last if random.random() < 0.25 else random.randint(min(2, last), last)


def dmy(day):
    return day.strftime("%d/%m/%Y")


class OfficeBrowser(PortalUser):
    """Office staff (and read-only readers) reading dashboards, lists and dossiers.

    Task weights: a commune's dossier and the dashboards are what is read most
    (4, 3 + 3); lists are filtered more often than not, as people look for their
    own district (3 filtered against 1 plain); sorting and deep pages come from
    paging through results (2); the assignments and visits lists, visit details,
    leader and agency pages and the reports page are read less (1–2 each).
    """

    weight = 18
    wait_time = between(2, 8)  # reading a page, then clicking on
    # Two office staff for each reader (nguoixem), who reads the same pages but no drafts.
    usernames = ("vanphong", "vanphong", "nguoixem")

    def on_start(self):
        super().on_start()
        self.today = datetime.date.today()

    @task(3)
    def dashboard(self):
        if self.ensure_login():
            self.page("/", "dashboard")

    @task(3)
    def dashboard_filtered(self):
        if self.ensure_login():
            district, year = random.choice(Catalog.districts), random.choice(Catalog.years)
            self.page(url("/", district=district, year=year), "dashboard (district, year)")

    @task(1)
    def communes_list(self):
        if self.ensure_login():
            self.page("/xa/", "communes list")

    @task(3)
    def communes_filtered(self):
        if not self.ensure_login():
            return
        year, district = random.choice(Catalog.years), random.choice(Catalog.districts)
        level = random.choice(["none", "ntm", "nang_cao", "kieu_mau"])
        params = random.choice(
            [
                {"district": district},
                {"district": district, "year": year, "sort": "-criteria_met"},
                {"level": level, "year": year},
                {"criteria_min": 15, "year": year},
                {"criteria_max": 9, "district": district},
                {"q": random.choice(["ban", "xa", "phong", "son", "ban vuoc"])},
            ]
        )
        self.page(url("/xa/", **params), "communes list (filtered)")

    @task(2)
    def communes_sorted_deep(self):
        if self.ensure_login():
            sort = random.choice(["", "-"]) + random.choice(Catalog.sorts or ["name"])
            page = deep_page(Catalog.commune_pages)
            self.page(url("/xa/", sort=sort, page=page), "communes list (sorted, deep page)")

    @task(4)
    def commune_dossier(self):
        if self.ensure_login():
            self.page(f"/xa/{random.choice(Catalog.communes)}/", "commune dossier")

    @task(2)
    def assignments_filtered(self):
        if not self.ensure_login():
            return
        district = random.choice(Catalog.districts)
        params = random.choice(
            [
                {"district": district},
                {"district": district, "status": "active"},
                {"status": "ended"},
                {"stale": "1"},
                {"open_recs": "1", "district": district},
                {"overdue": "1"},
                {"q": random.choice(["nguyen", "tran", "ban vuoc", "le"])},
            ]
        )
        self.page(url("/phan-cong/", **params), "assignments list (filtered)")

    @task(1)
    def assignments_deep(self):
        if self.ensure_login():
            page = deep_page(Catalog.assignment_pages)
            self.page(url("/phan-cong/", page=page), "assignments list (deep page)")

    @task(2)
    def visits_filtered(self):
        if not self.ensure_login():
            return
        district = random.choice(Catalog.districts)
        quarter_ago = self.today - datetime.timedelta(days=90)
        params = random.choice(
            [
                {"district": district},
                {"status": random.choice(["submitted", "confirmed", "returned"])},
                {"support_kind": random.choice(["money", "in_kind"]), "district": district},
                {"leader_present": "true", "district": district},
                {"date_from": dmy(quarter_ago), "date_to": dmy(self.today)},
            ]
        )
        self.page(url("/chuyen-cong-tac/", **params), "visits list (filtered)")

    @task(1)
    def visits_deep(self):
        if self.ensure_login():
            page = deep_page(Catalog.visit_pages)
            self.page(url("/chuyen-cong-tac/", page=page), "visits list (deep page)")

    @task(1)
    def visit_detail(self):
        if self.ensure_login():
            self.page(f"/chuyen-cong-tac/{random.choice(Catalog.visits)}/", "visit detail")

    @task(1)
    def leader_page(self):
        if self.ensure_login():
            self.page(f"/lanh-dao/{random.choice(Catalog.leaders)}/", "leader page")

    @task(1)
    def agency_page(self):
        if self.ensure_login():
            self.page(f"/co-quan/{random.choice(Catalog.agencies)}/", "agency page")

    @task(1)
    def reports_page(self):
        if self.ensure_login():
            self.page("/bao-cao/", "reports page")


class ExportingOffice(PortalUser):
    """Office staff preparing reports, each download then read in Excel.

    Task weights: the reports of the reports page (13 in all, one report as
    likely as another) are what the office downloads most, each with the values
    its form offers and every select changed at even odds (a year, a district,
    a period, a decision, a visit filter); a district's communes list comes next
    (2); the whole communes list and the other lists are rarer (1). The reports
    are those of the registry (reports/exporters.py), read from the reports page.
    """

    weight = 6
    wait_time = between(10, 30)  # reading the workbook

    @task(13)
    def report(self):
        if self.ensure_login() and Catalog.reports:
            report = random.choice(Catalog.reports)
            self.export(url(report.url, **report.params()), f"export {report.identifier}")

    @task(2)
    def communes_list_district(self):
        if self.ensure_login():
            district = random.choice(Catalog.districts)
            self.export(
                url("/xa/", district=district, export="xlsx"), "export communes list (district)"
            )

    @task(1)
    def communes_list_all(self):
        if self.ensure_login():
            self.export("/xa/?export=xlsx", "export communes list")

    @task(1)
    def assignments_list_district(self):
        if self.ensure_login():
            district = random.choice(Catalog.districts)
            self.export(
                url("/phan-cong/", district=district, export="xlsx"),
                "export assignments list (district)",
            )

    @task(1)
    def visits_list_district(self):
        if self.ensure_login():
            district = random.choice(Catalog.districts)
            self.export(
                url("/chuyen-cong-tac/", district=district, export="xlsx"),
                "export visits list (district)",
            )
