"""A gig's and an assignment's status move only along their TRANSITIONS, whatever code path tries."""

import pytest

from jobs.exceptions import Conflict
from jobs.models import Assignment, AssignmentStatus, Gig, GigStatus
from tests.factories import AssignmentFactory, GigFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Gig, Assignment])
def test_every_move_not_in_the_table_is_refused_on_save(model):
    factory = GigFactory if model is Gig else AssignmentFactory
    for source in model.STATUS:
        row = factory(status=source)
        for target in model.STATUS:
            if target == source:
                continue
            fresh = model.objects.get(pk=row.pk)
            fresh.status = target
            if target in model.TRANSITIONS[source]:
                fresh.save()  # allowed: saves
                model.objects.filter(pk=row.pk).update(status=source)
            else:
                with pytest.raises(Conflict) as refused:
                    fresh.save()
                assert refused.value.code == "bad_transition"
                assert model.objects.get(pk=row.pk).status == source


def test_a_new_row_starts_only_in_an_initial_state():
    template = GigFactory()
    fields = {f.name: getattr(template, f.name) for f in Gig._meta.concrete_fields if f.name not in ("id", "code")}
    with pytest.raises(Conflict):
        Gig.objects.create(**{**fields, "code": "NEW1", "status": GigStatus.COMPLETED})
    assert Gig.objects.create(**{**fields, "code": "NEW2", "status": GigStatus.DRAFT}).pk


def test_move_to_names_both_states():
    gig = GigFactory(status=GigStatus.COMPLETED)
    with pytest.raises(Conflict) as refused:
        gig.move_to(GigStatus.OPEN)
    assert "Completed" in refused.value.message and "Open" in refused.value.message


def test_bulk_moves_touch_only_rows_that_may_move():
    open_gig, completed = GigFactory(status=GigStatus.OPEN), GigFactory(status=GigStatus.COMPLETED)
    moved = Gig.moved(Gig.objects.filter(pk__in=[open_gig.pk, completed.pk]), GigStatus.CANCELLED)
    assert moved == 1
    assert Gig.objects.get(pk=completed.pk).status == GigStatus.COMPLETED


def test_an_offer_cannot_jump_to_completed():
    offer = AssignmentFactory(status=AssignmentStatus.OFFERED)
    with pytest.raises(Conflict):
        offer.move_to(AssignmentStatus.COMPLETED)
