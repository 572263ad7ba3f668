"""Wage-arrears complaints (欠薪投诉): a worker's complaint about unpaid wages on one assignment, its steps, the
evidence photos, and the reminders sent when pay goes unconfirmed."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from jobs.models import StatusMachine


class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_FILES_ROOT, which no URL serves: a permission-checked view hands each one
    to the worker, the employer and the center's staff (complaints.selectors.evidence_for)."""

    @property
    def base_location(self):
        return str(Path(settings.PRIVATE_FILES_ROOT) / "complaints")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a permission-checked view.")


def evidence_storage() -> PrivateStorage:
    return PrivateStorage()


class ComplaintStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    MEDIATING = "mediating", _("Being mediated")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


UNRESOLVED = (ComplaintStatus.FILED, ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.MEDIATING)


class Outcome(models.TextChoices):
    PAID_IN_FULL = "paid_in_full", _("Paid in full")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    REFERRED_INSPECTION = "referred_inspection", _("Referred to labour inspection")
    REFERRED_12333 = "referred_12333", _("Referred to the 12333 hotline")


class Complaint(StatusMachine):
    """A worker says the wages of an assignment were not paid. It goes to the gig's center, whose staff
    acknowledge it within ACKNOWLEDGE_WORKING_HOURS and resolve it within RESOLVE_WORKING_DAYS of its working
    time; the deadlines are fixed when it is filed (complaints.deadlines)."""

    STATUS = ComplaintStatus
    INITIAL = frozenset({ComplaintStatus.FILED})
    TRANSITIONS = {
        ComplaintStatus.FILED: {ComplaintStatus.ACKNOWLEDGED},
        ComplaintStatus.ACKNOWLEDGED: {ComplaintStatus.MEDIATING, ComplaintStatus.RESOLVED},
        ComplaintStatus.MEDIATING: {ComplaintStatus.RESOLVED},
        ComplaintStatus.RESOLVED: {ComplaintStatus.CLOSED},
        ComplaintStatus.CLOSED: set(),
    }

    assignment = models.ForeignKey("jobs.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT,
                                   related_name="complaints")
    # Kept from the assignment when filed: the queue of a center and the posting block of an employer read them.
    center = models.ForeignKey("centers.ServiceCenter", verbose_name=_("service center"), on_delete=models.PROTECT,
                               related_name="complaints")
    employer = models.ForeignKey("jobs.Employer", verbose_name=_("employer"), on_delete=models.PROTECT,
                                 related_name="complaints")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                 related_name="+")
    statement = models.TextField(_("what happened"), max_length=2000)
    amount_claimed = models.DecimalField(_("amount owed (yuan)"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=12, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.FILED, db_index=True)
    filed_at = models.DateTimeField(_("filed at"))
    acknowledge_by = models.DateTimeField(_("to be acknowledged by"))
    resolve_by = models.DateTimeField(_("to be resolved by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    amount_recovered = models.DecimalField(_("amount paid to the worker (yuan)"), max_digits=10, decimal_places=2,
                                           null=True, blank=True)
    # When the city administrators were told that a deadline passed (each deadline once).
    acknowledge_escalated_at = models.DateTimeField(_("late acknowledgement escalated at"), null=True, blank=True)
    resolve_escalated_at = models.DateTimeField(_("late resolution escalated at"), null=True, blank=True)
    employer_response = models.TextField(_("employer's response"), max_length=2000, blank=True)
    employer_responded_at = models.DateTimeField(_("employer responded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wage complaint")
        verbose_name_plural = _("wage complaints")
        ordering = ("filed_at", "id")
        indexes = [models.Index(fields=["center", "status"], name="complaint_center_status"),
                   models.Index(fields=["employer", "status"], name="complaint_employer_status")]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=models.Q(status__in=UNRESOLVED),
                                    name="one_unresolved_complaint_per_assignment"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.amount_claimed} ({self.get_status_display()})"

    @property
    def unresolved(self) -> bool:
        return self.status in UNRESOLVED

    @property
    def unpaid(self):
        """What the worker is still owed by this complaint's account: nothing once paid in full."""
        if self.outcome == Outcome.PAID_IN_FULL:
            return 0
        return max(self.amount_claimed - (self.amount_recovered or 0), 0)


class ComplaintStep(models.Model):
    """One step of a complaint, with who took it and when: every one is shown to the worker."""

    class Event(models.TextChoices):
        FILED = "filed", _("Filed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        MEDIATING = "mediating", _("Mediation started")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        EMPLOYER_RESPONDED = "employer_responded", _("The employer responded")
        ESCALATED = "escalated", _("Overdue: escalated to the city")

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="steps")
    event = models.CharField(_("step"), max_length=20, choices=Event.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_role = models.CharField(_("their role"), max_length=20, blank=True)
    at = models.DateTimeField(_("when"))
    note = models.CharField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")
        ordering = ("at", "id")

    def __str__(self):
        return f"{self.complaint_id}: {self.get_event_display()} {self.at:%Y-%m-%d %H:%M}"


def evidence_path(instance, filename: str) -> str:
    return f"{instance.complaint_id}/{filename}"


class Evidence(models.Model):
    """A photo sent with a complaint: checked to be an image by its content, re-encoded without its metadata
    (a phone's photo carries where it was taken), and kept out of every public URL."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="evidence")
    photo = models.FileField(_("photo"), storage=evidence_storage, upload_to=evidence_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=20)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        ordering = ("uploaded_at", "id")

    def __str__(self):
        return f"{self.complaint_id}: {self.photo.name}"


class PayReminder(models.Model):
    """Both sides of an assignment were reminded that its pay is not confirmed (sent once)."""

    assignment = models.OneToOneField("jobs.Assignment", verbose_name=_("assignment"), on_delete=models.CASCADE,
                                      related_name="pay_reminder")
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("pay reminder")
        verbose_name_plural = _("pay reminders")

    def __str__(self):
        return f"{self.assignment_id} @ {self.sent_at:%Y-%m-%d}"
