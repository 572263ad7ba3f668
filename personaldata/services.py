"""Deleting an account: the person leaves, their history stays for the other party and the statistics, nameless.

One place decides, table by table, what happens to a departing person's rows (see `_anonymise`). The rule:
- what identifies them is cleared: name, phone, the ID number's hash, mask and birth data, home and live location,
  the walk-in form, their sign-in records, tokens and sessions;
- what the other party or the market still needs stays, pointing at an account that no longer says who it was:
  assignments, pay records, ratings (given and received), strikes, agreements, complaints and their steps, fair
  and course attendance, hall visits, the audit log;
- what only they needed goes: their notifications, display preference, policy questions, ID-number attempts
  and identity claims, and the photos they sent with complaints that are closed.

Deletion is refused (409, with the reason) while something is under way that needs them reachable: an active
assignment (a worker on or about to start a gig, an employer whose gig is not over), pay an employer still owes,
an open complaint or wage dispute, or a report on a gig still under review. They finish or close it first.
Staff and city administrators' accounts are closed by a city administrator, not by themselves (403).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, AuthThrottle, Role, SmsCode
from complaints.models import UNRESOLVED, Complaint, Evidence
from frontend.models import DisplayPreference
from gigreports.models import Case, ReportPhoto
from jobs.exceptions import Conflict
from jobs.models import Assignment, AssignmentStatus, Employer, FavouriteWorker, Gig, GigStatus, PayStatus, WageDispute
from notifications.models import Notification
from policy.models import Question
from workers.models import (
    Availability,
    IdentityClaim,
    IdNumberAttempt,
    RealNameStatus,
    WorkerIntake,
    WorkerProfile,
    WorkerTrade,
)
from zero_gig.db import atomic_with_retry

from .selectors import owner_of

SELF_SERVICE_ROLES = (Role.WORKER, Role.EMPLOYER)
# A worker's assignment in these states means a gig they are expected at, or one not yet settled.
WORKER_ACTIVE = (AssignmentStatus.OFFERED, AssignmentStatus.APPLIED, AssignmentStatus.ACCEPTED,
                 AssignmentStatus.CHECKED_IN, AssignmentStatus.CHECKED_OUT)
# An employer's gig in these states still has (or may still get) workers on it.
GIG_LIVE = (GigStatus.DRAFT, GigStatus.PENDING_REVIEW, GigStatus.OPEN, GigStatus.FILLED, GigStatus.IN_PROGRESS,
            GigStatus.HELD)


def deletion_blockers(user) -> list[tuple[str, str]]:
    """Why `user` cannot delete their account now, as (code, message) pairs; empty when they can."""
    owner = owner_of(user)
    blockers = []
    mine = Q(pk__in=[])
    if owner.worker_id:
        mine |= Q(worker_id=owner.worker_id)
        if Assignment.objects.filter(worker_id=owner.worker_id, status__in=WORKER_ACTIVE).exists():
            blockers.append(("active_assignment", _("You have a gig that is not finished: finish or cancel it "
                                                    "first.")))
        if Case.objects.filter(status=Case.Status.OPEN, reports__worker_id=owner.worker_id).exists():
            blockers.append(("open_report", _("A report you made is still under review.")))
    if owner.employer_id:
        mine |= Q(gig__employer_id=owner.employer_id)
        if Gig.objects.filter(employer_id=owner.employer_id, status__in=GIG_LIVE).exists():
            blockers.append(("active_gig", _("You have a gig that is not over: cancel it or let it finish "
                                             "first.")))
        if Assignment.objects.filter(gig__employer_id=owner.employer_id, status=AssignmentStatus.COMPLETED,
                                     pay_status=PayStatus.NOT_DUE).exists():
            blockers.append(("pay_owed", _("You have not recorded the pay of a finished gig.")))
    if (Complaint.objects.filter(status__in=UNRESOLVED)
            .filter(Q(filed_by=user) | Q(assignment__in=Assignment.objects.filter(mine))).exists()
            or WageDispute.objects.filter(status__in=(WageDispute.Status.OPEN, WageDispute.Status.MEDIATING),
                                          assignment__in=Assignment.objects.filter(mine)).exists()):
        blockers.append(("open_complaint", _("A complaint or wage dispute of yours is still open.")))
    return blockers


def delete_account(user, *, actor, now=None) -> None:
    """The owner deletes their own account: refused for others, for staff, and while `deletion_blockers` says so."""
    if not actor.is_authenticated or actor.pk != user.pk:
        raise PermissionDenied(_("Only the account's owner can delete it."))
    if user.role not in SELF_SERVICE_ROLES:
        raise PermissionDenied(_("Staff accounts are closed by a city administrator."))
    now = now or timezone.now()

    def run():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise Conflict(_("This account has already been deleted."), code="account_deleted")
        blockers = deletion_blockers(locked)
        if blockers:
            code, message = blockers[0]
            raise Conflict(" ".join(str(text) for _code, text in blockers), code=code)
        _anonymise(locked, now)

    atomic_with_retry(run)()


def _anonymise(user, now) -> None:
    owner = owner_of(user)
    phone = user.phone

    # Sign-in: no password, no tokens, no sessions, and no phone to log in with; the row stays because the
    # other rows point at it (and its role keeps the statistics right).
    ApiToken.objects.filter(user=user).delete()
    _end_sessions(user)
    if phone:
        SmsCode.objects.filter(phone=phone).delete()
        AuthThrottle.objects.filter(phone=phone).delete()
    user.name = ""
    user.phone = None
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["name", "phone", "is_active", "password"])

    # Only the person ever read these.
    Notification.objects.filter(user=user).delete()
    DisplayPreference.objects.filter(user=user).delete()
    # A question's published answer is a separate article that stays; the question itself was theirs.
    Question.objects.filter(asker=user).delete()
    # Closed complaints (open ones refuse the deletion): the mediation is over and the photos' only use was it.
    # The complaint and its steps stay, for the other party and the wage-arrears figures.
    # The files go once the transaction has committed, so a rolled-back deletion keeps them.
    evidence = Evidence.objects.filter(uploaded_by=user)
    files = [(row.photo.storage, row.photo.name) for row in evidence if row.photo]
    evidence.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])

    if owner.worker_id:
        _anonymise_worker(owner.worker_id, now)
    if owner.employer_id:
        _anonymise_employer(owner.employer_id)


def _anonymise_worker(worker_id: int, now) -> None:
    profile = WorkerProfile.objects.get(pk=worker_id)
    # Name, ID number (hash, mask, birth year), live location and home are cleared. The home point is NOT NULL
    # and feeds the H3 cells, so it moves to (0, 0): far from every gig, so matching never reaches it, and
    # `availability` says the same. Ratings and strikes stay: they are the other parties' records.
    profile.display_name = ""
    profile.clear_resident_id()
    profile.real_name_status = RealNameStatus.UNVERIFIED
    profile.availability = Availability.UNAVAILABLE
    profile.current_latitude = profile.current_longitude = profile.current_at = None
    profile.latitude = profile.longitude = 0.0
    profile.registered_at_center = None
    profile.save()
    # The trades describe the person (and would keep them in matching); the walk-in form is all personal.
    WorkerTrade.objects.filter(worker_id=worker_id).delete()
    WorkerIntake.objects.filter(worker_id=worker_id).delete()
    # ID-number attempts and the claims they made carry the number's hash, mask and birth year.
    IdNumberAttempt.objects.filter(worker_id=worker_id).delete()
    IdentityClaim.objects.filter(claimant_id=worker_id).delete()
    IdentityClaim.objects.filter(holder_id=worker_id).update(holder=None)
    # Being on employers' favourites would only bring offers to an account that cannot take them.
    FavouriteWorker.objects.filter(worker_id=worker_id).delete()
    # Report photos of decided cases are no longer needed (open cases refuse the deletion); the reports stay,
    # since the decision about the gig rests on them.
    ReportPhoto.objects.filter(report__worker_id=worker_id).delete()
    # Kept: assignments, pay records, ratings, strikes, compensation, wage disputes, agreements and their
    # acceptances, consents given at a center, hall visits, fair and course sign-ups: the other party's and the
    # center's records and the statistics. An agreement is the signed contract, kept unchanged and
    # tamper-evident (人社厅发〔2021〕54号); it quotes the name with the phone and ID number masked as signed.


def _anonymise_employer(employer_id: int) -> None:
    # Name, contact person and phone, and the credit code go. Verification and ratings stay with the history.
    Employer.objects.filter(pk=employer_id).update(name="", contact_name="", contact_phone="", credit_code=None)
    # An individual's site is often their home: the private address and point of past gigs are cleared; the
    # public (approximate) point and address the gig was shown with stay, for the market's figures.
    FavouriteWorker.objects.filter(employer_id=employer_id).delete()  # their list, of use to nobody else
    Gig.objects.filter(employer_id=employer_id).update(site_address="", site_latitude=None, site_longitude=None)


def _end_sessions(user) -> None:
    """Database sessions of the user are deleted; any other session fails anyway, the account being inactive and
    its password hash changed."""
    key = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == key:
            session.delete()
