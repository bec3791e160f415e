"""The "Lịch sử thay đổi" section of a record's page, and links to its full history."""

from django import template
from django.urls import reverse

from ..history import registry
from ..history.diff import load

register = template.Library()

SECTION_ENTRIES = 10


@register.inclusion_tag("assignments/_history_section.html", takes_context=True)
def history_section(context, obj, limit=SECTION_ENTRIES):
    """The latest changes of `obj` (and of its children: a visit's support and
    recommendations), with a link to the full history. The page has checked access."""
    tracked = registry.tracked_for(obj)
    entries, total = load(tracked, obj.pk, limit=limit)
    return {
        "entries": entries,
        "total": total,
        "full": False,
        "full_url": reverse("assignments:history", args=[tracked.slug, obj.pk]),
        "heading_id": f"history-{tracked.slug}-{obj.pk}",
        "request": context.get("request"),
    }


@register.simple_tag
def history_url(obj):
    """URL of the history page of an audited object."""
    return registry.history_url(obj)
