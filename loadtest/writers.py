"""Users who write: working-group members recording visits, the office importing a matrix."""

import datetime
import random
import re
from urllib.parse import urlsplit

import lxml.html
from locust import between, task

from .client import (
    IMPORT_STEM,
    MARKER,
    XLSX,
    Catalog,
    PortalUser,
    csrf_token,
    flip_first_cell,
    form_error,
    log,
    photo,
    url,
)

# Two support items, the second towards two criteria: what loadtest/check.py counts.
SUPPORT_CRITERIA = [[2], [2, 5]]


class WorkingGroupMember(PortalUser):
    """Members of the Bản Vược (A) and Y Tý (B) working groups recording visits on a phone.

    After a trip a member fills the visit form (20–40 s of typing here) with two
    support items, a recommendation, the participants and a 1 MB photo, then
    looks at the saved visit. Each visit's purpose starts with the run's marker
    and its findings say what was sent, so that loadtest/check.py can tell a
    complete visit from a half-written one.
    """

    weight = 5
    wait_time = between(20, 40)
    usernames = ("thanhvien_a", "thanhvien_b")

    def on_start(self):
        super().on_start()
        self.forms = []
        self.posted = 0

    def find_forms(self):
        response = self.page("/cua-toi/", "my work")
        if response.ok:
            links = re.findall(r'href="(/phan-cong/\d+/chuyen-cong-tac/moi/)"', response.text)
            self.forms = sorted(set(links))
        return self.forms

    @task(1)
    def my_work(self):
        if self.ensure_login():
            self.find_forms()

    @task(4)
    def record_visit(self):
        if not self.ensure_login() or not (self.forms or self.find_forms()):
            return
        response = self.page(random.choice(self.forms), "visit form")
        if not response.ok:
            return
        fields, expected, token = self.fill(lxml.html.fromstring(response.text))
        files = {"files": ("anh-hien-truong.jpg", photo(), "image/jpeg")}
        path = urlsplit(response.url).path
        with self.post(path, "visit save", data=fields, files=files) as saved:
            match = re.search(r"/chuyen-cong-tac/(\d+)/$", saved.headers.get("Location", ""))
            if saved.status_code == 302 and match:
                saved.success()
                outcome, visit = "saved", match.group(1)
            else:
                saved.failure(f"not saved (HTTP {saved.status_code}){form_error(saved)}")
                outcome, visit = "failed", ""
            log("visits.csv", [token, outcome, saved.status_code, visit, expected])
        if visit:
            self.page(saved.headers["Location"], "visit detail (after save)")

    def fill(self, page):
        """The visit form as the browser would send it, filled in: (fields, expected, token)."""
        form = page.get_element_by_id("visit-form")
        self.posted += 1
        token = f"{MARKER} {self.username}-{id(self):x}-{self.posted}"
        # Hidden fields and chosen radios as rendered (CSRF token, follow-ups of earlier
        # recommendations…), without what is typed below.
        typed = {"visited_on", "purpose", "findings", "other_participants", "participants"}
        fields = [
            (name, value)
            for name, value in form.form_values()
            if not name.startswith(("supports-", "recommendations-")) and name not in typed
        ]
        # The member is ticked already; a colleague went too.
        ticked = set(form.xpath('.//input[@name="participants"][@checked]/@value'))
        members = form.xpath('.//input[@name="participants"]/@value')
        if members:
            ticked.add(random.choice(members))
        fields += [("participants", member) for member in sorted(ticked)]
        expected = (
            f"supports={len(SUPPORT_CRITERIA)} criteria={sum(map(len, SUPPORT_CRITERIA))} "
            f"recommendations=1 participants={len(ticked)} files=1"
        )
        # Yesterday: never after the server's today, whatever the time zones.
        day = datetime.date.today() - datetime.timedelta(days=1)
        fields += [
            ("visited_on", day.isoformat()),  # what <input type="date"> sends
            ("other_participants", "Chủ tịch UBND xã"),
            ("purpose", f"{token} Kiểm tra tiến độ tiêu chí giao thông, thủy lợi"),
            ("findings", f"Tải thử: {expected}"),
            *_management("supports", len(SUPPORT_CRITERIA)),
            ("supports-0-kind", "money"),
            ("supports-0-amount_vnd", "5.000.000"),
            ("supports-0-description", "Hỗ trợ làm đường bê tông thôn"),
            ("supports-1-kind", "in_kind"),
            ("supports-1-quantity", "10"),
            ("supports-1-unit", "tấn xi măng"),
            ("supports-1-description", "Xi măng làm kênh mương"),
            *_management("recommendations", 1),
            ("recommendations-0-text", "Đề nghị huyện hỗ trợ thêm kinh phí kiên cố hóa kênh"),
            ("recommendations-0-addressed_to", "district"),
            ("recommendations-0-due_on", (day + datetime.timedelta(days=60)).isoformat()),
            ("kind", "photo"),
        ]
        for row, criteria in enumerate(SUPPORT_CRITERIA):
            fields += [(f"supports-{row}-criteria", str(c)) for c in criteria]
        return fields, expected, token


def _management(prefix, rows):
    return [
        (f"{prefix}-TOTAL_FORMS", str(rows)),
        (f"{prefix}-INITIAL_FORMS", "0"),
        (f"{prefix}-MIN_NUM_FORMS", "0"),
        (f"{prefix}-MAX_NUM_FORMS", "50"),
    ]


class ImportingOffice(PortalUser):
    """One office user importing a district's criteria matrix, as after a district's review.

    Downloads the matrix of a district, flips criterion 1 of its first commune,
    uploads it, looks at the preview and confirms; then imports the original
    file the same way to put the cell back, so the dataset ends as it started.
    Exactly one such user: imports are rare, and it gives the fault test an
    import in flight to check for half-writes.
    """

    fixed_count = 1
    wait_time = between(20, 40)

    @task
    def import_cycle(self):
        matrix = Catalog.report("matrix")  # the criteria matrix: the file the import reads
        if not self.ensure_login() or not matrix or not matrix.choices.get("district"):
            return
        year, district = Catalog.years[0], random.choice(matrix.choices["district"])
        response = self.export(
            url(matrix.url, year=year, district=district), "export matrix (district, year)"
        )
        edited = flip_first_cell(response.content) if response.ok else None
        if edited is None:
            return
        stem = f"{IMPORT_STEM}{district}-{year}"
        if self.import_file(f"{stem}-sua.xlsx", edited, year):
            self.import_file(f"{stem}-goc.xlsx", response.content, year)

    def import_file(self, name, content, year):
        """Upload, look at the preview, confirm; whether it was applied."""
        form = self.page("/nhap-excel/tieu-chi/", "import form")
        if not form.ok:
            return False
        data = {"csrfmiddlewaretoken": csrf_token(form.text), "year": year}
        files = {"file": (name, content, XLSX)}
        with self.post("/nhap-excel/tieu-chi/", "import upload", data=data, files=files) as upload:
            match = re.search(r"/nhap-excel/(\d+)/$", upload.headers.get("Location", ""))
            if upload.status_code == 302 and match:
                upload.success()
            else:
                upload.failure(f"upload refused (HTTP {upload.status_code}){form_error(upload)}")
                log("imports.csv", [name, "upload", "failed", upload.status_code, ""])
                return False
        batch = match.group(1)
        preview = self.page(f"/nhap-excel/{batch}/", "import preview")
        if not preview.ok:
            log("imports.csv", [name, "preview", "failed", preview.status_code, batch])
            return False
        data = {"csrfmiddlewaretoken": csrf_token(preview.text), "action": "confirm"}
        with self.post(f"/nhap-excel/{batch}/", "import confirm", data=data) as confirm:
            if confirm.status_code == 302:
                confirm.success()
            else:
                confirm.failure(f"confirm failed (HTTP {confirm.status_code})")
            outcome = "sent" if confirm.status_code == 302 else "failed"
            log("imports.csv", [name, "confirm", outcome, confirm.status_code, batch])
        if outcome == "failed":
            return False
        # The page after confirming says whether it was written.
        result = self.page(f"/nhap-excel/{batch}/", "import preview")
        return result.ok and "Đã nhập" in result.text
