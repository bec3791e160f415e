"""The per-user upload limit: the image pixels one user may send in a short window.

Decoding images is what an upload costs the server; one save is limited by
attachments.REQUEST_PIXELS, and a user's saves together by this module, so that
a burst of saves (a script, or six tabs) cannot keep the workers decoding. The
pixels are recorded (models.PhotoUpload, committed at once so that saves running
at the same time see each other) before the images are decoded.
"""

import datetime
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PhotoUpload

WINDOW_MINUTES = 10
# Four saves of 20 phone photos (12 MP) in ten minutes.
PIXELS_PER_WINDOW = 1_000_000_000


def window():
    return datetime.timedelta(
        minutes=getattr(settings, "NTM_UPLOAD_WINDOW_MINUTES", WINDOW_MINUTES)
    )


def pixels_per_window():
    return getattr(settings, "NTM_UPLOAD_PIXELS_PER_WINDOW", PIXELS_PER_WINDOW)


def reserve(user, pixels, now=None):
    """Record that `user` sends `pixels` now; ValidationError (nothing recorded) when
    that would take their last window() over pixels_per_window(), saying how long to wait."""
    now = now or timezone.now()
    since = now - window()
    PhotoUpload.objects.filter(at__lt=since).delete()
    recent = PhotoUpload.objects.filter(user=user, at__gte=since)
    limit = pixels_per_window()
    used = recent.aggregate(total=Sum("pixels"))["total"] or 0
    if used + pixels > limit:
        raise ValidationError(
            _(
                "Bạn đã gửi nhiều ảnh trong %(window)d phút vừa qua: hãy đợi khoảng "
                "%(minutes)d phút rồi lưu lại (nội dung đã gõ vẫn còn, chỉ cần chọn lại ảnh)."
            )
            % {
                "window": window().total_seconds() // 60,
                "minutes": _wait(recent, used, pixels, now),
            },
            code="rate",
        )
    PhotoUpload.objects.create(user=user, at=now, pixels=pixels)


def _wait(recent, used, pixels, now):
    """Whole minutes until enough of the recent sends leave the window for `pixels`."""
    limit = pixels_per_window()
    for at, sent in recent.order_by("at").values_list("at", "pixels"):
        used -= sent
        if used + pixels <= limit:
            return max(1, math.ceil((at + window() - now).total_seconds() / 60))
    return max(1, math.ceil(window().total_seconds() / 60))
