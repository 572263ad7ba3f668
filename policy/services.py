"""Writes for policy consultation: asking a question (online, or at a counter for a walk-in) and answering it."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from audit.services import record_action, snapshot
from centers.selectors import active_centers, may_manage_center, nearest_center
from jobs.exceptions import Conflict
from notifications.models import Kind
from notifications.services import notify_user
from zero_gig.db import atomic_with_retry, locked

from .models import Article, Question, Topic

MAX_OPEN_QUESTIONS = 5  # per person at once: staff answer each, so nobody floods a center's queue


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _center_for(asker, center):
    if center is not None:
        return center
    home = getattr(getattr(asker, "worker_profile", None), "point", None)
    found = (nearest_center(home) if home else None) or active_centers().order_by("level", "pk").first()
    if found is None:
        raise Conflict(_("No service center is open to take questions."), code="no_center")
    return found


@atomic_with_retry
def ask_question(*, actor, text: str, topic: str = Topic.OTHER, center=None, on_behalf_of=None,
                 now: dt.datetime | None = None) -> Question:
    """A worker or employer asks online (their home center answers unless they pick one); staff write down a
    walk-in's question at the counter for them (`on_behalf_of`), for their own center."""
    if not (actor and actor.is_authenticated and actor.is_active):
        raise PermissionDenied(_("Log in to ask a question."))
    asker = actor
    if on_behalf_of is not None:
        if center is None or not may_manage_center(actor, center.pk):
            raise PermissionDenied(_("Staff write down questions at their own center's counter."))
        asker = on_behalf_of
    elif actor.role not in (Role.WORKER, Role.EMPLOYER):
        raise PermissionDenied(_("Staff answer questions; they ask for a walk-in at the counter."))
    text = _clean(text)
    errors = {}
    if len(text) < 4:
        errors["text"] = [_("Write the question in a few words (at least 4 characters).")]
    elif len(text) > 2000:
        errors["text"] = [_("Keep the question under 2,000 characters.")]
    if topic not in Topic.values:
        errors["topic"] = [_("Choose one of the topics.")]
    if errors:
        raise ValidationError(errors)
    if Question.objects.filter(asker=asker, status=Question.Status.OPEN).count() >= MAX_OPEN_QUESTIONS:
        raise Conflict(_("You have %(n)s questions waiting for an answer; ask more once they are answered.")
                       % {"n": MAX_OPEN_QUESTIONS}, code="too_many_questions")
    question = Question.objects.create(
        asker=asker, center=_center_for(asker, center), topic=topic, text=text, asked_at=now or timezone.now(),
        taken_at_counter_by=actor if on_behalf_of is not None else None)
    if on_behalf_of is not None:
        record_action(actor, "policy_question_taken", question, center=question.center, subject_id=asker.pk,
                      after=snapshot(question, "topic", "text"))
    return question


@atomic_with_retry
def answer_question(question: Question, *, actor, answer: str, publish: bool = False,
                    now: dt.datetime | None = None) -> Question:
    """Staff of the question's center (or the city) answer; the asker is told in their inbox. Published, the
    question and answer become a public FAQ without the asker's name."""
    question = locked(Question.objects.select_related("center"), question.pk)
    if not may_manage_center(actor, question.center_id):
        raise PermissionDenied(_("Only the staff of the center it was asked at answer this question."))
    answer = _clean(answer)
    if len(answer) < 2:
        raise ValidationError({"answer": [_("Write the answer.")]})
    if len(answer) > 5000:
        raise ValidationError({"answer": [_("Keep the answer under 5,000 characters.")]})
    before = snapshot(question, "status", "answer")
    question.move_to(Question.Status.ANSWERED)
    question.answer = answer
    question.answered_by, question.answered_at = actor, now or timezone.now()
    if publish and question.published_as is None:
        question.published_as = Article.objects.create(topic=question.topic, kind=Article.Kind.FAQ,
                                                       title=question.text[:200], body=answer,
                                                       source=question.center.name)
    question.save()
    record_action(actor, "policy_question_answered", question, center=question.center,
                  subject_id=question.asker_id, before=before, after=snapshot(question, "status", "answer"))
    notify_user(question.asker_id, Kind.ANSWER, {"question": question.pk, "topic": question.topic,
                                                 "center": {"id": question.center_id, "name": question.center.name}})
    return question
