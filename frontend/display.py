"""Senior mode (长辈版): a cookie for everyone, and a saved preference for people who log in."""

from . import reads

SENIOR_COOKIE = "zg_senior"
COOKIE_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days


def senior_mode(request) -> bool:
    if not hasattr(request, "_senior_mode"):
        cookie = request.COOKIES.get(SENIOR_COOKIE)
        request._senior_mode = cookie == "1" if cookie in ("0", "1") else bool(reads.senior_preference(request.user))
    return request._senior_mode


def remember(response, on: bool) -> None:
    response.set_cookie(SENIOR_COOKIE, "1" if on else "0", max_age=COOKIE_AGE, samesite="Lax", httponly=True)
