"""axe-core, the accessibility checker, run on a page a browser test has open.

axe.min.js comes inside the axe-playwright-python package (a dev dependency the set-up
installs), never from a CDN. A page passes when axe finds nothing moderate, serious or
critical (heading levels that jump are "moderate"); minor findings are not counted.
"""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"moderate", "serious", "critical"}
# Experimental in axe and so off by default: a control's visible text must be part of its
# accessible name (a link showing "TC1" and named only "Lịch sử đánh giá tiêu chí 1…").
OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}

_axe = Axe()


def violations(page):
    """The moderate, serious and critical violations on the page, one line each (empty: none)."""
    response = _axe.run(page, options=OPTIONS).response
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']}): "
        f"{v['help']}"
        for v in response["violations"]
        if v["impact"] in BLOCKING
    ]
