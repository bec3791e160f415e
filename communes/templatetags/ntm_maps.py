"""``{% map_switch %}``: the two links that switch a page between the old and the current map."""

from django import template

from ..models import Map

register = template.Library()

# Parameters whose meaning depends on the map (an old district, a unit of one map, the
# page of a list): dropped when the map changes, so a link never filters by a unit of
# the other map.
MAP_BOUND = ("district", "province", "commune", "unit", "page")


@register.inclusion_tag("includes/map_switch.html", takes_context=True)
def map_switch(context, current):
    """Links to the same page on each map, keeping the other GET parameters."""
    request = context["request"]
    links = []
    for choice in Map:
        query = request.GET.copy()
        for name in MAP_BOUND:
            query.pop(name, None)
        query["map"] = choice.value
        links.append(
            {"label": choice.label, "url": f"?{query.urlencode()}", "active": choice == current}
        )
    return {"links": links, "current": Map(current)}
