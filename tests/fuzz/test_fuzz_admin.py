"""Random posts to the admin's add and change forms of every model of the domain, as the
office and the superuser (and as users who may not use the admin).

The fields are read from the form the admin draws (inlines and their management
forms included), then filled: honestly with user text in one to three fields, or
with junk in one to four fields of any kind. A refused save writes nothing; a
saved one is logged once and its pages show the text escaped.
"""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from .fuzzing import (
    FUZZ,
    MISSING,
    changes,
    check_page,
    client_as,
    date_texts,
    files,
    follow,
    ids,
    numbers,
    post_data,
    rolled_back,
    safe_text,
    snapshot,
    text,
    upload,
    users,
)

pytestmark = pytest.mark.django_db

OUR_APPS = {"communes", "assignments", "reports"}
MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in OUR_APPS),
    key=lambda model: model._meta.label,
)


class Field:
    def __init__(self, tag, attrs):
        self.tag, self.attrs = tag, attrs
        self.name = attrs["name"]
        self.type = attrs.get("type", "text") if tag == "input" else tag
        self.options, self.value = [], attrs.get("value") or ""
        self.selected = []
        self.required = "required" in attrs
        self.checked = "checked" in attrs

    @property
    def autocomplete(self):
        return "admin-autocomplete" in (self.attrs.get("class") or "")

    def posted(self):
        """What a browser sends for the field as drawn (MISSING when nothing)."""
        if self.type == "checkbox":
            return "on" if self.checked else MISSING
        if self.type == "file":
            return MISSING
        if self.tag == "select":
            if "multiple" in self.attrs:
                return list(self.selected)
            return self.selected[-1] if self.selected else (self.options or [""])[0]
        return self.value

    def __repr__(self):
        return f"<{self.type} {self.name}>"


class FormReader(HTMLParser):
    """The fields of the admin's main form, without the inlines' empty templates."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self._select, self._textarea, self._in_form = [], None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form or tag not in ("input", "select", "textarea", "option"):
            return
        if tag == "option":
            if self._select is not None:
                self._select.options.append(attrs.get("value") or "")
                if "selected" in attrs:
                    self._select.selected.append(attrs.get("value") or "")
            return
        name = attrs.get("name") or ""
        if not name or "__prefix__" in name or name == "csrfmiddlewaretoken":
            return
        if attrs.get("type") in ("submit", "button", "search"):
            return
        field = Field(tag, attrs)
        self.fields.append(field)
        if tag == "select":
            self._select = field
        if tag == "textarea":
            self._textarea = field

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None
        if tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def read_form(html):
    reader = FormReader()
    reader.feed(html)
    return reader.fields


def related_ids(field, model):
    """Real ids an autocomplete select may take (its related model's first rows)."""
    attrs = field.attrs
    source = apps.get_model(attrs["data-app-label"], attrs["data-model-name"])
    related = source._meta.get_field(attrs["data-field-name"]).related_model
    return [
        str(pk) for pk in related._default_manager.order_by("pk").values_list("pk", flat=True)[:5]
    ]


def admin_url(model, action, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=args)


class Forms:
    """The add and change forms of every model, read once as the office draws them."""

    def __init__(self):
        self.people = users()
        client = client_as(self.people["admin"])
        self.forms = {}
        for model in MODELS:
            obj = model.objects.order_by("pk").first()
            targets = [("add", admin_url(model, "add"))]
            if obj is not None:
                targets.append(("change", admin_url(model, "change", obj.pk)))
            for action, url in targets:
                response = client.get(url)
                if response.status_code != 200:  # read-only models (the import log)
                    continue
                fields = read_form(response.content.decode())
                if not fields:  # a locked row (an approved year's result) shows no form
                    continue
                for field in fields:
                    if field.autocomplete:
                        field.options = [*field.options, *related_ids(field, model)]
                self.forms[(model._meta.label, action)] = (model, url, fields)

    def __repr__(self):
        return "<the admin's forms>"


@pytest.fixture
def admin_forms():
    return Forms()


def honest_value(draw, field):
    """A value the field takes: user text in text boxes, a listed choice, a real date."""
    if field.type in ("text", "email", "url") or field.tag == "textarea":
        cls = field.attrs.get("class") or ""
        if "vDateField" in cls:
            return draw(st.sampled_from(["15/03/2024", "2024-03-15", "01/01/2025"]))
        if field.type == "email":
            return draw(st.sampled_from(["", "a@b.vn"]))
        size = int(field.attrs.get("maxlength") or 500)
        return draw(safe_text(min(size, 500)))
    if field.type == "number":
        low = int(float(field.attrs.get("min") or 0))
        return str(max(low, draw(st.sampled_from([0, 1, 2023, 2025]))))
    if field.tag == "select":
        choices = [o for o in field.options if o] or [""]
        if "multiple" in field.attrs:
            return draw(st.lists(st.sampled_from(choices), unique=True, max_size=2))
        return draw(st.sampled_from(choices))
    return field.posted()


def junk_value(draw, field):
    cls = field.attrs.get("class") or ""
    if field.type == "file":
        return draw(files())
    if "vDateField" in cls:
        return draw(date_texts())
    if field.type == "number" or field.name.endswith(("TOTAL_FORMS", "INITIAL_FORMS")):
        return draw(numbers())
    if field.tag == "select" or field.type == "hidden":
        return draw(st.one_of(ids(*field.options), st.lists(ids(*field.options), max_size=3)))
    return draw(text())


@st.composite
def admin_posts(draw, fields, action):
    values = {field.name: field.posted() for field in fields}
    typed = [f for f in fields if f.type in ("text", "email") or f.tag == "textarea"]
    honest = draw(st.integers(0, 2)) > 0
    if honest:
        chosen = (
            draw(st.lists(st.sampled_from(typed), unique=True, min_size=1, max_size=3))
            if typed
            else []
        )
        if action == "add":  # an empty add form: everything it requires
            chosen += [f for f in fields if f.required and f not in chosen and not f.value]
        for field in chosen:
            values[field.name] = honest_value(draw, field)
    else:
        for field in draw(st.lists(st.sampled_from(fields), unique=True, min_size=1, max_size=4)):
            left_out = draw(st.integers(0, 4)) == 0
            values[field.name] = MISSING if left_out else junk_value(draw, field)
    uploads = {}
    for name, value in list(values.items()):
        if isinstance(value, tuple):  # a file: (label, name, bytes, content type)
            uploads[name] = upload(*value[1:])
            del values[name]
    return honest, {**post_data(values), **uploads, "_save": "Lưu lại"}


@FUZZ
@given(data=st.data())
def test_random_posts_to_the_admin_forms(data, admin_forms):
    key = data.draw(st.sampled_from(sorted(admin_forms.forms)))
    model, url, fields = admin_forms.forms[key]
    honest, posted = data.draw(admin_posts(fields, key[1]))
    persona = data.draw(st.sampled_from(["office", "office", "admin", "member_a", None]))
    event(f"{key[1]} {'honest' if honest else 'hostile'}")
    with rolled_back():
        client = client_as(admin_forms.people.get(persona))
        before = snapshot()
        response = check_page(client.post(url, posted))
        after = snapshot()
        if persona in ("member_a", None):
            assert response.status_code == 302 and "/admin/login/" in response.url
            assert after == before
            return
        if response.status_code != 302:
            event("refused")
            assert response.status_code in (200, 400, 403)
            assert after == before, changes(before, after)
            return
        event("saved")
        assert LogEntry.objects.count() == before["admin.LogEntry"][0] + 1
        entry = LogEntry.objects.order_by("pk").last()
        assert entry.content_type.model_class() == model
        assert entry.user == admin_forms.people[persona]
        follow(client, response)
        check_page(client.get(admin_url(model, "change", entry.object_id)))
        check_page(client.get(admin_url(model, "history", entry.object_id)))


def changelist_params():
    """The admin list's own GET parameters: search, order, page, filters, dates."""
    names = st.sampled_from(
        [
            "q",
            "o",
            "p",
            "all",
            "status",
            "status__exact",
            "decision__id__exact",
            "commune__district__id__exact",
            "ended_on__isempty",
            "visited_on__year",
            "visited_on__month",
            "visited_on__day",
            "decided_on__year",
            "uploaded_at__year",
            "year",
            "year__exact",
            "kind__exact",
            "met__exact",
            "_to_field",
            "_popup",
            "e",
        ]
    )
    return st.dictionaries(names, st.one_of(ids("1", "2021", "2"), text(), numbers()), max_size=4)


@FUZZ
@given(data=st.data())
def test_random_filters_on_the_admin_lists(data, admin_forms):
    model = data.draw(st.sampled_from(MODELS))
    params = data.draw(changelist_params())
    persona = data.draw(st.sampled_from(["office", "admin"]))
    with rolled_back():
        client = client_as(admin_forms.people[persona])
        before = snapshot()
        response = check_page(client.get(admin_url(model, "changelist"), params))
        assert response.status_code in (200, 302, 400, 403)
        if response.status_code == 302 and response.url.startswith("/"):
            check_page(client.get(response.url))
        assert snapshot() == before
