"""What every load user shares: the client set up as behind nginx, the logs, the catalog.

The client plays the part of nginx in front of gunicorn (docs/deploy.md): it
sends `X-Forwarded-Proto: https` as nginx does, so production's settings stay
exactly as they are (SSL redirect, HSTS, Secure cookies, CSRF origin check),
and it keeps the Secure cookies although it talks plain HTTP to gunicorn on the
loopback, as a browser keeps them over the HTTPS that nginx serves.
"""

import csv
import io
import os
import random
import re
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import lxml.html
from locust import HttpUser
from openpyxl import load_workbook
from PIL import Image
from requests.cookies import RequestsCookieJar

from .report_forms import options, reports_on

RUN_ID = os.environ.get("LOAD_RUN_ID") or time.strftime("%Y-%m-%d-%H%M%S")
OUT = Path(os.environ.get("LOAD_DIR") or f"bench-output/loadtest-{RUN_ID}")
# The purpose of every visit a load user posts starts with this (loadtest/check.py).
MARKER = f"[tai-thu {RUN_ID}]"
# Imported files are named after it.
IMPORT_STEM = f"tai-thu-{RUN_ID}-"
# The friendly 500 page (templates/500.html), as opposed to a bare error or a traceback.
ERROR_PAGE_TEXT = "Đã có lỗi xảy ra"
LOGIN_PATH = "/accounts/login/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIMEOUT = 300  # seconds; gunicorn's own timeout (120 s) ends a stuck request first
PHOTO_BYTES = 1_000_000


def kind_group(name):
    """The report's group of a request name: "export …" are exports, the rest pages."""
    return "exports" if name.startswith("export ") else "pages"


# --- the client: behind the TLS proxy, logged in through the real form --------------------


class TlsProxyCookieJar(RequestsCookieJar):
    """Keeps production's Secure cookies over the plain-HTTP loopback (see the module doc)."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


def behind_tls_proxy(session, host):
    session.cookies = TlsProxyCookieJar()
    session.headers.update(
        {
            "X-Forwarded-Proto": "https",
            # What a browser sends with a form on https://<host>/ (CSRF origin check).
            "Origin": f"https://{urlsplit(host).netloc}",
            "Accept-Language": "vi",
        }
    )


def csrf_token(text):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    return match.group(1) if match else ""


def password_of(username):
    return f"{username}-demo-2025"


def form_error(response):
    """The first error shown on a re-rendered form, to say why a save was refused."""
    if response.status_code != 200:
        return ""
    match = re.search(r'class="errorlist[^"]*"[^>]*>\s*<li>(.*?)</li>', response.text, re.S)
    return f": {match.group(1).strip()[:100]}" if match else ""


class PortalUser(HttpUser):
    """A user who logs in through the login form and checks that every page really came."""

    abstract = True
    usernames = ("vanphong",)
    _turn = 0

    def on_start(self):
        behind_tls_proxy(self.client, self.host)
        cls = type(self)
        # Users of one class take the accounts in turn.
        self.username = cls.usernames[cls._turn % len(cls.usernames)]
        cls._turn += 1
        self.logged_in = False
        self.login()

    def login(self):
        response = self.page(LOGIN_PATH, "login page", logged_in=False)
        if not response.ok:
            return
        data = {
            "username": self.username,
            "password": password_of(self.username),
            "csrfmiddlewaretoken": csrf_token(response.text),
        }
        with self.post(LOGIN_PATH, "login", data=data) as response:
            if response.status_code == 302 and LOGIN_PATH not in response.headers["Location"]:
                self.logged_in = True
                response.success()
            else:
                response.failure(f"login refused (HTTP {response.status_code})")

    def ensure_login(self):
        """Logged in, or logging in again (after losing the session)."""
        if not self.logged_in:
            self.login()
        return self.logged_in

    def page(self, url, name, logged_in=True):
        """GET a page; a failure unless it answers 200 with the page (not the login form)."""
        with self.client.get(url, name=name, catch_response=True, timeout=TIMEOUT) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif logged_in and urlsplit(response.url).path == LOGIN_PATH:
                self.logged_in = False
                response.failure("sent to the login page")
            else:
                response.success()
        return response

    def export(self, url, name):
        """GET an Excel download; a failure unless it is a workbook."""
        with self.client.get(url, name=name, catch_response=True, timeout=TIMEOUT) as response:
            path = urlsplit(response.url).path
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not response.headers.get("Content-Type", "").startswith(XLSX):
                if path == LOGIN_PATH:
                    self.logged_in = False
                response.failure(f"not a workbook but {path}")
            else:
                response.success()
        return response

    def post(self, url, name, **kwargs):
        """POST a form without following the redirect (the caller checks where it leads).

        Following it inside requests would lose the cookies the answer sets (the
        new session after a login) because of the Secure flag: see TlsProxyCookieJar.
        """
        return self.client.post(
            url, name=name, allow_redirects=False, catch_response=True, timeout=TIMEOUT, **kwargs
        )


def url(path, **params):
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(params)}" if params else path


# --- what the users write down: requests.csv, visits.csv, imports.csv --------------------

LOGS = {
    "requests.csv": [
        "start",
        "end",
        "group",
        "name",
        "method",
        "status",
        "ok",
        "friendly",
        "error",
    ],
    "visits.csv": ["token", "outcome", "status", "visit", "expected"],
    "imports.csv": ["file", "step", "outcome", "status", "batch"],
}
_files = {}


def open_logs():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, header in LOGS.items():
        handle = open(OUT / name, "w", newline="", encoding="utf-8")  # noqa: SIM115 (close_logs)
        writer = csv.writer(handle)
        writer.writerow(header)
        _files[name] = (handle, writer)


def log(name, row):
    """Append a row to one of LOGS (open from locust's init to its quit)."""
    if name in _files:
        _files[name][1].writerow(row)


def close_logs():
    for handle, _ in _files.values():
        handle.close()
    _files.clear()


# --- what the users know: ids read from the site's own pages before the load ---------------


class Catalog:
    districts: list = []
    years: list = []  # newest first
    sorts: list = []
    communes: list = []
    commune_pages = assignment_pages = visit_pages = 1
    leaders: list = []
    agencies: list = []
    visits: list = []
    reports: list = []  # Report, in the order of the reports page

    @classmethod
    def report(cls, identifier):
        return next((r for r in cls.reports if r.identifier == identifier), None)


def _ids(text, pattern):
    return sorted({int(m) for m in re.findall(pattern, text)})


def _last_page(text):
    return max([1, *(int(p) for p in re.findall(r"[?&]page=(\d+)", text))])


def discover(host):
    """Fill Catalog from the lists an office user sees (one pass, before the load)."""
    import requests

    session = requests.Session()
    behind_tls_proxy(session, host)
    token = csrf_token(session.get(host + LOGIN_PATH, timeout=TIMEOUT).text)
    credentials = {"username": "vanphong", "password": password_of("vanphong")}
    response = session.post(
        host + LOGIN_PATH,
        data={**credentials, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    if response.status_code != 302:
        raise RuntimeError(f"Could not log in as vanphong: HTTP {response.status_code}")

    def get(path):
        response = session.get(host + path, timeout=TIMEOUT)
        response.raise_for_status()
        return response.text

    # Districts exist on the old map only (?map=old); a link naming one without a map reads
    # the old map, so the readers' district links need no map of their own.
    Catalog.districts = options(lxml.html.fromstring(get("/xa/?map=old")), "district")
    text = get("/xa/")
    doc = lxml.html.fromstring(text)
    Catalog.years = options(doc, "year")
    Catalog.sorts = sorted({s.lstrip("-") for s in re.findall(r"[?&]sort=([-\w]+)", text)})
    Catalog.commune_pages = last = _last_page(text)
    communes = set(_ids(text, r'href="/xa/(\d+)/"'))
    for page in random.sample(range(2, last + 1), min(5, last - 1)):
        communes.update(_ids(get(f"/xa/?page={page}"), r'href="/xa/(\d+)/"'))
    Catalog.communes = sorted(communes)

    Catalog.assignment_pages = last = _last_page(get("/phan-cong/"))
    leaders, agencies = set(), set()
    for page in {1, last // 2 or 1, last}:
        text = get(f"/phan-cong/?page={page}")
        leaders.update(_ids(text, r'href="/lanh-dao/(\d+)/"'))
        agencies.update(_ids(text, r'href="/co-quan/(\d+)/"'))
    Catalog.leaders, Catalog.agencies = sorted(leaders), sorted(agencies)

    Catalog.visit_pages = _last_page(get("/chuyen-cong-tac/"))
    # Confirmed visits only: every user may open those (a reader sees no drafts: 404).
    text = get("/chuyen-cong-tac/?status=confirmed")
    last = _last_page(text)
    visits = set(_ids(text, r'href="/chuyen-cong-tac/(\d+)/"'))
    confirmed = get(f"/chuyen-cong-tac/?status=confirmed&page={last // 2 or 1}")
    visits.update(_ids(confirmed, r"/chuyen-cong-tac/(\d+)/"))
    Catalog.visits = sorted(visits)

    Catalog.reports = reports_on(get("/bao-cao/"))
    session.close()
    wanted = ("districts", "years", "communes", "leaders", "agencies", "visits", "reports")
    missing = [name for name in wanted if not getattr(Catalog, name)]
    if missing:
        raise RuntimeError(f"Found no {', '.join(missing)} on the site: is the dataset loaded?")


# --- what the members and the office upload ------------------------------------------------

_photo = None


def photo():
    """A JPEG of about 1 MB: random noise, so that it does not compress."""
    global _photo
    if _photo is None:
        side = 700
        for _ in range(4):
            image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=85)
            if 0.95 * PHOTO_BYTES <= buffer.tell() <= 1.1 * PHOTO_BYTES:
                break
            side = int(side * (PHOTO_BYTES / buffer.tell()) ** 0.5)
        _photo = buffer.getvalue()
    return _photo


def flip_first_cell(content):
    """The criteria matrix with criterion 1 of its first commune flipped (met ↔ not met)."""
    book = load_workbook(io.BytesIO(content))
    for row in book.active.iter_rows(min_row=8):
        # A commune row as the importer reads it: a row number (STT) and a code.
        if isinstance(row[0].value, int) and row[1].value:
            row[3].value = None if row[3].value else "Đạt"
            buffer = io.BytesIO()
            book.save(buffer)
            return buffer.getvalue()
    return None
