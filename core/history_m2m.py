"""Many-to-many rows on the history record of the save that set them.

django-simple-history copies a tracked many-to-many (``m2m_fields``) onto a history
record when the row is saved, and records one more change ("~") when the many-to-many
changes. A row saved and then given its many-to-many (a form's ``save_m2m``, a bulk
load) therefore gets a record with the old rows ("none" for a new row) and a second
one, by the same person at the same moment, changing them: a change shown twice, or
one nobody made. These functions put the rows as the database holds them now onto the
record of the save instead (the caller skips simple_history's own m2m record).
"""


def onto_first_record(model, field_name, owners):
    """Copy the many-to-many `field_name` of the rows `owners` (pks) onto each row's first
    ("+") history record."""
    first = dict(
        model.history.filter(id__in=owners, history_type="+").values_list("id", "history_id")
    )
    _write(model, field_name, first)


def onto_latest_record(model, field_name, owner):
    """Replace what the latest history record of row `owner` says of `field_name` with the
    many-to-many as it is now."""
    latest = (
        model.history.filter(id=owner).order_by("-history_id").values_list("history_id", flat=True)
    )
    records = {owner: history_id} if (history_id := latest.first()) is not None else {}
    Rows = _rows_model(model, field_name)
    Rows.objects.filter(history_id__in=records.values()).delete()
    _write(model, field_name, records)


def _rows_model(model, field_name):
    return model.history.model.__dict__[field_name].model  # the many-to-many's history


def _write(model, field_name, records):
    """{row pk: history_id}: the row's many-to-many rows written onto that record."""
    m2m = model._meta.get_field(field_name)
    Through = m2m.remote_field.through
    own, other = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
    Rows = _rows_model(model, field_name)
    Rows.objects.bulk_create(
        Rows(history_id=records[row[own]], **row)
        for row in Through.objects.filter(**{f"{own}__in": list(records)}).values("id", own, other)
    )
