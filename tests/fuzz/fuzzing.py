"""What the form fuzzing tests share: hostile values, the personas' clients, a snapshot
of the database, and the checks every response must pass.

Each example runs in `rolled_back()`, a savepoint rolled back at its end, so that
every example starts from the same demo data. The test client re-raises any
exception a view lets through, so an unhandled error fails the example with its
traceback; `check_page` also refuses a status of 500 or more.
"""

import datetime
import hashlib
import io
import os
import unicodedata
from contextlib import contextmanager
from html.parser import HTMLParser

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from PIL import Image

# Examples per form: the whole fuzzing suite stays near a minute. NTM_FUZZ_EXAMPLES=500
# searches longer (for a run by hand, not for the test suite).
EXAMPLES = int(os.environ.get("NTM_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
FEW = settings(
    FUZZ, max_examples=max(EXAMPLES // 2, 1)
)  # forms whose every example renders a large page

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
ATTR = "' autofocus onfocus=alert(1) x='"
XSS = [SCRIPT, IMG, ATTR, "</textarea><script>alert(1)</script>", "javascript:alert(1)"]
SQL = [
    "' OR '1'='1",
    "1; DROP TABLE assignments_fieldvisit; --",
    "1 UNION SELECT username, password FROM auth_user",
    "%' OR 1=1 --",
    "'; SELECT pg_sleep(5); --",
]
ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t",
    "\u200b",
    "\ufeff",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "%s %(x)s %d",
    "../../../etc/passwd",
    "NaN",
    "-Infinity",
    "None",
    "null",
    "true",
    "[]",
    "²",
    "١٢٣",
    "１２３",
    "Ⅻ",
    "-0",
    "1e400",
]
# Vietnamese as typed on phones (precomposed) and as some keyboards send it (combining marks).
VIETNAMESE = [
    "Bản Vược",
    "Nguyễn Thị Hồng Nhung",
    "Đường bê tông thôn Nậm Pung dài 1,2 km",
    "Hỗ trợ xi măng, sắt thép cho nhà văn hoá",
    "Kiến nghị UBND huyện bổ sung vốn đối ứng",
    "ỦY BAN NHÂN DÂN XÃ Ý TÝ",
]
VIETNAMESE += [unicodedata.normalize("NFD", name) for name in VIETNAMESE[:3]]
CONTROL = st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=5)
VIETNAMESE_TEXT = st.text(
    st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ ,.") + ["\u0300", "\u0301", "\u0303", "\u0309"]
    ),
    max_size=40,
)


def long_text(min_size=200, max_size=20_000):
    """A very long string (past every max_length), of a few repeated characters."""
    return st.builds(
        lambda n, unit: (unit * (n // len(unit) + 1))[:n],
        st.integers(min_size, max_size),
        st.sampled_from(["Ư", "a", "Nậm ", SCRIPT]),
    )


def text():
    """Anything a person, a phone keyboard or an attacker may type into a text box."""
    piece = st.one_of(
        st.sampled_from(XSS + SQL + ODD + VIETNAMESE),
        st.text(max_size=30),
        VIETNAMESE_TEXT,
        CONTROL,
    )
    return st.one_of(
        piece,
        st.lists(piece, min_size=2, max_size=4).map(" ".join),
        long_text(),
    )


def safe_text(max_size=60):
    """Text a valid form keeps: payloads and Vietnamese, no NUL, never blank."""
    piece = st.one_of(
        st.sampled_from(XSS + SQL + VIETNAMESE),
        VIETNAMESE_TEXT,
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    )
    return (
        st.lists(piece, min_size=1, max_size=3)
        .map(" ".join)
        .map(lambda s: f"x {s}"[:max_size])
        .filter(lambda s: s.strip())
    )


def numbers():
    """Numbers as text: out of range, negative, grouped, fractional, exotic."""
    return st.one_of(
        st.integers(-(10**20), 10**20).map(str),
        st.sampled_from(
            [
                "0",
                "-1",
                "-1.000.000",
                "−500",
                "1.000.000",
                "1,000,000",
                "1 000 000 đ",
                "1.000.000 VNĐ",
                "1.000,50",
                "1.5",
                "2,5",
                "0,001",
                "1e6",
                "0x10",
                "9" * 30,
                "2147483648",
                "9223372036854775808",
                "-9223372036854775809",
                "1.000.000.000.000.000",
            ]
        ),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(ODD),
    )


def date_texts(valid=None):
    """Dates in every format, impossible dates and junk; `valid` adds dates that may pass."""
    formats = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%m/%d/%Y", "%d.%m.%Y", "%d/%m/%y", "%Y%m%d"]
    formatted = st.builds(
        lambda day, fmt: day.strftime(fmt),
        st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)),
        st.sampled_from(formats),
    )
    impossible = st.sampled_from(
        [
            "31/02/2025",
            "29/02/2023",
            "00/00/0000",
            "32/13/2025",
            "31/12/9999",
            "01/01/0001",
            "9999-12-31",
            "0001-01-01",
            "2025-13-01",
            "2025-1-1",
            "1/1/2025",
            "25/11/2025 08:00",
            "2025-11-25T08:00:00",
            "hôm qua",
        ]
    )
    # The first and last days a date can hold: a day before or after them overflows.
    extremes = st.sampled_from(["31/12/9999", "01/01/0001", "9999-12-31", "0001-01-01"])
    options = [formatted, impossible, extremes, text()]
    if valid is not None:
        options.insert(0, valid)
    return st.one_of(*options)


def ids(*good):
    """Values for a select or foreign-key field: the given ones and anything else."""
    options = [
        st.sampled_from(["-1", "0", "1.5", "abc", "9" * 25, "1 OR 1=1", "", "１"]),
        st.integers(-5, 10**6).map(str),
        text(),
    ]
    if good:
        options.insert(0, st.sampled_from([str(g) for g in good]))
    return st.one_of(*options)


MISSING = object()


def maybe(strategy, missing=True, many=True):
    """The value, sometimes left out of the post, sometimes sent several times."""
    options = [strategy]
    if missing:
        options.append(st.just(MISSING))
    if many:
        options.append(st.lists(strategy, min_size=2, max_size=3))
    return st.one_of(*options)


def last(value):
    """The value a form field reads from what was posted (the last one of a list)."""
    if value is MISSING:
        return ""
    if isinstance(value, list):
        return value[-1] if value else ""
    return value


def post_data(fields):
    """A dict for the test client from {name: value or MISSING}."""
    return {name: value for name, value in fields.items() if value is not MISSING}


def extra_fields():
    """Fields no form has: the server ignores them (status, created_by, is_superuser…)."""
    names = st.sampled_from(
        ["status", "created_by", "updated_by", "version_x", "is_superuser", "assignment", "id"]
    )
    return st.dictionaries(names, st.one_of(ids("1", "confirmed"), text()), max_size=3)


# --- files ------------------------------------------------------------------------


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "green").save(buffer, "JPEG")
    return buffer.getvalue()


JPEG = _jpeg()
FAKE_FILES = {
    "a text file named .jpg": ("anh.jpg", b"khong phai anh", "image/jpeg"),
    "HTML named .png": ("a.png", b"<html><script>alert(1)</script></html>", "image/png"),
    "a truncated JPEG": ("cut.jpg", JPEG[:30], "image/jpeg"),
    "a PNG header only": ("p.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
    "an empty file": ("empty.pdf", b"", "application/pdf"),
    "a script with an XSS name": (f"{IMG}.jpg", b"#!/bin/sh\nrm -rf /", "image/jpeg"),
    "a zip named .xlsx": ("bang.xlsx", b"PK\x03\x04" + b"\x00" * 40, "application/zip"),
    "an exe named .xlsx": ("bang.xlsx", b"MZ\x90\x00" + b"\x00" * 60, "application/octet-stream"),
    "a PDF": ("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    "a real JPEG with a hostile name": (f"{SCRIPT}\x00../../x.jpg", JPEG, "image/jpeg"),
    "a real JPEG": ("anh.jpg", JPEG, "image/jpeg"),
}


def files():
    """(label, name, bytes, content type) of a file that may not be what it says."""
    return st.sampled_from(sorted(FAKE_FILES)).map(lambda label: (label, *FAKE_FILES[label]))


def upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- personas, savepoints ---------------------------------------------------------

USERNAMES = {
    "admin": "admin",
    "office": "vanphong",
    "member_a": "thanhvien_a",
    "member_b": "thanhvien_b",
    "leader": "lanhdao",
    "reader": "nguoixem",
}


def users():
    User = get_user_model()
    found = {u.username: u for u in User.objects.filter(username__in=USERNAMES.values())}
    return {persona: found[name] for persona, name in USERNAMES.items()}


def client_as(user):
    """A fresh client (no cookies, no messages left by an earlier example)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@contextmanager
def rolled_back():
    """A savepoint for one example: whatever it writes is undone at its end."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- what the database holds -------------------------------------------------------

# Tables a request may write whatever the form: sessions, login throttling, and the
# upload limit's record (images decoded for a save that the visit's version then refused).
UNTRACKED_APPS = {"sessions", "axes"}
UNTRACKED_MODELS = {"assignments.PhotoUpload"}


def _tables():
    tables = []
    for model in apps.get_models(include_auto_created=True):
        untracked = model._meta.app_label in UNTRACKED_APPS
        if untracked or model._meta.label in UNTRACKED_MODELS or model._meta.proxy:
            continue
        tables.append((model._meta.label, model._meta.db_table, model._meta.pk.column))
    return tables


def snapshot():
    """{table: (rows, highest primary key)} of every table, read in one query."""
    tables = _tables()
    qn = connection.ops.quote_name
    columns = ", ".join(
        f"(SELECT COUNT(*) FROM {qn(table)}), (SELECT MAX({qn(pk)}) FROM {qn(table)})"
        for _label, table, pk in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")  # noqa: S608 (table names from the models)
        row = cursor.fetchone()
    return {label: (row[2 * i], row[2 * i + 1]) for i, (label, _table, _pk) in enumerate(tables)}


def digest(*querysets):
    """A fingerprint of every value of the rows: catches updates, not only inserts."""
    h = hashlib.sha256()
    for queryset in querysets:
        for row in queryset.order_by("pk").values_list():
            h.update(repr(row).encode())
    return h.hexdigest()


def changes(before, after):
    """{table: (before, after)} of the tables whose rows changed."""
    return {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    }


# --- checks on every response ------------------------------------------------------


class _Scan(HTMLParser):
    """Elements and attributes that only unescaped user text can have made."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._script = [], False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            link = (value or "").strip().lower()
            if name in ("href", "src", "action", "formaction") and link.startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")
        self._script = tag == "script"

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}</script>")


def unescaped(html):
    """What of the XSS payloads came back as markup instead of as text."""
    found = [payload for payload in ("<script>alert(", "<img src=x") if payload in html]
    scan = _Scan()
    scan.feed(html)
    scan.close()
    return found + scan.found


def check_page(response):
    """No server error; an HTML page shows user text only as text."""
    assert response.status_code < 500, response.status_code
    if response.get("Content-Type", "").startswith("text/html") and not getattr(
        response, "streaming", False
    ):
        html = response.content.decode("utf-8", "replace")
        assert not unescaped(html), unescaped(html)
    return response


def follow(client, response):
    """The page a redirect leads to (its messages included), checked too."""
    check_page(response)
    if response.status_code in (301, 302, 303) and response.url.startswith("/"):
        return check_page(client.get(response.url))
    return response


def spoil(draw, fields, junk):
    """An honest post with one to three fields replaced by junk (or left out).

    Junk everywhere is refused by the first check; junk in one field of an otherwise
    valid post reaches the code behind the form.
    """
    names = draw(st.lists(st.sampled_from(sorted(junk)), min_size=1, max_size=3, unique=True))
    spoiled = dict(fields)
    for name in names:
        spoiled[name] = draw(maybe(junk[name]))
    spoiled.update(draw(extra_fields()))
    return spoiled
