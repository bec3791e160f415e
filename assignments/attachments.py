"""Checking and cleaning a visit's uploaded files before anything is stored.

Only JPEG, PNG and PDF are accepted, decided by the file's content (its first
bytes, and Pillow reading the whole image), never by its name or by the
content type the browser claims. Images are decoded and re-encoded, which drops
EXIF (GPS position, camera serial), XMP and comments; the EXIF orientation is
applied to the pixels first so that photos stay upright.
"""

import io
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
JPEG_QUALITY = 85

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
# Content types served inline by the download view; anything else is a download.
ALLOWED_CONTENT_TYPES = frozenset(EXTENSIONS)
_SIGNATURES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))


@dataclass(frozen=True)
class CleanFile:
    """An upload that passed the checks: the bytes to store and what to record."""

    original_name: str
    content: bytes
    content_type: str

    @property
    def extension(self):
        return EXTENSIONS[self.content_type]

    @property
    def size(self):
        return len(self.content)


def max_pixels():
    return getattr(settings, "NTM_ATTACHMENT_MAX_PIXELS", MAX_PIXELS)


def sniff(head):
    """The content type that the first bytes announce, or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def clean_upload(upload):
    """A CleanFile made from an UploadedFile, or ValidationError naming the file."""
    name = (upload.name or _("không tên"))[-255:]
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("Tệp «%(name)s» lớn hơn 10 MB (%(size)s MB): hãy thu nhỏ hoặc chụp lại rồi chọn lại.")
            % {"name": name, "size": number_format(upload.size / 1024 / 1024, 1)},
            code="too_big",
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if not data:
        raise ValidationError(_("Tệp «%(name)s» rỗng.") % {"name": name}, code="empty")
    if len(data) > MAX_BYTES:  # the size announced was wrong
        raise ValidationError(_("Tệp «%(name)s» lớn hơn 10 MB.") % {"name": name}, code="too_big")
    content_type = sniff(data[:16])
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
        return CleanFile(name, data, PDF)
    return CleanFile(name, reencode(data, content_type, name), content_type)


def reencode(data, content_type, name):
    """The image decoded and saved again without metadata; ValidationError if it is not one."""
    image_format = "JPEG" if content_type == JPEG else "PNG"
    broken = ValidationError(
        _("Tệp «%(name)s» không đọc được như một ảnh %(format)s: tệp hỏng hoặc không phải ảnh.")
        % {"name": name, "format": image_format},
        code="broken",
    )
    limit = max_pixels()
    try:
        with warnings.catch_warnings():
            # Opening reads only the header: check our own, lower, limit first.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as probe:
                _refuse_too_many_pixels(probe.size, limit, name)
                probe.verify()
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                return _save_without_metadata(upright, image_format)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(limit, name) from None
    except Exception as exc:  # Pillow raises many kinds of errors on a malformed file
        raise broken from exc


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


def _save_without_metadata(image, image_format):
    icc_profile = image.info.get("icc_profile")
    # A copy with empty info: nothing of the original's EXIF, XMP or comments carries over.
    image = image.copy()
    image.info = {}
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=JPEG_QUALITY, optimize=True)
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()
