"""What a center runs besides the hall: job fairs (现场招聘会) and skills training courses (技能培训).

Both live in one app because they have one shape: an event at a center, with a place, a window, a capacity and
a list of workers who signed up (online, or at the counter through staff) and whose attendance staff record on
the day. One set of scope rules (staff manage their centers' events, the city all) and one capacity lock serve
both. A fair adds the employers taking part and the gigs they bring; a course adds its sessions, its trade, and
completion, which marks the worker's trade verified (workers.WorkerTrade.verified_at).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_CAPACITY = 5000


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")


class CenterEvent(models.Model):
    """What a fair and a course share: a center, a title, a place and a capacity."""

    center = models.ForeignKey("centers.ServiceCenter", verbose_name=_("service center"), on_delete=models.PROTECT,
                               related_name="+")
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    place = models.CharField(_("place"), max_length=200, help_text=_("Where at or near the center, as people say it."))
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
        help_text=_("How many workers can sign up."))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


class JobFair(CenterEvent):
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")
        ordering = ("starts_at", "id")

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The fair must end after it starts.")})


class FairEmployer(models.Model):
    """An employer taking part in a fair: it signed up itself, or staff added it."""

    fair = models.ForeignKey(JobFair, verbose_name=_("job fair"), on_delete=models.CASCADE, related_name="employers")
    employer = models.ForeignKey("jobs.Employer", verbose_name=_("employer"), on_delete=models.CASCADE,
                                 related_name="fairs")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("employer at a fair")
        verbose_name_plural = _("employers at fairs")
        ordering = ("added_at", "id")
        constraints = [models.UniqueConstraint(fields=["fair", "employer"], name="unique_fair_employer")]

    def __str__(self):
        return f"{self.employer} @ {self.fair}"


class FairGig(models.Model):
    """A gig an employer brings to a fair (its own gigs only)."""

    fair = models.ForeignKey(JobFair, verbose_name=_("job fair"), on_delete=models.CASCADE, related_name="fair_gigs")
    gig = models.ForeignKey("jobs.Gig", verbose_name=_("gig"), on_delete=models.CASCADE, related_name="fairs")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("gig at a fair")
        verbose_name_plural = _("gigs at fairs")
        ordering = ("added_at", "id")
        constraints = [models.UniqueConstraint(fields=["fair", "gig"], name="unique_fair_gig")]

    def __str__(self):
        return f"{self.gig} @ {self.fair}"


class SignUp(models.Model):
    """A worker's place at an event, and how they got it."""

    channel = models.CharField(_("signed up"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    signed_up_at = models.DateTimeField(_("signed up at"))
    signed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed up by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True


class FairRegistration(SignUp):
    fair = models.ForeignKey(JobFair, verbose_name=_("job fair"), on_delete=models.CASCADE,
                             related_name="registrations")
    worker = models.ForeignKey("workers.WorkerProfile", verbose_name=_("worker"), on_delete=models.CASCADE,
                               related_name="fair_registrations")
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    attendance_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attendance recorded by"),
                                      null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("fair registration")
        verbose_name_plural = _("fair registrations")
        ordering = ("signed_up_at", "id")
        constraints = [models.UniqueConstraint(fields=["fair", "worker"], name="unique_fair_registration")]

    def __str__(self):
        return f"{self.worker} @ {self.fair}"


class Course(CenterEvent):
    trade = models.ForeignKey("jobs.Category", verbose_name=_("trade"), on_delete=models.PROTECT,
                              related_name="courses", help_text=_("The trade a completed course verifies."))

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ("id",)


class CourseSession(models.Model):
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ("starts_at", "id")

    def __str__(self):
        return f"{self.course} {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session must end after it starts.")})


class Enrolment(SignUp):
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments")
    worker = models.ForeignKey("workers.WorkerProfile", verbose_name=_("worker"), on_delete=models.CASCADE,
                               related_name="enrolments")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("completion marked by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("course enrolment")
        verbose_name_plural = _("course enrolments")
        ordering = ("signed_up_at", "id")
        constraints = [models.UniqueConstraint(fields=["course", "worker"], name="unique_enrolment")]

    def __str__(self):
        return f"{self.worker} @ {self.course}"


class SessionAttendance(models.Model):
    enrolment = models.ForeignKey(Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE,
                                  related_name="attendance")
    session = models.ForeignKey(CourseSession, verbose_name=_("session"), on_delete=models.CASCADE,
                                related_name="attendance")
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendance")
        constraints = [models.UniqueConstraint(fields=["enrolment", "session"], name="unique_session_attendance")]

    def __str__(self):
        return f"{self.enrolment} {self.session}"
