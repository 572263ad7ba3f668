"""A worker's report of a gig, with its photos, and the case the reports of one gig make for its center's staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jobs.models import StatusMachine


class Reason(models.TextChoices):
    FAKE = "fake", _("Fake job")
    ASKS_MONEY = "asks_money", _("Asks workers for money")
    PAY_DIFFERS = "pay_differs", _("Pay differs from the post")
    UNSAFE = "unsafe", _("Unsafe work")
    OTHER = "other", _("Something else")


class Case(StatusMachine):
    """The reports of one gig waiting for its center's staff, and what they decided.

    A gig has at most one open case. Reports from REPORTS_TO_HOLD different workers hold the gig (its status
    becomes `held`, see jobs.models.Gig); staff release it (the reports are dismissed, new ones open a new case)
    or take it down and warn or suspend its employer, whose other open posts are then held for review too.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        RELEASED = "released", _("Released")
        TAKEN_DOWN = "taken_down", _("Taken down")

    STATUS = Status
    INITIAL = frozenset({Status.OPEN})
    TRANSITIONS = {  # a decision is final: reports after a release open a new case
        Status.OPEN: {Status.RELEASED, Status.TAKEN_DOWN},
        Status.RELEASED: set(),
        Status.TAKEN_DOWN: set(),
    }

    class Cause(models.TextChoices):
        REPORTS = "reports", _("Reports from workers")
        EMPLOYER = "employer", _("Another post of the employer was taken down")

    class EmployerAction(models.TextChoices):
        WARN = "warn", _("Warn the employer")
        SUSPEND = "suspend", _("Suspend the employer from posting")

    gig = models.ForeignKey("jobs.Gig", verbose_name=_("gig"), on_delete=models.CASCADE, related_name="report_cases")
    cause = models.CharField(_("cause"), max_length=10, choices=Cause.choices, default=Cause.REPORTS)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    opened_at = models.DateTimeField(_("opened at"))
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    held_from = models.CharField(_("status before the hold"), max_length=16, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    employer_action = models.CharField(_("action on the employer"), max_length=10, blank=True,
                                       choices=EmployerAction.choices)
    note = models.CharField(_("note"), max_length=500, blank=True,
                            help_text=_("Why staff decided so; the employer is shown it when a post is taken down."))

    class Meta:
        verbose_name = _("report case")
        verbose_name_plural = _("report cases")
        ordering = ("-opened_at", "-pk")
        constraints = [models.UniqueConstraint(fields=["gig"], condition=models.Q(status="open"),
                                               name="one_open_report_case_per_gig")]

    def __str__(self):
        return f"{self.gig} ({self.get_status_display()})"


class Report(models.Model):
    """One worker's report of one gig; a worker reports a gig once."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="reports")
    gig = models.ForeignKey("jobs.Gig", verbose_name=_("gig"), on_delete=models.CASCADE, related_name="reports")
    worker = models.ForeignKey("workers.WorkerProfile", verbose_name=_("worker"), on_delete=models.CASCADE,
                               related_name="gig_reports")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    text = models.TextField(_("what happened"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ("created_at", "pk")
        constraints = [models.UniqueConstraint(fields=["gig", "worker"], name="one_report_per_worker_per_gig")]

    def __str__(self):
        return f"{self.worker} → {self.gig}: {self.get_reason_display()}"


class ReportPhoto(models.Model):
    """A photo with a report, re-encoded (no location or camera data kept) and stored in the database: never
    under a public address, served only to the reporter and the staff of the gig's center (and the city)."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos")
    content_type = models.CharField(_("type"), max_length=20)
    data = models.BinaryField(_("image"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ("pk",)

    def __str__(self):
        return f"{self.report_id}: {self.width}×{self.height}"
