"""Workers (零工人员): who they are, what trades they do, where they live and when they can work."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
    id_number_hash = models.CharField(
        _("ID number hash"), max_length=64, unique=True, null=True, blank=True, editable=False,
    )
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True, editable=False)
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

    def set_id_number(self, raw: str) -> None:
        """Validate a resident ID number (and age) and keep only its keyed hash, mask and birth date."""
        from .id_numbers import parse_working_age_id

        try:
            resident = parse_working_age_id(raw)
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
        self.id_number_hash = resident.keyed_hash
        self.id_number_masked = resident.masked
        self.birth_date = resident.birth_date

    def validate_unique(self, exclude=None):
        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as error:
            if "id_number_hash" in error.error_dict:
                raise ValidationError({"id_number": _("This ID number is already registered.")}) from None
            raise


class WorkerTrade(models.Model):
    worker = models.ForeignKey(
        WorkerProfile, verbose_name=_("worker"), on_delete=models.CASCADE, related_name="worker_trades",
    )
    category = models.ForeignKey("jobs.Category", verbose_name=_("trade"), on_delete=models.PROTECT, related_name="+")
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience"), default=0, validators=[MinValueValidator(0), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("worker trade")
        verbose_name_plural = _("worker trades")
        constraints = [models.UniqueConstraint(fields=["worker", "category"], name="unique_worker_trade")]

    def __str__(self):
        return f"{self.category} ({self.years_experience})"
