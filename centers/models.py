"""Gig service centers (零工服务中心): a city center and district/county centers sharing one system."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zero_gig.geo import LocatedModel


class CenterLevel(models.TextChoices):
    CITY = "city", _("City center")
    DISTRICT = "district", _("District center")
    COUNTY = "county", _("County center")
    STATION = "station", _("Gig station (驿站)")


class CenterService(models.TextChoices):
    """What a center offers, after the Tongchuan centers and 人社部发〔2022〕38号."""

    ONSITE_HIRING = "onsite_hiring", _("On-site hiring")
    TRAINING = "training", _("Skills training")
    RIGHTS = "rights", _("Rights protection")
    INFORMATION = "information", _("Information posting")
    NEGOTIATION = "negotiation", _("Job negotiation")
    WAGE_GUIDANCE = "wage_guidance", _("Wage guidance")
    POLICY = "policy", _("Policy consultation")
    MATCHING = "matching", _("Labour matching")
    SHELTER = "shelter", _("Waiting and rest area")


class CenterAmenity(models.TextChoices):
    """What a center offers people who wait there (遮风避雨场所 and the like)."""

    SHELTER = "shelter", _("Shelter from wind and rain")
    DRINKING_WATER = "drinking_water", _("Drinking water")
    PHONE_CHARGING = "phone_charging", _("Phone charging")
    REST_AREA = "rest_area", _("Seats and a rest area")


class OpenDays(models.TextChoices):
    """On which days the opening hours apply. Working days follow the national calendar (法定工作日): closed on
    weekends and public holidays, open on the weekend days worked in their place (调休)."""

    EVERY_DAY = "every_day", _("Every day")
    EVERY_DAY_BUT_HOLIDAYS = "every_day_but_holidays", _("Every day except public holidays")
    WORKING_DAYS = "working_days", _("Working days")


class ServiceCenter(LocatedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=CenterLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent center"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    region_code = models.CharField(
        _("administrative division code"), max_length=6, db_index=True,
        help_text=_("The 6-digit code of the district or county the center serves, e.g. 610202."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True,
                                     help_text=_("As people read it, e.g. 周一至周日 6:30–18:00."))
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    open_days = models.CharField(_("open on"), max_length=30, choices=OpenDays.choices, default=OpenDays.EVERY_DAY)
    services = models.JSONField(_("services offered"), default=list, blank=True)
    amenities = models.JSONField(_("amenities"), default=list, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False,
        help_text=_("Illustrative demo center: its address and location are approximate, not real."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service center")
        verbose_name_plural = _("service centers")
        ordering = ("level", "name")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        unknown = set(self.services or []) - set(CenterService.values)
        if unknown:
            raise ValidationError({"services": _("Unknown services: %(s)s.") % {"s": ", ".join(sorted(unknown))}})
        unknown = set(self.amenities or []) - set(CenterAmenity.values)
        if unknown:
            raise ValidationError({"amenities": _("Unknown amenities: %(s)s.") % {"s": ", ".join(sorted(unknown))}})
        if (self.opens_at is None) != (self.closes_at is None):
            raise ValidationError({"closes_at": _("Give both the opening and the closing time, or neither.")})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The closing time must be after the opening time.")})
        if self.level == CenterLevel.CITY and self.parent_id:
            raise ValidationError({"parent": _("A city center has no parent center.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A center cannot be its own parent.")})


class CenterStaff(models.Model):
    class StaffRole(models.TextChoices):
        STAFF = "staff", _("Staff")
        MANAGER = "manager", _("Manager")

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("service center"), on_delete=models.CASCADE, related_name="staff",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="center_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=StaffRole.choices, default=StaffRole.STAFF)
    since = models.DateField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("center staff member")
        verbose_name_plural = _("center staff")
        constraints = [models.UniqueConstraint(fields=["center", "user"], name="unique_center_membership")]

    def __str__(self):
        return f"{self.user} @ {self.center}"


class HallVisit(models.Model):
    """A worker waiting in a center's hall on one day: checked in at the counter, out when they leave or are sent.

    Asked most as "who is waiting today at center X", hence the index on (center, day, checked_out_at).
    """

    center = models.ForeignKey(ServiceCenter, verbose_name=_("service center"), on_delete=models.CASCADE,
                               related_name="hall_visits")
    worker = models.ForeignKey("workers.WorkerProfile", verbose_name=_("worker"), on_delete=models.CASCADE,
                               related_name="hall_visits")
    day = models.DateField(_("day"), help_text=_("The local date of the visit."))
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked in by"),
                                      on_delete=models.PROTECT, related_name="+")
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checked_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked out by"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("hall visit")
        verbose_name_plural = _("hall visits")
        ordering = ("checked_in_at", "id")
        indexes = [models.Index(fields=["center", "day", "checked_out_at"], name="hall_visit_center_day")]
        constraints = [
            models.UniqueConstraint(fields=["center", "worker", "day"], condition=models.Q(checked_out_at__isnull=True),
                                    name="one_open_hall_visit"),
        ]

    def __str__(self):
        return f"{self.worker} @ {self.center} {self.day}"

    @property
    def waiting(self) -> bool:
        return self.checked_out_at is None
