"""{% commune_year_review commune year %}: the review panel of a commune's yearly results
(communes.reviews.panel), on whichever page shows them."""

from django import template

from communes import reviews

register = template.Library()


@register.inclusion_tag("reports/_commune_year_review.html", takes_context=True)
def commune_year_review(context, commune, year, show_lock=True, level=2):
    """show_lock=False on a page that already says why its results cannot be changed;
    level: of the panel's heading (3 inside a page's section)."""
    request = context["request"]
    # A page showing several years of one commune (the dossier) reads its reviews once.
    cache = request.__dict__.setdefault("_ntm_review_panels", {})
    if commune.pk not in cache:
        cache[commune.pk] = reviews.Panels(commune, request.user)
    panel = cache[commune.pk](year)
    return {
        **panel,
        "lock": panel["lock"] if show_lock else "",
        "level": level,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
