"""A finished workbook as an HTTP download, and the name it is saved under."""

import tempfile

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dated_filename(stem, day):
    """ "phan-cong-1599" → "phan-cong-1599-2025-11-24.xlsx"."""
    return f"{stem}-{day.isoformat()}.xlsx"


def _saved(workbook):
    """The workbook saved to an anonymous temporary file, positioned at its start."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the caller or the response closes it)
    try:
        workbook.save(handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle


def workbook_download(workbook, filename):
    """The workbook as a download named `filename`, streamed from a temporary file.

    The file is never held in memory, whatever its size; it is deleted when
    the response is closed.
    """
    return FileResponse(
        _saved(workbook), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def workbook_response(workbook, filename):
    """The workbook as a download named `filename`, in memory (small files: templates, lists)."""
    with _saved(workbook) as handle:
        response = HttpResponse(handle.read(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
