"""Policy consultation (政策咨询): articles and FAQ by topic, public; questions from workers and employers,
online or at a center's counter, answered by the center's staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jobs.models import StatusMachine


class Topic(models.TextChoices):
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance for flexible workers")
    WAGE_PROTECTION = "wage_protection", _("Wage protection")
    TRAINING_SUBSIDY = "training_subsidy", _("Training subsidies")
    INJURY_PROTECTION = "injury_protection", _("Occupational injury protection")
    OTHER = "other", _("Other questions")


class Article(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        FAQ = "faq", _("Question and answer")

    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    source = models.CharField(_("source"), max_length=300, blank=True,
                              help_text=_("The regulation or notice it rests on, so readers can check."))
    published = models.BooleanField(_("published"), default=True, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("policy article")
        verbose_name_plural = _("policy articles")
        ordering = ("topic", "title")

    def __str__(self):
        return self.title


class Question(StatusMachine):
    """A question someone asked; staff of the center answer it, and may publish the answer as a FAQ."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")

    STATUS = Status
    INITIAL = frozenset({Status.OPEN})
    TRANSITIONS = {  # staff may answer again (the answer is corrected); an answered question is not reopened
        Status.OPEN: {Status.ANSWERED},
        Status.ANSWERED: set(),
    }

    asker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.CASCADE,
                              related_name="policy_questions")
    center = models.ForeignKey("centers.ServiceCenter", verbose_name=_("service center"), on_delete=models.PROTECT,
                               related_name="policy_questions")
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices, default=Topic.OTHER)
    text = models.TextField(_("question"), max_length=2000)
    asked_at = models.DateTimeField(_("asked at"), db_index=True)
    taken_at_counter_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written down at the counter by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    published_as = models.OneToOneField(Article, verbose_name=_("published as"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="from_question")

    class Meta:
        verbose_name = _("policy question")
        verbose_name_plural = _("policy questions")
        ordering = ("-asked_at", "-id")
        indexes = [models.Index(fields=["center", "status", "asked_at"], name="question_queue")]

    def __str__(self):
        return self.text[:60]
