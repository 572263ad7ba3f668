"""Locations: WGS-84 latitude/longitude plus H3 cells, owned in one place.

Every located thing (a gig site, a worker's home, a service center) stores its
WGS-84 point and the H3 cells that contain it at a few resolutions, in indexed
columns. Proximity search shortlists by cell (an index lookup) and geopy gives
the exact distance of what is left.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import h3
import h3.api.basic_int as h3_int
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from geographiclib.geodesic import Geodesic
from geopy.distance import ELLIPSOIDS

# Coarse cells for wide searches, fine cells for a neighbourhood.
H3_RESOLUTIONS = (5, 7, 9)

# Mainland China's bounding box (WGS-84), generous by a few tenths of a degree.
CHINA_LAT_RANGE = (18.0, 53.6)
CHINA_LNG_RANGE = (73.4, 135.1)


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float


# WGS-84 ellipsoid
_A = 6378137.0
_E2 = 6.69437999014e-3


def _metres_per_degree(lat: float) -> tuple[float, float]:
    """(north-south, east-west) metres per degree at a latitude, from the ellipsoid's radii of curvature."""
    phi = math.radians(lat)
    s = math.sin(phi)
    w = 1 - _E2 * s * s
    meridional = _A * (1 - _E2) / (w * math.sqrt(w))
    normal = _A / math.sqrt(w)
    return math.radians(meridional), math.radians(normal * math.cos(phi))


def validate_point(lat, lng, lat_field: str = "latitude", lng_field: str = "longitude") -> None:
    """Raise a field-named ValidationError unless (lat, lng) is a WGS-84 point in mainland China."""
    errors: dict[str, list[str]] = {}
    try:
        lat = float(lat)
        if not math.isfinite(lat):
            raise ValueError
    except (TypeError, ValueError):
        errors[lat_field] = [_("Latitude must be a number.")]
    try:
        lng = float(lng)
        if not math.isfinite(lng):
            raise ValueError
    except (TypeError, ValueError):
        errors[lng_field] = [_("Longitude must be a number.")]
    if errors:
        raise ValidationError(errors)
    if not -90 <= lat <= 90:
        errors[lat_field] = [_("Latitude must be between -90 and 90.")]
    elif not CHINA_LAT_RANGE[0] <= lat <= CHINA_LAT_RANGE[1]:
        errors[lat_field] = [_("Latitude %(lat)s is outside mainland China (%(lo)s to %(hi)s).")
                             % {"lat": lat, "lo": CHINA_LAT_RANGE[0], "hi": CHINA_LAT_RANGE[1]}]
    if not -180 <= lng <= 180:
        errors[lng_field] = [_("Longitude must be between -180 and 180.")]
    elif not CHINA_LNG_RANGE[0] <= lng <= CHINA_LNG_RANGE[1]:
        errors[lng_field] = [_("Longitude %(lng)s is outside mainland China (%(lo)s to %(hi)s).")
                             % {"lng": lng, "lo": CHINA_LNG_RANGE[0], "hi": CHINA_LNG_RANGE[1]}]
    if errors:
        raise ValidationError(errors)


def cells_for(lat: float, lng: float) -> dict[int, str]:
    """The H3 cell containing the point at each stored resolution."""
    return {res: h3.latlng_to_cell(lat, lng, res) for res in H3_RESOLUTIONS}


# geopy's WGS-84 geodesic and the geographiclib solver it measures with (geopy.distance.geodesic.measure calls
# this same `Inverse` for the distance alone). Called directly: geopy's parsing of every pair into its own Point
# objects was 40 % of each distance.
_SOLVER = Geodesic(ELLIPSOIDS["WGS-84"][0], ELLIPSOIDS["WGS-84"][2])  # (major axis in km, minor, flattening)


def distance_km(a: Point, b: Point) -> float:
    """Exact (ellipsoidal) distance in kilometres: geopy's `geodesic(a, b).km` to the last bit."""
    return _SOLVER.Inverse(a.lat, a.lng, b.lat, b.lng, Geodesic.DISTANCE)["s12"]


def covering_cells(center: Point, radius_km: float) -> tuple[int, tuple[str, ...]]:
    """Cells at one stored resolution that together cover the disc of `radius_km` around `center`.

    Picks the finest resolution that needs a modest number of cells, so that the
    shortlist is small and the IN (...) list stays short.
    """
    res, origin, k = _cover(center, radius_km)
    return res, _disk(h3.int_to_str(origin), k)


def _cover(center: Point, radius_km: float) -> tuple[int, int, int]:
    """The resolution, the centre's cell and the number of rings that cover the disc (geodesic km).

    A grid disc of k rings around a cell of edge e reaches (1.5 k + 0.5) e from that cell's centre in a
    regular hexagonal grid (to the nearest vertex of ring k + 1), less the point's own distance from the
    centre. H3's cells are neither regular nor of one size: cells in China are up to a tenth smaller than
    the world's average, so the scale is the origin cell's own (`_cell_scale`), and `COVER_SCALE_MARGIN`
    allows for cells shrinking across the disc (most near the icosahedron vertex off Dalian, 39.1°N
    122.3°E). tests/test_geo.py measures the real distance to ring k + 1 against this bound.
    """
    needed_km = radius_km * _SPHERE_STRETCH
    for res in reversed(H3_RESOLUTIONS):
        origin = h3_int.latlng_to_cell(center.lat, center.lng, res)
        scale_km, centre = _cell_scale(origin)
        offset_km = h3_int.great_circle_distance((center.lat, center.lng), centre, unit="km")
        k = max(0, math.ceil(((needed_km + offset_km) / (scale_km * COVER_SCALE_MARGIN) - 0.5) / 1.5))
        if 3 * k * (k + 1) + 1 <= 400 or res == H3_RESOLUTIONS[0]:
            return res, origin, k
    raise AssertionError("unreachable")


# h3 draws cells on a sphere of this radius from the same latitudes and longitudes that geopy measures on the
# WGS-84 ellipsoid. The sphere's distances are the longer by at most its radius over the ellipsoid's smallest
# radius of curvature (the meridional one at the southernmost latitude served): 0.47 %.
_SPHERE_KM = 6371.007180918475
_SPHERE_STRETCH = _SPHERE_KM / math.degrees(_metres_per_degree(CHINA_LAT_RANGE[0])[0] / 1000)

# The share of the origin cell's scale that a disc of rings is sure to keep out to its last ring. Measured
# worst over mainland China: 0.980 (resolution 5, 14 rings, by the pentagon); 0.985 within 11 rings.
COVER_SCALE_MARGIN = 0.97


@functools.lru_cache(maxsize=4096)
def _cell_scale(cell: int) -> tuple[float, tuple[float, float]]:
    """A cell's edge length as its grid spacing (km on h3's sphere), and its centre.

    The shorter of its shortest edge and its inradius × 2/√3 (equal in a regular hexagon): a cell squeezed
    across a vertex keeps its edges but not its inradius, one squeezed across an edge the other way round.
    """
    edge = min(h3_int.edge_length(e, unit="km") for e in h3_int.origin_to_directed_edges(cell))
    centre = h3_int.cell_to_latlng(cell)
    c = _unit_vector(*centre)
    corners = [_unit_vector(lat, lng) for lat, lng in h3_int.cell_to_boundary(cell)]
    # The distance from the centre to each side's great circle (no longer than to the side itself).
    sides = zip(corners, corners[1:] + corners[:1], strict=True)
    inradius = _SPHERE_KM * min(math.asin(min(1.0, abs(_dot(c, _normal(a, b))))) for a, b in sides)
    return min(edge, inradius * 2 / math.sqrt(3)), centre


def _unit_vector(lat: float, lng: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lng)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


def _dot(a, b) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _normal(a, b) -> tuple[float, float, float]:
    """The unit normal of the great circle through a and b."""
    n = (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])
    length = math.sqrt(_dot(n, n))
    return n[0] / length, n[1] / length, n[2] / length


@functools.lru_cache(maxsize=4096)
def _disk(origin: str, k: int) -> tuple[str, ...]:
    """The cells within k steps of a cell: the same for every search that starts in that cell."""
    return tuple(h3.grid_disk(origin, k))


# The finest stored resolution: every coarser cell is a run of consecutive ids at this one.
FINEST = H3_RESOLUTIONS[-1]


def covering_runs(center: Point, radius_km: float) -> tuple[tuple[str, str], ...]:
    """The disc's covering cells as runs of consecutive cell ids at the finest resolution, (first, last).

    An H3 id holds one 3-bit digit per resolution, so the descendants of a cell at a finer resolution
    are the ids between its first and its last descendant, and siblings follow one another. A disc's
    ~130 cells make ~25 runs: an index searches each run with one descent instead of each cell.
    The ids are the stored hexadecimal strings, all 15 characters long, so text order is number order.
    """
    return _runs(*_cover(center, radius_km))


_DIGIT_BITS = 3
_RES_SHIFT = 52


def _digit_shift(res: int) -> int:
    return _DIGIT_BITS * (15 - res)


_FINEST_SHIFT = _digit_shift(FINEST)
_FINEST_STEP = 1 << _FINEST_SHIFT


@functools.lru_cache(maxsize=4096)
def _runs(res: int, origin: int, k: int) -> tuple[tuple[str, str], ...]:
    cells = sorted(h3_int.grid_disk(origin, k))
    spans = iter(zip(cells, cells, strict=True) if res == FINEST else sorted(map(_descendant_span, cells)))
    runs = []
    first, last = next(spans)
    for lo, hi in spans:
        # The next id is the previous + one step, unless that digit was already 6 (ids skip digit 7).
        if lo == last + _FINEST_STEP or ((last >> _FINEST_SHIFT) & 7 == 6 and lo == _next_cell(last)):
            last = hi
        else:
            runs.append((format(first, "x"), format(last, "x")))
            first, last = lo, hi
    runs.append((format(first, "x"), format(last, "x")))
    return tuple(runs)


def _descendant_span(cell: int) -> tuple[int, int]:
    """A cell's first and last descendant at the finest resolution: its finer digits all 0, then all 6."""
    res = (cell >> _RES_SHIFT) & 0xF
    first = (cell & ~(0xF << _RES_SHIFT)) | (FINEST << _RES_SHIFT)
    last = first
    for r in range(res + 1, FINEST + 1):
        first &= ~(7 << _digit_shift(r))
        last = (last & ~(7 << _digit_shift(r))) | (6 << _digit_shift(r))
    return first, last


def _next_cell(cell: int) -> int | None:
    """The id of the next cell at the finest resolution (digits run 0–6), None past the base cell's last."""
    for r in range(FINEST, 0, -1):
        digit = (cell >> _digit_shift(r)) & 7
        if digit < 6:
            return cell + (1 << _digit_shift(r))
        cell &= ~(7 << _digit_shift(r))
    return None


def h3_field(res: int) -> str:
    return f"h3_r{res}"


class LocatedModel(models.Model):
    """A thing with a WGS-84 location and its H3 cells, refreshed on every save."""

    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    h3_r5 = models.CharField(_("H3 cell (resolution 5)"), max_length=16, editable=False, db_index=True)
    h3_r7 = models.CharField(_("H3 cell (resolution 7)"), max_length=16, editable=False, db_index=True)
    h3_r9 = models.CharField(_("H3 cell (resolution 9)"), max_length=16, editable=False, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_cells()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"latitude", "longitude"} & set(update_fields)):
            kwargs["update_fields"] = set(update_fields) | {h3_field(r) for r in H3_RESOLUTIONS}
        super().save(*args, **kwargs)

    @property
    def point(self) -> Point:
        return Point(self.latitude, self.longitude)

    def clean_fields(self, exclude=None):
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "latitude" not in errors and "longitude" not in errors:
            try:
                validate_point(self.latitude, self.longitude)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def refresh_cells(self) -> None:
        """Recompute the H3 columns; bulk_create callers must call this themselves."""
        for res, cell in cells_for(self.latitude, self.longitude).items():
            setattr(self, h3_field(res), cell)


def fast_distance_km(a: Point, b: Point) -> float:
    """Ellipsoidal distance on a local tangent plane: within a metre of geodesic up to ~50 km, ~100× faster.

    Used to rank many candidates; what is shown to people comes from `distance_km`.
    """
    per_lat, per_lng = _metres_per_degree((a.lat + b.lat) / 2)
    return math.hypot((b.lng - a.lng) * per_lng, (b.lat - a.lat) * per_lat) / 1000


def plane_error_km(km: float) -> float:
    """How far the plane's distance may stray from the geodesic at about `km` anywhere in mainland China.

    Measured worst: 3.1e-6 m × km³ (0.5 m at 55 km and 53.6°N, 25 m at 200 km); this is three times that and
    a metre. Searches by the plane reach this much further and leave the last word to the geodesic.
    """
    return 0.001 + 1e-8 * km ** 3


@dataclass(frozen=True)
class LocalPlane:
    """The tangent plane of `fast_distance_km` around one point, as arithmetic a database can run.

    Lets SQL rank rows by distance and stop at a page, so only the page comes back. The scale at the
    mid-latitude is linearised in the latitude difference (SQLite has no trigonometry). At Tongchuan's
    latitude it stays within 3 mm of the geodesic at 12 km and 0.2 m at 50 km (tests/test_geo.py).
    """

    lat: float
    lng: float
    per_lat: float
    per_lat_slope: float
    per_lng: float
    per_lng_slope: float

    @classmethod
    def around(cls, center: Point, step: float = 0.01) -> LocalPlane:
        # The mid-latitude moves half as fast as the far point: slope = ½ d(scale)/d(lat), by central difference.
        (north_lat, north_lng), (south_lat, south_lng) = (_metres_per_degree(center.lat + d) for d in (step, -step))
        per_lat, per_lng = _metres_per_degree(center.lat)
        return cls(center.lat, center.lng, per_lat, (north_lat - south_lat) / (4 * step),
                   per_lng, (north_lng - south_lng) / (4 * step))

    def squared_metres(self, point: Point) -> float:
        d_lat, d_lng = point.lat - self.lat, point.lng - self.lng
        north = d_lat * (self.per_lat + self.per_lat_slope * d_lat)
        east = d_lng * (self.per_lng + self.per_lng_slope * d_lat)
        return north * north + east * east

    def sql(self, lat_column: str, lng_column: str) -> tuple[str, list[float]]:
        """`squared_metres` as SQL over two columns, and its parameters in order."""
        north = f"(({lat_column} - %s) * (%s + %s * ({lat_column} - %s)))"
        east = f"(({lng_column} - %s) * (%s + %s * ({lat_column} - %s)))"
        north_params = [self.lat, self.per_lat, self.per_lat_slope, self.lat]
        east_params = [self.lng, self.per_lng, self.per_lng_slope, self.lat]
        return f"({north} * {north} + {east} * {east})", [*north_params, *north_params, *east_params, *east_params]
