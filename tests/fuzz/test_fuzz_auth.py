"""Random posts to the login form (up to the lockout), the language switch, the logout
and the office's unlock form.

Never a server error; a redirect never leaves the site; a refused login writes
nothing but its failure record; the typed user name comes back escaped.
"""

from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from .fuzzing import (
    FUZZ,
    MISSING,
    USERNAMES,
    changes,
    check_page,
    client_as,
    extra_fields,
    maybe,
    post_data,
    rolled_back,
    snapshot,
    text,
    users,
)

pytestmark = pytest.mark.django_db

NEXT = st.one_of(
    st.sampled_from(
        [
            "/xa/",
            "/phan-cong/?q=<script>alert(1)</script>",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "http:///evil.example",
            "\x00/xa/",
            " /xa/",
            "/admin/",
            "xa",
        ]
    ),
    text(),
)


@pytest.fixture
def people():
    return users()


def stays_on_site(response):
    """A redirect to this site, as a browser reads it (backslashes as slashes)."""
    if response.status_code in (301, 302, 303):
        parts = urlsplit(response.url.replace("\\", "/").strip())
        assert parts.scheme in ("", "http", "https"), response.url
        assert parts.netloc in ("", "testserver"), response.url


@st.composite
def logins(draw):
    """(fields, the persona whose password is right or None, attempts)."""
    persona = draw(st.sampled_from([None, None, None, "office", "member_a"]))
    if persona is None:
        username = draw(maybe(text()))
        password = draw(maybe(text()))
    else:
        username = USERNAMES[persona]
        password = draw(st.sampled_from([f"{username}-demo-2025", "sai-mat-khau", ""]))
        if password != f"{username}-demo-2025":
            persona = None
    fields = {"username": username, "password": password, "next": draw(maybe(NEXT))}
    return fields, persona, draw(st.integers(1, 7)), draw(maybe(NEXT, many=False))


@FUZZ
@given(data=st.data())
def test_random_logins(data, people):
    fields, persona, attempts, next_param = data.draw(logins())
    fields.update(data.draw(extra_fields()))
    url = reverse("login")
    if next_param is not MISSING:
        url += "?" + urlencode({"next": next_param})
    with rolled_back():
        before = snapshot()
        client = client_as(None)
        for _attempt in range(attempts if persona is None else 1):
            response = check_page(client.post(url, post_data(fields)))
            stays_on_site(response)
        after = snapshot()
        if persona is not None:
            event("logged in")
            assert response.status_code == 302
            assert set(changes(before, after)) <= {"auth.User"}  # last_login
            assert client.get(reverse("reports:dashboard")).status_code == 200
            return
        event(f"refused, status {response.status_code}")
        assert response.status_code in (200, 429)
        assert after == before, changes(before, after)
        assert client.get(reverse("reports:dashboard")).status_code == 302


@FUZZ
@given(data=st.data())
def test_random_language_switches_and_logouts(data, people):
    persona = data.draw(st.sampled_from(["office", "member_a", "reader", None]))
    name = data.draw(st.sampled_from(["set_language", "logout"]))
    fields = {
        "language": data.draw(maybe(st.one_of(st.sampled_from(["vi", "en", "fr", "EN"]), text()))),
        "next": data.draw(maybe(NEXT)),
        **data.draw(extra_fields()),
    }
    event(name)
    with rolled_back():
        client = client_as(people.get(persona))
        before = snapshot()
        response = check_page(client.post(reverse(name), post_data(fields)))
        stays_on_site(response)
        assert snapshot() == before
        page = check_page(client.get(reverse("login")))
        assert page.status_code in (200, 302)


@FUZZ
@given(data=st.data())
def test_random_unlock_requests(data, people):
    persona = data.draw(st.sampled_from(["office", "office", "admin", "member_a", "reader", None]))
    fields = {
        "username": data.draw(maybe(st.one_of(st.sampled_from(list(USERNAMES.values())), text()))),
        "ip_address": data.draw(
            maybe(st.one_of(st.sampled_from(["127.0.0.1", "::1", "999.1.1.1", "10.0.0.1"]), text()))
        ),
        **data.draw(extra_fields()),
    }
    with rolled_back():
        client = client_as(people.get(persona))
        before = snapshot()
        response = check_page(client.post(reverse("unlock"), post_data(fields)))
        if response.status_code == 302:
            check_page(client.get(response.url))
        if persona in ("member_a", "reader"):
            assert response.status_code == 403
        assert snapshot() == before
