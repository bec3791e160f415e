"""How the bench measures: pages through the test client, heavy work in fresh subprocesses.

A page is requested after warm-up, BENCH_REPEAT times, with its query count from
one more request. Exports and imports run once per subprocess
(``python -m bench.run --child <task>``) so that each peak RSS (VmHWM) is its own.
"""

import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from . import OUTPUT, ROOT

OFFICE_USER = "vanphong"  # the demo office account (create_demo_accounts)
ADMIN_USER = "admin"  # the demo superuser, for the admin anchors
WARMUP = 3
SLOW_SECONDS = float(os.environ.get("BENCH_SLOW_SECONDS", "5"))


def summary(times):
    """(median ms, p95 ms) of `times` in seconds."""
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


def row(label, figures, anchor_label="", anchor=None, **extra):
    """One line of the report: `figures` of `label`, and its anchor's median and ratio."""
    line = {"what": label, **figures, **extra}
    if anchor:
        line.update(anchor=anchor_label, anchor_median=anchor["median"],
                    anchor_status=anchor.get("status"), anchor_rss=anchor.get("rss"),
                    ratio=figures["median"] / anchor["median"])  # fmt: skip
    return line


def office():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=OFFICE_USER)


def client_as(username=OFFICE_USER):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def latest_year():
    from reports import queries

    years = queries.assessment_years()
    return years[-1] if years else datetime.date.today().year


def body(response):
    """The bytes of a download, whether the response streams them or not."""
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


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


def timed(work):
    """Run `work()` once (in the child): its seconds, peak RSS, queries and its own figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    media = OUTPUT / "media"
    with override_settings(MEDIA_ROOT=str(media)), CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        extra = work()
        elapsed = time.perf_counter() - started
        queries = len(captured)
    return {"seconds": elapsed, "rss": peak_rss_mb(), "queries": queries, **extra}


def run_child(task, *, file=None, target=None):
    """The figures of one `task` run in a fresh `python -m bench.run --child` process."""
    command = [sys.executable, "-m", "bench.run", "--child", task]
    if file:
        command += ["--file", str(file), "--target", str(target)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{task} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def figures(runs):
    """The figures of several runs of one task: median and p95 time, the highest RSS."""
    median, p95 = summary([r["seconds"] for r in runs])
    return {"median": median, "p95": p95, "queries": runs[0]["queries"],
            "rss": max(r["rss"] for r in runs), "baseline_rss": runs[0]["baseline_rss"],
            "rows": runs[0].get("rows"), "bytes": runs[0].get("bytes")}  # fmt: skip
