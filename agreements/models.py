"""The written agreement of a gig (用工协议): drawn up by the platform when a worker is hired, accepted by both
sides, and kept unchanged.

An agreement is written once and never updated: `save()` refuses a row that exists, and nothing in the code
changes one. What a bulk update or a hand in the database might still do is made evident by the SHA-256 hash
of its content, kept with it and checked by `agreements.services.verify` whenever it is shown or accepted.
The Chinese text is the binding one (人社厅发〔2021〕54号: records tamper-evident and traceable, free for the
worker, who can always view and download them); the English page is a translation drawn from the same terms.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jobs.exceptions import Conflict


class KeptOnce(models.Model):
    """A record written once: any later save or delete through the model is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Conflict(gettext("A signed agreement and its acceptances are never changed."),
                           code="agreement_kept")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict(gettext("A signed agreement and its acceptances are never deleted."), code="agreement_kept")


class Agreement(KeptOnce):
    assignment = models.OneToOneField("jobs.Assignment", verbose_name=_("assignment"), on_delete=models.CASCADE,
                                      related_name="agreement")
    number = models.CharField(_("agreement number"), max_length=40, unique=True)
    template_version = models.CharField(_("text version"), max_length=20)
    language = models.CharField(_("language of the binding text"), max_length=10)
    text = models.TextField(_("binding text"))
    terms = models.JSONField(_("terms"), help_text=_("The parties, work, site, time, pay and rules, as fields."))
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64)
    created_at = models.DateTimeField(_("drawn up at"))

    class Meta:
        verbose_name = _("gig work agreement")
        verbose_name_plural = _("gig work agreements")
        ordering = ("-created_at", "-id")

    def __str__(self):
        return self.number


class Party(models.TextChoices):
    WORKER = "worker", _("Worker")
    EMPLOYER = "employer", _("Employer")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online, by the party")
    COUNTER = "counter", _("At a center's counter, recorded by staff")


class Acceptance(KeptOnce):
    """One side accepted the agreement: who, when, where and from which device (the device kept privately)."""

    agreement = models.ForeignKey(Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE,
                                  related_name="acceptances")
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"),
                                    on_delete=models.PROTECT, related_name="+",
                                    help_text=_("The party, or the staff member who recorded it at the counter."))
    center = models.ForeignKey("centers.ServiceCenter", verbose_name=_("at the counter of"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"))
    content_hash = models.CharField(_("SHA-256 of the content accepted"), max_length=64)
    # The device, for tracing a dispute; shown to nobody in the pages or the API.
    user_agent = models.CharField(_("browser or app"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("network address"), null=True, blank=True)

    class Meta:
        verbose_name = _("acceptance of an agreement")
        verbose_name_plural = _("acceptances of agreements")
        ordering = ("accepted_at", "id")
        constraints = [models.UniqueConstraint(fields=["agreement", "party"], name="one_acceptance_per_party")]

    def __str__(self):
        return f"{self.agreement} · {self.get_party_display()}"
