"""Previews never confirmed expire: NTM_IMPORT_PREVIEW_HOURS after the upload.

An expired batch ("Hết hạn") keeps its row in the import log but not its file,
and can no longer be confirmed. Expiry does not wait for a cron job: confirm,
cancel and the preview page expire a stale batch themselves (:func:`expire`);
``manage.py expire_imports`` (:func:`expire_stale`, :func:`leftover_files`)
removes the files of those nobody opened again, and any file of the imports
folder that no batch holds.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import formats

from ..models import ImportBatch, preview_lifetime

FOLDER = "imports"


def release_file(batch):
    """Forget the kept file and the rows read from it; delete them once the transaction has
    committed."""
    for kept in (batch.stored_file, batch.stored_rows):
        if kept:
            storage, name = kept.storage, kept.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    batch.stored_file = batch.stored_rows = ""


def expire(batch, now=None):
    """True when `batch` is expired, marking it so (file deleted) if it had just become stale.

    `batch` is brought up to date in place, so that a page showing it shows "Hết hạn".
    """
    if batch.status == ImportBatch.Status.EXPIRED:
        return True
    if not batch.is_stale(now):
        return False
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.is_stale(now):  # not confirmed or cancelled meanwhile
            release_file(locked)
            locked.status = ImportBatch.Status.EXPIRED
            locked.message = expired_message(locked)
            locked.save(update_fields=["status", "stored_file", "stored_rows", "message"])
    batch.refresh_from_db(fields=["status", "stored_file", "stored_rows", "message"])
    return batch.status == ImportBatch.Status.EXPIRED


def expired_message(batch):
    return _(
        "Bản xem trước này đã hết hạn lúc %(expired)s (%(hours)s giờ sau khi tải lên) mà chưa "
        "được xác nhận, nên tệp đã lưu đã được xoá; chưa có gì được ghi. Hãy tải tệp lên lại "
        "để xem trước và xác nhận."
    ) % {
        "expired": formats.moment(batch.expires_at),
        "hours": settings.NTM_IMPORT_PREVIEW_HOURS,
    }


def expire_stale(*, now=None, dry_run=False):
    """The batches past their time not yet marked expired; marked (files deleted) unless dry_run."""
    stale = list(ImportBatch.objects.stale(now).select_related("decision").order_by("pk"))
    if not dry_run:
        stale = [batch for batch in stale if expire(batch, now)]
    return stale


def leftover_files(*, now=None, dry_run=False):
    """Names of the files in the imports folder that no batch holds, deleted unless dry_run.

    Only files older than a preview's lifetime: a preview being recorded right now
    saves its file a moment before its row.
    """
    storage = ImportBatch._meta.get_field("stored_file").storage
    try:
        _folders, names = storage.listdir(FOLDER)
    except FileNotFoundError:
        return []
    held = {
        name
        for pair in ImportBatch.objects.exclude(stored_file="").values_list(
            "stored_file", "stored_rows"
        )
        for name in pair
        if name
    }
    cutoff = (now or timezone.now()) - preview_lifetime()
    leftover = []
    for name in sorted(names):
        path = f"{FOLDER}/{name}"
        if path in held or storage.get_modified_time(path) > cutoff:
            continue
        if not dry_run:
            storage.delete(path)
        leftover.append(path)
    return leftover
