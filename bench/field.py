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
(b) "Lưu" → all sent, for a visit with three 4000 × 3000 photos of ~4 MB, twice:
    camera-like photos (a drawn scene: sky, hills, terraced fields, a house, trees,
    texture at several scales and sensor noise, saved at JPEG 95 as a phone does) and
    the worst case (colour noise enlarged, which JPEG can hardly shrink). The phone
    shrinks them when picked (static/js/visit_form.js: ≤ 2560 px, JPEG 0.8, less when
    over its 600 KB budget), then "Lưu" sends the visit and each photo in its own
    request (static/js/queue.js) and opens the visit page when all arrived. The bytes,
    size and JPEG quality of each shrunk photo are read back from the phone (the
    first of each kind is kept in bench-output/). Anchor: the same photos posted
    whole by the plain form (the page's scripts off), as before issue 17.
    `--repeat N` measures the queue N times per kind; `--no-anchor` skips the anchors.

The service worker is blocked in these contexts: its own requests are not throttled
by the page's emulation and would muddle the page's figures. Figures go to
docs/performance.md ("The field on a 3G link (issue 17)").
"""

import argparse
import base64
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

from . import OUTPUT, ROOT

PROFILE = {
    "offline": False,
    "latency": 150,  # ms
    "downloadThroughput": 1_600_000 / 8,  # bytes/s
    "uploadThroughput": 750_000 / 8,
}
PHOTO_SIZE = (4000, 3000)
PHOTOS = 3
USER = "thanhvien_a"


def noise_photo(seed):
    """The worst case, ~4 MB: colour noise enlarged 6 ×, detail everywhere."""
    from PIL import Image

    w, h = PHOTO_SIZE
    small = Image.effect_noise((w // 6, h // 6), 60 + seed).convert("L")
    bands = [small, small.transpose(Image.Transpose.ROTATE_180), small.point(lambda v: 255 - v)]
    image = Image.merge("RGB", bands).resize(PHOTO_SIZE, Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def _value_noise(rng, octaves, falloff):
    """Smooth noise about -1..1: random grids of `octaves` cells across, enlarged
    (bicubic) and summed, each `falloff` times weaker than the one before."""
    import numpy as np
    from PIL import Image

    w, h = PHOTO_SIZE
    total = np.zeros((h, w), np.float32)
    weight = norm = 1.0
    for cells in octaves:
        grid = rng.random((max(2, cells * h // w), cells), dtype=np.float32)
        layer = Image.fromarray(grid, mode="F").resize(PHOTO_SIZE, Image.Resampling.BICUBIC)
        total += weight * (np.asarray(layer) - 0.5)
        norm += weight * 0.5
        weight *= falloff
    return total / norm


def _ridge(rng, base, height, octaves):
    """A skyline: the row of each column, between base - height and base."""
    import numpy as np

    w = PHOTO_SIZE[0]
    line = np.zeros(w, np.float32)
    for i, cells in enumerate(octaves):
        line += 0.5**i * np.interp(
            np.linspace(0, cells, w), np.arange(cells + 1), rng.random(cells + 1)
        )
    return base - height * (line - line.min()) / (line.max() - line.min())


def camera_photo(seed):
    """A photographed scene, ~4 MB as a phone's camera saves it: a sky gradient with
    clouds, far and near hills, terraced fields, a road, a house, trees and a pole;
    texture at several scales (value noise), a slight lens blur, sensor noise σ 4,
    JPEG quality 95."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng(seed)
    w, h = PHOTO_SIZE
    y = np.arange(h, dtype=np.float32)[:, None]
    rgb = np.array
    sky = (y / (0.45 * h)).clip(0, 1)[..., None]
    image = rgb([62, 118, 190]) + (rgb([196, 216, 232]) - rgb([62, 118, 190])) * sky
    image = image + (_value_noise(rng, (3, 8, 24, 72), 0.5).clip(0, None) ** 1.5 * 90)[..., None]
    image = np.broadcast_to(image, (h, w, 3)).astype(np.float32)
    detail = _value_noise(rng, (16, 64, 256, 1000, 2000), 0.8)[..., None]
    broad = _value_noise(rng, (4, 12, 40), 0.6)
    far = y >= _ridge(rng, 0.42 * h, 0.14 * h, (3, 7, 20, 60))
    near_line = _ridge(rng, 0.58 * h, 0.16 * h, (2, 5, 15, 50, 200))
    near = y >= near_line
    hills_far = rgb([98, 128, 124]) + broad[..., None] * 12 + detail * 18
    hills_near = (
        rgb([58, 104, 48]) + broad[..., None] * rgb([25, 35, 15]) + detail * rgb([30, 40, 22])
    )
    # Terraces follow the near ridge, each band its own green or ripe yellow.
    band = (y - near_line) / (0.045 * h) + broad * 2
    ripe = (np.sin(np.floor(band) * 1.7 + seed) * 0.5 + 0.5)[..., None]
    fields = rgb([92, 140, 52]) * (1 - ripe) + rgb([170, 160, 70]) * ripe
    fields = fields + detail * rgb([34, 40, 24])
    fields = fields + _value_noise(rng, (1500, 2000), 1.0)[..., None] * 14
    fields = np.where((np.abs(band - np.round(band)) < 0.04)[..., None], fields * 0.7, fields)
    image = np.where(far[..., None], hills_far, image)
    image = np.where(near[..., None], hills_near, image)
    image = np.where((y >= near_line + 0.08 * h)[..., None], fields, image)
    scene = Image.fromarray(image.clip(0, 255).astype(np.uint8))

    draw = ImageDraw.Draw(scene)
    x0, y0 = int(w * 0.62), int(h * 0.66)
    draw.rectangle([x0, y0, x0 + 520, y0 + 330], fill=(214, 206, 188))
    draw.polygon([(x0 - 60, y0), (x0 + 260, y0 - 220), (x0 + 580, y0)], fill=(150, 62, 44))
    draw.rectangle([x0 + 80, y0 + 120, x0 + 200, y0 + 330], fill=(92, 70, 50))
    draw.rectangle([x0 + 300, y0 + 110, x0 + 430, y0 + 220], fill=(60, 80, 100))
    road = [(0.2 * w, h), (0.45 * w, h), (0.52 * w, 0.7 * h), (0.5 * w, 0.7 * h)]
    draw.polygon(road, fill=(170, 168, 160))
    for _ in range(14):
        tx, ty = rng.uniform(0, w), rng.uniform(0.55 * h, 0.9 * h)
        r = rng.uniform(60, 200)
        draw.rectangle([tx - 12, ty, tx + 12, ty + r], fill=(70, 52, 36))
        draw.ellipse([tx - r, ty - 1.6 * r, tx + r, ty + 0.3 * r], fill=(34, 74, 34))
    draw.line([(0.85 * w, 0.25 * h), (0.85 * w, 0.8 * h)], fill=(80, 80, 80), width=30)
    draw.line([(0, 0.3 * h), (0.85 * w, 0.27 * h)], fill=(40, 40, 40), width=6)

    pixels = np.asarray(scene.filter(ImageFilter.GaussianBlur(0.6)), np.float32)
    pixels = pixels + detail * 14 + rng.normal(0, 4.0, pixels.shape).astype(np.float32)
    buffer = io.BytesIO()
    Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


KINDS = {"camera-like": camera_photo, "worst case (noise)": noise_photo}


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
    photos = {}
    for k, (kind, make) in enumerate(KINDS.items()):
        photos[kind] = []
        for i in range(PHOTOS):
            path = Path(folder) / f"anh-hien-truong-{k + 1}-{i + 1}.jpg"
            path.write_bytes(make(i))
            photos[kind].append(path)
        sizes = ", ".join(f"{p.stat().st_size / 1e6:.1f} MB" for p in photos[kind])
        print(f"Photos {kind}, {PHOTO_SIZE[0]}×{PHOTO_SIZE[1]}: {sizes}", flush=True)
    return photos


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


# The shrunk photos as the phone keeps them for the form (IndexedDB), base64.
KEPT_PHOTOS = """async (n) => {
  const token = document.querySelector("[name=draft_token]").value;
  const files = await NTMQueue.getDraftFiles(token);
  if (files.length < n) return null;
  return Promise.all(files.map(async (file) => {
    const bytes = new Uint8Array(await file.blob.arrayBuffer());
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }));
}"""


def _jpeg_quality(image):
    """The encoder's quality (0–1) from the first luminance step: libjpeg scales the
    standard table's 16 by (200 − 200 q) % for q ≥ 0.5."""
    return round((200 - image.quantization[0][0] * 100 / 16) / 200, 1)


def _shrunk_photos(page, count):
    """Each shrunk photo's bytes, size and JPEG quality, as the phone will send it."""
    from PIL import Image

    for _ in range(300):
        encoded = page.evaluate(KEPT_PHOTOS, count)
        if encoded:
            break
        time.sleep(0.1)
    else:
        raise SystemExit("The phone did not keep the shrunk photos.")
    kept = []
    for data in map(base64.b64decode, encoded):
        with Image.open(io.BytesIO(data)) as image:
            kept.append({"bytes": data, "size": image.size, "quality": _jpeg_quality(image)})
    return kept


def queue_send(browser, base_url, form_url, photos, purpose, days_ago):
    """(b) The photos picked (shrunk on the phone), then "Lưu" → the visit page."""
    context = _context(browser, base_url)
    page = context.new_page()
    _log_in(page)
    page.goto(form_url, wait_until="load")
    link = Link(page)
    link.throttle()
    _fill(page, purpose, days_ago)
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
    kept = _shrunk_photos(page, len(photos))
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
        "kept": kept,
        "url": page.url,
    }
    context.close()
    return result


def plain_form(browser, base_url, form_url, photos, purpose, days_ago):
    """The anchor: the same photos posted whole by the form, no script."""
    context = _context(browser, base_url, java_script_enabled=False)
    page = context.new_page()
    _log_in(page)
    page.goto(form_url, wait_until="load")
    link = Link(page)
    link.throttle()
    _fill(page, purpose, days_ago)
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


def _mb(paths):
    return " + ".join(f"{p.stat().st_size / 1e6:.1f}" for p in paths)


def main():
    parser = argparse.ArgumentParser(description="The field on a 3G link (issue 17).")
    parser.add_argument("--repeat", type=int, default=1, help="queue runs per kind of photo")
    parser.add_argument("--no-anchor", dest="anchor", action="store_false")
    args = parser.parse_args()
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
                days = iter(range(1, 100))
                for kind, paths in photos.items():
                    print(f"\n(b) {kind}: {_mb(paths)} MB of photos", flush=True)
                    for run in range(args.repeat):
                        purpose = f"Đo gửi ảnh qua hàng đợi (3G), {kind}, lần {run + 1}"
                        queued = queue_send(browser, base_url, form_url, paths, purpose, next(days))
                        shrunk = ", ".join(
                            f"{p['size'][0]}×{p['size'][1]} q{p['quality']} "
                            f"{len(p['bytes']) / 1024:.0f} KB"
                            for p in queued["kept"]
                        )
                        print(
                            f"queue: shrink {queued['shrink']:.1f} s (when picked), "
                            f"'Lưu' → all sent {queued['send']:.1f} s, "
                            f"{queued['bytes'] / 1e6:.2f} MB in {queued['requests']} requests; "
                            f"sent {shrunk}; shown {queued['sizes']}",
                            flush=True,
                        )
                        if run == 0:
                            OUTPUT.mkdir(exist_ok=True)
                            name = "field-shrunk-" + kind.split()[0] + ".jpg"
                            (OUTPUT / name).write_bytes(queued["kept"][0]["bytes"])
                    if args.anchor:
                        purpose = f"Đo gửi ảnh nguyên cỡ bằng biểu mẫu (3G), {kind}"
                        plain = plain_form(browser, base_url, form_url, paths, purpose, next(days))
                        print(
                            f"anchor, plain form: 'Lưu' → page {plain['send']:.1f} s, "
                            f"{plain['bytes'] / 1e6:.2f} MB received in "
                            f"{plain['requests']} requests",
                            flush=True,
                        )
                print(f"Stored files (bytes): {_sent_bytes_note(folder)}")
                browser.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
