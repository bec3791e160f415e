"""Loading the shipped reference fixture (fixtures/reference_laocai.json), as an upsert.

The fixture is communes/reference/build.py's output for Lào Cai (its module
documentation says how it is made); loading it needs no other package.
"""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db import transaction

from .. import lineage
from ..models import Commune, CriteriaSet, CriterionGroup, District, Province
from .tally import CREATED, UNCHANGED, UPDATED, Tally

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "reference_laocai.json"

# Set by the office, not by the reference: a reload must not reset it.
OFFICE_FIELDS = {Commune: {"target_year"}}


# Derived from the lineage after the load (communes.lineage), not read from the file.
DERIVED_FIELDS = {"current_unit"}

# Rows that other rows point to: remembering their ids saves a query per reference.
REFERENCED = (Province, District, Commune, CriteriaSet, CriterionGroup)


def _with_known_ids(records, ids):
    """Replace natural-key references to rows already loaded by their ids."""
    for record in records:
        model = apps.get_model(record["model"])
        fields = record["fields"]
        for name in DERIVED_FIELDS:
            fields.pop(name, None)
        for field in model._meta.concrete_fields:
            value = fields.get(field.name)
            if field.is_relation and isinstance(value, list):
                fields[field.name] = ids.get((field.related_model, tuple(value)), value)
        yield record


@transaction.atomic
def load_fixture(path=FIXTURE):
    """Load a dumpdata fixture with natural keys, as an upsert.

    Like ``loaddata``, but an existing row is written only when it differs,
    and fields the office maintains (a commune's target year) are kept.
    """
    tally = Tally()
    existing, ids = {}, {}
    with open(path, encoding="utf-8") as stream:
        records = json.load(stream)
    for item in serializers.deserialize("python", _with_known_ids(records, ids)):
        obj, model = item.object, type(item.object)
        if obj.pk is None:
            item.save()
            tally.add(obj, CREATED)
        else:
            if model not in existing:
                existing[model] = model._default_manager.in_bulk()
            current = existing[model][obj.pk]
            changed = [
                field.name
                for field in model._meta.concrete_fields
                if not field.primary_key
                and field.name not in OFFICE_FIELDS.get(model, ())
                and field.name not in DERIVED_FIELDS
                and getattr(current, field.attname) != getattr(obj, field.attname)
            ]
            if changed:
                item.save(update_fields=changed)
            tally.add(obj, UPDATED if changed else UNCHANGED)
        if isinstance(obj, REFERENCED):
            ids[model, obj.natural_key()] = obj.pk
    lineage.refresh_current_units()
    return tally
