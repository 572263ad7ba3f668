"""Content-Security-Policy on every answer: a page may run only our own scripts.

A small middleware rather than a library: the policy is one line per directive, the nonce is one random value
per request, and two paths need a policy of their own, which a path test here says more plainly than
exemptions spread over decorators.

- Pages: scripts only from our origin, plus an inline script that carries this request's nonce
  (`<script nonce="{{ request.csp_nonce }}">`; base.html has the one that marks what the browser can do before
  the first paint). No inline styles or `on…=` handlers anywhere: page styles live in static/frontend/*.css,
  and htmx's own indicator <style> is switched off by the `htmx-config` meta tag in base.html. Images from our
  origin, `data:`/`blob:` (QR codes, photo previews, Leaflet) and the map tiles' origin when MAP_TILES_URL is
  set. `connect-src 'self'` covers fetch and the same-origin WebSocket (CSP 3 lets 'self' match ws/wss).
  No framing (`frame-ancestors 'none'`), no <base> elsewhere, forms post only to us.
- /admin/: Django's admin has no inline scripts (5.2 loads its data through data- attributes), but
  admin/change_list.html writes a <style> element for lists without actions; so styles may be inline there.
  Only staff reach it; scripts stay 'self'.
- /api/docs/: Swagger UI (drf-spectacular-sidecar, served from our static files) has a <style> element in
  drf_spectacular/swagger_ui.html; its start-up script is served as a file of its own (SpectacularSwaggerSplitView),
  so scripts stay 'self' there too. Styles may be inline there, nothing else is relaxed.
  tests/frontend/test_csp_browser.py uses both in Chromium and fails on any violation.
- With DEBUG on, error answers (Django's technical 404 and 500 pages, which carry their own <style> and
  <script>) may inline both; never in production.
- JSON answers get the strict page policy, which forbids everything a browser could do with them.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings

HEADER = "Content-Security-Policy"
RELAXED_STYLE_PREFIXES = ("/admin/", "/api/docs/")


def _tiles_origin() -> str:
    url = getattr(settings, "MAP_TILES_URL", "") or ""
    parts = urlsplit(url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"))
    if parts.scheme in ("http", "https") and parts.netloc:
        host = parts.netloc
        original = urlsplit(url).netloc
        if "{s}" in original:  # Leaflet's subdomains: a.tile…, b.tile…, c.tile…
            host = "*." + host.split(".", 1)[1] if "." in host else host
        return f"{parts.scheme}://{host}"
    return ""


def policy(nonce: str, *, inline_styles: bool = False, inline_scripts: bool = False) -> str:
    images = ["'self'", "data:", "blob:"]
    tiles = _tiles_origin()
    if tiles:
        images.append(tiles)
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'", "'unsafe-inline'"] if inline_scripts else ["'self'", f"'nonce-{nonce}'"]),
        ("style-src", ["'self'", "'unsafe-inline'"] if inline_styles else ["'self'"]),
        ("img-src", images),
        ("connect-src", ["'self'"]),
        ("font-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("frame-ancestors", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
    ]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives)


class ContentSecurityPolicy:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # templates: <script nonce="{{ request.csp_nonce }}">
        response = self.get_response(request)
        if not response.has_header(HEADER):
            if settings.DEBUG and response.status_code >= 400:
                # Django's technical 404/500 pages (development only) carry their own <style> and <script>.
                response[HEADER] = policy(nonce, inline_styles=True, inline_scripts=True)
            else:
                response[HEADER] = policy(nonce, inline_styles=request.path.startswith(RELAXED_STYLE_PREFIXES))
        return response
