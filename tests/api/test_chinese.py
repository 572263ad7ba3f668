"""Chinese is the default and it is complete: a person reading the API's refusals or the admin in Chinese meets
no English the code forgot to translate (a class name in a 404, a permission message, a column label)."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# Latin words a Chinese page may show: names of things, not sentences.
ALLOWED = {"ID", "JSON", "API", "CSRF", "SMS", "H3", "zero-gig", "Django", "GET", "POST", "PUT", "PATCH", "DELETE"}
ENGLISH_WORD = re.compile(r"\b[A-Za-z][A-Za-z'’-]{2,}\b")


@pytest.fixture(autouse=True)
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        yield


def english_in(text: str) -> list[str]:
    return [word for word in ENGLISH_WORD.findall(text) if word not in ALLOWED]


def refusal_detail(response, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    return " ".join([body["detail"], *(m for messages in body.get("fields", {}).values() for m in messages)])


def test_api_refusals_speak_chinese(world):
    employer, worker = world.client("employer"), world.client("worker")
    answers = {
        "missing gig": refusal_detail(APIClient().get("/api/gigs/999999/", **CHINESE), 404),
        "not logged in": refusal_detail(APIClient().get("/api/assignments/", **CHINESE), 401),
        "wrong role": refusal_detail(employer.post(f"/api/gigs/{world.gig.pk}/accept/", **CHINESE), 403),
        "staff only": refusal_detail(employer.get("/api/reviews/", **CHINESE), 403),
        "bad query": refusal_detail(APIClient().get("/api/gigs/nearby/", {"longitude": 500}, **CHINESE), 400),
        "bad body": refusal_detail(employer.post("/api/gigs/", {"headcount": 0}, format="json", **CHINESE), 400),
        "malformed": refusal_detail(employer.post("/api/gigs/", "{", content_type="application/json", **CHINESE),
                                    400),
        "conflict": refusal_detail(employer.post(f"/api/gigs/{world.gig.pk}/reopen/", **CHINESE), 409),
        "method": refusal_detail(worker.delete(f"/api/gigs/{world.gig.pk}/", **CHINESE), 405),
    }
    assert {name: english_in(text) for name, text in answers.items() if english_in(text)} == {}
    assert "未找到" in answers["missing gig"]


class VisibleText(HTMLParser):
    """The text a person sees on a page: text outside scripts and styles, and titles and button labels."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        attrs = dict(attrs)
        for name in ("title", "placeholder", "aria-label"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_english(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return sorted({word for part in parser.parts for word in english_in(part)})


def admin_pages():
    yield reverse("admin:index")
    for model in admin.site._registry:
        meta = model._meta
        yield reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        yield reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            yield reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])


# Lists whose rows are data that may be English: the fee words that give a fee-asking post away include English
# ones ("deposit"), since posts are written in both languages.
ENGLISH_DATA = {"/admin/wages/feeword/"}


def test_the_admin_speaks_chinese(world):
    world.new_assignment("completed")
    client = Client()
    client.force_login(world.city_admin)
    found = {}
    for url in (url for url in admin_pages() if url not in ENGLISH_DATA):
        response = client.get(url, **CHINESE)
        if response.status_code == 403:  # an admin that adds nothing (read-only records)
            continue
        assert response.status_code == 200, url
        words = visible_english(response.content.decode())
        if words:
            found[url] = words
    assert found == {}


