"""The field benchmark (issue 17): a phone on a 3G link, in Debian's chromium.

    python -m bench.field          # or: make bench PART=field; a few minutes

Not a test: it asserts no times. Its own SQLite database with the demo data and
accounts and its own collectstatic (hashed names, as in production), gunicorn
(gunicorn.conf.py) on it, then Playwright drives Debian's chromium as the member
thanhvien_a on a 390×844 screen, with Chromium's network emulation (CDP
Network.emulateNetworkConditions) at the issue's 3G profile once signed in:
150 ms latency, 1.6 Mbit/s down, 750 kbit/s up. Bytes are the sum of
encodedDataLength of Network.loadingFinished (what crossed the link, headers
included); times are the browser's (Navigation Timing) or the wall clock.

(a) The visit form's first load: "Việc của tôi" with an empty cache, then the visit
    form opened from it (its link), and the visit form alone with an empty cache.
(b) "Lưu" → all sent, for a visit with three 4000 × 3000 camera photos (~4 MB each,
    noise, so that JPEG cannot shrink them): the phone shrinks them when picked
    (static/js/visit_form.js, ≤ 2560 px, JPEG 0.8), then "Lưu" sends the visit and
    each photo in its own request (static/js/queue.js) and opens the visit page
    when all arrived. Anchor: the same three photos posted whole by the plain form
    (the page's scripts off), as before issue 17.

The service worker is blocked in these contexts: its own requests are not throttled
by the page's emulation and would muddle the page's figures. Figures go to
docs/performance.md ("The field on a 3G link (issue 17)").
"""

import datetime
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from . import ROOT

PROFILE = {
    "offline": False,
    "latency": 150,  # ms
    "downloadThroughput": 1_600_000 / 8,  # bytes/s
    "uploadThroughput": 750_000 / 8,
}
PHOTO_SIZE = (4000, 3000)
PHOTOS = 3
USER = "thanhvien_a"


def photo(seed):
    """A camera-like JPEG of about 4 MB: noise enlarged, detail everywhere."""
    from PIL import Image

    w, h = PHOTO_SIZE
    small = Image.effect_noise((w // 6, h // 6), 60 + seed).convert("L")
    bands = [small, small.transpose(Image.Transpose.ROTATE_180), small.point(lambda v: 255 - v)]
    image = Image.merge("RGB", bands).resize(PHOTO_SIZE, Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(folder, env):
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--no-input"],
        ["collectstatic", "--no-input", "-v0"],
        ["load_reference"],
        ["load_demo_data"],
        ["create_demo_accounts"],
    ):
        print(f"manage.py {' '.join(command)}…", flush=True)
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True)
    paths = []
    for i in range(PHOTOS):
        path = Path(folder) / f"anh-hien-truong-{i + 1}.jpg"
        path.write_bytes(photo(i))
        paths.append(path)
    sizes = ", ".join(f"{p.stat().st_size / 1e6:.1f} MB" for p in paths)
    print(f"Photos {PHOTO_SIZE[0]}×{PHOTO_SIZE[1]}: {sizes}", flush=True)
    return paths


def start_server(env):
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn")],
        env={
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "4",
            "GUNICORN_LOG_LEVEL": "warning",
        },
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{url}/accounts/login/", timeout=2).read()
            return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


class Link:
    """The page's network as the phone sees it: throttled, bytes counted."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.bytes = 0
        self.requests = 0
        self.cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event):
        self.bytes += event["encodedDataLength"]
        self.requests += 1

    def reset(self):
        self.bytes = self.requests = 0

    def empty_cache(self):
        self.cdp.send("Network.clearBrowserCache")

    def throttle(self):
        self.cdp.send("Network.emulateNetworkConditions", PROFILE)

    def unthrottle(self):
        self.cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )


def _context(browser, base_url, **options):
    context = browser.new_context(
        base_url=base_url,
        locale="vi-VN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        service_workers="block",
        **options,
    )
    context.set_default_timeout(600_000)
    return context


def _log_in(page):
    from tests.support.browser import log_in, password_of

    log_in(page, USER, password_of(USER))


def _timing(page):
    return page.evaluate(
        """() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const paint = performance.getEntriesByName("first-contentful-paint")[0];
      return {load: nav.loadEventEnd / 1000, paint: paint ? paint.startTime / 1000 : null};
    }"""
    )


def first_load(browser, base_url):
    """(a) "Việc của tôi", then the visit form from it; the form alone; all cold."""
    context = _context(browser, base_url)
    page = context.new_page()
    _log_in(page)
    link = Link(page)
    rows = []

    link.empty_cache()
    link.throttle()
    link.reset()
    page.goto("/cua-toi/", wait_until="load")
    rows.append(("“Việc của tôi”, empty cache", link.bytes, link.requests, _timing(page)))

    form_link = page.get_by_role("link", name="Ghi chuyến công tác").first
    form_url = form_link.get_attribute("href")
    link.reset()
    form_link.click()
    page.wait_for_url(f"**{form_url}")
    page.wait_for_load_state("load")
    rows.append(("visit form opened from it", link.bytes, link.requests, _timing(page)))

    link.empty_cache()
    link.reset()
    page.goto(form_url, wait_until="load")
    rows.append(("visit form alone, empty cache", link.bytes, link.requests, _timing(page)))

    link.reset()
    page.goto(form_url, wait_until="load")
    again = ("visit form again (cached static files)", link.bytes, link.requests, _timing(page))
    rows.append(again)
    context.close()
    return rows, form_url


def _fill(page, purpose, days_ago):
    # Each case on its own day: a second visit on the same day would be asked about.
    day = datetime.date.today() - datetime.timedelta(days=days_ago)
    page.fill("#id_visited_on", day.isoformat())
    page.fill("#id_purpose", purpose)
    page.fill("#id_findings", "Đo thời gian gửi ba ảnh trên mạng 3G.")


def queue_send(browser, base_url, form_url, photos):
    """(b) The photos picked (shrunk on the phone), then "Lưu" → the visit page."""
    context = _context(browser, base_url)
    page = context.new_page()
    _log_in(page)
    page.goto(form_url, wait_until="load")
    link = Link(page)
    link.throttle()
    _fill(page, "Đo gửi ảnh qua hàng đợi (3G)", 1)
    started = time.perf_counter()
    page.set_input_files("#id_files", [str(p) for p in photos])
    page.wait_for_function(
        "n => document.querySelectorAll('#photo-list li').length === n", arg=len(photos)
    )
    page.wait_for_function(
        "() => !document.getElementById('photo-note').textContent.trim()", timeout=120_000
    )
    shrunk = time.perf_counter() - started
    sizes = page.evaluate(
        "() => Array.from(document.querySelectorAll('#photo-list .photo-size'))"
        ".map((el) => el.textContent)"
    )
    link.reset()
    started = time.perf_counter()
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(lambda url: "/chuyen-cong-tac/" in url and "/moi/" not in url)
    page.wait_for_load_state("load")
    sent = time.perf_counter() - started
    result = {
        "shrink": shrunk,
        "send": sent,
        "bytes": link.bytes,
        "requests": link.requests,
        "sizes": sizes,
        "url": page.url,
    }
    context.close()
    return result


def plain_form(browser, base_url, form_url, photos):
    """The anchor: the same photos posted whole by the form, no script."""
    context = _context(browser, base_url, java_script_enabled=False)
    page = context.new_page()
    _log_in(page)
    page.goto(form_url, wait_until="load")
    link = Link(page)
    link.throttle()
    _fill(page, "Đo gửi ảnh nguyên cỡ bằng biểu mẫu (3G)", 2)
    page.set_input_files("#id_files", [str(p) for p in photos])
    link.reset()
    started = time.perf_counter()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Lưu bản nháp").click()
    sent = time.perf_counter() - started
    if "/moi/" in page.url:
        raise SystemExit(f"The plain form was not saved: {page.locator('main').inner_text()[:500]}")
    result = {"send": sent, "bytes": link.bytes, "requests": link.requests, "url": page.url}
    context.close()
    return result


def _sent_bytes_note(folder):
    media = Path(folder) / "media"
    stored = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    return sorted(p.stat().st_size for p in stored)


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not chromium:
        raise SystemExit("Debian's chromium is needed: `make browser` installs it.")
    with tempfile.TemporaryDirectory(prefix="bench-field-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "STATIC_ROOT": f"{folder}/static",
            "DEBUG": "false",
        }
        env.pop("DJANGO_ENV", None)
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "MEDIA_ROOT", "STATIC_ROOT")})
        import django

        django.setup()  # the demo accounts' passwords (tests/support/browser.py)
        photos = prepare(folder, env)
        server, base_url = start_server(env)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium,
                    args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
                )
                rows, form_url = first_load(browser, base_url)
                print("\n(a) First load at 3G (150 ms, 1.6 Mbit/s down, 750 kbit/s up)")
                print("| page | transferred | requests | first paint | load |")
                print("|---|--:|--:|--:|--:|")
                for name, size, count, timing in rows:
                    paint = f"{timing['paint']:.2f} s" if timing["paint"] else "–"
                    print(
                        f"| {name} | {size / 1024:.1f} KB | {count} | {paint} "
                        f"| {timing['load']:.2f} s |",
                        flush=True,
                    )
                queued = queue_send(browser, base_url, form_url, photos)
                print(
                    f"\n(b) queue: shrink {queued['shrink']:.1f} s (when picked), "
                    f"'Lưu' → all sent {queued['send']:.1f} s, "
                    f"{queued['bytes'] / 1e6:.2f} MB in {queued['requests']} requests; "
                    f"{queued['sizes']}; {queued['url']}",
                    flush=True,
                )
                plain = plain_form(browser, base_url, form_url, photos)
                print(
                    f"(b) anchor, plain form: 'Lưu' → page {plain['send']:.1f} s, "
                    f"{plain['bytes'] / 1e6:.2f} MB received in {plain['requests']} requests; "
                    f"{plain['url']}",
                    flush=True,
                )
                print(f"Stored files (bytes): {_sent_bytes_note(folder)}")
                browser.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
