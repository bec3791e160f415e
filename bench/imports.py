"""Imports measured by `make bench`: the demo decision's annex exported and imported back, the
criteria matrix of 2025 (19 criteria) for every commune exported, every tenth commune's
criterion 1 flipped, imported (preview + apply), and the indicator matrix of 2026
(bench/imports_2026.py); each run in a fresh subprocess."""

import statistics
import time
from pathlib import Path

from . import OUTPUT, imports_2026, measure


def measure_imports(repeat):
    from openpyxl import load_workbook

    from reports import exporters
    from reports.forms import default_decision

    client = measure.client_as(measure.OFFICE_USER)
    folder = OUTPUT / "files"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []

    # The decision in force on today's units (the demo's of 2026–2030 since 01/01/2026; its
    # pairs read back on today's map): Decision 1599's left in force are old Si Ma Cai's, on
    # units that ceased, which an annex of today refuses.
    decision = default_decision()
    response = client.get(exporters.get("annex").download_url() + f"?decision={decision.pk}")
    annex = folder / "annex.xlsx"
    annex.write_bytes(measure.body(response))
    print("  import: annex…", flush=True)
    runs = [
        measure.run_child("import_annex", file=annex, target=decision.pk) for _ in range(repeat)
    ]
    rows.append(_import_row(f"import: annex of {decision.number}, {runs[0]['rows']} rows", runs))

    year = 2025  # the 2021–2025 set's 19 criteria (2026 is measured below, by indicator)
    response = client.get(exporters.get("matrix").download_url() + f"?year={year}")
    original = folder / f"matrix-{year}.xlsx"
    original.write_bytes(measure.body(response))
    workbook = load_workbook(original)
    sheet = workbook.active
    changed, communes = 0, 0
    for row in sheet.iter_rows(min_row=8):
        # A commune row as the importer reads it: a row number (STT) and a code.
        if isinstance(row[0].value, int) and row[1].value:
            communes += 1
            if communes % 10 == 0:  # every tenth commune: flip TC1
                row[3].value = None if row[3].value else "Đạt"
                changed += 1
    edited = folder / f"matrix-{year}-edited.xlsx"
    workbook.save(edited)
    del workbook, sheet
    print(f"  import: criteria matrix ({communes} communes, {changed} cells changed)…", flush=True)
    # Alternate edited/original so that every apply writes `changed` cells.
    runs = [measure.run_child("import_matrix", file=edited if i % 2 == 0 else original, target=year)
            for i in range(repeat * 2)]  # fmt: skip
    rows.append(_import_row(f"import: criteria matrix {year}, {runs[0]['communes']:,} of "
                            f"{communes:,} commune rows read × 19", runs))  # fmt: skip
    rows += imports_2026.measure_indicator_imports(client, folder, repeat, _import_row)
    return rows


def _import_row(label, runs):
    median, p95 = measure.summary([r["seconds"] for r in runs])
    preview = statistics.median(r["preview"] for r in runs)
    apply = statistics.median(r["apply"] for r in runs)
    return measure.row(
        f"{label} (preview {preview:.1f} s + apply {apply:.1f} s; {runs[0]['written']:,} "
        f"written, {runs[0]['history']:,} history rows)",
        {"median": median, "p95": p95, "queries": runs[0]["queries"],
         "rss": max(r["rss"] for r in runs), "baseline_rss": runs[0]["baseline_rss"]},
    )  # fmt: skip


def task(name, args):
    """The work of one import run in this child process: `name` (annex or matrix) of the file
    `args.file` into `args.target` (the decision's id or the year)."""
    if name not in ("annex", "matrix"):
        raise SystemExit(f"unknown task import_{name}")
    return lambda: _preview_and_apply(name, args)


def _preview_and_apply(name, args):
    """Preview then apply one file, as the pages do: the preview's plan is dropped before the
    confirm (another request), which plans again."""
    from django.utils import timezone

    from assignments.models import Assignment, Decision
    from communes.models import Assessment, IndicatorResult
    from reports.imports import service
    from reports.models import ImportBatch

    user = measure.office()
    path = Path(args.file)
    if name == "annex":
        kind, target = ImportBatch.Kind.ANNEX, Decision.objects.get(pk=args.target)
        model = Assignment
    else:
        kind, target = ImportBatch.Kind.MATRIX, int(args.target)
        model = (Assessment, IndicatorResult)
    started = time.perf_counter()
    with path.open("rb") as handle:
        batch, plan = service.preview(kind, handle, target, user, name=path.name)
    if plan.has_errors:
        service.cancel(batch, user)
        raise SystemExit(
            f"import_{name}: {plan.errors} rows with errors (rows {plan.error_rows[:10]})"
        )
    figures = {
        "rows": plan.created + plan.updated + plan.unchanged,
        "communes": plan.extra.get("communes"),
        "written": plan.created + plan.updated,
    }
    del plan
    since, applied = timezone.now(), time.perf_counter()
    batch, _done = service.apply(batch, user)
    finished = time.perf_counter()
    # The import's history reason ends "(lần nhập #N)" (reports.imports.service._reason).
    history = sum(m.history.filter(history_date__gte=since,
                                   history_change_reason__endswith=f"#{batch.pk})").count()
                  for m in (model if isinstance(model, tuple) else (model,)))  # fmt: skip
    return {**figures, "preview": applied - started, "apply": finished - applied,
            "history": history}  # fmt: skip
