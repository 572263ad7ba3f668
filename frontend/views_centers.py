"""The public map of service centers: where they are, whether they are open now, what they offer."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from centers.models import CenterAmenity, CenterService
from centers.selectors import active_centers, centers_near, waiting_count
from jobs.models import PayUnit
from jobs.selectors import going_rates, hall_counts, hall_screen_gigs
from wages.selectors import fair_pay_of
from zero_gig.geo import Point

from . import labels
from .forms import FeedForm
from .gcj02 import amap_marker_url


def center_map(request):
    where = FeedForm(request.GET)  # only its lat/lng: the visitor's place, when the browser gave it
    here = None
    if where.is_valid() and where.cleaned_data.get("lat") is not None and where.cleaned_data.get("lng") is not None:
        here = Point(where.cleaned_data["lat"], where.cleaned_data["lng"])
    rows = centers_near(here)
    items = [{"row": row, "center": row.center,
              "services": [CenterService(code).label for code in row.center.services if code in CenterService.values],
              "amenities": [CenterAmenity(code).label for code in row.center.amenities
                            if code in CenterAmenity.values],
              "amap_url": amap_marker_url(row.center.latitude, row.center.longitude, row.center.name)}
             for row in rows]
    pins = [{"lat": row.center.latitude, "lng": row.center.longitude, "title": row.center.name,
             "url": f"#center-{row.center.pk}"} for row in rows]
    return render(request, "frontend/centers.html", {
        "items": items, "pins": pins, "here": here,
        "origin": {"lat": here.lat, "lng": here.lng} if here else None})


def hall_screen(request, pk: int):
    """The big screen in a center's hall: no login, nothing personal; the gig list re-renders live (the
    screen's socket says when) through `?part=gigs`."""
    center = get_object_or_404(active_centers(), pk=pk)
    rows = list(hall_screen_gigs(center.pk))
    fair = fair_pay_of(rows)  # one book for the whole screen
    gigs = [{"gig": gig, "trade": labels.trade_name(gig.category), "unit": labels.pay_unit_label(gig.pay_unit),
             "hours": labels.length_hours(gig), "fair": fair[gig.pk],
             "per_piece_or_job": gig.pay_unit in (PayUnit.PIECE, PayUnit.JOB)} for gig in rows]
    now = timezone.now()
    context = {"center": center, "gigs": gigs,
               "counts": {**hall_counts(center.pk, now), "waiting": waiting_count(center.pk, now)},
               "rates": [{"rate": rate, "trade": labels.trade_name(rate.trade),
                          "unit": labels.pay_unit_label(rate.pay_unit)} for rate in going_rates(center.pk)]}
    template = "frontend/centers/screen.html"
    if request.GET.get("part") == "gigs":
        template += "#live"
    return render(request, template, context)
