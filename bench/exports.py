"""Exports measured by `make bench`: every report of the registry (reports/exporters.py) and the
communes list's Excel button, each as the office user downloads it for the whole country.

A report is downloaded with its form's usual values (the bare download URL: the latest
original decision, the latest assessed year, every visit, this year). Each run is a fresh
subprocess; an export with anchors (bench/anchors.py) takes turns with them, so that a busy
spell of the machine falls on all three.
"""

import importlib

from . import anchors, measure

LIST = "list"  # the communes list's Excel button: a list export, not a registered report


def cases():
    """(name, label) of every export measured: the registry's reports, then the communes list."""
    from django.utils import translation

    from reports import exporters

    with translation.override("en"):  # the bench's table is in English
        reports = [
            (e.identifier, f"export: {e.title}, whole country") for e in exporters.registered()
        ]
    return [*reports, (LIST, "export: communes list (Excel button), whole country")]


def url_of(name):
    from django.urls import reverse

    from reports import exporters

    if name == LIST:
        return reverse("reports:commune_list") + f"?year={measure.latest_year()}&export=xlsx"
    return exporters.get(name).download_url()


def task(kind, name):
    """The work of one run in this child process: the export itself ("export") or an anchor.

    Everything but the work is done before the clock starts, for the export and its anchors
    alike, as on a server: modules imported, URLs loaded, the user logged in.
    """
    if kind != "export" and (kind not in anchors.WRITERS or name not in anchors.CELLS):
        raise SystemExit(f"unknown task {kind}_{name}")
    for module in ("openpyxl", "xlsxwriter"):
        importlib.import_module(module)
    url = url_of(name)
    client = measure.client_as(measure.OFFICE_USER)
    if kind != "export":
        sheets, cells = anchors.CELLS[name]
        year = measure.latest_year()
        return lambda: {"bytes": anchors.WRITERS[kind](sheets, cells(year))}

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
        kinds = ["export", *(anchors.WRITERS if name in anchors.CELLS else ())]
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
