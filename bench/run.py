"""`make bench`: pages, exports and imports at national scale, side by side with their anchors.

    python -m bench.run                 # the database of DATABASE_URL (SQLite by default)
    BENCH_SCALE=2000 BENCH_REPEAT=10 python -m bench.run   # a quick run

Not a test: it asserts no times. It prepares the database (migrate, reference,
demo data and accounts, then `generate_scale_data` at BENCH_SCALE communes,
skipped when the database already holds that many), then measures, in this one
run:

* pages through django.test.Client as the office user, after warm-up, median
  and p95 over BENCH_REPEAT (default and official: 30) requests, with the SQL
  query count of one more request; anchor: the Django admin (as a superuser)
  of the same model with the same filter and page; floor: the login page;
* the whole country's criteria-matrix, communes-list and visit-log exports, each run in a
  fresh subprocess so that its peak RSS (VmHWM) is its own; anchors: a bare
  openpyxl write-only loop and XlsxWriter's constant_memory mode writing the
  same cells from the same query;
* the annex import (the demo decision's annex exported and imported back) and
  the criteria-matrix import of one year for every commune (exported, some
  cells changed, preview + apply), each in a subprocess as well.

Prints one markdown table and writes it to bench-output/bench-<db>-<date>.md.
Heavy rows (exports, imports) are repeated BENCH_HEAVY_REPEAT times (default 3).
"""

import argparse
import datetime
import importlib
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "bench-output"
OFFICE_USER = "vanphong"  # the demo office account (create_demo_accounts)
ADMIN_USER = "admin"  # the demo superuser, for the admin anchors
DEFAULT_SCALE = 10_000
OFFICIAL_REPEAT = 30
WARMUP = 3
SLOW_SECONDS = float(os.environ.get("BENCH_SLOW_SECONDS", "5"))


def _env_int(name, default, *, maximum=None):
    raw = os.environ.get(name, "")
    value = int(raw) if raw.strip() else default
    if value < 1:
        raise SystemExit(f"{name} must be ≥ 1, not {raw!r}")
    if maximum is not None and value > maximum:
        raise SystemExit(f"{name} may only lower the repeat count (≤ {maximum}), not {raw!r}")
    return value


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")
    import django

    django.setup()


def _ensure_postgres_database(url):
    """CREATE DATABASE when DATABASE_URL names a PostgreSQL database that does not exist yet."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    params = {key: value for key, value in params.items() if value}
    connection = psycopg2.connect(dbname="postgres", **params)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            print(f"Creating PostgreSQL database {config['NAME']}…", flush=True)
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    connection.close()


# --- setup ------------------------------------------------------------------------------


def prepare(scale):
    """Bring the database to a national-scale dataset of `scale` communes; reuse it if there.

    Returns the seconds spent generating data, or None when it was reused.
    """
    from django.core.management import call_command, get_commands

    from communes.models import Commune

    call_command("migrate", "--no-input", verbosity=0)
    if "generate_scale_data" not in get_commands():
        raise SystemExit("manage.py generate_scale_data is missing: the bench needs it.")
    from sampledata import scale as scale_data

    synthetic = scale_data.synthetic_units(Commune).count()
    if synthetic == scale:
        print(f"Reusing the synthetic data already there ({synthetic:,} communes).", flush=True)
        scale_data.update_statistics()  # measured as a maintained database is (autovacuum)
        return None
    started = time.perf_counter()
    call_command("load_reference")
    call_command("load_demo_data")
    call_command("create_demo_accounts")
    call_command(
        "generate_scale_data",
        communes=scale,
        districts=max(1, scale * 7 // 100),
        provinces=max(1, round(scale * 63 / DEFAULT_SCALE)),
        visits=scale * 10,
        years=5,
        seed=2025,
        clear=scale_data.scale_data_exists(),
    )
    return time.perf_counter() - started


# --- measuring ---------------------------------------------------------------------------


def summary(times):
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return statistics.median(ordered) * 1000, p95 * 1000


def measure_get(client, url, repeat):
    """(median ms, p95 ms, queries, status) of GET `url`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    response = client.get(url)
    slow = time.perf_counter() - started > SLOW_SECONDS
    # A page slower than SLOW_SECONDS is measured 3 times so that the run stays bounded.
    for _ in range(0 if slow else WARMUP - 1):
        response = client.get(url)
    repeat = min(repeat, 3) if slow else repeat
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # Counted now: the captured list is a view on the connection's log, which a reconnect clears.
    queries = len(captured)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    median, p95 = summary(times)
    figures = {"median": median, "p95": p95, "queries": queries, "status": response.status_code}
    return {**figures, "slow": repeat} if slow else figures


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
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    User = get_user_model()
    office, admin = Client(), Client()
    office.force_login(User.objects.get(username=OFFICE_USER))
    admin.force_login(User.objects.get(username=ADMIN_USER))
    floor = measure_get(Client(), reverse("login"), repeat)
    rows = [_row("floor: login page (anonymous GET)", floor)]
    for label, url, anchor_label, anchor_url in page_cases():
        print(f"  {label}…", flush=True)
        page = measure_get(office, url, repeat)
        if anchor_url:
            anchor = measure_get(admin, anchor_url, repeat)
            rows.append(_row(label, page, anchor_label, anchor, url=url, anchor_url=anchor_url))
        else:
            rows.append(_row(label, page, "floor (login page)", floor, url=url))
    return rows


def _row(label, figures, anchor_label="", anchor=None, **extra):
    row = {"what": label, **figures, **extra}
    if anchor:
        row.update(anchor=anchor_label, anchor_median=anchor["median"],
                   anchor_status=anchor.get("status"), anchor_rss=anchor.get("rss"),
                   ratio=figures["median"] / anchor["median"])  # fmt: skip
    return row


# --- heavy work in a subprocess, each with its own peak RSS ---------------------------------


def peak_rss_mb():
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _office():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=OFFICE_USER)


def _client():
    from django.test import Client

    client = Client()
    client.force_login(_office())
    return client


def latest_year():
    from reports import queries

    years = queries.assessment_years()
    return years[-1] if years else datetime.date.today().year


# The export anchors write the same cells as the export, from the same query (the export's
# own query functions), bare: plain values, no styles, merges or print setup. "Same cells":
# the file's every row (title block, headers, a group row and totals per district, data
# rows, signature) and every cell of it, a cell the export fills with formatting only (the
# border of an unmet criterion, of an empty note) being "" so that the anchor writes it too.
# Rows come as (sheet number, values): the visit log's three sheets are written side by
# side from one pass over the visits, as the export does.


def _blank(values):
    return ["" if value is None else value for value in values]


def _title_rows(sheet, title, notes):
    yield sheet, ["UBND TỈNH LÀO CAI"]
    yield sheet, ["VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI"]
    yield sheet, [title]
    for note in notes:
        yield sheet, [note]
    yield sheet, []


def _signature_rows(sheet, columns):
    half = columns // 2
    yield sheet, []
    yield sheet, [None] * half + [f"Lào Cai, ngày {datetime.date.today():%d/%m/%Y}"]
    yield sheet, ["NGƯỜI LẬP BIỂU"] + [None] * (half - 1) + ["THỦ TRƯỞNG ĐƠN VỊ"]
    yield sheet, ["(Ký, ghi rõ họ tên)"] + [None] * (half - 1) + ["(Ký tên, đóng dấu)"]


def _matrix_cells(year):
    """The criteria matrix's cells as (0, row of plain values), from the export's query."""
    from itertools import groupby
    from operator import itemgetter

    from communes.models import Commune
    from reports.excel import matrix
    from reports.queries import programme_criteria

    criteria = list(programme_criteria().order_by("number"))
    numbers = [c.number for c in criteria]
    title = f"KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}"
    yield from _title_rows(0, title, ["(Bộ tiêu chí theo Quyết định 318/QĐ-TTg ngày 08/03/2022)"])
    yield 0, ["STT", "Mã xã", "Tên xã", *(f"TC{n}" for n in numbers), "Số tiêu chí đạt"]
    yield 0, ["", "", "", *(c.name for c in criteria), ""]
    communes = matrix.matrix_communes(Commune.objects.all(), None, year)
    province = [0] * (len(numbers) + 1)
    stt = 0
    rows = matrix.matrix_rows(communes, year, numbers)
    for (_id, district), members in groupby(rows, key=itemgetter(0, 1)):
        yield 0, ["", "", district, *[""] * len(province)]
        subtotal = [0] * len(province)
        for *_district, code, name, flags in members:
            stt += 1
            yield 0, [stt, code, name, *(matrix.MET if f else "" for f in flags), sum(flags)]
            subtotal = [a + b for a, b in zip(subtotal, [*flags, sum(flags)], strict=True)]
        yield 0, ["", "", f"Cộng {district}", *subtotal]
        province = [a + b for a, b in zip(province, subtotal, strict=True)]
    yield 0, ["", "", "Toàn tỉnh", *province]
    yield from _signature_rows(0, 3 + len(numbers) + 1)


def _list_cells(year):
    """The communes list export's cells as (0, row of plain values), from the page's query:
    title block, filter notes, headers, one row per commune as the page shows it."""
    from communes.models import Commune, CriteriaSet
    from reports.queries import communes_for_list, programme_criteria

    total = programme_criteria().count()
    levels = dict(CriteriaSet.Level.choices)
    yield from _title_rows(0, "DANH SÁCH XÃ", ["Bộ lọc: Loại: Xã", f"Xuất ngày: {year}"])
    yield 0, ["Tên xã", "Huyện", "Loại", "Mức đạt chuẩn", f"Số tiêu chí đạt ({year})",
              "Cơ quan được phân công", "Lãnh đạo phụ trách", "Lần đi cơ sở gần nhất"]  # fmt: skip
    units = Commune.objects.in_era().filter(kind=Commune.Kind.RURAL)
    for c in communes_for_list(year, units=units).order_by("sort_name", "code"):
        yield 0, [c.name, c.district.name, c.get_kind_display(),
                  str(levels.get(c.ntm_level, "Chưa công nhận")),
                  "–" if c.criteria_met is None else f"{c.criteria_met}/{total}",
                  c.active_agency_short or c.active_agency_name or "–",
                  c.active_leader_name or "–", c.last_visit or "Chưa có"]  # fmt: skip


def _visit_sheets(_year=None):
    """The visit log's cells as (sheet 0–2, row of plain values), from the export's query."""
    from itertools import groupby
    from operator import itemgetter

    from assignments.models import FieldVisit
    from reports.excel import visits as log

    specs = (log.VISITS_SHEET, log.SUPPORTS_SHEET, log.RECOMMENDATIONS_SHEET)
    widths = [len(spec[2]) for spec in specs]
    for sheet, (_name, title, _widths, headings) in enumerate(specs):
        yield from _title_rows(sheet, title, ["(Tất cả chuyến công tác)", log.COUNTING_NOTE])
        yield sheet, headings
    counts = [0, 0, 0]
    grand = 0
    for district, entries in groupby(log.log_entries(FieldVisit.objects.all()), itemgetter(0)):
        for sheet, width in enumerate(widths):
            yield sheet, [district, *[""] * (width - 1)]
        visits = support = 0
        for _district, visit, supports, recommendations in entries:
            counts[0] += 1
            visits += 1
            amount = sum(s.amount_vnd for s in supports)
            support += amount
            summaries = ["\n".join(map(log.support_summary, supports)), amount,
                         "\n".join(map(log.recommendation_summary, recommendations))]  # fmt: skip
            yield 0, _blank([counts[0], *visit, *summaries])
            for item in supports:
                counts[1] += 1
                yield 1, _blank([counts[1], *visit[:4], visit.status, *item])
            for item in recommendations:
                counts[2] += 1
                yield 2, _blank([counts[2], *visit[:4], *item])
        yield 0, ["", "", f"Cộng {district} ({visits} chuyến)", *[""] * 8, support, ""]
        yield 1, ["", "", f"Cộng {district}", *[""] * 7, support]
        grand += support
    yield 0, ["", "", f"Tổng cộng ({counts[0]} chuyến)", *[""] * 8, grand, ""]
    yield from _signature_rows(0, widths[0])
    yield 1, ["", "", "Tổng cộng", *[""] * 7, grand]


def _bare_openpyxl(names, rows):
    """A bare openpyxl write-only loop: each row appended as it comes. Returns the file size."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheets = [workbook.create_sheet(name) for name in names]
    for sheet, values in rows:
        sheets[sheet].append(values)
    stream = io.BytesIO()
    workbook.save(stream)
    return len(stream.getvalue())


def _xlsxwriter(names, rows):
    """XlsxWriter in constant_memory mode; every cell bordered (a blank is written only with a
    format), dates dd/mm/yyyy. Returns the file size."""
    import xlsxwriter

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.xlsx"
        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": folder})
        cell = workbook.add_format({"border": 1, "valign": "top", "text_wrap": True})
        date = workbook.add_format({"border": 1, "valign": "top", "num_format": "dd/mm/yyyy"})
        sheets = [workbook.add_worksheet(name[:31]) for name in names]
        next_row = [0] * len(sheets)
        for index, values in rows:
            sheet, r = sheets[index], next_row[index]
            next_row[index] += 1
            for c, value in enumerate(values):
                if isinstance(value, datetime.date):
                    sheet.write_datetime(r, c, value, date)
                elif value is not None:
                    sheet.write(r, c, value, cell)
        workbook.close()
        return path.stat().st_size


# Each export measured: its sheets and cells for the anchors, its view and query string.
EXPORTS = {
    "matrix": (["Tieu chi"], _matrix_cells, ("reports:export_matrix", "?year={year}")),
    "list": (["Danh sach xa"], _list_cells, ("reports:commune_list", "?year={year}&export=xlsx")),
    "visits": (["Chuyến công tác", "Hỗ trợ", "Kiến nghị"], _visit_sheets,
               ("reports:export_visits", "")),
}  # fmt: skip
ANCHORS = {"openpyxl": _bare_openpyxl, "xlsxwriter": _xlsxwriter}


def child(task, args):
    """Run one heavy task once (in this fresh process); print its figures as JSON."""
    _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    baseline = peak_rss_mb()
    year = latest_year()
    extra = {}
    media = OUTPUT / "media"
    kind, _, name = task.partition("_")  # "export_matrix", "openpyxl_list", "import_annex"…
    exporting = name in EXPORTS and kind in ("export", *ANCHORS)
    if exporting:
        sheets, cells, (view, query) = EXPORTS[name]
        # An export and its anchors start on an equal footing, as on a server: modules
        # imported, URLs loaded, the user logged in before the clock starts.
        for module in ("openpyxl", "xlsxwriter"):
            importlib.import_module(module)
        url = reverse(view) + query.format(year=year)
        client = _client()
    with override_settings(MEDIA_ROOT=str(media)), CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        if exporting and kind == "export":
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            # Read as a server sends it: chunk by chunk, never the whole file at once.
            chunks = response.streaming_content if response.streaming else [response.content]
            extra = {"bytes": sum(len(chunk) for chunk in chunks)}
            response.close()
        elif exporting:
            extra = {"bytes": ANCHORS[kind](sheets, cells(year))}
        elif task in ("import_annex", "import_matrix"):
            extra = _import(task, args)
        else:
            raise SystemExit(f"unknown task {task}")
        elapsed = time.perf_counter() - started
        queries = len(captured)
    print(json.dumps({"seconds": elapsed, "rss": peak_rss_mb(), "baseline_rss": baseline,
                      "queries": queries, **extra}))  # fmt: skip


def _import(task, args):
    """Preview then apply one file, as the pages do: the preview's plan is dropped before the
    confirm (another request), which plans again."""
    from django.utils import timezone

    from assignments.models import Assignment, Decision
    from communes.models import Assessment
    from reports.imports import service
    from reports.models import ImportBatch

    user = _office()
    path = Path(args.file)
    if task == "import_annex":
        kind, target = ImportBatch.Kind.ANNEX, Decision.objects.get(pk=args.target)
        model = Assignment
    else:
        kind, target = ImportBatch.Kind.MATRIX, int(args.target)
        model = Assessment
    started = time.perf_counter()
    with path.open("rb") as handle:
        batch, plan = service.preview(kind, handle, target, user, name=path.name)
    if plan.has_errors:
        service.cancel(batch, user)
        raise SystemExit(f"{task}: {plan.errors} rows with errors (rows {plan.error_rows[:10]})")
    figures = {
        "rows": plan.created + plan.updated + plan.unchanged,
        "communes": plan.extra.get("communes"),
        "written": plan.created + plan.updated,
    }
    del plan
    since, applied = timezone.now(), time.perf_counter()
    batch, _done = service.apply(batch, user)
    finished = time.perf_counter()
    history = model.history.filter(history_date__gte=since,
                                   history_change_reason__contains=f"#{batch.pk}:")  # fmt: skip
    return {**figures, "preview": applied - started, "apply": finished - applied,
            "history": history.count()}  # fmt: skip


def run_child(task, *, file=None, target=None):
    command = [sys.executable, "-m", "bench.run", "--child", task]
    if file:
        command += ["--file", str(file), "--target", str(target)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{task} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _figures(runs):
    median, p95 = summary([r["seconds"] for r in runs])
    return {"median": median, "p95": p95, "queries": runs[0]["queries"],
            "rss": max(r["rss"] for r in runs), "baseline_rss": runs[0]["baseline_rss"],
            "rows": runs[0].get("rows"), "bytes": runs[0].get("bytes")}  # fmt: skip


def measure_exports(repeat):
    rows = []
    for name, label in (("matrix", "export: criteria matrix, whole country"),
                        ("list", "export: communes list (Excel button), whole country"),
                        ("visits", "export: visit log, whole country")):  # fmt: skip
        print(f"  {label}…", flush=True)
        # Export and anchors take turns, so that a busy spell of the machine falls on all three.
        tasks = (f"export_{name}", f"openpyxl_{name}", f"xlsxwriter_{name}")
        runs = {task: [] for task in tasks}
        for _ in range(repeat):
            for task in tasks:
                runs[task].append(run_child(task))
        app, bare, xlsx = (_figures(runs[task]) for task in tasks)
        rows.append(_row(label, app, "bare openpyxl write-only loop", bare))
        rows.append(_row(label, app, "XlsxWriter constant_memory", xlsx))
        rows.append(_row(f"  anchor: bare openpyxl ({name})", bare))
        rows.append(_row(f"  anchor: XlsxWriter constant_memory ({name})", xlsx))
        for row, figures in zip(rows[-4:], (app, app, bare, xlsx), strict=True):
            if figures.get("bytes"):
                row["what"] += f", {figures['bytes'] / 1e6:.1f} MB"
    return rows


def measure_imports(repeat):
    from django.test import Client
    from django.urls import reverse
    from openpyxl import load_workbook

    from assignments.models import Decision
    from reports.forms import default_decision

    client = Client()
    client.force_login(_office())
    folder = OUTPUT / "files"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []

    decision = Decision.objects.filter(number__icontains="1599").first() or default_decision()
    response = client.get(reverse("reports:export_annex") + f"?decision={decision.pk}")
    annex = folder / "annex.xlsx"
    annex.write_bytes(_body(response))
    print("  import: annex…", flush=True)
    runs = [run_child("import_annex", file=annex, target=decision.pk) for _ in range(repeat)]
    rows.append(_import_row(f"import: annex of {decision.number}, {runs[0]['rows']} rows", runs))

    year = latest_year()
    response = client.get(reverse("reports:export_matrix") + f"?year={year}")
    original = folder / f"matrix-{year}.xlsx"
    original.write_bytes(_body(response))
    workbook = load_workbook(original)
    sheet = workbook.active
    changed, communes = 0, 0
    for row in sheet.iter_rows(min_row=8):
        # A commune row as the importer reads it: a row number (STT) and a code.
        if isinstance(row[0].value, int) and row[1].value:
            communes += 1
            if communes % 10 == 0:  # every tenth commune: flip TC1
                row[3].value = None if row[3].value else "Đạt"
                changed += 1
    edited = folder / f"matrix-{year}-edited.xlsx"
    workbook.save(edited)
    del workbook, sheet
    print(f"  import: criteria matrix ({communes} communes, {changed} cells changed)…", flush=True)
    # Alternate edited/original so that every apply writes `changed` cells.
    runs = [run_child("import_matrix", file=edited if i % 2 == 0 else original, target=year)
            for i in range(repeat * 2)]  # fmt: skip
    rows.append(_import_row(f"import: criteria matrix {year}, {runs[0]['communes']:,} of "
                            f"{communes:,} commune rows read × 19", runs))  # fmt: skip
    return rows


def _body(response):
    """The bytes of an export, whether the response streams them or not."""
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _import_row(label, runs):
    median, p95 = summary([r["seconds"] for r in runs])
    preview = statistics.median(r["preview"] for r in runs)
    apply = statistics.median(r["apply"] for r in runs)
    return _row(
        f"{label} (preview {preview:.1f} s + apply {apply:.1f} s; {runs[0]['written']:,} "
        f"written, {runs[0]['history']:,} history rows)",
        {"median": median, "p95": p95, "queries": runs[0]["queries"],
         "rss": max(r["rss"] for r in runs), "baseline_rss": runs[0]["baseline_rss"]},
    )  # fmt: skip


# --- report -------------------------------------------------------------------------------


def machine():
    import django

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(
            line
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{int(mem.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "?"
    info = {
        "CPU": f"{cpu} × {os.cpu_count()} (nproc)",
        "RAM": ram,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
    }
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["PostgreSQL"] = cursor.fetchone()[0]
    else:
        import sqlite3

        info["SQLite"] = sqlite3.sqlite_version
    return info


def counts():
    from assignments.models import Assignment, FieldVisit, Recommendation, Support
    from communes.models import Assessment, Commune, District, Province

    models = [Province, District, Commune, Assignment, Assessment, FieldVisit, Support,
              Recommendation]  # fmt: skip
    return ", ".join(f"{m.objects.count():,} {m._meta.model_name}s" for m in models)


def _fmt(value, digits=0):
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def table(rows):
    header = ["what", "median ms", "p95 ms", "queries", "anchor", "anchor median ms", "ratio",
              "peak RSS MB"]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        status = row.get("status")
        what = row["what"] + (f" (HTTP {status})" if status not in (None, 200) else "")
        if row.get("slow"):
            what += f" (> {SLOW_SECONDS:g} s: {row['slow']} requests, no warm-up)"
        rss = row.get("rss")
        rss_text = f"{rss:,.0f} (idle {row['baseline_rss']:,.0f})" if rss else ""
        lines.append("| " + " | ".join([
            what, _fmt(row["median"]), _fmt(row["p95"]), _fmt(row.get("queries")),
            row.get("anchor", ""), _fmt(row.get("anchor_median")),
            _fmt(row.get("ratio"), 2), rss_text,
        ]) + " |")  # fmt: skip
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--skip-setup", action="store_true", help="measure the data as it is")
    parser.add_argument("--only", choices=["pages", "exports", "imports"], action="append",
                        help="measure only these parts (repeatable)")  # fmt: skip
    args = parser.parse_args()
    if args.child:
        return child(args.child, args)

    scale = _env_int("BENCH_SCALE", DEFAULT_SCALE)
    repeat = _env_int("BENCH_REPEAT", OFFICIAL_REPEAT, maximum=OFFICIAL_REPEAT)
    heavy = _env_int("BENCH_HEAVY_REPEAT", 3)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        _ensure_postgres_database(url)
    _django()
    from django.db import connection

    OUTPUT.mkdir(exist_ok=True)
    db = connection.vendor
    print(f"== bench on {db} ({connection.settings_dict['NAME']}), scale {scale:,} communes",
          flush=True)  # fmt: skip
    started = time.perf_counter()
    generated = None if args.skip_setup else prepare(scale)
    setup_seconds = time.perf_counter() - started
    data = counts()
    print(f"Data: {data}", flush=True)

    parts = args.only or ["pages", "exports", "imports"]
    rows = []
    measured = time.perf_counter()
    if "pages" in parts:
        print(f"Pages ({repeat} requests each after {WARMUP} warm-up)…", flush=True)
        rows += measure_pages(repeat)
    if "exports" in parts:
        print(f"Exports ({heavy} runs each, one subprocess per run)…", flush=True)
        rows += measure_exports(heavy)
    if "imports" in parts:
        print(f"Imports ({heavy} runs each, one subprocess per run)…", flush=True)
        rows += measure_imports(heavy)
    measure_seconds = time.perf_counter() - measured

    now = datetime.datetime.now()
    info = machine()
    report = "\n".join([
        f"## {db} – {now:%Y-%m-%d %H:%M}",
        "",
        f"Data: {data}.",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()) + ".",
        "",
        f"Command: `BENCH_SCALE={scale} BENCH_REPEAT={repeat} BENCH_HEAVY_REPEAT={heavy} "
        f"python -m bench.run` (DATABASE_URL={db}). Pages: median and p95 of {repeat} requests "
        f"after {WARMUP} warm-up; exports/imports: {heavy} runs (criteria import: {heavy * 2}, "
        "alternating edited and original file), each in a fresh subprocess; peak RSS is that "
        "subprocess's VmHWM, 'idle' its RSS after Django set-up.",
        "",
        f"Set-up {setup_seconds:,.0f} s"
        + (f" (of which data generation {generated:,.0f} s)" if generated else "")
        + f"; measuring {measure_seconds:,.0f} s.",
        "",
        table(rows),
        "",
    ])  # fmt: skip
    print()
    print(report)
    path = OUTPUT / f"bench-{db}-{now:%Y-%m-%d-%H%M}.md"
    path.write_text(report, encoding="utf-8")
    (OUTPUT / f"bench-{db}.json").write_text(json.dumps(rows, indent=1, default=str))
    print(f"Written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
