"""Photo uploads: a worker's memory and time for the heaviest save the visit form accepts.

    python -m bench.uploads        # a few minutes; prints a markdown table

Not a test: it asserts no times. It prepares its own database and media folder in
a temporary directory (migrate, reference and demo data, demo accounts, a session
of the working-group member thanhvien_a), then for each case starts gunicorn
(gunicorn.conf.py, one worker, one thread) on that database, opens the new-visit
form once (the worker warmed up) and posts the case's photos, streamed from a
file as a browser sends them: the worker's peak RSS (VmHWM) before and after the
post, the RSS it keeps after it, the time, and what the page answered. Figures
go to docs/performance.md ("Photo uploads (issue 16)").
"""

import datetime
import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import ROOT

# 7300 × 5475 = 39.97 Mpx: just under the per-file limit, as in the issue.
BIG = (7300, 5475)
PHONE = (4032, 3024)  # a phone's default 12 MP
CASES = {
    # The heaviest accepted: six photos just under 40 Mpx (240 Mpx of the 250 Mpx budget).
    "6 × 40 Mpx JPEG (progressive)": ("big", 6),
    "6 × 40 Mpx JPEG (baseline)": ("big_baseline", 6),
    "20 × 12 MP JPEG (a full save from a phone)": ("phone", 20),
    "20 × 40 Mpx JPEG (the issue's request: refused)": ("big", 20),
}
CSRF = "b" * 32  # a token of our own, sent as cookie and field alike
SESSION = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from assignments.models import Assignment
user = get_user_model().objects.get(username="thanhvien_a")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
assignment = Assignment.objects.filter(working_group__members__user=user, ended_on__isnull=True)[0]
member = assignment.working_group.members.filter(user=user)[0]
print(session.session_key, assignment.pk, member.pk)
"""


def _status(pid, key):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return round(int(line.split()[1]) / 1024)
    return 0


def photo(size, progressive):
    """A JPEG under 10 MB with detail everywhere (noise enlarged), as a camera's would be."""
    from PIL import Image

    small = Image.effect_noise((size[0] // 8, size[1] // 8), 60).convert("L")
    bands = [small, small.transpose(Image.Transpose.ROTATE_180), small.point(lambda v: 255 - v)]
    image = Image.merge("RGB", bands).resize(size, Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, progressive=progressive)
    return buffer.getvalue()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(port, method, path, cookies, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Cookie": cookies, "Host": "127.0.0.1", **(headers or {})}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode(errors="replace")
    connection.close()
    return response.status, text


def _body(folder, kind, count, member):
    """The multipart body of the form with `count` copies of the photo, in a file."""
    from django.test.client import BOUNDARY, encode_multipart

    data = (Path(folder) / f"{kind}.jpg").read_bytes()
    # encode_multipart wants file-like values: a name and read().
    files = []
    for i in range(count):
        upload = io.BytesIO(data)
        upload.name = f"anh-{i}.jpg"
        files.append(upload)
    form = {
        "csrfmiddlewaretoken": CSRF,
        "visited_on": (datetime.date.today() - datetime.timedelta(days=3)).strftime("%d/%m/%Y"),
        "purpose": "Đo bộ nhớ khi tải ảnh",
        "participants": [member],
        "kind": "photo",
        "supports-TOTAL_FORMS": "0",
        "supports-INITIAL_FORMS": "0",
        "recommendations-TOTAL_FORMS": "0",
        "recommendations-INITIAL_FORMS": "0",
        "files": files,
    }
    path = Path(folder) / "body"
    path.write_bytes(encode_multipart(BOUNDARY, form))
    return path, f"multipart/form-data; boundary={BOUNDARY}"


def run_case(case, folder, env, session, assignment, member):
    kind, count = CASES[case]
    body, content_type = _body(folder, kind, count, member)
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1", "--threads", "1"],
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_LOG_LEVEL": "warning"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        path = f"/phan-cong/{assignment}/chuyen-cong-tac/moi/"
        cookies = f"sessionid={session}; csrftoken={CSRF}"
        for _ in range(100):
            try:
                status, _text = _request(port, "GET", path, cookies)
                break
            except OSError:
                time.sleep(0.2)
        worker = int(Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()[0])
        before = _status(worker, "VmHWM")
        started = time.perf_counter()
        with body.open("rb") as stream:
            headers = {
                "Content-Type": content_type,
                "Content-Length": str(body.stat().st_size),
                "Referer": f"http://127.0.0.1:{port}{path}",
            }
            status, text = _request(port, "POST", path, cookies, stream, headers)
        seconds = time.perf_counter() - started
        answer = {302: "saved"}.get(status, f"refused ({status})")
        if "mỗi lần lưu" in text:
            answer = "refused (pixels per save)"
        return {
            "case": case,
            "answer": answer,
            "seconds": round(seconds, 2),
            "before": before,
            "peak": _status(worker, "VmHWM"),
            "after": _status(worker, "VmRSS"),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def prepare(folder, env):
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in ("migrate", "load_reference", "load_demo_data", "create_demo_accounts"):
        subprocess.run([*manage, command], env=env, check=True, capture_output=True)
    images = {
        "big": photo(BIG, True),
        "big_baseline": photo(BIG, False),
        "phone": photo(PHONE, True),
    }
    for kind, data in images.items():
        (Path(folder) / f"{kind}.jpg").write_bytes(data)
        print(f"{kind}.jpg: {len(data) / 1024 / 1024:.1f} MB", flush=True)
    out = subprocess.run(
        [*manage, "shell", "-c", SESSION], env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.split()[-3:]  # the last line: what SESSION prints


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")
    with tempfile.TemporaryDirectory(prefix="bench-uploads-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
        }
        session, assignment, member = prepare(folder, env)
        import django

        django.setup()
        rows = []
        for case in CASES:
            rows.append(run_case(case, folder, env, session, assignment, member))
            print(rows[-1], flush=True)
    print()
    print(
        "| case | answer | time (s) | worker peak RSS before (MB) | peak RSS (MB) "
        "| RSS after (MB) |"
    )
    print("|---|---|--:|--:|--:|--:|")
    for row in rows:
        print(
            f"| {row['case']} | {row['answer']} | {row['seconds']} | {row['before']} "
            f"| {row['peak']} | {row['after']} |"
        )


if __name__ == "__main__":
    main()
