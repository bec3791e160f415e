"""The shipped reference fixture (fixtures/reference_laocai.json): loaded as an upsert, dumped.

The fixture is communes/reference/build.py's output for the new Lào Cai (its module
documentation says how it is made, ``dump_fixture`` writes it); loading it needs no
other package.
"""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db import transaction

from .. import lineage
from ..models import (
    Commune,
    CommuneChange,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    District,
    GroupDefinition,
    Period,
    Province,
)
from .tally import CREATED, UNCHANGED, UPDATED, Tally

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "reference_laocai.json"

# What the fixture holds, in the order rows refer to each other (as dumpdata writes it).
MODELS = (
    Province,
    District,
    Commune,
    CommuneChange,
    Period,
    GroupDefinition,
    CriteriaSet,
    CriterionGroup,
    Criterion,
)

# Set by the office, not by the reference: a reload must not reset it.
OFFICE_FIELDS = {Commune: {"target_year"}}


# Derived from the lineage after the load (communes.lineage), not read from the file.
DERIVED_FIELDS = {"current_unit"}

# Rows that other rows point to: remembering their ids saves a query per reference.
REFERENCED = (Province, District, Commune, Period, CriteriaSet, CriterionGroup)


def _with_known_ids(records, ids, given):
    """Replace natural-key references to rows already loaded by their ids.

    Appends to `given` the names of the fields each record carries, in order.
    """
    for record in records:
        model = apps.get_model(record["model"])
        fields = record["fields"]
        for name in DERIVED_FIELDS:
            fields.pop(name, None)
        given.append(set(fields))
        for field in model._meta.concrete_fields:
            value = fields.get(field.name)
            if field.is_relation and isinstance(value, list):
                fields[field.name] = ids.get((field.related_model, tuple(value)), value)
        yield record


@transaction.atomic
def load_fixture(path=FIXTURE):
    """Load a dumpdata fixture with natural keys, as an upsert.

    Like ``loaddata``, but an existing row is written only when it differs, and
    fields the office maintains (a commune's target year) or the file does not carry
    (a previous fixture's criteria sets have no period) are kept. Before
    the transaction commits, the lineage of every unit the file names is checked:
    a ceased unit without successor, a unit divided between two, or a cycle raises
    ``lineage.UnsoundLineage`` and nothing is written.
    """
    tally = Tally()
    existing, ids, units, given = {}, {}, set(), []
    with open(path, encoding="utf-8") as stream:
        records = json.load(stream)
    rows = serializers.deserialize("python", _with_known_ids(records, ids, given))
    for index, item in enumerate(rows):
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
                and field.name in given[index]
                and field.name not in OFFICE_FIELDS.get(model, ())
                and field.name not in DERIVED_FIELDS
                and getattr(current, field.attname) != getattr(obj, field.attname)
            ]
            if changed:
                item.save(update_fields=changed)
            tally.add(obj, UPDATED if changed else UNCHANGED)
        if isinstance(obj, REFERENCED):
            ids[model, obj.natural_key()] = obj.pk
        if isinstance(obj, Commune):
            units.add(obj.pk)
        elif isinstance(obj, CommuneChange):
            units.update((obj.predecessor_id, obj.successor_id))
    if found := lineage.problems(units):
        raise lineage.UnsoundLineage(found)
    lineage.refresh_current_units()
    return tally


def dump_fixture(path):
    """Write the reference rows of the database as the shipped fixture.

    What ``dumpdata --natural-foreign --natural-primary --indent 1`` writes for
    ``MODELS``, without the fields derived on load (``DERIVED_FIELDS``).
    """
    fields = {
        field.name
        for model in MODELS
        for field in model._meta.concrete_fields
        if field.name not in DERIVED_FIELDS
    }
    rows = (row for model in MODELS for row in model._default_manager.order_by("pk"))
    with open(path, "w", encoding="utf-8") as stream:
        serializers.serialize(
            "json",
            rows,
            stream=stream,
            fields=fields,
            indent=1,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
