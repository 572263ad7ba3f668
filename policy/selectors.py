"""Reads for policy consultation: the public articles and their search, the questions a viewer may see."""

from __future__ import annotations

import math
import re
import unicodedata

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from centers.models import CenterStaff

from .models import Article, Question

# Words people type for the same thing the articles say in full.
SYNONYMS = {
    "社保": "社会保险", "医保": "医疗保险", "养老": "养老保险", "工伤": "职业伤害", "欠薪": "拖欠工资",
    "讨薪": "拖欠工资", "工钱": "工资", "培训费": "培训补贴", "补助": "补贴", "灵活就业": "灵活就业人员",
}
# Question words carry no topic: "社保怎么交" is about 社保 and 交.
FILLER = re.compile(r"怎么办|怎么|怎样|如何|什么|哪里|哪儿|能不能|可不可以|可以|是否|吗|呢|吧|啊|请问|我的|我")
SEPARATORS = re.compile(r"[\s,.;:!?，。；：！？、（）()《》“”\"'·/]+")
MIN_SHARE = 0.5  # share of the query's character pairs an article must contain


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _grams(text: str) -> set[str]:
    """Chinese is written without spaces, so text is matched by its pairs of characters (bigrams); a single
    character stands for itself, a Latin word for itself."""
    grams: set[str] = set()
    for chunk in SEPARATORS.split(text):
        if not chunk:
            continue
        if chunk.isascii() or len(chunk) == 1:
            grams.add(chunk)
        else:
            grams.update(chunk[i:i + 2] for i in range(len(chunk) - 1))
    return grams


def published_articles(topic: str | None = None) -> QuerySet[Article]:
    articles = Article.objects.filter(published=True)
    return articles.filter(topic=topic) if topic else articles


def search_articles(query: str, topic: str | None = None) -> list[Article]:
    """Published articles matching a query typed in Chinese (or English words), best first: an article must
    hold at least half of the query's character pairs, counting the full words for common short ones (社保 →
    社会保险); a pair in the title weighs three times one in the text. The articles are a few hundred, so they
    are scored here rather than by a full-text index that would need a Chinese word splitter in the database."""
    text = _normal(query)
    wanted = _grams(FILLER.sub(" ", text))
    if not wanted:
        return list(published_articles(topic))
    expanded = set()
    for short, full in SYNONYMS.items():
        if short in text:
            expanded |= _grams(full)
    needed = math.ceil(MIN_SHARE * len(wanted))
    scored = []
    for article in published_articles(topic):
        title, body = _normal(article.title), _normal(article.body)
        found = {gram for gram in wanted | expanded if gram in title or gram in body}
        if min(len(found), len(wanted)) < needed:
            continue
        weight = sum(3 if gram in title else 1 for gram in found)
        scored.append((-weight, article.title, article))
    return [article for *_key, article in sorted(scored, key=lambda row: row[:2])]


def questions_for(viewer) -> QuerySet[Question]:
    """A worker's or employer's own questions; staff see their centers' questions; the city sees all."""
    if not (viewer and viewer.is_authenticated and viewer.is_active):
        raise PermissionDenied(_("Log in to see questions."))
    questions = Question.objects.select_related("center", "asker", "answered_by")
    if viewer.role == Role.CITY_ADMIN:
        return questions
    if viewer.role == Role.CENTER_STAFF:
        return questions.filter(center__in=CenterStaff.objects.filter(user=viewer).values("center"))
    return questions.filter(asker=viewer)
