"""Gigs and the people on them: trades, employers, gigs, assignments and the legal wage floor."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.phones import validate_phone
from zero_gig.geo import LocatedModel

from .credit_codes import normalize_credit_code


def validate_pay_positive(value: Decimal) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("Pay must be more than zero."), code="pay_not_positive")


class PayUnit(models.TextChoices):
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    PIECE = "piece", _("per piece")
    JOB = "job", _("per job")


class Category(models.Model):
    """A trade (工种), in two levels: a group such as 建筑工程 and the trades within it."""

    parent = models.ForeignKey(
        "self", verbose_name=_("group"), null=True, blank=True, on_delete=models.PROTECT, related_name="children",
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    pay_units = models.JSONField(
        _("allowed pay units"), default=list, blank=True,
        help_text=_("Pay units a gig of this trade may use: hour, day, piece, job."),
    )
    piece_label = models.CharField(
        _("piece"), max_length=20, blank=True, help_text=_("What one piece is, e.g. 袋 (bag) or 单 (order)."),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("trade")
        verbose_name_plural = _("trades")
        ordering = ("sort_order", "code")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="unique_trade_name_in_group")]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    @property
    def is_group(self) -> bool:
        return self.parent_id is None

    def clean(self):
        super().clean()
        unknown = [u for u in self.pay_units or [] if u not in PayUnit.values]
        if unknown:
            raise ValidationError({"pay_units": _("Unknown pay units: %(u)s.") % {"u": ", ".join(unknown)}})
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Trades have two levels: a group cannot be inside a trade.")})
        if self.parent_id and not self.pay_units:
            raise ValidationError({"pay_units": _("A trade needs at least one pay unit.")})


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Not verified")
    PENDING = "pending", _("Pending review")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Employer(models.Model):
    """Whoever hires: a household or an organisation (shop, contractor, farm)."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual or household")
        ORGANISATION = "organisation", _("Organisation")

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True,
        help_text=_("统一社会信用代码: required for an organisation."),
    )
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=11, validators=[validate_phone])
    verification_status = models.CharField(
        _("verification"), max_length=12, choices=VerificationStatus.choices,
        default=VerificationStatus.UNVERIFIED, db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ("name",)

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.credit_code:
            try:
                self.credit_code = normalize_credit_code(self.credit_code)
            except ValidationError as error:
                raise ValidationError({"credit_code": error.messages}) from None
        elif self.kind == self.Kind.ORGANISATION:
            raise ValidationError({"credit_code": _("An organisation must give its unified social credit code.")})
        if not self.credit_code:
            self.credit_code = None


class GigStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_REVIEW = "pending_review", _("Waiting for review")
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class HiringMode(models.TextChoices):
    INSTANT = "instant", _("Instant hiring (即时快招)")
    APPLICATION = "application", _("By application")


MAX_HEADCOUNT = 500


class Gig(LocatedModel):
    """A piece of work at a site, for a number of workers, in a time window, at a stated pay."""

    # Which status may follow which; the services enforce it, the tests read it.
    TRANSITIONS = {
        GigStatus.DRAFT: {GigStatus.PENDING_REVIEW, GigStatus.OPEN, GigStatus.CANCELLED},
        GigStatus.PENDING_REVIEW: {GigStatus.OPEN, GigStatus.DRAFT, GigStatus.CANCELLED},
        GigStatus.OPEN: {GigStatus.FILLED, GigStatus.IN_PROGRESS, GigStatus.CANCELLED, GigStatus.EXPIRED},
        GigStatus.FILLED: {GigStatus.OPEN, GigStatus.IN_PROGRESS, GigStatus.CANCELLED},
        GigStatus.IN_PROGRESS: {GigStatus.COMPLETED, GigStatus.CANCELLED},
        GigStatus.COMPLETED: set(),
        GigStatus.CANCELLED: {GigStatus.OPEN},
        GigStatus.EXPIRED: {GigStatus.OPEN},
    }

    code = models.CharField(_("reference"), max_length=20, unique=True, help_text=_("Quoted on dispatch slips."))
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="gigs")
    category = models.ForeignKey(Category, verbose_name=_("trade"), on_delete=models.PROTECT, related_name="gigs")
    center = models.ForeignKey(
        "centers.ServiceCenter", verbose_name=_("service center"), on_delete=models.PROTECT, related_name="gigs",
    )
    title = models.CharField(_("title"), max_length=80)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    headcount = models.PositiveSmallIntegerField(
        _("headcount"), validators=[
            MinValueValidator(1, _("A gig needs at least 1 worker.")),
            MaxValueValidator(MAX_HEADCOUNT, _("A gig can take at most %(limit_value)s workers.")),
        ],
    )
    pay_amount = models.DecimalField(
        _("pay (yuan)"), max_digits=10, decimal_places=2, validators=[validate_pay_positive],
    )
    pay_unit = models.CharField(_("pay unit"), max_length=8, choices=PayUnit.choices)
    hiring_mode = models.CharField(
        _("hiring mode"), max_length=12, choices=HiringMode.choices, default=HiringMode.INSTANT,
    )
    address = models.CharField(_("site address"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=16, choices=GigStatus.choices, default=GigStatus.DRAFT, db_index=True,
    )
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gig")
        verbose_name_plural = _("gigs")
        ordering = ("-starts_at",)
        indexes = [
            # Nearby search: open gigs in a cell, then by trade.
            models.Index(fields=["status", "h3_r7", "category"], name="gig_open_r7"),
            models.Index(fields=["status", "h3_r5", "category"], name="gig_open_r5"),
            models.Index(fields=["status", "h3_r9", "category"], name="gig_open_r9"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[GigStatus(self.status)]

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = [_("The end must be after the start.")]
        if self.category_id and self.pay_unit:
            if self.category.is_group:
                errors["category"] = [_("Choose a trade, not a group of trades.")]
            elif self.pay_unit not in self.category.pay_units:
                errors["pay_unit"] = [
                    _("%(trade)s is not paid %(unit)s; allowed: %(allowed)s.") % {
                        "trade": self.category.name,
                        "unit": PayUnit(self.pay_unit).label if self.pay_unit in PayUnit.values else self.pay_unit,
                        "allowed": ", ".join(str(PayUnit(u).label) for u in self.category.pay_units),
                    }
                ]
        if errors:
            raise ValidationError(errors)


class AssignmentStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    APPLIED = "applied", _("Applied")
    ACCEPTED = "accepted", _("Accepted")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECKED_OUT = "checked_out", _("Checked out")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


# Assignments in these states hold one of the gig's slots.
SLOT_HOLDING = (AssignmentStatus.ACCEPTED, AssignmentStatus.CHECKED_IN, AssignmentStatus.CHECKED_OUT,
                AssignmentStatus.COMPLETED)


class Assignment(models.Model):
    """A worker on a gig, from offer or application to completion."""

    TRANSITIONS = {
        AssignmentStatus.OFFERED: {AssignmentStatus.ACCEPTED, AssignmentStatus.DECLINED, AssignmentStatus.CANCELLED},
        AssignmentStatus.APPLIED: {AssignmentStatus.ACCEPTED, AssignmentStatus.DECLINED, AssignmentStatus.CANCELLED},
        AssignmentStatus.ACCEPTED: {AssignmentStatus.CHECKED_IN, AssignmentStatus.CANCELLED, AssignmentStatus.NO_SHOW},
        AssignmentStatus.CHECKED_IN: {AssignmentStatus.CHECKED_OUT, AssignmentStatus.CANCELLED},
        AssignmentStatus.CHECKED_OUT: {AssignmentStatus.COMPLETED},
        AssignmentStatus.COMPLETED: set(),
        AssignmentStatus.DECLINED: set(),
        AssignmentStatus.CANCELLED: set(),
        AssignmentStatus.NO_SHOW: set(),
    }

    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="assignments")
    worker = models.ForeignKey("workers.WorkerProfile", on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        _("status"), max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.OFFERED, db_index=True,
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ("-created_at",)
        constraints = [models.UniqueConstraint(fields=["gig", "worker"], name="one_assignment_per_worker_per_gig")]
        indexes = [models.Index(fields=["worker", "status"], name="assignment_worker_status")]

    def __str__(self):
        return f"{self.worker} → {self.gig}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[AssignmentStatus(self.status)]


class WageFloor(models.Model):
    """The legal minimum wage of an area, as data with its source and the date it took effect."""

    region_code = models.CharField(
        _("administrative division code"), max_length=6, db_index=True,
        help_text=_("6-digit district/county code; 2-digit province prefix + 0000 applies province-wide."),
    )
    area_class = models.CharField(_("area class"), max_length=10, blank=True, help_text=_("一类 / 二类 / 三类"))
    hourly_minimum = models.DecimalField(_("hourly minimum (yuan)"), max_digits=6, decimal_places=2)
    monthly_minimum = models.DecimalField(_("monthly minimum (yuan)"), max_digits=8, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=200, help_text=_("The official notice this comes from."))
    needs_verification = models.BooleanField(
        _("needs verification"), default=True,
        help_text=_("Untick once checked against the current official notice."),
    )

    class Meta:
        verbose_name = _("minimum wage")
        verbose_name_plural = _("minimum wages")
        ordering = ("region_code", "-effective_from")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "effective_from"], name="one_wage_floor_per_region_date"),
        ]

    def __str__(self):
        return f"{self.region_code} {self.hourly_minimum}/h from {self.effective_from}"
