"""`make bench`: pages, exports and imports at national scale, side by side with their anchors.

    python -m bench.run                 # the database of DATABASE_URL (SQLite by default)
    BENCH_SCALE=2000 BENCH_REPEAT=10 python -m bench.run   # a quick run

Not a test: it asserts no times. It prepares the database (bench/prepare.py:
migrate, reference, demo data and accounts, then `generate_scale_data` at
BENCH_SCALE communes, skipped when the database already holds that many), then
measures, in this one run:

* pages (bench/pages.py) through django.test.Client as the office user, after
  warm-up, median and p95 over BENCH_REPEAT (default and official: 30)
  requests, with the SQL query count of one more request; anchor: the Django
  admin (as a superuser) of the same model with the same filter and page;
  floor: the login page;
* exports (bench/exports.py): every report of the registry (reports/exporters.py)
  and the communes list's Excel button, for the whole country, each run in a
  fresh subprocess so that its peak RSS (VmHWM) is its own; anchors
  (bench/anchors.py), where an export has some: a bare openpyxl write-only loop
  and XlsxWriter's constant_memory mode writing the same cells from the same query;
* imports (bench/imports.py): the annex import (the demo decision's annex
  exported and imported back) and the criteria-matrix import of one year for
  every commune (exported, some cells changed, preview + apply), each in a
  subprocess as well.

Prints one markdown table and writes it to bench-output/bench-<db>-<date>.md
(bench/report.py). Heavy rows (exports, imports) are repeated BENCH_HEAVY_REPEAT
times (default 3). `python -m bench.run --child <task>` is one such subprocess.
"""

import argparse
import json
import os
import time

from . import OUTPUT, agreement, exports, imports, measure, pages, prepare, report

# What the bench measures; "agreement" checks that the figures agree (bench/agreement.py).
PARTS = ["pages", "exports", "imports", "agreement"]

OFFICIAL_REPEAT = 30


def _env_int(name, default, *, maximum=None):
    raw = os.environ.get(name, "")
    value = int(raw) if raw.strip() else default
    if value < 1:
        raise SystemExit(f"{name} must be ≥ 1, not {raw!r}")
    if maximum is not None and value > maximum:
        raise SystemExit(f"{name} may only lower the repeat count (≤ {maximum}), not {raw!r}")
    return value


def child(task, args):
    """Run one heavy task once (in this fresh process); print its figures as JSON."""
    prepare.django()
    baseline = measure.peak_rss_mb()
    kind, _, name = task.partition("_")  # "export_matrix", "openpyxl_list", "import_annex"…
    work = imports.task(name, args) if kind == "import" else exports.task(kind, name)
    print(json.dumps({**measure.timed(work), "baseline_rss": baseline}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--skip-setup", action="store_true", help="measure the data as it is")
    parser.add_argument("--only", choices=PARTS, action="append",
                        help="measure only these parts (repeatable)")  # fmt: skip
    args = parser.parse_args()
    if args.child:
        return child(args.child, args)

    scale = _env_int("BENCH_SCALE", prepare.DEFAULT_SCALE)
    repeat = _env_int("BENCH_REPEAT", OFFICIAL_REPEAT, maximum=OFFICIAL_REPEAT)
    heavy = _env_int("BENCH_HEAVY_REPEAT", 3)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        prepare.ensure_postgres_database(url)
    prepare.django()
    from django.db import connection

    OUTPUT.mkdir(exist_ok=True)
    print(f"== bench on {connection.vendor} ({connection.settings_dict['NAME']}), "
          f"scale {scale:,} communes", flush=True)  # fmt: skip
    started = time.perf_counter()
    generated = None if args.skip_setup else prepare.prepare(scale)
    setup_seconds = time.perf_counter() - started
    data = report.counts()
    print(f"Data: {data}", flush=True)

    parts = args.only or PARTS
    rows = []
    measured = time.perf_counter()
    if "pages" in parts:
        print(f"Pages ({repeat} requests each after {measure.WARMUP} warm-up)…", flush=True)
        rows += pages.measure_pages(repeat)
    if "exports" in parts:
        print(f"Exports ({heavy} runs each, one subprocess per run)…", flush=True)
        rows += exports.measure_exports(heavy)
    if "imports" in parts:
        print(f"Imports ({heavy} runs each, one subprocess per run)…", flush=True)
        rows += imports.measure_imports(heavy)
    if "agreement" in parts:
        print("Agreement of the figures (dashboard, lists, exports)…", flush=True)
        for line in agreement.check_agreement():
            print(f"  {line}", flush=True)
    report.write(rows, scale=scale, repeat=repeat, heavy=heavy, data=data,
                 setup_seconds=setup_seconds, generated=generated,
                 measure_seconds=time.perf_counter() - measured)  # fmt: skip


if __name__ == "__main__":
    main()
