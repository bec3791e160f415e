"""Steps the browser tests share (Playwright's sync API)."""

from sampledata.lifecycle import DEMO_ACCOUNTS


def password_of(username):
    """The password of a demo account (sampledata.lifecycle.DEMO_ACCOUNTS)."""
    return next(a for a in DEMO_ACCOUNTS if a.username == username).password


def log_in(page, username, password):
    """Sign in through the login page and wait for the page it leads to."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def no_horizontal_scroll(page):
    """True when the page fits the window's width (nothing to scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
