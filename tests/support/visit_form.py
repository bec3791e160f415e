"""What the visit form is sent: a new visit's fields, supports, recommendations and
photos as the browser posts them, and the rows a refused save must leave alone.

Used by the visit form's, the attachments' and the lost-update tests.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from assignments.models import Assignment, Attachment, FieldVisit, Recommendation, Support


def group_a(user):
    """The active assignment whose working group the user belongs to."""
    return Assignment.objects.get(working_group__members__user=user, ended_on__isnull=True)


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def jpeg(name="anh.jpg", size=(40, 20), **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, "JPEG", **save_options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def visit_data(assignment, supports=(), recommendations=(), **fields):
    """What the browser posts for a new visit; supports/recommendations are lists of dicts."""
    data = {
        "visited_on": days_ago(3).strftime("%d/%m/%Y"),
        "purpose": "Kiểm tra tiến độ làm đường thôn Nậm Pung",
        "findings": "Đường đã đổ bê tông 1,2 km",
        "other_participants": "Chủ tịch UBND xã",
        "participants": [m.pk for m in assignment.working_group.members.all()[:2]],
        "kind": "photo",
    }
    for prefix, rows in (("supports", supports), ("recommendations", recommendations)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    data.update(fields)
    return data


def support(**kw):
    return {"kind": "money", "amount_vnd": "1.000.000", "description": "Xi măng", **kw}


def create_url(assignment):
    return reverse("assignments:visit_create", args=[assignment.pk])


def counts():
    """Rows a refused save must not have written (or changed)."""
    models = (FieldVisit, Support, Recommendation, Attachment)
    return [m.objects.count() for m in models] + [
        Recommendation.objects.filter(status="resolved").count()
    ]
