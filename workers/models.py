"""Workers (零工人员): who they are, what trades they do, where they live and when they can work."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.models import StatusMachine
from zero_gig.geo import LocatedModel


class RealNameStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Not verified")
    PENDING = "pending", _("Pending review")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Availability(models.TextChoices):
    AVAILABLE_NOW = "now", _("Available now")
    WEEKDAYS = "weekdays", _("Weekdays")
    WEEKENDS = "weekends", _("Weekends")
    ANY_DAY = "any", _("Any day")
    UNAVAILABLE = "unavailable", _("Not taking work")


WORKER_NUMBER_PREFIX = "W"


def worker_number(pk: int) -> str:
    return f"{WORKER_NUMBER_PREFIX}{pk:07d}"


class WorkerProfile(LocatedModel):
    """A worker's home location is `latitude`/`longitude`; the 3-km job circle is drawn around it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="worker_profile",
    )
    display_name = models.CharField(_("display name"), max_length=50)
    trades = models.ManyToManyField(
        "jobs.Category", verbose_name=_("trades"), through="WorkerTrade", related_name="workers", blank=True,
    )
    availability = models.CharField(
        _("availability"), max_length=12, choices=Availability.choices, default=Availability.ANY_DAY, db_index=True,
    )
    real_name_status = models.CharField(
        _("real-name status"), max_length=12, choices=RealNameStatus.choices,
        default=RealNameStatus.UNVERIFIED, db_index=True,
    )
    # What is kept of the resident ID number, and why no more: see workers.id_numbers.
    id_number_hash = models.CharField(
        _("ID number hash"), max_length=64, unique=True, null=True, blank=True, editable=False,
    )
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True, editable=False)
    registered_at_center = models.ForeignKey(
        "centers.ServiceCenter", verbose_name=_("registered at center"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="registered_workers",
        help_text=_("Set when staff registered a walk-in worker at a center."),
    )
    has_smartphone = models.BooleanField(_("has a smartphone"), default=True)
    current_latitude = models.FloatField(_("current latitude"), null=True, blank=True)
    current_longitude = models.FloatField(_("current longitude"), null=True, blank=True)
    current_at = models.DateTimeField(
        _("location reported at"), null=True, blank=True, db_index=True,
        help_text=_("Where the worker's phone last said it was; offers use it while it is fresh."),
    )
    suspended_until = models.DateTimeField(
        _("suspended until"), null=True, blank=True,
        help_text=_("Set after too many strikes: cannot take new gigs until then."),
    )
    # Kept up to date by jobs.services.rate(), so cards show a rating without scanning every rating.
    rating_total = models.PositiveIntegerField(_("sum of ratings"), default=0, editable=False)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ("-created_at",)

    def __str__(self):
        return self.display_name

    @property
    def number(self) -> str:
        """The worker number printed on the worker's card (and in its QR), e.g. W0000042."""
        return worker_number(self.pk)

    def set_resident_id(self, resident) -> None:
        """Keep of a validated number only what workers.id_numbers says may be kept."""
        self.id_number_hash = resident.keyed_hash
        self.id_number_masked = resident.masked
        self.birth_year = resident.birth_date.year

    def clear_resident_id(self) -> None:
        self.id_number_hash = None
        self.id_number_masked = ""
        self.birth_year = None


class WorkerTrade(models.Model):
    worker = models.ForeignKey(
        WorkerProfile, verbose_name=_("worker"), on_delete=models.CASCADE, related_name="worker_trades",
    )
    category = models.ForeignKey("jobs.Category", verbose_name=_("trade"), on_delete=models.PROTECT, related_name="+")
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience"), default=0, validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    # A verified skill: set when staff mark the worker's completion of a training course in this trade
    # (programs.services.mark_completed). Shown on the worker's card; matching prefers it (jobs.matching.score).
    verified_at = models.DateTimeField(_("skill verified at"), null=True, blank=True)
    verified_by_course = models.ForeignKey(
        "programs.Course", verbose_name=_("verified by course"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("worker trade")
        verbose_name_plural = _("worker trades")
        constraints = [models.UniqueConstraint(fields=["worker", "category"], name="unique_worker_trade")]

    def __str__(self):
        return f"{self.category} ({self.years_experience})"


class IdNumberAttempt(models.Model):
    """One ID number a worker's account submitted: the per-day limit counts these rows.

    Without a limit, "this number is already registered" would tell anyone which numbers have an account.
    """

    worker = models.ForeignKey(WorkerProfile, verbose_name=_("worker"), on_delete=models.CASCADE,
                               related_name="id_number_attempts")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("ID number attempt")
        verbose_name_plural = _("ID number attempts")
        indexes = [models.Index(fields=["worker", "created_at"], name="id_attempt_worker_created")]

    def __str__(self):
        return f"{self.worker} {self.created_at:%Y-%m-%d %H:%M}"


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an in-person check")
    APPROVED = "approved", _("The ID number moved to the claimant")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class IdentityClaim(StatusMachine):
    """A worker gave an ID number that another account holds; staff of a center check the card in person.

    The real owner must be able to win, so a taken number is not just refused: if the claimant is the
    card's owner, the number moves to them and the other account loses its real-name verification.
    """

    STATUS = ClaimStatus
    INITIAL = frozenset({ClaimStatus.PENDING})
    TRANSITIONS = {  # settled is final: a rejected claimant opens a new claim (submits the number again)
        ClaimStatus.PENDING: {ClaimStatus.APPROVED, ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN},
        ClaimStatus.APPROVED: set(),
        ClaimStatus.REJECTED: set(),
        ClaimStatus.WITHDRAWN: set(),
    }

    claimant = models.ForeignKey(WorkerProfile, verbose_name=_("claimant"), on_delete=models.CASCADE,
                                 related_name="identity_claims")
    holder = models.ForeignKey(
        WorkerProfile, verbose_name=_("held by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="identity_claims_against", help_text=_("The account that held the ID number when it was claimed."),
    )
    center = models.ForeignKey("centers.ServiceCenter", verbose_name=_("center"), on_delete=models.PROTECT,
                               related_name="identity_claims", help_text=_("Where the card is checked."))
    id_number_hash = models.CharField(_("ID number hash"), max_length=64, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), editable=False)
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING,
                              db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("identity claim")
        verbose_name_plural = _("identity claims")
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["claimant"], condition=models.Q(status="pending"),
                                    name="one_pending_identity_claim"),
        ]

    def __str__(self):
        return f"{self.claimant} → {self.id_number_masked} ({self.get_status_display()})"


# --- Walk-ins at a center's counter --------------------------------------------------------------

class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class WorkerIntake(models.Model):
    """The registration form a center fills in for a walk-in (after DB2301/T 218—2024, Annex B).

    Name, phone, trades with years of experience and availability live on the user, the profile and its trades;
    this keeps the rest of the form. The birth year here is what the worker said: an ID number, when given,
    sets the profile's own birth year, which wins.
    """

    worker = models.OneToOneField(WorkerProfile, verbose_name=_("worker"), on_delete=models.CASCADE,
                                  related_name="intake")
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    stated_birth_year = models.PositiveSmallIntegerField(
        _("birth year (as stated)"), null=True, blank=True, validators=[MinValueValidator(1900)])
    skills = models.CharField(_("skills and certificates"), max_length=300, blank=True)
    experience = models.CharField(_("work experience"), max_length=500, blank=True)
    expected_pay = models.DecimalField(_("expected pay (yuan)"), max_digits=8, decimal_places=2, null=True,
                                       blank=True, validators=[MinValueValidator(0)])
    expected_pay_unit = models.CharField(_("expected pay per"), max_length=8, blank=True,
                                         help_text=_("A pay unit of jobs.PayUnit (hour, day, piece, job)."))
    work_areas = models.JSONField(_("areas they can work in"), default=list, blank=True,
                                  help_text=_("6-digit codes of the districts and counties."))
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("last updated by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("walk-in registration form")
        verbose_name_plural = _("walk-in registration forms")

    def __str__(self):
        return str(self.worker)


class ConsentPurpose(models.TextChoices):
    REGISTRATION = "registration", _("Registration at a center")
    DISPATCH = "dispatch", _("Assignment to a gig by staff")


class WorkerConsent(models.Model):
    """A worker agreed, in front of staff, to what a text (of a given version) says: who recorded it, when, where."""

    worker = models.ForeignKey(WorkerProfile, verbose_name=_("worker"), on_delete=models.CASCADE,
                               related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=12, choices=ConsentPurpose.choices)
    text_version = models.CharField(_("text version"), max_length=40)
    center = models.ForeignKey("centers.ServiceCenter", verbose_name=_("center"), on_delete=models.PROTECT,
                               related_name="consents")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    assignment = models.OneToOneField("jobs.Assignment", verbose_name=_("assignment"), null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="dispatch_consent",
                                      help_text=_("For a dispatch: the assignment staff made for the worker."))

    class Meta:
        verbose_name = _("worker consent")
        verbose_name_plural = _("worker consents")
        ordering = ("-recorded_at", "-id")

    def __str__(self):
        return f"{self.worker} {self.purpose} {self.text_version}"
