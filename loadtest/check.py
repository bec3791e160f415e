"""After a load or fault run: is anything half-written? (scripts/loadtest.sh runs it.)

* Every visit the run's users posted (its purpose starts with the run's marker)
  holds exactly what the post sent, as its findings note: the support items and
  their criteria, the recommendation, the participants and the photo, whose
  file exists. A visit the user was told was saved exists.
* Every import batch of the run is either applied with one history record per
  written row, or not applied with none; a pending one still has its file.
  No batch anywhere is applied without its time.
* The criteria scores agree with the assessments (communes.scores.drift()).
* No photo file under MEDIA_ROOT/visits/ lacks its attachment row.

Prints a Markdown section and exits 1 when something is half-written. With
--cleanup it then deletes the run's visits with their photos and cancels the
run's pending imports, so that repeated runs do not pile up load data.

    DATABASE_URL=… MEDIA_ROOT=… python -m loadtest.check --run RUN_ID --dir RUN_DIR [--cleanup]
"""

import argparse
import csv
import os
import re
import sys
from pathlib import Path

EXPECTED = re.compile(
    r"supports=(?P<supports>\d+) criteria=(?P<criteria>\d+) "
    r"recommendations=(?P<recommendations>\d+) participants=(?P<participants>\d+) "
    r"files=(?P<files>\d+)"
)


def read_csv(path):
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def check_visits(marker, client_rows):
    from django.db.models import Prefetch

    from assignments.models import FieldVisit, Support

    visits = FieldVisit.objects.filter(purpose__startswith=marker).prefetch_related(
        Prefetch("supports", queryset=Support.objects.prefetch_related("criteria")),
        "recommendations",
        "participants",
        "attachments",
    )
    problems, complete = [], 0
    for visit in visits:
        expected = EXPECTED.search(visit.findings)
        if expected is None:
            problems.append(f"visit #{visit.pk}: its findings lost the expected counts")
            continue
        want = {key: int(value) for key, value in expected.groupdict().items()}
        supports = list(visit.supports.all())
        files = list(visit.attachments.all())
        have = {
            "supports": len(supports),
            "criteria": sum(len(s.criteria.all()) for s in supports),
            "recommendations": len(visit.recommendations.all()),
            "participants": len(visit.participants.all()),
            "files": len(files),
        }
        missing_files = [a.file.name for a in files if not _file_ok(a.file)]
        if have != want or missing_files:
            detail = ", ".join(f"{k} {have[k]}/{want[k]}" for k in want if have[k] != want[k])
            if missing_files:
                detail += f"{', ' if detail else ''}file missing: {missing_files[0]}"
            problems.append(f"visit #{visit.pk} half-written: {detail}")
        else:
            complete += 1
    saved = [row for row in client_rows if row["outcome"] == "saved"]
    lost = [
        row
        for row in saved
        if not visits.filter(pk=row["visit"], purpose__startswith=row["token"] + " ").exists()
    ]
    problems += [
        f"visit #{row['visit']} was reported saved but is not in the database" for row in lost
    ]
    failed = [row for row in client_rows if row["outcome"] != "saved"]
    written_anyway = sum(
        1 for row in failed if visits.filter(purpose__startswith=row["token"] + " ").exists()
    )
    lines = [
        f"- Visits posted by the load users: {len(client_rows)} "
        f"({len(saved)} saved, {len(failed)} answered with an error).",
        f"- Visits of this run in the database: {visits.count()}, complete: {complete} "
        f"(support items with their criteria, recommendation, participants, photo file).",
    ]
    if written_anyway:
        lines.append(
            "- Saved although the user saw an error (the answer was lost, not the data): "
            f"{written_anyway}."
        )
    return lines, problems


def _file_ok(field):
    try:
        return field.storage.exists(field.name) and field.storage.size(field.name) > 0
    except (OSError, ValueError):
        return False


def check_imports(run):
    from django.utils import translation

    from communes.models import Assessment
    from reports.imports.service import _reason
    from reports.models import ImportBatch

    problems = []
    batches = list(
        ImportBatch.objects.filter(file_name__startswith=f"tai-thu-{run}-").order_by("pk")
    )
    applied = 0
    for batch in batches:
        with translation.override("vi"):
            reason = _reason(batch)
        written = Assessment.history.filter(history_change_reason=reason).count()
        if batch.status == ImportBatch.Status.APPLIED:
            applied += 1
            if written != batch.created_count + batch.updated_count:
                problems.append(
                    f"import #{batch.pk} applied but {written} history records for "
                    f"{batch.created_count + batch.updated_count} rows written"
                )
        elif written:
            problems.append(f"import #{batch.pk} is {batch.status} yet wrote {written} rows")
        if batch.status == ImportBatch.Status.PREVIEWED and not _file_ok(batch.stored_file):
            problems.append(f"import #{batch.pk} is pending without its kept file")
    stuck = ImportBatch.objects.filter(
        status=ImportBatch.Status.APPLIED, applied_at__isnull=True
    ).count()
    if stuck:
        problems.append(f"{stuck} import batches applied without an applied time")
    pending = sum(1 for b in batches if b.status == ImportBatch.Status.PREVIEWED)
    other = len(batches) - applied - pending
    line = (
        f"- Import batches of this run: {len(batches)} ({applied} applied, {pending} pending, "
        f"{other} failed or cancelled); an applied one has a history record for each row it "
        "wrote, the others have none."
    )
    return [line], problems


def check_scores():
    from communes import scores

    wrong, left_over = scores.drift()
    line = (
        f"- Criteria scores against the assessments: {wrong} wrong or missing, "
        f"{left_over} left over."
    )
    return [line], (
        [f"criteria scores drifted: {wrong} wrong, {left_over} left over"]
        if wrong or left_over
        else []
    )


def check_media():
    from django.conf import settings

    from assignments.models import Attachment

    root = Path(settings.MEDIA_ROOT) / "visits"
    on_disk = (
        {str(p.relative_to(settings.MEDIA_ROOT)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )
    known = set(Attachment.objects.filter(file__in=on_disk).values_list("file", flat=True))
    orphans = sorted(on_disk - known)
    line = f"- Photo files under {root}: {len(on_disk)}, without an attachment row: {len(orphans)}."
    return [line], [
        f"{len(orphans)} photo files without a row, e.g. {orphans[0]}"
    ] if orphans else []


def cleanup(marker, run):
    from assignments.models import FieldVisit
    from reports.imports import service
    from reports.models import ImportBatch

    visits = FieldVisit.objects.filter(purpose__startswith=marker)
    files = [
        a.file for visit in visits.prefetch_related("attachments") for a in visit.attachments.all()
    ]
    deleted = visits.count()
    visits.delete()
    for field in files:
        field.storage.delete(field.name)
    pending = ImportBatch.objects.filter(
        file_name__startswith=f"tai-thu-{run}-", status=ImportBatch.Status.PREVIEWED
    )
    for batch in pending:
        service.cancel(batch, None)
    return (
        f"- Cleaned up: {deleted} load visits and their photos deleted, "
        f"{len(pending)} pending imports cancelled."
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--run", required=True, help="the run id (LOAD_RUN_ID)")
    parser.add_argument("--dir", required=True, type=Path, help="the run's folder (visits.csv)")
    parser.add_argument("--cleanup", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")
    import django

    django.setup()

    marker = f"[tai-thu {args.run}]"
    lines, problems = [], []
    for part in (
        lambda: check_visits(marker, read_csv(args.dir / "visits.csv")),
        lambda: check_imports(args.run),
        check_scores,
        check_media,
    ):
        more_lines, more_problems = part()
        lines += more_lines
        problems += more_problems
    print("## Half-written data\n")
    print("\n".join(lines))
    if problems:
        print("\n**Half-written data found:**\n")
        print("\n".join(f"- {p}" for p in problems))
    else:
        print("\n**Nothing half-written.**")
    if args.cleanup:
        print(cleanup(marker, args.run))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
