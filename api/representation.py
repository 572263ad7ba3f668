"""The output of DRF serializers that are listed by the score (the feed's gig cards), without DRF's per-field walk.

DRF turns each instance into a dict by walking the serializer's bound fields: a generator, a `get_attribute`
wrapper, a `SkipField` check and an ordered dict per field, and for every nested serializer a fresh instance that
deep-copies its declared fields. For 20 gig cards with their trade, center and fair-pay label that was 6–8 ms of
the feed's ~12 ms in the server. `FastRepresentation` compiles, once per class, the list of fields with what DRF
would call for each, and runs it: the same fields' own `get_attribute` and `to_representation`, so the JSON is the
same (tests/api/test_representation.py checks it against DRF's own walk for every class using it).

What it cannot compile it refuses when the class is first used, rather than answer differently: fields whose output
depends on the request (hyperlinks, files) and nested serializers with method fields (their methods would run on
the wrong instance). A serializer that changes its fields per instance (in `__init__` or `get_fields`) must not
use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.manager import BaseManager
from rest_framework import fields, relations, serializers
from rest_framework.fields import SkipField, get_attribute
from rest_framework.relations import PKOnlyObject

# Fields whose representation depends on the value alone (and the active language or time zone, read per call).
CONTEXT_FREE = (
    fields.BooleanField, fields.CharField, fields.ChoiceField, fields.DateField, fields.DateTimeField,
    fields.DecimalField, fields.FloatField, fields.IntegerField, fields.JSONField, fields.ReadOnlyField,
    fields.UUIDField, relations.PrimaryKeyRelatedField,
)


@dataclass(frozen=True, slots=True)
class _Step:
    name: str
    field: fields.Field
    method: str | None = None  # a SerializerMethodField's method, called on the serializer at hand
    nested: _Plan | None = None
    many: bool = False
    attrs: tuple[str, ...] | None = None  # where to read the value straight from, when DRF's wrapper adds nothing


@dataclass(frozen=True, slots=True)
class _Plan:
    steps: tuple[_Step, ...]

    def run(self, serializer, instance) -> dict:
        data = {}
        for step in self.steps:
            if step.method is not None:
                data[step.name] = getattr(serializer, step.method)(instance)
                continue
            try:
                # DRF's own wrapper (defaults, SkipField, the error message) only where the plain read fails
                attribute = get_attribute(instance, step.attrs) if step.attrs else step.field.get_attribute(instance)
            except (AttributeError, KeyError):
                try:
                    attribute = step.field.get_attribute(instance)
                except SkipField:
                    continue
            except SkipField:
                continue
            if (attribute.pk if isinstance(attribute, PKOnlyObject) else attribute) is None:
                data[step.name] = None
            elif step.nested is None:
                data[step.name] = step.field.to_representation(attribute)
            elif step.many:
                items = attribute.all() if isinstance(attribute, BaseManager) else attribute
                data[step.name] = [step.nested.run(None, item) for item in items]
            else:
                data[step.name] = step.nested.run(None, attribute)
        return data


def _compile(serializer: serializers.Serializer, *, nested: bool = False) -> _Plan:
    steps = []
    for field in serializer._readable_fields:
        where = f"{type(serializer).__name__}.{field.field_name}"
        if isinstance(field, fields.SerializerMethodField):
            if nested:
                raise TypeError(f"{where}: a nested serializer's method field cannot be compiled")
            steps.append(_Step(field.field_name, field, method=field.method_name))
        elif isinstance(field, serializers.ListSerializer):
            steps.append(_Step(field.field_name, field, nested=_compile(field.child, nested=True), many=True))
        elif isinstance(field, serializers.BaseSerializer):
            steps.append(_Step(field.field_name, field, nested=_compile(field, nested=True)))
        elif isinstance(field, CONTEXT_FREE) and not isinstance(field, relations.HyperlinkedRelatedField):
            plain = not isinstance(field, relations.RelatedField) and field.source != "*"
            steps.append(_Step(field.field_name, field, attrs=tuple(field.source_attrs) if plain else None))
        else:
            raise TypeError(f"{where}: {type(field).__name__} may depend on the request and is not compiled")
    return _Plan(tuple(steps))


class FastRepresentation:
    """Mixin for a read-only `Serializer`: the output of DRF's `to_representation`, from a plan compiled per class."""

    _plans: dict[type, _Plan] = {}

    def to_representation(self, instance):
        plan = FastRepresentation._plans.get(type(self))
        if plan is None:
            plan = FastRepresentation._plans[type(self)] = _compile(self)
        return plan.run(self, instance)

