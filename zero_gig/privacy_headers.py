"""Headers every answer carries for the people it is about.

- `Cache-Control: no-store` on every answer to a logged-in person (pages and API alike, token callers included:
  DRF puts the token's user on the request), unless the view chose its own caching: a shared computer, a proxy
  or the browser's disk must not keep someone's gigs, pay or phone numbers. The service worker's offline copy
  of the feed and inbox is the page's own choice, kept in the Cache API, which this header does not govern.
- `Permissions-Policy`: the camera (QR scanning) and location (check-in, gigs near me) for our own pages only;
  nothing else a page could ask the phone for.
"""

# Only features browsers know: Chromium warns on every page about one it does not (it has no "bluetooth").
PERMISSIONS_POLICY = ("camera=(self), geolocation=(self), microphone=(), payment=(), usb=(), serial=(), "
                      "interest-cohort=()")


class PrivacyHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
