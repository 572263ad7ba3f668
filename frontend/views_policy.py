"""Policy consultation pages: articles and FAQ by topic with a search (public), asking a question, one's own
questions and answers; and for staff, their centers' questions to answer."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from jobs.exceptions import Conflict
from policy import services
from policy.models import Question, Topic
from policy.selectors import published_articles, questions_for, search_articles

from .forms import NfkcCharField


class SearchForm(forms.Form):
    q = NfkcCharField(label=gettext_lazy("Search"), required=False, max_length=100)
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), required=False,
                              choices=[("", gettext_lazy("All topics")), *Topic.choices])


class AskForm(forms.Form):
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), choices=Topic.choices, initial=Topic.OTHER)
    text = NfkcCharField(label=gettext_lazy("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(forms.Form):
    answer = NfkcCharField(label=gettext_lazy("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    publish = forms.BooleanField(label=gettext_lazy("Publish as a public question and answer (without the name)"),
                                 required=False)


def policy_home(request):
    form = SearchForm(request.GET or None)
    query, topic = "", None
    if form.is_valid():
        query, topic = form.cleaned_data["q"] or "", form.cleaned_data["topic"] or None
    articles = search_articles(query, topic) if query else list(published_articles(topic))
    return render(request, "frontend/policy/home.html", {
        "form": form, "articles": articles, "query": query, "topics": Topic.choices,
        "ask_form": AskForm() if request.user.is_authenticated else None})


def article_page(request, pk: int):
    article = get_object_or_404(published_articles(), pk=pk)
    return render(request, "frontend/policy/article.html", {"article": article})


def _login_first(request):
    return redirect(f"{reverse('login')}?next={reverse('policy_questions')}")


def my_questions(request, form: AskForm | None = None, status: int = 200):
    if not request.user.is_authenticated:
        return _login_first(request)
    questions = questions_for(request.user)[:100]
    return render(request, "frontend/policy/questions.html", {
        "questions": questions, "form": form or AskForm()}, status=status)


@require_POST
def ask(request):
    if not request.user.is_authenticated:
        return _login_first(request)
    form = AskForm(request.POST)
    if not form.is_valid():
        return my_questions(request, form, status=400)
    try:
        services.ask_question(actor=request.user, text=form.cleaned_data["text"], topic=form.cleaned_data["topic"])
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return my_questions(request, form, status=400)
    except Conflict as refusal:
        form.add_error(None, refusal.message)
        return my_questions(request, form, status=409)
    messages.success(request, _("Your question is sent. The center's staff answer it here and in your inbox."))
    return redirect("policy_questions")


def staff_questions(request, invalid: tuple[int, AnswerForm] | None = None, status: int = 200):
    """Staff: their centers' open questions, oldest first, each with an answer form."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('staff_questions')}")
    if request.user.role not in (Role.CENTER_STAFF, Role.CITY_ADMIN):
        return my_questions(request)
    waiting = questions_for(request.user).filter(status=Question.Status.OPEN).order_by("asked_at", "pk")[:100]
    items = [{"question": question,
              "form": invalid[1] if invalid and invalid[0] == question.pk else AnswerForm(prefix=f"q{question.pk}")}
             for question in waiting]
    return render(request, "frontend/policy/staff_questions.html", {"items": items}, status=status)


@require_POST
def answer(request, pk: int):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('staff_questions')}")
    question = get_object_or_404(questions_for(request.user), pk=pk)
    form = AnswerForm(request.POST, prefix=f"q{pk}")
    if not form.is_valid():
        return staff_questions(request, invalid=(pk, form), status=400)
    try:
        services.answer_question(question, actor=request.user, answer=form.cleaned_data["answer"],
                                 publish=form.cleaned_data["publish"])
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return staff_questions(request, invalid=(pk, form), status=400)
    messages.success(request, _("Answered. The person who asked is told in their inbox."))
    return redirect("staff_questions")
