"""The web pages. Thin: forms tidy the input, selectors read, services decide and write."""

import json
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from accounts import services as account_services
from accounts.exceptions import AccountLocked, SmsRateLimited
from accounts.models import Role, SmsCodePurpose
from api.throttles import LoginsPerAddress, SmsCodesPerAddress
from centers.selectors import active_centers
from gigreports.selectors import my_report_on
from jobs import rules
from jobs import services as job_services
from jobs.exceptions import Conflict
from jobs.models import Employer, HiringMode, PayUnit, average_rating
from jobs.selectors import (
    NearbyQuery,
    SiteAccess,
    employer_standing,
    gigs_visible_to,
    nearby_gigs,
    open_gig_count,
    trade_tree,
)
from wages.selectors import FairPayBook

from . import display, labels, reads
from .forms import FeedForm, LoginForm, SignupForm
from .gcj02 import amap_marker_url
from .templatetags.gigs import yuan


def home(request):
    return render(request, "frontend/home.html", {"centers": active_centers(), "open_gigs": open_gig_count()})


# --- Signing up and logging in ------------------------------------------------------------------

def _next_url(request, default: str) -> str:
    """Where to go back to: a path of this site only (redirect() would read anything else without a slash, such
    as "24:00", as the name of a URL pattern, and fail)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return default


def _within_address_limit(request, limit_class) -> bool:
    """The API's per-network-address limits, applied to the pages too."""
    limit = limit_class()
    if limit.allow_request(request, None):
        return True
    minutes = math.ceil((limit.wait() or 60) / 60)
    messages.error(request, limit.message % {"minutes": minutes})
    return False


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _send_code(request, form, purpose: str) -> None:
    """Text a code to the form's phone; the answer does not tell whether the phone has an account."""
    if not _within_address_limit(request, SmsCodesPerAddress):
        return
    try:
        account_services.request_sms_code(phone=form.cleaned_data["phone"], purpose=purpose)
    except SmsRateLimited as error:
        form.add_error(None, str(error.message))
    except ValidationError as error:
        _add_errors(form, error)
    else:
        messages.info(request, _("If this number can use it, a code is on its way. Type it in below."))


def _start_session(request, result):
    """Log in the web session, tied to the token logging in issued; the saved display preference comes along."""
    user = result.user
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    account_services.bind_token_to_session(request.session, result.token)
    default = reverse("feed") if user.role == Role.WORKER else reverse("home")
    response = redirect(_next_url(request, default))
    saved = reads.senior_preference(user)
    if saved is not None:
        display.remember(response, saved)
    elif display.SENIOR_COOKIE not in request.COOKIES:  # so that later pages need not ask the database
        display.remember(response, False)
    return response


def _has_code(form) -> bool:
    """Finishing needs the texted code (asking for one needs only the phone)."""
    if form.cleaned_data.get("code"):
        return True
    form.add_error("code", _("Type the 6-digit code from the text message, or ask for a code first."))
    return False


def login_page(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send_code":
            _send_code(request, form, SmsCodePurpose.LOGIN)
        elif _has_code(form) and _within_address_limit(request, LoginsPerAddress):
            try:
                result = account_services.log_in(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"],
                                                 device="web")
            except AccountLocked as error:
                form.add_error(None, str(error.message))
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _start_session(request, result)
    return render(request, "frontend/login.html", {"form": form, "next": _next_url(request, "")})


def signup_page(request):
    form = SignupForm(request.POST or None, initial={"role": request.GET.get("role", Role.WORKER)},
                      centers=active_centers())
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send_code":
            _send_code(request, form, SmsCodePurpose.SIGNUP)
        elif _has_code(form):
            data = form.cleaned_data
            latitude, longitude = form.home_point() if data["role"] == Role.WORKER else (None, None)
            try:
                result = account_services.sign_up(
                    phone=data["phone"], code=data["code"], role=data["role"], name=data["name"], device="web",
                    kind=data["kind"] or Employer.Kind.INDIVIDUAL, contact_name=data["name"],
                    credit_code=data["credit_code"] or None, latitude=latitude, longitude=longitude)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _start_session(request, result)
    return render(request, "frontend/signup.html", {"form": form, "next": _next_url(request, "")})


@require_POST
def logout_page(request):
    logout(request)
    messages.info(request, _("You have logged out."))
    response = redirect("home")
    # The pages the service worker kept for offline viewing were this person's: the browser drops them.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


# --- Display ------------------------------------------------------------------------------------

@require_POST
def senior_mode(request):
    on = request.POST.get("senior") == "on"
    if request.user.is_authenticated:
        reads.save_senior_preference(request.user, on)
    response = redirect(_next_url(request, reverse("home")))
    display.remember(response, on)
    return response


# --- Worker home: gigs near me ------------------------------------------------------------------

def _origin(request, form) -> tuple[float, float, str]:
    """Where to search from: the browser's location when it gave one, else the worker's home, else the city."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if data.get("lat") is not None and data.get("lng") is not None:
        return data["lat"], data["lng"], "here"
    home_point = reads.worker_home_point(request.user)
    if home_point:
        return *home_point, "home"
    return *reads.city_center_point(), "city"


def _card(gig, distance_km: float, book: FairPayBook) -> dict:
    """A gig as a card; its pin is the public place (a household's is approximate: see Gig.place_at).

    A feed page draws twenty cards, so the card's figures and sentences are formatted here, once, in Python (the
    template language's blocktranslate costs about ten times more): the same catalog entries and number formats
    the template tags used, values escaped by the template as before."""
    lat, lng = gig.latitude, gig.longitude
    starts = timezone.localtime(gig.starts_at)
    employer = gig.employer
    card = {"gig": gig, "distance_km": distance_km, "trade": labels.trade_name(gig.category),
            "pay": yuan(gig.pay_amount), "km": floatformat(distance_km, 1) if distance_km is not None else "",
            "starts": f"{starts.month}/{starts.day} {starts:%H:%M}", "starts_iso": starts.isoformat(),
            "unit": labels.pay_unit_label(gig.pay_unit), "estimate": labels.day_estimate(gig),
            "hours": labels.length_hours(gig), "pin": {"lat": lat, "lng": lng},
            "rating": average_rating(employer.rating_total, employer.rating_count),
            "fair": book.fair_pay(gig), "per_piece_or_job": gig.pay_unit in (PayUnit.PIECE, PayUnit.JOB)}
    hours = localize(card["hours"])
    card["length"] = _("%(hours)s h") % {"hours": hours}
    card["estimate_text"] = _("≈ ¥%(total)s for the whole %(hours)s h") % {
        "total": yuan(card["estimate"]), "hours": hours} if card["estimate"] else ""
    card["rating_text"] = _("%(score)s from %(count)s ratings") % {
        "score": localize(card["rating"]), "count": localize(employer.rating_count)} if employer.rating_count else ""
    card["say"] = _("%(trade)s, %(pay)s yuan %(unit)s, %(km)s kilometres away, starts %(start)s, "
                    "%(slots)s slots left.") % {"trade": card["trade"], "pay": card["pay"], "unit": card["unit"],
                                                "km": card["km"], "start": card["starts"],
                                                "slots": localize(gig.slots_left)}
    card["say"] += f" {card['fair'].words}." if card["fair"].words else ""
    return card


def feed(request):
    form = FeedForm(request.GET, trades=trade_tree())
    data = form.cleaned_data if form.is_valid() else {}
    latitude, longitude, source = _origin(request, form)
    radius = data.get("radius") or FeedForm.RADII[0]
    starts_after, starts_before = form.day_bounds() if data else (None, None)
    query = NearbyQuery(latitude=latitude, longitude=longitude, radius_km=radius,
                        trade_ids=[data["trade"]] if data.get("trade") else None,
                        pay_unit=data.get("pay_unit") or None, min_pay=data.get("min_pay"),
                        starts_after=starts_after, starts_before=starts_before, cursor=data.get("cursor") or None)
    try:
        page = nearby_gigs(query)
    except ValidationError:  # a stale cursor: show the first page
        query.cursor = None
        page = nearby_gigs(query)
    book = FairPayBook.load()
    cards = [_card(gig, distance, book) for gig, distance in page.results]
    wider = next((r for r in FeedForm.RADII if r > radius), None)
    params = request.GET.copy()
    params.pop("cursor", None)

    def with_params(**changes) -> str:
        changed = params.copy()
        for key, value in changes.items():
            changed[key] = value
        return f"{reverse('feed')}?{changed.urlencode()}"

    context = {
        "form": form, "cards": cards, "source": source,
        "filtered": bool(form.errors) or any(data.get(key) for key in ("trade", "pay_unit", "min_pay", "day")),
        "radius": radius, "view": data.get("view") or "list",
        "origin": {"lat": latitude, "lng": longitude},
        "pins": [dict(card["pin"], title=card["trade"], url=reverse("gig", args=[card["gig"].pk])) for card in cards],
        "wider_url": with_params(radius=wider) if wider else None, "wider": wider,
        "next_url": with_params(cursor=page.next_cursor) if page.next_cursor else None,
        "list_url": with_params(view="list"), "map_url": with_params(view="map"),
    }
    template = "frontend/feed.html#results" if request.htmx else "frontend/feed.html"
    return render(request, template, context)


# --- A gig ----------------------------------------------------------------------------------------

def _gig_or_404(request, pk: int):
    return get_object_or_404(gigs_visible_to(request.user), pk=pk)


def gig_page(request, pk: int):
    gig = _gig_or_404(request, pk)
    assignment = reads.my_assignment(request.user, gig)
    exact = SiteAccess(request.user).exact(gig)
    place = gig.site_point if exact else gig.point
    lat, lng = place.lat, place.lng
    context = {
        "gig": gig, "card": _card(gig, None, FairPayBook.load()),
        "assignment": assignment, "exact": exact,
        "standing": employer_standing(gig.employer), "rule_sentences": rules.cancellation_sentences(),
        "pin": {"lat": lat, "lng": lng, "title": labels.trade_name(gig.category)},
        "amap_url": amap_marker_url(lat, lng, labels.trade_name(gig.category)),
        "geo_url": f"geo:{lat:.6f},{lng:.6f}?q={lat:.6f},{lng:.6f}",
        "instant": gig.hiring_mode == HiringMode.INSTANT,
        # Workers report a gig (gigreports); anyone not logged in is asked to log in first.
        "may_report": not request.user.is_authenticated or request.user.role == Role.WORKER,
        "my_report": my_report_on(request.user, gig),
    }
    return render(request, "frontend/gig.html", context)


@require_POST
def take_gig(request, pk: int):
    """Take (instant hiring) or apply; the page then says plainly what happened and why."""
    detail = reverse("gig", args=[pk])
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={detail}")
    gig = _gig_or_404(request, pk)
    try:
        if gig.hiring_mode == HiringMode.INSTANT:
            job_services.accept_gig(gig, actor=request.user)
            messages.success(request, _("You took this gig. Be at the site on time and check in there."))
        else:
            job_services.apply_to_gig(gig, actor=request.user)
            messages.success(request, _("You applied. The employer will choose; you will get a message."))
    except Conflict as refusal:
        messages.error(request, str(refusal.message), extra_tags=f"code-{refusal.code}")
    except PermissionDenied as refusal:
        messages.error(request, str(refusal) or _("You may not take this gig."))
    return redirect(detail)


# --- Installable app ------------------------------------------------------------------------------

CACHE_VERSION = "1"  # bump to make every phone drop its cached shell

@require_GET
def manifest(request):
    icons = [{"src": static(f"frontend/icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
              "purpose": "any"} for size in (192, 512)]
    icons.append({"src": static("frontend/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"})
    body = {
        "name": _("zero-gig gig market"), "short_name": _("Gigs"), "lang": request.LANGUAGE_CODE,
        "start_url": reverse("feed"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#b0122a", "icons": icons,
        "description": _("Find gigs near you and take them; post gigs and see them fill."),
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """Served from the root so that it may look after every page."""
    shell = [static("frontend/app.css"), static("frontend/app.js"), static("frontend/icons/icon.svg"),
             reverse("offline")]
    body = render_to_string("frontend/sw.js", {
        "shell": json.dumps(shell), "offline": json.dumps(reverse("offline")),
        "kept_pages": json.dumps([reverse("feed"), "/inbox/"]), "version": json.dumps(CACHE_VERSION)})
    return HttpResponse(body, content_type="application/javascript; charset=utf-8")


def offline(request):
    return render(request, "frontend/offline.html")
