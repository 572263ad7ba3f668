"""A person's own data, as one JSON document (the download of /me/data/ and GET /api/me/data/).

TABLES says, for every table of every app, which rows are the person's: rows about them, rows they wrote, and
the shared rows of their gigs (an assignment is the worker's and the employer's alike). NOT_THEIRS lists the
tables that point at a person but are left out, each with the reason; tests/personaldata checks that every
table pointing at a user, a worker or an employer is in one of the two. Secrets (password and code hashes,
token hashes, the ID number's keyed hash, a gig's check-in secret) never leave, even to their owner.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "zero-gig-personal-data/1"


@dataclass(frozen=True)
class Owner:
    """Who the rows are gathered for: the user and, when they have them, their worker profile and employer."""

    user: object
    worker_id: int | None
    employer_id: int | None


@dataclass(frozen=True)
class Table:
    label: str  # app_label.ModelName
    rows: Callable[[Owner], Q | None]  # None: the person has no rows of this kind (e.g. no worker profile)
    secret: tuple[str, ...] = field(default=())
    # Per row, columns this person may not see (given the owner, a function of the row); None: every column.
    withheld: Callable[[Owner], Callable[[models.Model], tuple[str, ...]]] | None = None


def _worker(path: str) -> Callable[[Owner], Q | None]:
    return lambda owner: Q(**{path: owner.worker_id}) if owner.worker_id else None


def _employer(path: str) -> Callable[[Owner], Q | None]:
    return lambda owner: Q(**{path: owner.employer_id}) if owner.employer_id else None


def _assignments(prefix: str = "") -> Callable[[Owner], Q | None]:
    """Rows of the person's assignments: on their side as the worker or on their gigs as the employer (never an
    offer nobody took: who was offered a gig is not the employer's to know)."""
    from jobs.selectors import offers_never_taken

    def rows(owner: Owner) -> Q | None:
        q = Q()
        if owner.worker_id:
            q |= Q(**{f"{prefix}worker_id": owner.worker_id})
        if owner.employer_id:
            q |= Q(**{f"{prefix}gig__employer_id": owner.employer_id}) & ~offers_never_taken(prefix)
        return q or None
    return rows


def _site_unless_hired(owner: Owner) -> Callable[[models.Model], tuple[str, ...]]:
    """A household's exact site, in a worker's download, only for the gigs they were hired on (jobs.SiteAccess
    decides, as on every page): an offer or an application does not give a family's door away."""
    from jobs.selectors import SiteAccess

    access = SiteAccess(owner.user)
    return lambda gig: () if access.exact(gig) else ("site_latitude", "site_longitude", "site_address")


def _either(*choices: Callable[[Owner], Q | None]) -> Callable[[Owner], Q | None]:
    def rows(owner: Owner) -> Q | None:
        found = [q for q in (choice(owner) for choice in choices) if q is not None]
        if not found:
            return None
        combined = Q()
        for q in found:
            combined |= q
        return combined
    return rows


def _user(path: str) -> Callable[[Owner], Q | None]:
    return lambda owner: Q(**{path: owner.user.pk})


def _phone(owner: Owner) -> Q | None:
    return Q(phone=owner.user.phone) if owner.user.phone else None


TABLES: tuple[Table, ...] = (
    Table("accounts.User", _user("pk"), secret=("password",)),
    Table("accounts.ApiToken", _user("user_id"), secret=("key_hash",)),
    Table("accounts.SmsCode", _phone, secret=("code_hash",)),
    Table("accounts.AuthThrottle", _phone),
    Table("frontend.DisplayPreference", _user("user_id")),
    Table("workers.WorkerProfile", _worker("pk"), secret=("id_number_hash",)),
    Table("workers.WorkerTrade", _worker("worker_id")),
    Table("workers.IdNumberAttempt", _worker("worker_id")),
    Table("workers.IdentityClaim", _worker("claimant_id"), secret=("id_number_hash",)),
    Table("workers.WorkerIntake", _worker("worker_id")),
    Table("workers.WorkerConsent", _worker("worker_id")),
    Table("jobs.Employer", _employer("pk")),
    Table("jobs.Gig", _either(_employer("employer_id"), _worker("assignments__worker_id")),
          secret=("check_in_secret",), withheld=_site_unless_hired),
    Table("jobs.Assignment", _assignments()),
    Table("jobs.PayRecord", _assignments("assignment__")),
    Table("jobs.Strike", _worker("worker_id")),
    Table("jobs.FavouriteWorker", _employer("employer_id")),  # the employer's list; see NOT_THEIRS
    Table("jobs.Compensation", _assignments("assignment__")),
    Table("jobs.WageDispute", _assignments("assignment__")),
    Table("jobs.Rating", _assignments("assignment__")),  # given and received: both sides of their assignments
    Table("agreements.Agreement", _assignments("assignment__")),
    # The device of an acceptance is kept for tracing a dispute and shown to nobody, its owner included.
    Table("agreements.Acceptance", _assignments("agreement__assignment__"), secret=("user_agent", "ip_address")),
    Table("notifications.Notification", _user("user_id")),
    Table("complaints.Complaint", _either(_user("filed_by_id"), _employer("employer_id"),
                                          _assignments("assignment__"))),
    Table("complaints.ComplaintStep", _either(_user("complaint__filed_by_id"), _employer("complaint__employer_id"),
                                              _assignments("complaint__assignment__"))),
    Table("complaints.Evidence", _either(_user("complaint__filed_by_id"), _employer("complaint__employer_id"),
                                         _assignments("complaint__assignment__"))),
    Table("complaints.PayReminder", _assignments("assignment__")),
    Table("gigreports.Report", _worker("worker_id")),
    Table("gigreports.ReportPhoto", _worker("report__worker_id")),
    Table("gigreports.Case", _employer("gig__employer_id")),
    Table("policy.Question", _user("asker_id")),
    Table("programs.FairRegistration", _worker("worker_id")),
    Table("programs.Enrolment", _worker("worker_id")),
    Table("programs.SessionAttendance", _worker("enrolment__worker_id")),
    Table("programs.FairEmployer", _employer("employer_id")),
    Table("programs.FairGig", _employer("gig__employer_id")),
    Table("centers.CenterStaff", _user("user_id")),
    Table("centers.HallVisit", _worker("worker_id")),
    Table("audit.AuditEntry", _user("subject_id")),  # what staff did about them
)

# Columns that point at a person but whose rows are not given out in that person's download, and why
# ("label:field", or "*:field" for the column in every table).
NOT_THEIRS = {
    # Reports on an employer's gig name the workers who reported it: the reporter is protected (the employer
    # gets the case and its decision, gigreports.Case, instead).
    "gigreports.Report:gig": "the reporters of an employer's gig are protected",
    "gigreports.ReportPhoto:report": "the reporters of an employer's gig are protected",
    # The other side of an identity claim is a different person's attempt with the number.
    "workers.IdentityClaim:holder": "a claim against the account is the claimant's record",
    # Being on an employer's favourites list is the employer's note, not the worker's data.
    "jobs.FavouriteWorker:worker": "the employer's own list",
}
# Staff who did something to a row: the row is the person's it concerns, exported with them; what staff did
# is their work, not data about them (their actions are in the audit log).
for _column in ("actor", "created_by", "added_by", "signed_up_by", "attendance_by", "completed_by",
                "checked_in_by", "checked_out_by", "decided_by", "taken_at_counter_by", "answered_by",
                "reviewed_by", "updated_by", "recorded_by", "resolved_by"):
    NOT_THEIRS[f"*:{_column}"] = "staff bookkeeping"

def owner_of(user) -> Owner:
    from jobs.models import Employer
    from workers.models import WorkerProfile

    return Owner(
        user=user,
        worker_id=WorkerProfile.objects.filter(user=user).values_list("pk", flat=True).first(),
        employer_id=Employer.objects.filter(owner=user).values_list("pk", flat=True).first(),
    )


def _value(obj, model_field: models.Field):
    value = getattr(obj, model_field.attname)
    if isinstance(model_field, models.FileField):
        return value.name if value else ""
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def rows_of(table: Table, owner: Owner) -> list[dict]:
    q = table.rows(owner)
    if q is None:
        return []
    model = apps.get_model(table.label)
    fields = [f for f in model._meta.concrete_fields if f.name not in table.secret]
    withheld = table.withheld(owner) if table.withheld else lambda obj: ()
    rows = []
    for obj in model.objects.filter(q).distinct().order_by("pk"):
        hidden = withheld(obj)
        rows.append({f.attname: _value(obj, f) for f in fields if f.name not in hidden})
    return rows


def export_for(user, *, viewer) -> dict:
    """Everything of `user`'s, for `user` alone (staff reach a person's data through their own pages)."""
    if not viewer.is_authenticated or viewer.pk != user.pk:
        raise PermissionDenied(_("Only the account's owner can download its data."))
    owner = owner_of(user)
    return {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "user_id": user.pk,
        "tables": {table.label: rows_of(table, owner) for table in TABLES},
    }
