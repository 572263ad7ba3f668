"""Every event pushed to a phone or a center's board is first stored here: the database is the source of truth.

Each recipient (a user, or a center's board) numbers its events 1, 2, 3 … (`seq`). Ids come from one sequence
for all and are handed out when a row is inserted, so on PostgreSQL a transaction holding id 1 can commit after
another holding id 2: a client that resumed after id 2 would never see 1. A `seq` is given under a lock on the
recipient's `Stream` row that is held until commit, so for one recipient seq order is commit order and there
are no holes: a socket or client that has seen seq n has seen everything up to n, and asks for what follows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zero_gig.timestamps import iso


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
    WITHDRAWN = "withdrawn", _("Offer withdrawn")
    WAVE = "wave", _("Offers sent")
    ANSWER = "answer", _("Answer to your question")
    HOLD = "hold", _("Reported gig held or reviewed")
    AGREEMENT = "agreement", _("Agreement ready to accept")


class Stream(models.Model):
    """The last seq given to one recipient; its row lock orders that recipient's events."""

    key = models.CharField(_("recipient"), max_length=40, unique=True,
                           help_text=_("The recipient's group name, e.g. user.7."))
    last_seq = models.PositiveBigIntegerField(_("last sequence number"), default=0)

    class Meta:
        verbose_name = _("event stream")
        verbose_name_plural = _("event streams")

    def __str__(self):
        return f"{self.key} @ {self.last_seq}"


class Notification(models.Model):
    """An event for one user's inbox, or for one center's live board (exactly one of the two)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
    on_delete=models.CASCADE,
                             related_name="notifications")
    center = models.ForeignKey("centers.ServiceCenter", verbose_name=_("service center"), null=True, blank=True,
    on_delete=models.CASCADE,
                               related_name="board_events")
    seq = models.PositiveBigIntegerField(_("sequence number"),
                                      help_text=_("1, 2, 3 … for each recipient, in the order they committed."))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=["user", "seq"], name="inbox_user_seq"),
            models.UniqueConstraint(fields=["center", "seq"], name="board_center_seq"),
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
        return {"type": "event", "id": self.pk, "seq": self.seq, "kind": self.kind, "payload": self.payload,
                "created_at": iso(self.created_at), "read": self.read_at is not None}
