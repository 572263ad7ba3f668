"""Every status moves only along its model's TRANSITIONS, whatever code path tries: gigs, assignments, wage
disputes, report cases, policy questions, identity claims and complaints alike."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from complaints.models import Complaint
from gigreports.models import Case
from jobs.exceptions import Conflict
from jobs.models import Assignment, AssignmentStatus, Gig, GigStatus, StatusMachine, WageDispute
from policy.models import Question
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
    UserFactory,
    WorkerFactory,
)
from workers.models import IdentityClaim

pytestmark = pytest.mark.django_db


def in_state(model, **fields):
    """A row put straight into a state, as if the services had brought it there (tests.factories.InStateFactory)."""
    row = model(**fields)
    row._saved_status = row.status
    row.save()
    return row


def a_row(model, status):
    """One row of `model` in `status`, for each model whose status is a StatusMachine."""
    now = timezone.now()
    if model is Gig:
        return GigFactory(status=status)
    if model is Assignment:
        return AssignmentFactory(status=status)
    if model is WageDispute:
        return in_state(WageDispute, assignment=AssignmentFactory(status="completed"), reason="没给钱",
                        amount_claimed=Decimal("100"), status=status)
    if model is Case:
        return in_state(Case, gig=GigFactory(), opened_at=now, status=status)
    if model is Question:
        return in_state(Question, asker=UserFactory(), center=ServiceCenterFactory(), text="社保在哪里交？",
                        asked_at=now, status=status)
    if model is IdentityClaim:
        return in_state(IdentityClaim, claimant=WorkerFactory(), center=ServiceCenterFactory(),
                        id_number_hash="h" * 64, id_number_masked="61***************X", birth_year=1980,
                        status=status)
    if model is Complaint:
        assignment = AssignmentFactory(status="completed")
        return in_state(Complaint, assignment=assignment, center=assignment.gig.center,
                        employer=EmployerFactory(), filed_by=assignment.worker.user, statement="没给钱",
                        amount_claimed=Decimal("100"), filed_at=now, acknowledge_by=now + dt.timedelta(days=1),
                        resolve_by=now + dt.timedelta(days=30), status=status)
    raise AssertionError(f"no row maker for {model.__name__}")


MACHINES = [Gig, Assignment, WageDispute, Case, Question, IdentityClaim, Complaint]


def test_every_status_machine_is_checked_here_and_its_table_names_every_status():
    found = {m for m in apps.get_models() if issubclass(m, StatusMachine)}
    assert found == set(MACHINES)
    for model in MACHINES:
        assert set(model.TRANSITIONS) == set(model.STATUS), model
        assert model.INITIAL and set(model.INITIAL) <= set(model.STATUS), model


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m.__name__)
def test_every_move_not_in_the_table_is_refused_on_save_and_every_move_in_it_saves(model):
    for source in model.STATUS:
        row = a_row(model, source)
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


@pytest.mark.parametrize("model", [WageDispute, Case, Question, IdentityClaim], ids=lambda m: m.__name__)
def test_a_row_is_created_only_in_its_first_state(model):
    """A dispute starts open, a case open, a question open, a claim pending: none is born settled."""
    (first,) = model.INITIAL
    template = a_row(model, first)
    fields = {f.attname: getattr(template, f.attname) for f in model._meta.concrete_fields if not f.primary_key}
    for status in set(model.STATUS) - {first}:
        with pytest.raises(Conflict) as refused:
            model(**{**fields, "status": status}).save()
        assert refused.value.code == "bad_transition"


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
