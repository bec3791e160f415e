"""Exports measured by `make bench`: every report of the registry (reports/exporters.py) and the
communes list's Excel button, each as the office user downloads it for the whole country.

A report is downloaded with its form's usual values (the download URL with only ``map=``: the
latest original decision, the latest assessed year, every visit, this year), on the current
map and on the old one. Each run is a fresh subprocess; an export with anchors
(bench/anchors.py) takes turns with them, so that a busy spell of the machine falls on all
three.
"""

import importlib

from . import anchors, measure

LIST = "list"  # the communes list's Excel button: a list export, not a registered report


def cases():
    """(name, label) of every export measured, on the current map (the default since
    01/07/2025) then on the old one: the registry's reports, then the communes list. A name
    is the report's identifier, with "@old" on the old map."""
    from django.utils import translation

    from reports import exporters

    with translation.override("en"):  # the bench's table is in English
        reports = [(e.identifier, f"export: {e.title}") for e in exporters.registered()]
    reports.append((LIST, "export: communes list (Excel button)"))
    return [
        (name + suffix, f"{label}, whole country [{where} map]")
        for name, label in reports
        for suffix, where in (("", "current"), (OLD, "old"))
    ]


OLD = "@old"


def split(name):
    """(identifier, map) of a case's name."""
    from communes.models import Map

    identifier, old, _ = name.partition(OLD)
    return identifier, Map.OLD if old else Map.CURRENT


def has_anchors(name):
    """The anchors write the export's cells on either map, but the communes list's only on the
    old map (on the current one its rows are the units of today with their own figures)."""
    from communes.models import Map

    identifier, map = split(name)
    return identifier in anchors.CELLS and (identifier != LIST or map == Map.OLD)


def url_of(name):
    from django.urls import reverse

    from reports import exporters

    identifier, map = split(name)
    if identifier == LIST:
        url = reverse("reports:commune_list") + f"?year={measure.latest_year()}&export=xlsx&"
    else:
        url = exporters.get(identifier).download_url() + "?"
    return url + f"map={map}"


def task(kind, name):
    """The work of one run in this child process: the export itself ("export") or an anchor.

    Everything but the work is done before the clock starts, for the export and its anchors
    alike, as on a server: modules imported, URLs loaded, the user logged in.
    """
    if kind != "export" and (kind not in anchors.WRITERS or not has_anchors(name)):
        raise SystemExit(f"unknown task {kind}_{name}")
    for module in ("openpyxl", "xlsxwriter"):
        importlib.import_module(module)
    url = url_of(name)
    client = measure.client_as(measure.OFFICE_USER)
    if kind != "export":
        identifier, map = split(name)
        sheets, cells = anchors.CELLS[identifier]
        year = measure.latest_year()
        return lambda: {"bytes": anchors.WRITERS[kind](sheets, cells(year, map))}

    def download():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        # Read as a server sends it: chunk by chunk, never the whole file at once.
        chunks = response.streaming_content if response.streaming else [response.content]
        size = sum(len(chunk) for chunk in chunks)
        response.close()
        return {"bytes": size}

    return download


def measure_exports(repeat):
    rows = []
    for name, label in cases():
        print(f"  {label}…", flush=True)
        kinds = ["export", *(anchors.WRITERS if has_anchors(name) else ())]
        runs = {kind: [] for kind in kinds}
        for _ in range(repeat):
            for kind in kinds:
                runs[kind].append(measure.run_child(f"{kind}_{name}"))
        app = measure.figures(runs["export"])
        if len(kinds) == 1:
            rows.append(measure.row(label + _size(app), app))
            continue
        bare, xlsx = measure.figures(runs["openpyxl"]), measure.figures(runs["xlsxwriter"])
        rows += [
            measure.row(label + _size(app), app, "bare openpyxl write-only loop", bare),
            measure.row(label + _size(app), app, "XlsxWriter constant_memory", xlsx),
            measure.row(f"  anchor: bare openpyxl ({name}){_size(bare)}", bare),
            measure.row(f"  anchor: XlsxWriter constant_memory ({name}){_size(xlsx)}", xlsx),
        ]
    return rows


def _size(figures):
    return f", {figures['bytes'] / 1e6:.1f} MB" if figures.get("bytes") else ""
