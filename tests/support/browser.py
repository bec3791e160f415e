"""Steps the browser tests share (Playwright's sync API)."""


def log_in(page, username, password):
    """Sign in through the login page and wait for the page it leads to."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
