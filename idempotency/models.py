"""What an `Idempotency-Key` of a user's POST did: claimed before the request runs, with its answer once it has.

The unique (user, key) pair is what makes a retry safe: of two requests with one key, the one whose INSERT
commits first runs; the other finds the row and replays its answer (or is told the first still runs).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(_("key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64,
                                   help_text=_("SHA-256 of the method, path and body."))
    status_code = models.PositiveSmallIntegerField(_("answer status"), null=True, blank=True,
                                                   help_text=_("Empty while the first request still runs."))
    body = models.JSONField(_("answer body"), null=True, blank=True)
    created_at = models.DateTimeField(_("first used at"), default=timezone.now, db_index=True)
    locked_at = models.DateTimeField(_("claimed at"), null=True, blank=True,
                                     help_text=_("When the running request claimed it."))

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self):
        return f"{self.user_id}:{self.key}"

    @property
    def done(self) -> bool:
        return self.status_code is not None
