"""Checking and cleaning a visit's uploaded files before anything is stored.

Only JPEG, PNG and PDF are accepted, decided by the file's content (its first
bytes, and Pillow reading the whole image), never by its name or by the
content type the browser claims. Images are decoded and re-encoded, which drops
EXIF (GPS position, camera serial), XMP and comments; the EXIF orientation is
applied to the pixels first so that photos stay upright.

What decoding costs is bounded: check() reads only a file's header (type, size,
pixels), so a save whose images have too many pixels in all (REQUEST_PIXELS) is
refused before any is decoded; clean() then decodes one image at a time per
process, a large JPEG at a reduced scale (STORED_PIXELS), and writes the result to
a temporary file, so that no decoded image, nor the stored bytes of twenty photos,
stays in memory. The per-user limit across saves is upload_quota's.
"""

import math
import tempfile
import threading
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

MAX_BYTES = 10 * 1024 * 1024
# Larger than any phone camera (a 200 MP sensor saves 12 MP by default); a
# bigger image is a mistake or a decompression bomb. Settings may lower it.
MAX_PIXELS = 40_000_000
# A photo is stored with at most this many pixels (a phone's default 12 MP is kept as
# it is): a larger JPEG is decoded at 1/2, 1/4 or 1/8 of its size (libjpeg's scaled
# decoding, never the full image in memory); a larger PNG is refused.
STORED_PIXELS = 16_000_000
# All the images of one save together (20 phone photos of 12 MP): decoding is what costs.
REQUEST_PIXELS = 250_000_000
JPEG_QUALITY = 85

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
# Content types served inline by the download view; anything else is a download.
ALLOWED_CONTENT_TYPES = frozenset(EXTENSIONS)
_SIGNATURES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
# One image decoded at a time per process, whatever the threads: a worker's memory is
# bounded by one image, not by the uploads that arrive together.
_DECODING = threading.Lock()


@dataclass(frozen=True)
class Checked:
    """An upload whose size and kind were read from its first bytes; not decoded yet."""

    upload: object
    name: str
    content_type: str
    pixels: int = 0  # width × height as the image's header says (0 for a PDF)


@dataclass(frozen=True)
class CleanFile:
    """An upload that passed the checks: the bytes to store, in a temporary file that
    disappears when closed (or when the process dies), and what to record."""

    original_name: str
    file: object
    content_type: str
    size: int

    @property
    def extension(self):
        return EXTENSIONS[self.content_type]


def max_pixels():
    return getattr(settings, "NTM_ATTACHMENT_MAX_PIXELS", MAX_PIXELS)


def sniff(head):
    """The content type that the first bytes announce, or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def stored_pixels():
    return getattr(settings, "NTM_ATTACHMENT_STORED_PIXELS", STORED_PIXELS)


def request_pixels():
    return getattr(settings, "NTM_ATTACHMENT_REQUEST_PIXELS", REQUEST_PIXELS)


def check(upload):
    """A Checked upload, read no further than its header; ValidationError naming the file
    if it is too big, empty, of another kind, or an image with too many pixels."""
    name = (upload.name or _("không tên"))[-255:]
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("Tệp «%(name)s» lớn hơn 10 MB (%(size)s MB): hãy thu nhỏ hoặc chụp lại rồi chọn lại.")
            % {"name": name, "size": number_format(upload.size / 1024 / 1024, 1)},
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(16)
    if not head:
        raise ValidationError(_("Tệp «%(name)s» rỗng.") % {"name": name}, code="empty")
    upload.seek(MAX_BYTES)
    if upload.read(1):  # the size announced was wrong
        raise ValidationError(_("Tệp «%(name)s» lớn hơn 10 MB.") % {"name": name}, code="too_big")
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError(
            _(
                "Tệp «%(name)s» không phải ảnh JPEG, PNG hay tài liệu PDF "
                "(đã kiểm tra nội dung tệp, không theo tên): chỉ nhận ba loại tệp này."
            )
            % {"name": name},
            code="type",
        )
    if content_type == PDF:
        return Checked(upload, name, PDF)
    return Checked(upload, name, content_type, _probe(upload, content_type, name))


def clean(checked):
    """The CleanFile of a Checked upload: a PDF as it is, an image decoded and saved again
    without metadata (at most stored_pixels()); ValidationError if it does not decode.
    Images are decoded one at a time in this process, and freed before this returns."""
    # Never named on disk: nothing is left if the process dies. Returned open (the caller
    # stores it, then closes it), so not a `with`.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        checked.upload.seek(0)
        if checked.content_type == PDF:
            for chunk in checked.upload.chunks():
                out.write(chunk)
        else:
            with _DECODING:
                _reencode(checked, out)
    except BaseException:
        out.close()
        raise
    size = out.tell()
    out.seek(0)
    return CleanFile(checked.name, out, checked.content_type, size)


def clean_upload(upload):
    """check() then clean(): one upload, or ValidationError naming the file."""
    return clean(check(upload))


def _format(content_type):
    return "JPEG" if content_type == JPEG else "PNG"


def _broken(name, content_type):
    return ValidationError(
        _("Tệp «%(name)s» không đọc được như một ảnh %(format)s: tệp hỏng hoặc không phải ảnh.")
        % {"name": name, "format": _format(content_type)},
        code="broken",
    )


def _probe(upload, content_type, name):
    """The image's pixel count from its header (and, for a PNG, its chunks' checksums)."""
    limit = max_pixels()
    if content_type == PNG:
        # Stored as it is (no scaled decoding for PNG, and reducing one with transparency
        # copies it whole first): at most the pixels a stored photo has.
        limit = min(limit, stored_pixels())
    try:
        with warnings.catch_warnings():
            # Opening reads only the header: check our own, lower, limit first.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[_format(content_type)]) as probe:
                _refuse_too_many_pixels(probe.size, limit, name)
                probe.verify()
                width, height = probe.size
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(limit, name) from None
    except Exception as exc:  # Pillow raises many kinds of errors on a malformed file
        raise _broken(name, content_type) from exc
    return width * height


def reduction(size, limit):
    """The power of two (1, 2, 4, 8…) by which an image of `size` is divided on each
    side so that it has at most `limit` pixels."""
    width, height = size
    return 2 ** max(0, math.ceil(math.log2(math.sqrt(width * height / limit))))


def _reencode(checked, out):
    """Write the image of `checked` into `out`, decoded and saved again without metadata."""
    image_format = _format(checked.content_type)
    limit = max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(checked.upload, formats=[image_format]) as image:
                scale = reduction(image.size, stored_pixels())
                if scale > 1 and image_format == "JPEG":
                    image.draft(image.mode, (image.width // scale, image.height // scale))
                image.load()
                ImageOps.exif_transpose(image, in_place=True)
                _save_without_metadata(image, image_format, out)
                image.close()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(limit, checked.name) from None
    except Exception as exc:  # Pillow raises many kinds of errors on a malformed file
        raise _broken(checked.name, checked.content_type) from exc


def _refuse_too_many_pixels(size, limit, name):
    width, height = size
    if width * height > limit:
        raise _too_many_pixels(limit, name, width, height)


def _too_many_pixels(limit, name, width=None, height=None):
    size = f" ({width} × {height})" if width else ""
    return ValidationError(
        _(
            "Ảnh «%(name)s»%(size)s có quá nhiều điểm ảnh (tối đa %(limit)s điểm ảnh): "
            "hãy thu nhỏ ảnh rồi chọn lại."
        )
        % {
            "name": name,
            "size": size,
            "limit": number_format(limit, 0, force_grouping=True),
        },
        code="pixels",
    )


def _save_without_metadata(image, image_format, out):
    icc_profile = image.info.get("icc_profile")
    # Nothing of the original's EXIF, XMP or comments carries over (the encoders read
    # the comment and, for PNG, the colour profile from info; EXIF only if given).
    image.info = {}
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=JPEG_QUALITY, optimize=True)
    image.save(out, format=image_format, **options)
