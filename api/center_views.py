"""The service centers as GeoJSON (RFC 7946), for other maps: WGS-84 longitude/latitude, as the RFC requires."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from centers.selectors import centers_near
from zero_gig.timestamps import iso


def center_feature(row) -> dict:
    center, opening = row.center, row.opening
    return {
        "type": "Feature",
        "id": center.pk,
        "geometry": {"type": "Point", "coordinates": [round(center.longitude, 6), round(center.latitude, 6)]},
        "properties": {
            "name": center.name, "level": center.level, "region_code": center.region_code,
            "address": center.address, "opening_hours": center.opening_hours, "open_days": center.open_days,
            "open_now": opening.open_now if opening.known else None,
            "next_opening": iso(opening.next_opening) if opening.next_opening else None,
            "services": center.services, "amenities": center.amenities, "contact_phone": center.contact_phone,
            "is_demo": center.is_demo,
        },
    }


class CenterGeoJSON(APIView):
    """Every active center as a GeoJSON FeatureCollection; `open_now` is null when a center gave no hours."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="A GeoJSON FeatureCollection")})
    def get(self, request):
        collection = {"type": "FeatureCollection", "features": [center_feature(row) for row in centers_near(None)]}
        return Response(collection, content_type="application/geo+json")
