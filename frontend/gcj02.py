"""WGS-84 → GCJ-02, at the edge: Chinese map apps (AMap, Tencent) take GCJ-02; we store WGS-84.

The public formula of the GCJ-02 offset (Krasovsky ellipsoid), as in the well-known eviltransform and
coordtransform libraries; tests check it against their published pairs. Outside mainland China there is
no offset.
"""

import math
from urllib.parse import urlencode

_A = 6378245.0  # Krasovsky 1940 semi-major axis
_EE = 0.00669342162296594323  # its first eccentricity squared


def _outside_china(lat: float, lng: float) -> bool:
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset(x: float, y: float) -> tuple[float, float]:
    """The offset in metres-ish units for x = lng - 105, y = lat - 35."""
    shared = 20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
             + (shared + 20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)
                + 160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    d_lng = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
             + (shared + 20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)
                + 150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    return d_lat, d_lng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if _outside_china(lat, lng):
        return lat, lng
    d_lat, d_lng = _offset(lng - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * math.sqrt(magic)) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / math.sqrt(magic) * math.cos(rad) * math.pi)
    return lat + d_lat, lng + d_lng


def amap_marker_url(lat: float, lng: float, name: str) -> str:
    """A link that opens AMap (the app when installed, its web page otherwise) with a pin at a WGS-84 place."""
    gcj_lat, gcj_lng = wgs84_to_gcj02(lat, lng)
    return "https://uri.amap.com/marker?" + urlencode({
        "position": f"{gcj_lng:.6f},{gcj_lat:.6f}", "name": name, "coordinate": "gaode", "callnative": 1})
