"""The public map of service centers: where they are, whether they are open now, what they offer."""

from django.shortcuts import render

from centers.models import CenterAmenity, CenterService
from centers.selectors import centers_near
from zero_gig.geo import Point

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
