"""Every answer carries a Content-Security-Policy, and no page runs an inline script the policy would refuse.

The browser suite (tests/frontend) fails on any violation Chromium reports; these tests hold without a browser:
the header on every page (visitor, worker, employer, staff, admin, API docs), and the rendered HTML of the main
pages, as well as every template's source, has no inline script without the request's nonce, no inline style
and no `on…=` handler.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role
from tests.factories import CenterStaffFactory, CityAdminFactory, EmployerFactory, GigFactory, WorkerFactory
from zero_gig.csp import policy

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class Inline(HTMLParser):
    """What a strict policy would refuse in one HTML page."""

    def __init__(self, nonce):
        super().__init__()
        self.nonce, self.problems = nonce, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> handler")
        if "style" in attrs:
            self.problems.append(f"<{tag} style=…> attribute")
        if tag == "style":
            self.problems.append("<style> element")
        inline_script = tag == "script" and "src" not in attrs and attrs.get("type") != "application/json"
        if inline_script and (not self.nonce or attrs.get("nonce") != self.nonce):
            self.problems.append("inline <script> without this request's nonce")


def problems(response):
    header = response["Content-Security-Policy"]
    match = re.search(r"'nonce-([^']+)'", header)
    parser = Inline(match and match.group(1))
    parser.feed(response.content.decode())
    return parser.problems


def simple_page_paths():
    """Every page of the site that takes no arguments (frontend, console, programs, policy…)."""
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and "<" not in str(pattern.pattern):
                paths.append("/" + prefix + str(pattern.pattern).lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted(p for p in set(paths) if not p.startswith(("/api/", "/admin/", "/i18n/", "/live/")))


@pytest.mark.parametrize("role", [None, Role.WORKER, Role.EMPLOYER, Role.CENTER_STAFF, Role.CITY_ADMIN])
def test_every_page_carries_the_policy_and_runs_no_script_it_would_refuse(client, role):
    people = {Role.WORKER: lambda: WorkerFactory().user, Role.EMPLOYER: lambda: EmployerFactory().owner,
              Role.CENTER_STAFF: lambda: CenterStaffFactory().user,
              Role.CITY_ADMIN: CityAdminFactory}
    if role is not None:
        client.force_login(people[role]())
    checked = 0
    for path in simple_page_paths():
        response = client.get(path)
        assert "Content-Security-Policy" in response, path
        if response.get("Content-Type", "").startswith("text/html"):
            assert problems(response) == [], path
            checked += 1
    assert checked >= 5


def test_a_gig_page_with_its_map_keeps_the_policy(client, settings):
    gig = GigFactory()
    response = client.get(f"/gigs/{gig.pk}/")
    assert response.status_code == 200 and problems(response) == []


def test_the_nonce_is_new_for_every_answer_and_the_inline_script_carries_it(client):
    first, second = client.get("/login/"), client.get("/login/")
    nonces = [re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 22
    assert f'<script nonce="{nonces[0]}">' in first.content.decode()


def test_the_policy_reads_as_the_issue_asks(client):
    header = client.get("/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in header.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self' 'nonce-")
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"
    assert "unsafe-eval" not in header


def test_map_tiles_are_allowed_from_their_own_origin_only(settings):
    settings.MAP_TILES_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    assert "img-src 'self' data: blob: https://*.tiles.example.org;" in policy("n")
    settings.MAP_TILES_URL = "https://tiles.example.org:8443/{z}/{x}/{y}.png"
    assert "img-src 'self' data: blob: https://tiles.example.org:8443;" in policy("n")


def test_json_answers_and_redirects_carry_it_too(client):
    assert "Content-Security-Policy" in client.get("/api/trades/")
    assert "Content-Security-Policy" in client.get("/me/gigs/")  # a redirect to the login page


def test_the_admin_and_the_api_docs_keep_scripts_to_our_origin_and_may_only_inline_styles(client):
    staff = CityAdminFactory()
    client.force_login(staff)
    for path in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{staff.pk}/change/", "/api/docs/"):
        response = client.get(path)
        assert response.status_code == 200, path
        header = response["Content-Security-Policy"]
        assert "style-src 'self' 'unsafe-inline'" in header and "script-src 'self' 'nonce-" in header
        scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())
        assert [s for s in scripts if "application/json" not in s] == [], path  # no inline scripts at all


def test_no_template_has_an_inline_script_without_the_nonce_an_inline_style_or_a_handler():
    offending = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", template.read_text(encoding="utf-8"), flags=re.S)
        for match in re.finditer(r"<script\b[^>]*>", text):
            tag = match.group(0)
            if "src=" not in tag and "application/json" not in tag and 'nonce="{{ request.csp_nonce }}"' not in tag:
                offending.append(f"{template}: {tag}")
        if re.search(r"<style\b|\sstyle=|\son[a-z]+=", text):
            offending.append(f"{template}: inline style or handler")
    assert offending == []


def test_only_in_development_may_error_pages_inline_scripts_and_styles(client, settings):
    settings.DEBUG = True  # Django's technical 404 page has its own <style>
    header = client.get("/nope/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in header and "style-src 'self' 'unsafe-inline'" in header
    assert "style-src 'self';" in client.get("/login/")["Content-Security-Policy"]
    settings.DEBUG = False
    not_found = client.get("/nope/")
    assert "script-src 'self' 'nonce-" in not_found["Content-Security-Policy"] and problems(not_found) == []
