"""Pre-aggregated figures: one row per (center or the whole city, period kind, period), and the days whose
figures are stale.

Why whole periods and not only days: two of the figures do not add up over days. Job seekers are distinct
people (someone who came on Monday and Tuesday is one job seeker of the week), and the median time to fill of a
quarter is not a combination of daily medians. Storing each period's finished answer makes every figure exact at
every level and makes a report page one indexed read of a few dozen rows, whatever the size of the tables below;
the price is recomputing the four periods around a changed day (see services.refresh).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .periods import Period


class Figure(models.Model):
    """The figures of one center (or the city, `center` empty) for one period. Definitions: figures.services."""

    center = models.ForeignKey("centers.ServiceCenter", verbose_name=_("service center"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+",
                               help_text=_("Empty for the whole city."))
    kind = models.CharField(_("period"), max_length=8, choices=Period.choices)
    start = models.DateField(_("first day"))
    seekers = models.PositiveIntegerField(_("job seekers"), default=0)
    openings = models.PositiveIntegerField(_("openings"), default=0)
    slots_taken = models.PositiveIntegerField(_("slots taken of these openings"), default=0)
    placements = models.PositiveIntegerField(_("placements"), default=0)
    gigs_filled = models.PositiveIntegerField(_("gigs filled"), default=0)
    median_fill_seconds = models.PositiveIntegerField(_("median time to fill (seconds)"), null=True, blank=True)
    walk_ins = models.PositiveIntegerField(_("walk-ins served"), default=0)
    completions = models.PositiveIntegerField(_("training completions"), default=0)
    fair_hires = models.PositiveIntegerField(_("job-fair hires"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ("kind", "center", "start")
        constraints = [
            models.UniqueConstraint(fields=["center", "kind", "start"], condition=models.Q(center__isnull=False),
                                    name="figure_one_per_center_period"),
            models.UniqueConstraint(fields=["kind", "start"], condition=models.Q(center__isnull=True),
                                    name="figure_one_per_city_period"),
        ]
        indexes = [models.Index(fields=["kind", "center", "start"], name="figure_kind_center_start")]

    def __str__(self):
        return f"{self.center or 'city'} {self.kind} {self.start}"


class DirtyDay(models.Model):
    """A local day whose counted facts changed since the figures were last refreshed (any center: the periods
    around it are recomputed for every center and the city)."""

    day = models.DateField(_("day"), unique=True)
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("day to refresh")
        verbose_name_plural = _("days to refresh")

    def __str__(self):
        return str(self.day)
