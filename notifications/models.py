"""Every event pushed to a phone or a center's board is first stored here: the database is the source of truth.

A socket that was down gets what it missed by asking for everything after the last id it saw.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    OFFER = "offer", _("Gig offer")
    APPLICANT = "applicant", _("New applicant")
    ACCEPTED = "accepted", _("Worker accepted")
    HIRED = "hired", _("You are hired")
    SLOTS = "slots", _("Slots left")
    CANCELLED = "cancelled", _("Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")
    NO_SHOW = "no_show", _("No-show")
    REMINDER = "reminder", _("Reminder")
    PAY = "pay", _("Pay")
    REVIEW = "review", _("Review decision")
    BOARD = "board", _("Board update")


class Notification(models.Model):
    """An event for one user's inbox, or for one center's live board (exactly one of the two)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
    on_delete=models.CASCADE,
                             related_name="notifications")
    center = models.ForeignKey("centers.ServiceCenter", verbose_name=_("service center"), null=True, blank=True,
    on_delete=models.CASCADE,
                               related_name="board_events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("id",)
        indexes = [
            models.Index(fields=["user", "id"], name="inbox_user_id"),
            models.Index(fields=["center", "id"], name="board_center_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False, center__isnull=True)
                           | models.Q(user__isnull=True, center__isnull=False)),
                name="notification_has_one_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.user_id or f'center {self.center_id}'}"

    def as_frame(self) -> dict:
        """The message a socket receives; the same shape the inbox API lists."""
        return {"type": "event", "id": self.pk, "kind": self.kind, "payload": self.payload,
                "created_at": self.created_at.isoformat(), "read": self.read_at is not None}
