"""Writes for gig work agreements: drawing one up when a worker is hired, and each side's acceptance."""

from __future__ import annotations

import datetime as dt
import ipaddress
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_action, snapshot
from jobs.exceptions import Conflict
from jobs.models import SLOT_HOLDING, Assignment
from zero_gig.db import atomic_with_retry, locked

from . import selectors, text
from .models import Acceptance, Agreement, Channel, Party

USER_AGENT_LENGTH = 300


class Via:
    """How the worker came to be hired: kept in the terms."""

    INSTANT = "instant"  # took an instant gig
    OFFER = "offer"  # answered an offer sent to them
    APPLICATION = "application"  # the employer hired them from the applicants
    COUNTER = "counter"  # staff at a center's counter took the gig for them
    EARLIER = "earlier"  # hired before agreements were drawn up; drawn up afterwards (draw_up_missing)


def draw_up(assignment: Assignment, *, now: dt.datetime, via: str,
            hired_at: dt.datetime | None = None) -> Agreement:
    """The agreement of a hire, drawn up inside the transaction that hires (jobs.services._hire), so that no
    hired assignment is without one. Drawing up again returns the one there is."""
    existing = Agreement.objects.filter(assignment=assignment).first()
    if existing is not None:
        return existing
    number = text.agreement_number(assignment)
    terms = text.terms_of(assignment, now=hired_at or now, via=via)
    body = text.render_text(number=number, terms=terms, created_at=now, language=text.BINDING_LANGUAGE)
    fields = {"number": number, "template_version": text.TEMPLATE_VERSION, "language": text.BINDING_LANGUAGE,
              "text": body, "terms": terms, "created_at": now}
    return Agreement.objects.create(assignment=assignment, **fields,
                                    content_hash=text.content_hash(assignment_id=assignment.pk, **fields))


def tell_ready(agreement: Agreement) -> None:
    """Both sides are told, in their stored inbox, that their agreement is there to read and accept (with its id
    for the link to its page): after the news of the hire itself (jobs.services._hire). Stored in the hiring
    transaction, pushed once it commits."""
    from jobs.events import gig_brief
    from notifications.models import Kind
    from notifications.services import notify_each

    assignment = agreement.assignment
    gig = assignment.gig
    common = {"agreement": agreement.pk, "number": agreement.number, "assignment": assignment.pk,
              "gig": gig_brief(gig), "worker": assignment.worker.display_name, "employer": gig.employer.name}
    notify_each(Kind.AGREEMENT, [(assignment.worker.user_id, {**common, "to": Party.WORKER.value}),
                                 (gig.employer.owner_id, {**common, "to": Party.EMPLOYER.value})])


def draw_up_missing(now: dt.datetime | None = None) -> int:
    """Agreements for the hires made before agreements existed, from their gigs as they stand: a gig cannot be
    edited once someone holds a slot, so that is what was agreed (an early end aside, which the terms then show).
    Returns how many were drawn up; running it again draws up none."""
    now = now or timezone.now()
    count = 0
    missing = list(Assignment.objects.filter(status__in=SLOT_HOLDING, agreement__isnull=True)
                   .order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(missing), 500):
        batch = Assignment.objects.filter(pk__in=missing[start:start + 500]).select_related(
            "gig__category", "gig__employer", "gig__center", "worker__user").order_by("pk")
        for assignment in batch:
            with transaction.atomic():
                tell_ready(draw_up(assignment, now=now, via=Via.EARLIER, hired_at=assignment.accepted_at or now))
            count += 1
    return count


def verify(agreement: Agreement) -> bool:
    """Is the agreement as it was drawn up? Its content must still give the hash kept with it, and every
    acceptance must be of that same content."""
    computed = text.content_hash(
        number=agreement.number, template_version=agreement.template_version, language=agreement.language,
        text=agreement.text, terms=agreement.terms, created_at=agreement.created_at,
        assignment_id=agreement.assignment_id)
    if computed != agreement.content_hash:
        return False
    return all(acceptance.content_hash == computed for acceptance in agreement.acceptances.all())


def _device(user_agent: str | None, ip_address: str | None) -> dict:
    agent = "".join(ch for ch in unicodedata.normalize("NFKC", user_agent or "") if ch.isprintable())
    agent = agent.strip()[:USER_AGENT_LENGTH]
    try:
        address = str(ipaddress.ip_address((ip_address or "").strip()))
    except ValueError:
        address = None
    return {"user_agent": agent, "ip_address": address}


def _check_acceptable(agreement: Agreement, content_hash: str | None) -> None:
    if content_hash is not None and content_hash.strip().lower() != agreement.content_hash:
        raise ValidationError({"content_hash": _("This is not the agreement as it is kept: reload it, read it "
                                                 "again and accept what you see.")})
    if not verify(agreement):
        raise Conflict(_("This agreement no longer matches its fingerprint: it cannot be accepted. Tell the "
                         "service center."), code="agreement_altered")
    if agreement.assignment.status not in SLOT_HOLDING:
        raise Conflict(_("This hire was called off: its agreement can be read but no longer accepted."),
                       code="hire_ended")


@atomic_with_retry
def accept(agreement: Agreement, *, actor, content_hash: str | None = None, user_agent: str | None = None,
           ip_address: str | None = None, now: dt.datetime | None = None) -> Acceptance:
    """The worker or the employer accepts their agreement, from their own device. With `content_hash`, the
    fingerprint of the text they were shown: anything else is refused. Accepting twice is harmless."""
    agreement = locked(Agreement.objects.select_related("assignment__gig__employer", "assignment__worker"),
                       agreement.pk)
    party = selectors.party_of(actor, agreement)
    if party is None:
        raise PermissionDenied(_("Only the worker and the employer of this gig accept its agreement."))
    kept = agreement.acceptances.filter(party=party).first()
    if kept is not None:
        return kept
    _check_acceptable(agreement, content_hash)
    return Acceptance.objects.create(agreement=agreement, party=party, channel=Channel.ONLINE, accepted_by=actor,
                                     accepted_at=now or timezone.now(), content_hash=agreement.content_hash,
                                     **_device(user_agent, ip_address))


@atomic_with_retry
def accept_at_counter(agreement: Agreement, *, actor, content_hash: str | None = None,
                      user_agent: str | None = None, ip_address: str | None = None,
                      now: dt.datetime | None = None) -> Acceptance:
    """Staff record that the worker, in front of them, had the agreement read out or shown and accepted it: for
    workers hired at the counter, or who came to the center for it. Staff of the center that sent the worker
    or of the gig's center (and the city) may; the record is audited."""
    now = now or timezone.now()
    agreement = locked(Agreement.objects.select_related("assignment__gig__center", "assignment__worker"),
                       agreement.pk)
    center = selectors.counter_center(actor, agreement)
    if center is None:
        raise PermissionDenied(_("Only staff of the center that sent the worker, or of the gig's center, record "
                                 "an acceptance at the counter."))
    kept = agreement.acceptances.filter(party=Party.WORKER).first()
    if kept is not None:
        return kept
    _check_acceptable(agreement, content_hash)
    acceptance = Acceptance.objects.create(
        agreement=agreement, party=Party.WORKER, channel=Channel.COUNTER, accepted_by=actor, center=center,
        accepted_at=now, content_hash=agreement.content_hash, **_device(user_agent, ip_address))
    record_action(actor, "agreement_accepted_at_counter", agreement, center=center,
                  subject_id=agreement.assignment.worker.user_id, now=now,
                  after={**snapshot(acceptance, "party", "channel", "accepted_at", "content_hash"),
                         "number": agreement.number})
    return acceptance
