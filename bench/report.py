"""The bench's report: the machine, the data, and one markdown table of every row, printed
and written to bench-output/bench-<db>-<date>.md (the rows also as bench-<db>.json)."""

import datetime
import json
import os
import platform
from pathlib import Path

from . import OUTPUT, ROOT, measure


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
    from communes.models import Assessment, Commune, District, IndicatorResult, Province

    models = [Province, District, Commune, Assignment, Assessment, IndicatorResult, FieldVisit,
              Support, Recommendation]  # fmt: skip
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
            what += f" (> {measure.SLOW_SECONDS:g} s: {row['slow']} requests, no warm-up)"
        rss = row.get("rss")
        rss_text = f"{rss:,.0f} (idle {row['baseline_rss']:,.0f})" if rss else ""
        lines.append("| " + " | ".join([
            what, _fmt(row["median"]), _fmt(row["p95"]), _fmt(row.get("queries")),
            row.get("anchor", ""), _fmt(row.get("anchor_median")),
            _fmt(row.get("ratio"), 2), rss_text,
        ]) + " |")  # fmt: skip
    return "\n".join(lines)


def write(rows, *, scale, repeat, heavy, data, setup_seconds, generated, measure_seconds):
    """Print the report and write it to bench-output/."""
    from django.db import connection

    db = connection.vendor
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
        f"after {measure.WARMUP} warm-up; exports/imports: {heavy} runs (criteria import: "
        f"{heavy * 2}, alternating edited and original file), each in a fresh subprocess; peak "
        "RSS is that subprocess's VmHWM, 'idle' its RSS after Django set-up.",
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
