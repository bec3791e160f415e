"""The load test's report: figures per kind of page, pages against exports, and the outage.

Reads the run's folder (written by loadtest/locustfile.py and scripts/loadtest.sh):
requests.csv (one row per request), fault.json (when PostgreSQL was stopped) and
check.md (loadtest/check.py); writes the Markdown report and prints it.

    python -m loadtest.report --dir RUN_DIR --out bench-output/loadtest-….md [--title …]

Percentiles are nearest-rank over every request of the kind; requests per
second divide by the whole run's length. During a fault run the error target is
judged on the requests started before PostgreSQL was stopped or at least
RECOVERY_BUDGET seconds after it was ready again.
"""

import argparse
import csv
import json
import math
from collections import Counter, defaultdict
from pathlib import Path

PAGE_P95_MS = 1000
EXPORT_P95_MS = 5000
RECOVERY_BUDGET = 10  # seconds after PostgreSQL is back within which errors must stop
QUIET_RUN = 10  # consecutive error-free seconds that count as "back to normal"


def load(path):
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["start"], row["end"] = float(row["start"]), float(row["end"])
        row["ms"] = (row["end"] - row["start"]) * 1000
        row["ok"] = row["ok"] == "1"
    return rows


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0


def figures(rows, seconds):
    times = [r["ms"] for r in rows]
    errors = sum(not r["ok"] for r in rows)
    return {
        "count": len(rows),
        "rps": len(rows) / seconds if seconds else 0,
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": max(times, default=0),
        "errors": errors,
        "rate": errors / len(rows) if rows else 0,
    }


HEADER = "| kind | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | error rate |\n"
HEADER += "|---|---:|---:|---:|---:|---:|---:|---:|---:|"


def line(label, f):
    return (
        f"| {label} | {f['count']:,} | {f['rps']:.2f} | {f['p50']:,.0f} | {f['p95']:,.0f} | "
        f"{f['p99']:,.0f} | {f['max']:,.0f} | {f['errors']:,} | {100 * f['rate']:.2f} % |"
    )


def tables(rows, seconds):
    out = []
    for group, title in (
        ("pages", "Pages (forms and their saves included)"),
        ("exports", "Exports"),
    ):
        chosen = [r for r in rows if r["group"] == group]
        out += [f"### {title}", "", HEADER]
        by_name = defaultdict(list)
        for row in chosen:
            by_name[row["name"]].append(row)
        out += [line(name, figures(by_name[name], seconds)) for name in sorted(by_name)]
        out += [line(f"**all {group}**", figures(chosen, seconds)), ""]
    out += ["### Overall", "", HEADER]
    for group in ("pages", "exports"):
        out.append(line(group, figures([r for r in rows if r["group"] == group], seconds)))
    out += [line("**all requests**", figures(rows, seconds)), ""]
    return out


def verdicts(rows, judged, seconds):
    pages = figures([r for r in rows if r["group"] == "pages"], seconds)
    exports = figures([r for r in rows if r["group"] == "exports"], seconds)
    errors = sum(not r["ok"] for r in judged)

    scope = (
        f" (outside the outage and the {RECOVERY_BUDGET} s after it)"
        if len(judged) < len(rows)
        else ""
    )

    def mark(ok):
        return "met" if ok else "**missed**"

    by_name = defaultdict(list)
    for row in rows:
        by_name[row["name"]].append(row)
    slow = [
        name
        for name in sorted(by_name)
        if percentile([r["ms"] for r in by_name[name]], 0.95)
        >= (EXPORT_P95_MS if name.startswith("export ") else PAGE_P95_MS)
    ]
    out = [
        "## Targets",
        "",
        f"- 0 errors{scope}: {mark(errors == 0)} ({errors} of {len(judged):,} requests failed).",
        f"- Page p95 < {PAGE_P95_MS / 1000:g} s: {mark(pages['p95'] < PAGE_P95_MS)} "
        f"({pages['p95']:,.0f} ms).",
        f"- Export p95 < {EXPORT_P95_MS / 1000:g} s: {mark(exports['p95'] < EXPORT_P95_MS)} "
        f"({exports['p95']:,.0f} ms).",
    ]
    if slow:
        out.append(f"- Kinds over their target at p95: {', '.join(slow)}.")
    failures = Counter(f"{r['name']}: {r['error'] or r['status']}" for r in judged if not r["ok"])
    if failures:
        out += ["", "Failures:", ""]
        out += [f"- {count} × {what}" for what, count in failures.most_common(15)]
    return out + [""]


def per_second(rows, t0):
    seconds = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        bucket = seconds[int(row["start"] - t0)]
        bucket[0] += 1
        if not row["ok"]:
            bucket[1] += 1
            bucket[2] += row["friendly"] == "1"
    return seconds


def fault_section(rows, fault, t0, t1):
    if fault.get("skipped"):
        return ["## Fault", "", f"**PostgreSQL was not stopped:** {fault['skipped']}", ""], rows
    stop, start, ready = fault["stop_requested"], fault["start_requested"], fault["ready"]
    buckets = per_second(rows, t0)
    # Hit by the outage: in flight at the stop, or started before PostgreSQL was back.
    during = [r for r in rows if r["start"] < ready and r["end"] > stop]
    failed = [r for r in during if not r["ok"]]
    friendly = [r for r in failed if r["friendly"] == "1"]
    other = Counter(
        f"HTTP {r['status']}" + (" without the error page" if r["friendly"] == "0" else "")
        if r["status"] != "0"
        else f"no answer ({r['error'][:60]})"
        for r in failed
        if r["friendly"] != "1"
    )
    # Seconds after PostgreSQL is back (second k: requests started k to k + 1 s after it).
    recovery = defaultdict(lambda: [0, 0])
    for row in rows:
        if row["start"] >= ready:
            recovery[int(row["start"] - ready)][0] += 1
            recovery[int(row["start"] - ready)][1] += not row["ok"]
    end = int(t1 - ready)
    clean_from = next((k for k in range(end + 1) if recovery[k][0] and not recovery[k][1]), None)
    quiet_from = next(
        (
            k
            for k in range(end - QUIET_RUN + 2)
            if not any(recovery[k + i][1] for i in range(QUIET_RUN))
            and any(recovery[k + i][0] for i in range(QUIET_RUN))
        ),
        None,
    )
    first = min((r for r in rows if r["start"] >= ready), key=lambda r: r["start"], default=None)
    after = [r for r in rows if r["start"] >= ready and not r["ok"]]
    late = [r for r in after if r["start"] >= ready + RECOVERY_BUDGET]

    def since_ready(second):
        return "not within the run" if second is None else f"{second} s"

    out = [
        "## Fault: PostgreSQL stopped in the middle of the load",
        "",
        f"- `{fault['stop_command']}` at {stop - t0:.1f} s into the run (stopped after "
        f"{fault['stopped'] - stop:.1f} s), `{fault['start_command']}` {start - stop:.1f} s "
        f"after the stop, accepting connections again at {ready - t0:.1f} s: outage "
        f"{ready - stop:.1f} s.",
        f"- gunicorn was not restarted: its master process (pid {fault['gunicorn_pid']}), started "
        f"{fault['stop_requested'] - fault['gunicorn_started']:.0f} s before the outage, "
        + (
            "was still serving at the end of the run."
            if fault["gunicorn_alive_after"]
            else "**had died**."
        ),
        f"- Requests hit by the outage (in flight at the stop or started before PostgreSQL "
        f"was back): {len(during):,}; failed: {len(failed):,}; "
        f"answered with the friendly error page («{fault.get('error_page_text', '')}», HTTP 500): "
        f"{len(friendly):,}.",
    ]
    if other:
        out.append(
            "- Other failures during the outage: "
            + ", ".join(f"{n} × {w}" for w, n in other.most_common())
        )
    out += [
        f"- From PostgreSQL back up to the first error-free second: {since_ready(clean_from)}; "
        f"to the start of {QUIET_RUN} consecutive error-free seconds: {since_ready(quiet_from)} "
        "(seconds counted from the moment it accepted connections again, requests by start"
        + (
            f"; the first request after it started {first['start'] - ready:.1f} s later and "
            + ("succeeded)." if first["ok"] else "failed).")
            if first
            else ")."
        ),
        f"- Failures after PostgreSQL was back: {len(after)}, of which {len(late)} later than "
        f"{RECOVERY_BUDGET} s after it ({'met' if not late else '**missed**'}: errors back to 0 "
        f"within {RECOVERY_BUDGET} s without restarting gunicorn).",
        "",
        "Per second (s into the run; requests by start time):",
        "",
        "| s | requests | failed | friendly error page | |",
        "|---:|---:|---:|---:|---|",
    ]
    last = int(t1 - t0)
    for second in range(max(0, int(stop - t0) - 5), min(last, int(ready - t0) + 25) + 1):
        count, errors, kind = buckets[second]
        moment = t0 + second
        note = (
            "PostgreSQL stopping/down"
            if stop < moment + 1 and moment < start
            else "starting"
            if start < moment + 1 and moment < ready
            else ""
        )
        out.append(f"| {second} | {count} | {errors} | {kind} | {note} |")
    judged = [r for r in rows if r["end"] <= stop or r["start"] >= ready + RECOVERY_BUDGET]
    return out + [""], judged


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--title", default="Load test")
    parser.add_argument("--about", action="append", default=[], help="a line for the header")
    args = parser.parse_args()

    rows = load(args.dir / "requests.csv")
    if not rows:
        raise SystemExit(f"{args.dir / 'requests.csv'}: no request was made.")
    t0, t1 = min(r["start"] for r in rows), max(r["end"] for r in rows)
    seconds = t1 - t0
    out = [f"# {args.title}", ""]
    out += [f"- {about}" for about in args.about]
    out += [f"- Measured: {seconds:.0f} s, {len(rows):,} requests; raw data in `{args.dir}`.", ""]

    judged = rows
    fault_path = args.dir / "fault.json"
    fault_lines = []
    if fault_path.exists():
        fault_lines, judged = fault_section(rows, json.loads(fault_path.read_text()), t0, t1)
    out += verdicts(rows, judged, seconds)
    out += ["## Figures per kind", "", *tables(rows, seconds)]
    out += fault_lines
    check = args.dir / "check.md"
    if check.exists():
        out += [check.read_text().strip(), ""]
    text = "\n".join(out)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
