"""Gigs and the people on them: trades, employers, gigs, assignments and the legal wage floor."""

import datetime as dt
import math
import secrets
from decimal import Decimal

import h3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.phones import validate_phone
from zero_gig.geo import FINEST, LocatedModel, Point, h3_field

from .credit_codes import normalize_credit_code
from .exceptions import Conflict


def validate_pay_positive(value: Decimal) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("Pay must be more than zero."), code="pay_not_positive")


APPROXIMATE_RESOLUTION = 8  # H3 cells of ~0.74 km²: a household's public place is its cell's centre


def approximate_point(latitude: float, longitude: float) -> tuple[float, float]:
    """The centre of the H3 cell around a point: the same for every view, so views cannot be averaged."""
    lat, lng = h3.cell_to_latlng(h3.latlng_to_cell(latitude, longitude, APPROXIMATE_RESOLUTION))
    return round(lat, 6), round(lng, 6)


def new_check_in_secret() -> str:
    """Each gig's own key for its rotating check-in code."""
    return secrets.token_hex(16)


class StatusMachine(models.Model):
    """A model whose `status` moves only along TRANSITIONS, starting from one of INITIAL.

    `move_to()` is the one checked transition; `save()` refuses any other change of status, so no code path
    (a service, the admin, a shell) can skip the table. Bulk updates go through `moved()`, which touches only
    rows whose current status may become the new one.
    """

    STATUS: type[models.TextChoices]
    TRANSITIONS: dict = {}
    INITIAL: frozenset = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        before = getattr(self, "_saved_status", None)
        if before is None and self.status not in self.INITIAL:
            raise Conflict(gettext("%(thing)s cannot start as %(status)s.") % {
                "thing": capfirst(self._meta.verbose_name), "status": self.STATUS(self.status).label},
                code="bad_transition")
        if before is not None and before != self.status and self.status not in self.TRANSITIONS[self.STATUS(before)]:
            raise self._refused(before, self.status)
        super().save(*args, **kwargs)
        self._saved_status = self.status

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "status" in fields:
            self._saved_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_status = instance.__dict__.get("status")
        return instance

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.STATUS(self.status)]

    def _refused(self, old: str, new: str) -> Conflict:
        return Conflict(gettext("%(thing)s that is %(old)s cannot become %(new)s.") % {
            "thing": capfirst(self._meta.verbose_name), "old": self.STATUS(old).label,
            "new": self.STATUS(new).label}, code="bad_transition")

    def move_to(self, status: str) -> None:
        if self.status != status and not self.can_become(status):
            raise self._refused(self.status, status)
        self.status = status

    @classmethod
    def sources_of(cls, status: str) -> list[str]:
        """Every status that may become `status`."""
        return [source for source, targets in cls.TRANSITIONS.items() if status in targets]

    @classmethod
    def moved(cls, queryset, status: str, **fields) -> int:
        """Move every row of `queryset` that may become `status`; returns how many moved."""
        return queryset.filter(status__in=cls.sources_of(status)).update(status=status, **fields)


class PayUnit(models.TextChoices):
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    PIECE = "piece", _("per piece")
    JOB = "job", _("per job")


class Category(models.Model):
    """A trade (工种), in two levels: a group such as 建筑工程 and the trades within it."""

    parent = models.ForeignKey(
        "self", verbose_name=_("trade group"), null=True, blank=True, on_delete=models.PROTECT, related_name="children",
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
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

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


def average_rating(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None


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

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="employer",
    )
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
    suspended_until = models.DateTimeField(
        _("suspended from posting until"), null=True, blank=True,
        help_text=_("Set by a service center that took a post of this employer down (gigreports)."),
    )
    # Kept up to date by jobs.services.rate(), so lists show ratings without scanning every rating.
    rating_total = models.PositiveIntegerField(_("sum of ratings"), default=0, editable=False)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
    # Reports from several workers hold a gig (gigreports): off the feed, no new takes, until its center's
    # staff release it or take it down for good.
    HELD = "held", _("Held for review")
    TAKEN_DOWN = "taken_down", _("Taken down")


class HiringMode(models.TextChoices):
    INSTANT = "instant", _("Instant hiring (即时快招)")
    APPLICATION = "application", _("By application")


MAX_HEADCOUNT = 500
MAX_PIECES = 1_000_000
HOURS_PER_DAY = 8  # a day's pay is measured against 8 hours at the hourly minimum
QUARTER_HOUR = 15


class Gig(StatusMachine, LocatedModel):
    """A piece of work at a site, for a number of workers, in a time window, at a stated pay."""

    STATUS = GigStatus
    INITIAL = frozenset({GigStatus.DRAFT, GigStatus.PENDING_REVIEW, GigStatus.OPEN})
    TRANSITIONS = {
        GigStatus.DRAFT: {GigStatus.PENDING_REVIEW, GigStatus.OPEN, GigStatus.CANCELLED, GigStatus.EXPIRED},
        GigStatus.PENDING_REVIEW: {GigStatus.OPEN, GigStatus.DRAFT, GigStatus.CANCELLED, GigStatus.EXPIRED,
                                   GigStatus.TAKEN_DOWN},
        # back to review when an unverified employer edits an open gig
        GigStatus.OPEN: {GigStatus.FILLED, GigStatus.IN_PROGRESS, GigStatus.CANCELLED, GigStatus.EXPIRED,
                         GigStatus.PENDING_REVIEW, GigStatus.HELD, GigStatus.TAKEN_DOWN},
        GigStatus.FILLED: {GigStatus.OPEN, GigStatus.IN_PROGRESS, GigStatus.CANCELLED, GigStatus.HELD,
                           GigStatus.TAKEN_DOWN},
        GigStatus.IN_PROGRESS: {GigStatus.COMPLETED, GigStatus.CANCELLED},
        GigStatus.COMPLETED: set(),
        GigStatus.CANCELLED: {GigStatus.OPEN, GigStatus.TAKEN_DOWN},
        GigStatus.EXPIRED: {GigStatus.OPEN, GigStatus.TAKEN_DOWN},
        # A held gig is frozen for its employer (no edit, cancel or reopen): staff release it (back to open or
        # filled) or take it down; it expires at its start with nobody on it, and work already under way (a
        # hired worker checking in) goes on while staff decide.
        GigStatus.HELD: {GigStatus.OPEN, GigStatus.FILLED, GigStatus.IN_PROGRESS, GigStatus.EXPIRED,
                         GigStatus.TAKEN_DOWN},
        GigStatus.TAKEN_DOWN: set(),
    }

    # A gig's cells are searched only through the open-gig indexes in Meta, so they need no index of their own.
    h3_r5 = models.CharField(_("H3 cell (resolution 5)"), max_length=16, editable=False)
    h3_r7 = models.CharField(_("H3 cell (resolution 7)"), max_length=16, editable=False)
    h3_r9 = models.CharField(_("H3 cell (resolution 9)"), max_length=16, editable=False)
    code = models.CharField(_("reference"), max_length=20, unique=True, help_text=_("Quoted on dispatch slips."))
    employer = models.ForeignKey(Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="gigs")
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
    # Where the work is, in two kinds. `latitude`, `longitude` and `address` are the public place that the feed
    # searches and everyone sees: for an organisation its site, for a household the centre of the H3 cell
    # around its home (about 0.7 km², a few hundred metres either way) and no street address, so neither the
    # feed, nor a distance, nor a radius search narrowed step by step gives away a family's door. The site
    # itself (`site_*`) goes to those hired there, the employer, the gig's center and the city.
    address = models.CharField(_("public address"), max_length=200, blank=True)
    site_latitude = models.FloatField(_("site latitude"), null=True, editable=False)
    site_longitude = models.FloatField(_("site longitude"), null=True, editable=False)
    site_address = models.CharField(_("site address"), max_length=200, default="", editable=False)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=16, choices=GigStatus.choices, default=GigStatus.DRAFT, db_index=True,
    )
    accepted_count = models.PositiveSmallIntegerField(
        _("slots taken"), default=0, editable=False,
        help_text=_("Workers holding a slot; changed only by a conditional UPDATE so it never passes headcount."),
    )
    check_in_secret = models.CharField(_("check-in secret"), max_length=32, editable=False, default=new_check_in_secret)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)
    # What the employer states so that per-job and per-piece pay can be held to the minimum wage and bounded.
    expected_hours = models.DecimalField(
        _("expected hours of work"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.25"), _("A job takes at least a quarter of an hour."))],
        help_text=_("Per-job gigs: how many hours the job takes; its pay per hour must meet the minimum wage."),
    )
    expected_pieces_per_day = models.PositiveIntegerField(
        _("expected pieces per day"), null=True, blank=True,
        validators=[MinValueValidator(1, _("At least 1 piece.")),
                    MaxValueValidator(MAX_PIECES, _("At most %(limit_value)s pieces."))],
        help_text=_("Per-piece gigs: what a worker at an ordinary pace makes in an 8-hour day; the pay this "
                    "implies must meet the minimum wage."),
    )
    max_pieces = models.PositiveIntegerField(
        _("most pieces per worker"), null=True, blank=True,
        validators=[MinValueValidator(1, _("At least 1 piece.")),
                    MaxValueValidator(MAX_PIECES, _("At most %(limit_value)s pieces."))],
        help_text=_("Per-piece gigs: the most pieces one worker can be paid for on this gig."),
    )
    # An employer may end a gig under way early: ends_at becomes that moment and the posted end is kept here.
    ended_early_at = models.DateTimeField(_("ended early at"), null=True, blank=True)
    end_early_reason = models.CharField(_("why it ended early"), max_length=200, blank=True)
    planned_ends_at = models.DateTimeField(_("planned end"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("gig")
        verbose_name_plural = _("gigs")
        ordering = ("-starts_at",)
        indexes = [
            # The nearby feed (jobs.selectors.feed_statement, which names them for SQLite): open gigs only
            # (a twentieth of the table), carrying what ranking reads, so the shortlist is read from the
            # index alone. Searched by runs of finest cells (zero_gig.geo.covering_runs): by cell for any
            # trade, by trade and then cell for chosen trades. The id is in every SQLite index already;
            # PostgreSQL needs it included, and the pay too, for the pay filters and the best-paid-first order
            # (without it, that order read each of the ~10,000 open gigs of a 5 km disc from the table).
            models.Index(fields=[h3_field(FINEST), "starts_at", "category", "latitude", "longitude"],
                         include=["id", "pay_unit", "pay_amount"], condition=models.Q(status=GigStatus.OPEN),
                         name="gig_open_cells"),
            models.Index(fields=["category", h3_field(FINEST), "starts_at", "latitude", "longitude"],
                         include=["id", "pay_unit", "pay_amount"], condition=models.Q(status=GigStatus.OPEN),
                         name="gig_open_trade_cells"),
            # An employer's standing counts their gigs by status (every gig page); a center's board, hall
            # screen and going rates read its open and filling gigs by start.
            models.Index(fields=["employer", "status"], name="gig_employer_status"),
            # An employer's gigs, latest first (GET /api/gigs/): without it the planner walks every gig by start.
            models.Index(fields=["employer", "starts_at", "id"], name="gig_employer_start"),
            # A center's board and hall screen: the ids of its open (or filling) gigs in start order, read from this
            # index alone (jobs.selectors.first_in_status). The id makes the order total, so no sort is left.
            models.Index(fields=["center", "status", "starts_at", "id"], name="gig_center_status_start_id"),
            # Matching asks of each nearby worker whether one of their gigs overlaps (jobs.matching.candidates_for):
            # the times of a gig by id from this small index, not from a page of the wide table each.
            models.Index(fields=["id", "starts_at", "ends_at"], name="gig_id_times"),
            # A center's matching board: the ids of open instant gigs in a box, soonest first, from this index alone
            # (jobs.selectors.board_gigs), whatever plan PostgreSQL caches for the prepared statement.
            models.Index(fields=["status", "hiring_mode", "starts_at", "id", "latitude", "longitude"],
                         name="gig_instant_start"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def not_open_refusal(self) -> Conflict:
        """Why nobody may take or apply for this gig now: the one wording of every refusal of a gig that is not
        open (a take, an application, an employer hiring an applicant, an answer to a withdrawn offer)."""
        if self.status == GigStatus.HELD:
            return Conflict(gettext("This gig is held for review after reports from workers: nobody can take it "
                                    "until its service center has checked it."), code="gig_held")
        if self.status == GigStatus.TAKEN_DOWN:
            return Conflict(gettext("This gig was taken down by its service center after reports from workers."),
                            code="gig_taken_down")
        return Conflict(gettext("This gig is not open."), code="not_open")

    @property
    def slots_left(self) -> int:
        return max(0, self.headcount - self.accepted_count)

    @property
    def hourly_rate(self) -> Decimal | None:
        """What the gig pays an hour: hourly pay itself, a day's over 8 hours, a job's over the hours it takes,
        a piece's times an 8-hour day's stated output; None where the employer stated neither."""
        pay = Decimal(self.pay_amount)
        if self.pay_unit == PayUnit.HOUR:
            return pay
        if self.pay_unit == PayUnit.DAY:
            return pay / HOURS_PER_DAY
        if self.pay_unit == PayUnit.JOB and self.expected_hours:
            return pay / Decimal(self.expected_hours)
        if self.pay_unit == PayUnit.PIECE and self.expected_pieces_per_day:
            return pay * self.expected_pieces_per_day / HOURS_PER_DAY
        return None

    @property
    def is_household(self) -> bool:
        return self.employer.kind == Employer.Kind.INDIVIDUAL

    def place_at(self, latitude: float, longitude: float, address: str) -> None:
        """Set the site, and the public place derived from it (see the fields above)."""
        self.site_latitude, self.site_longitude, self.site_address = latitude, longitude, address
        if self.is_household:
            self.latitude, self.longitude = approximate_point(latitude, longitude)
            self.address = ""
        else:
            self.latitude, self.longitude, self.address = latitude, longitude, address

    @property
    def hides_site(self) -> bool:
        """Whether the public place is not the site (a household's gig, as placed when posted or last moved).
        Decided by the gig's own columns, not by its employer's kind today, which may have changed since."""
        return self.site_latitude is not None and (self.latitude, self.longitude, self.address) != (
            self.site_latitude, self.site_longitude, self.site_address)

    @property
    def site_point(self) -> Point:
        if self.site_latitude is None:
            return self.point
        return Point(self.site_latitude, self.site_longitude)

    @property
    def duration_hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def planned_hours(self) -> float:
        """The length the gig was posted with, even if its employer ended it early."""
        return ((self.planned_ends_at or self.ends_at) - self.starts_at).total_seconds() / 3600

    @property
    def days_spanned(self) -> int:
        """Days (or shifts) a per-day gig pays at most: up to 24 hours is one, each further 24 hours or part
        one more, so a night shift across midnight is one day."""
        return max(1, math.ceil(self.planned_hours / 24))

    def clean(self):
        super().clean()
        errors = {}
        if self.headcount is not None and self.accepted_count and self.headcount < self.accepted_count:
            errors["headcount"] = [_("%(n)s workers have already accepted; headcount cannot be lower.")
                                   % {"n": self.accepted_count}]
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
    WITHDRAWN = "withdrawn", _("Offer withdrawn")


class CheckInMethod(models.TextChoices):
    GPS = "gps", _("Location")
    CODE = "code", _("Site code")
    STAFF = "staff", _("By center staff")
    SLIP = "slip", _("Dispatch slip, by the employer")


class PayStatus(models.TextChoices):
    NOT_DUE = "not_due", _("Not due yet")
    RECORDED = "recorded", _("Recorded by employer")
    CONFIRMED = "confirmed", _("Received")
    DISPUTED = "disputed", _("Disputed")


# Assignments in these states hold one of the gig's slots.
SLOT_HOLDING = (AssignmentStatus.ACCEPTED, AssignmentStatus.CHECKED_IN, AssignmentStatus.CHECKED_OUT,
                AssignmentStatus.COMPLETED)
# Work still ahead or under way keeps a worker from another gig at the same hours; one who has checked out is
# free again. The one rule for taking a gig (jobs.services) and for whom a wave offers it to (jobs.matching).
CLASHING = (AssignmentStatus.ACCEPTED, AssignmentStatus.CHECKED_IN)


def clashing_with(gig) -> models.Q:
    """Assignments (of whichever worker the caller filters by) that clash with `gig`'s hours."""
    return models.Q(status__in=CLASHING, gig__starts_at__lt=gig.ends_at, gig__ends_at__gt=gig.starts_at)


class Assignment(StatusMachine):
    """A worker on a gig, from offer or application to completion."""

    STATUS = AssignmentStatus
    INITIAL = frozenset({AssignmentStatus.OFFERED, AssignmentStatus.APPLIED, AssignmentStatus.ACCEPTED})
    TRANSITIONS = {
        AssignmentStatus.OFFERED: {AssignmentStatus.ACCEPTED, AssignmentStatus.DECLINED, AssignmentStatus.CANCELLED,
                                   AssignmentStatus.WITHDRAWN},
        # an offer withdrawn when its gig filled may still be taken if a slot frees and the gig opens again
        AssignmentStatus.WITHDRAWN: {AssignmentStatus.ACCEPTED},
        AssignmentStatus.APPLIED: {AssignmentStatus.ACCEPTED, AssignmentStatus.DECLINED, AssignmentStatus.CANCELLED},
        AssignmentStatus.ACCEPTED: {AssignmentStatus.CHECKED_IN, AssignmentStatus.CANCELLED, AssignmentStatus.NO_SHOW},
        AssignmentStatus.CHECKED_IN: {AssignmentStatus.CHECKED_OUT, AssignmentStatus.CANCELLED},
        AssignmentStatus.CHECKED_OUT: {AssignmentStatus.COMPLETED},
        AssignmentStatus.COMPLETED: set(),
        AssignmentStatus.DECLINED: set(),
        AssignmentStatus.CANCELLED: set(),
        AssignmentStatus.NO_SHOW: set(),
    }

    gig = models.ForeignKey(Gig, verbose_name=_("gig"), on_delete=models.CASCADE, related_name="assignments")
    worker = models.ForeignKey(
        "workers.WorkerProfile", verbose_name=_("worker"), on_delete=models.PROTECT, related_name="assignments",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.OFFERED, db_index=True,
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_wave = models.PositiveSmallIntegerField(_("offer wave"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.CharField(_("cancelled by"), max_length=10, blank=True,
                                    choices=[("worker", _("Worker")), ("employer", _("Employer")),
                                             ("system", _("System"))])
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)
    check_in_method = models.CharField(_("check-in method"), max_length=10, blank=True,
                                       choices=CheckInMethod.choices)
    check_in_distance_m = models.PositiveIntegerField(_("check-in distance (m)"), null=True, blank=True)
    check_in_accuracy_m = models.PositiveIntegerField(_("check-in accuracy (m)"), null=True, blank=True)
    check_in_code_failures = models.PositiveSmallIntegerField(_("wrong check-in codes"), default=0)
    minutes_worked = models.PositiveIntegerField(_("minutes worked"), null=True, blank=True)
    pay_quantity = models.DecimalField(
        _("quantity paid for"), max_digits=10, decimal_places=2, null=True, blank=True,
        help_text=_("Hours, days, pieces or 1 job, in the gig's pay unit."),
    )
    amount_due = models.DecimalField(_("amount due (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    pay_status = models.CharField(_("pay"), max_length=10, choices=PayStatus.choices, default=PayStatus.NOT_DUE,
                                  db_index=True)
    pay_recorded_at = models.DateTimeField(_("pay recorded at"), null=True, blank=True)
    pay_confirmed_at = models.DateTimeField(_("pay confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ("-created_at",)
        constraints = [models.UniqueConstraint(fields=["gig", "worker"], name="one_assignment_per_worker_per_gig")]
        indexes = [
            # A worker's assignments by status, with the gig: matching counts a worker's record and checks their
            # slot-holding gigs for an overlap from the index alone (jobs.matching.candidates_for).
            models.Index(fields=["worker", "status", "gig"], name="assignment_worker_status_gig"),
            # Who was placed today (the hall screen's count) and the figures' refresh of a day read by these times.
            models.Index(fields=["accepted_at"], name="assignment_accepted_at"),
            models.Index(fields=["checked_in_at"], name="assignment_checked_in_at"),
            # An employer's standing counts the work checked out but not paid a day later (every gig page): the few
            # such assignments of the city, read by a statement that writes both states out (jobs.selectors).
            models.Index(fields=["checked_out_at"], include=["gig"], name="assignment_unpaid_checked_out",
                         condition=models.Q(status=AssignmentStatus.CHECKED_OUT, pay_status=PayStatus.NOT_DUE)),
        ]

    def __str__(self):
        return f"{self.worker} → {self.gig}"

    @property
    def max_pay_quantity(self) -> Decimal | None:
        """The most the employer may record, in the gig's pay unit (None: not known until check-out).

        Per hour: the minutes worked (Assignment.minutes_worked: on site, and not past the gig's end), rounded
        up to the quarter hour (at least one quarter). Per day: the days the worker was on site, counting each
        24 hours from the start as one day (Gig.days_spanned's count), so a worker who left on the first
        morning of a three-day job is owed one day at most. If the employer ended the gig early they may also
        pay the hours or days it was posted for, since the worker set that time aside. Per piece: the most
        pieces the employer stated. Per job: 1.
        """
        gig = self.gig
        if gig.pay_unit == PayUnit.JOB:
            return Decimal(1)
        if gig.pay_unit == PayUnit.PIECE:
            return Decimal(gig.max_pieces) if gig.max_pieces else None
        if self.minutes_worked is None:
            return None
        if gig.pay_unit == PayUnit.DAY:
            return Decimal(gig.days_spanned if gig.ended_early_at else self.days_on_site)
        quarters = max(1, math.ceil(self.minutes_worked / QUARTER_HOUR))
        hours = Decimal(quarters * QUARTER_HOUR) / 60
        if gig.ended_early_at:
            hours = max(hours, Decimal(math.ceil(gig.planned_hours * 60 / QUARTER_HOUR) * QUARTER_HOUR) / 60)
        return hours

    @property
    def days_on_site(self) -> int:
        """The gig's days (24 hours each from its start) that the worker's time on site touched."""
        start, day = self.gig.starts_at, dt.timedelta(hours=24)
        until = min(self.checked_out_at, self.gig.ends_at)
        first = max(0, (self.checked_in_at - start) // day)
        last = max(first, math.ceil((until - start) / day) - 1)
        return min(self.gig.days_spanned, last - first + 1)


class PayRecord(models.Model):
    """One version of the pay an employer recorded for an assignment. A correction adds a version; none is
    changed or deleted, so the worker (and a mediating center) can see every amount that was ever stated."""

    assignment = models.ForeignKey(Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE,
                                   related_name="pay_records")
    quantity = models.DecimalField(_("quantity paid for"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))
    reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("pay record")
        verbose_name_plural = _("pay records")
        ordering = ("recorded_at", "id")

    def __str__(self):
        return f"{self.assignment}: {self.amount} ({self.recorded_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Conflict(gettext("A pay record is never changed: record a correction instead."),
                           code="pay_record_kept")
        super().save(*args, **kwargs)


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


class Strike(models.Model):
    """A mark against a worker's reliability: a late cancellation or a no-show."""

    class Reason(models.TextChoices):
        LATE_CANCEL = "late_cancel", _("Late cancellation")
        NO_SHOW = "no_show", _("No-show")

    worker = models.ForeignKey(
        "workers.WorkerProfile", verbose_name=_("worker"), on_delete=models.CASCADE, related_name="strikes",
    )
    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="strike",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(_("given at"), db_index=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("strike")
        verbose_name_plural = _("strikes")
        ordering = ("-created_at",)

    def __str__(self):
        return f"{self.worker}: {self.get_reason_display()}"


class SuspiciousCheckIn(models.Model):
    """A location check-in that did not look like a real reading at the site, for the staff of the gig's center.

    Refused attempts are kept too (`refused`): a coordinate copied from the gig's page, or a jump from the
    worker's last known location that no vehicle could make. A fast but possible jump checks the worker in and
    is only flagged. One row per assignment and reason; `attempts` counts the repeats. No coordinates are kept:
    only how far from the site, how exact the phone said it was, and the jump."""

    class Reason(models.TextChoices):
        COPIED_POINT = "copied_point", _("The published site point, not a reading")
        IMPOSSIBLE_JUMP = "impossible_jump", _("A jump no vehicle could make")
        FAST_JUMP = "fast_jump", _("A jump faster than a vehicle in town")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="suspicious_check_ins",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    refused = models.BooleanField(_("refused"), default=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    distance_m = models.PositiveIntegerField(_("distance from the site (m)"), null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    jump_km = models.FloatField(_("jump from the last known location (km)"), null=True, blank=True)
    jump_minutes = models.PositiveIntegerField(_("minutes since the last known location"), null=True, blank=True)
    speed_kmh = models.PositiveIntegerField(_("implied speed (km/h)"), null=True, blank=True)
    created_at = models.DateTimeField(_("first seen at"), db_index=True)
    last_at = models.DateTimeField(_("last seen at"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("suspicious check-in")
        verbose_name_plural = _("suspicious check-ins")
        ordering = ("-last_at", "-id")
        constraints = [models.UniqueConstraint(fields=["assignment", "reason"], name="suspicious_check_in_once")]

    def __str__(self):
        return f"{self.assignment_id}: {self.get_reason_display()}"


class Compensation(models.Model):
    """Money an employer owes a worker for a late cancellation (show-up pay). The platform holds no money."""

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="compensation",
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("money owed")
        verbose_name_plural = _("money owed")

    def __str__(self):
        return f"{self.amount} → {self.assignment.worker}"


class WageDispute(StatusMachine):
    """A worker says the money did not arrive (欠薪). Centers mediate; see a later issue.

    Raised open by jobs.services.dispute_pay; resolved when the worker confirms the pay after all (confirm_paid)
    or staff record it settled (settle_wage_dispute). A resolved dispute stays resolved.
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("wage dispute", "Open")
        MEDIATING = "mediating", _("Being mediated")
        RESOLVED = "resolved", _("Resolved")

    STATUS = Status
    INITIAL = frozenset({Status.OPEN})
    TRANSITIONS = {
        Status.OPEN: {Status.MEDIATING, Status.RESOLVED},
        Status.MEDIATING: {Status.RESOLVED},
        Status.RESOLVED: set(),
    }

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="wage_dispute",
    )
    reason = models.TextField(_("what happened"), max_length=1000)
    amount_claimed = models.DecimalField(_("amount claimed (yuan)"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wage dispute")
        verbose_name_plural = _("wage disputes")
        ordering = ("-created_at",)

    def __str__(self):
        return f"{self.assignment}: {self.amount_claimed}"


class Rating(models.Model):
    """One rating per side per completed assignment."""

    class Direction(models.TextChoices):
        OF_WORKER = "of_worker", _("Employer rates worker")
        OF_EMPLOYER = "of_employer", _("Worker rates employer")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="ratings",
    )
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1, _("A score is 1 to 5.")),
                                MaxValueValidator(5, _("A score is 1 to 5."))],
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.UniqueConstraint(fields=["assignment", "direction"], name="one_rating_per_side")]

    def __str__(self):
        return f"{self.get_direction_display()}: {self.score}"


class ScheduledDuty(models.Model):
    """When each background duty last ran; kept in the database so a restart resumes on time."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("scheduled duty")
        verbose_name_plural = _("scheduled duties")

    def __str__(self):
        return self.name


class GigMatching(models.Model):
    """Where the offer waves of one gig stand; the scheduler drives it, so a restart resumes it."""

    gig = models.OneToOneField(Gig, verbose_name=_("gig"), on_delete=models.CASCADE, related_name="matching")
    waves_sent = models.PositiveSmallIntegerField(_("waves sent"), default=0)
    offers_sent = models.PositiveIntegerField(_("offers sent"), default=0)
    next_wave_at = models.DateTimeField(_("next wave at"), null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finish_reason = models.CharField(_("why it stopped"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("gig matching")
        verbose_name_plural = _("gig matching")

    def __str__(self):
        return f"{self.gig} wave {self.waves_sent}"


class FavouriteWorker(models.Model):
    """Workers an employer liked: they get the first wave of the employer's new gigs."""

    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.CASCADE, related_name="favourites",
    )
    worker = models.ForeignKey(
        "workers.WorkerProfile", verbose_name=_("worker"), on_delete=models.CASCADE, related_name="favoured_by",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("favourite worker")
        verbose_name_plural = _("favourite workers")
        constraints = [models.UniqueConstraint(fields=["employer", "worker"], name="unique_favourite")]

    def __str__(self):
        return f"{self.employer} ♥ {self.worker}"
