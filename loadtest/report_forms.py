"""The reports as the load test knows them: the forms of the reports page (/bao-cao/).

The page draws one form per registered report (reports/exporters.py) with its
identifier (``data-report``), its file's URL (``action``) and its fields, so
the load test exports whatever the registry holds without a list of its own.
No Locust here: tests/reports/test_export_registry.py reads the real page with it.
"""

import random
from dataclasses import dataclass

import lxml.html


@dataclass
class Report:
    """A report as the reports page offers it (one of its forms)."""

    identifier: str
    url: str  # the form's action: the file
    defaults: dict  # what the form sends as the page fills it
    choices: dict  # each select's options (not the empty one)

    @classmethod
    def of_form(cls, form):
        defaults = dict(form.form_values())
        choices = {name: options(form, name) for name in form.xpath(".//select/@name")}
        return cls(form.get("data-report"), form.get("action"), defaults, choices)

    def params(self):
        """The page's values, each select changed to another of its options at even odds."""
        params = dict(self.defaults)
        for name, values in self.choices.items():
            if values and random.random() < 0.5:
                params[name] = random.choice(values)
        return params


def options(element, name):
    """The values of the options of the select `name` inside `element`, but the empty one."""
    return [v for v in element.xpath(f'.//select[@name="{name}"]//option/@value') if v]


def reports_on(html):
    """Every report offered on the reports page `html`, in its order."""
    return [
        Report.of_form(form) for form in lxml.html.fromstring(html).xpath("//form[@data-report]")
    ]
