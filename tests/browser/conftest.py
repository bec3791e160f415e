"""Browser tests: Playwright drives Debian's chromium against a live server.

The server runs in a thread of the test process on the test database, which
already holds the reference and demo data. Browser tests run last (see
tests/conftest.py) because what they save through the server may be committed.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.fail(
            "Debian's chromium is not installed: run `make test` (it installs it with apt-get) "
            "or set CHROMIUM_PATH."
        )
    return path


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker):
    shared = {}
    for conn in connections.all():
        # An in-memory SQLite test database exists only in this connection: share it.
        if conn.vendor == "sqlite" and conn.is_in_memory_db():
            conn.inc_thread_sharing()
            shared[conn.alias] = conn
    with django_db_blocker.unblock():
        server = LiveServerThread("127.0.0.1", _StaticFilesHandler, connections_override=shared)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        yield f"http://127.0.0.1:{server.port}"
        server.terminate()
        # Under Playwright's sync API the tests' connection can still be open here in
        # this thread's context; PostgreSQL would then refuse to drop the test
        # database ("is being accessed by other users") and leave it behind.
        connections.close_all()
    for conn in shared.values():
        conn.dec_thread_sharing()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _new_page(browser, live_server_url, **context_options):
    context = browser.new_context(base_url=live_server_url, locale="vi-VN", **context_options)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server_url):
    context, page = _new_page(browser, live_server_url, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server_url):
    context, page = _new_page(
        browser,
        live_server_url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a screenshot under test-output/ (git-ignored) and return its path."""
    OUTPUT.mkdir(exist_ok=True)

    def save(page, name):
        path = OUTPUT / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
