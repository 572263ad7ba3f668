"""Locations: validation of WGS-84 points, H3 cells on save, and covering cells for search."""

import math
import random

import h3
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import WANGYI, GigFactory, ServiceCenterFactory
from tests.geo_strategies import origins
from zero_gig.geo import (
    _SPHERE_STRETCH,
    H3_RESOLUTIONS,
    LocalPlane,
    Point,
    covering_cells,
    covering_runs,
    distance_km,
    plane_error_km,
    validate_point,
)

# Derandomized: the same examples on every run and in CI.
EVERYWHERE = settings(max_examples=150, derandomize=True, database=None, deadline=None)


@pytest.mark.parametrize(
    ("lat", "lng", "field", "words"),
    [
        (91, 109.0, "latitude", "between -90 and 90"),
        (-91, 109.0, "latitude", "between -90 and 90"),
        (35.0, 181, "longitude", "between -180 and 180"),
        (51.5, -0.12, "longitude", "outside mainland China"),  # London
        (10.0, 109.0, "latitude", "outside mainland China"),  # South China Sea, far south
        ("abc", 109.0, "latitude", "must be a number"),
        (float("nan"), 109.0, "latitude", "must be a number"),
    ],
)
def test_points_outside_range_or_china_are_refused_by_field(lat, lng, field, words):
    with pytest.raises(ValidationError) as error:
        validate_point(lat, lng)
    assert words in " ".join(error.value.message_dict[field])


def test_a_tongchuan_point_is_valid():
    validate_point(*WANGYI)


@pytest.mark.django_db
def test_saving_a_located_thing_stores_its_h3_cells_at_every_resolution():
    center = ServiceCenterFactory(latitude=35.1145, longitude=109.1000)
    for res in H3_RESOLUTIONS:
        stored = getattr(center, f"h3_r{res}")
        assert stored == h3.latlng_to_cell(35.1145, 109.1000, res)
        assert h3.get_resolution(stored) == res


@pytest.mark.django_db
def test_moving_a_gig_moves_its_cells_even_with_update_fields():
    gig = GigFactory()
    old_cell = gig.h3_r9
    gig.latitude, gig.longitude = 34.9089, 108.9805  # 耀州区
    gig.save(update_fields=["latitude", "longitude"])
    gig.refresh_from_db()
    assert gig.h3_r9 != old_cell
    assert gig.h3_r9 == h3.latlng_to_cell(34.9089, 108.9805, 9)


def test_distance_between_wangyi_and_yijun_is_about_37_km():
    assert 36 < distance_km(Point(*WANGYI), Point(35.3986, 109.1169)) < 38


@pytest.mark.parametrize("radius_km", [0.5, 3, 5, 12, 30, 50])
def test_covering_cells_contain_every_point_within_the_radius(radius_km):
    """No point inside the radius may fall outside the shortlist of cells (no missed gigs)."""
    rng = random.Random(radius_km)
    center = Point(*WANGYI)
    res, cells = covering_cells(center, radius_km)
    cells = set(cells)
    assert len(cells) <= 400
    for _ in range(2000):
        lat = center.lat + rng.uniform(-1, 1) * radius_km / 111
        lng = center.lng + rng.uniform(-1, 1) * radius_km / 91
        if distance_km(center, Point(lat, lng)) <= radius_km:
            assert h3.latlng_to_cell(lat, lng, res) in cells


def _vector(lat: float, lng: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lng)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def _cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _dot(a, b) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _angle(a, b) -> float:
    return math.atan2(math.sqrt(_dot(_cross(a, b), _cross(a, b))), _dot(a, b))


def _sphere_km_to_cell(p, cell) -> float:
    """The shortest great-circle distance from a point outside a cell to the cell, on h3's sphere: to the
    foot of the perpendicular on a side where it falls within the side, else to the nearer corner."""
    corners = [_vector(*corner) for corner in h3.cell_to_boundary(cell)]
    best = math.inf
    for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
        n = _cross(a, b)
        n = tuple(x / math.sqrt(_dot(n, n)) for x in n)
        foot = tuple(x - _dot(p, n) * y for x, y in zip(p, n, strict=True))
        if _dot(_cross(a, foot), n) >= 0 and _dot(_cross(foot, b), n) >= 0:
            best = min(best, abs(math.asin(_dot(p, n))))
        else:
            best = min(best, _angle(p, a), _angle(p, b))
    return best * 6371.007180918475


@EVERYWHERE
@given(origins(), st.floats(0.5, 55))
def test_no_cell_outside_the_cover_comes_within_the_radius(center, radius_km):
    """Measured to the nearest cell beyond the cover on h3's own sphere, at cell corners and edges anywhere in
    China. (The sphere overstates the geodesic by at most the stretch: the next test.)"""
    res, cells = covering_cells(center, radius_km)
    cover = set(cells)
    beyond = {neighbour for cell in cover for neighbour in h3.grid_disk(cell, 1)} - cover
    here = _vector(center.lat, center.lng)
    way_out_km = min(_sphere_km_to_cell(here, cell) for cell in beyond)
    assert way_out_km >= radius_km * _SPHERE_STRETCH, (res, len(cover), way_out_km)


@EVERYWHERE
@given(origins(), st.floats(0, 60), st.floats(0, 360))
def test_h3s_sphere_overstates_the_geodesic_by_at_most_the_stretch(center, km, bearing):
    far = geodesic(kilometers=km).destination((center.lat, center.lng), bearing)
    on_sphere = h3.great_circle_distance((center.lat, center.lng), (far.latitude, far.longitude), unit="km")
    assert on_sphere <= distance_km(center, Point(far.latitude, far.longitude)) * _SPHERE_STRETCH + 1e-12


@EVERYWHERE
@given(origins(), st.floats(0.5, 50), st.floats(0, 5), st.sampled_from([0, 1e-9, 1e-6, 1e-3]))
def test_points_just_inside_the_radius_all_round_are_in_covering_cells(center, radius_km, turn, short):
    """geopy's own circle, every 5°, just inside the radius."""
    res, cells = covering_cells(center, radius_km)
    for bearing in range(72):
        far = geodesic(kilometers=radius_km * (1 - short)).destination((center.lat, center.lng), bearing * 5 + turn)
        assert h3.latlng_to_cell(far.latitude, far.longitude, res) in cells, bearing * 5 + turn


@EVERYWHERE
@given(origins(), st.floats(0, 200), st.floats(0, 360))
def test_the_local_plane_strays_from_the_geodesic_less_than_its_stated_error(center, km, bearing):
    """Anywhere in China, out past any radius the rules may allow: the feed's margin around the plane's disc
    rests on it."""
    far = geodesic(kilometers=km).destination((center.lat, center.lng), bearing)
    point = Point(far.latitude, far.longitude)
    plane_km = math.sqrt(LocalPlane.around(center).squared_metres(point)) / 1000
    assert abs(plane_km - distance_km(center, point)) < plane_error_km(km)


@pytest.mark.parametrize("radius_km", [0.5, 1.5, 3.75, 12, 50])
def test_runs_of_cells_hold_exactly_the_fine_cells_of_the_covering_cells(radius_km):
    """The feed searches runs of res-9 ids: every fine cell of the cover is in one, and nothing else is."""
    rng = random.Random(radius_km)
    center = Point(*WANGYI)
    res, cells = covering_cells(center, radius_km)
    runs = covering_runs(center, radius_km)
    assert len(runs) < len(cells) or res < 9  # siblings join into runs
    assert all(first <= last for first, last in runs) and list(runs) == sorted(runs)

    def in_a_run(cell: str) -> bool:
        return sum(first <= cell <= last for first, last in runs) == 1

    for _ in range(3000):
        lat = center.lat + rng.uniform(-2, 2) * radius_km / 111
        lng = center.lng + rng.uniform(-2, 2) * radius_km / 91
        fine = h3.latlng_to_cell(lat, lng, 9)
        assert in_a_run(fine) == (h3.cell_to_parent(fine, res) in cells), (lat, lng)


@pytest.mark.parametrize(("radius_km", "tolerance_m"), [(1, 0.001), (5, 0.001), (12, 0.005), (50, 0.3)])
def test_the_local_plane_ranks_like_the_geodesic(radius_km, tolerance_m):
    """The feed ranks by the plane in SQL; it must agree with the exact distance to well under a metre."""
    rng = random.Random(radius_km)
    center = Point(*WANGYI)
    plane = LocalPlane.around(center)
    for _ in range(300):
        bearing, km = rng.uniform(0, 2 * math.pi), rng.uniform(0, radius_km)
        point = Point(center.lat + km * math.cos(bearing) / 111, center.lng + km * math.sin(bearing) / 91)
        assert abs(math.sqrt(plane.squared_metres(point)) - distance_km(center, point) * 1000) < tolerance_m


@pytest.mark.django_db
def test_the_database_computes_the_local_plane_as_python_does():
    center = Point(*WANGYI)
    gig = GigFactory(latitude=center.lat + 0.031, longitude=center.lng - 0.027)
    plane = LocalPlane.around(center)
    expression, params = plane.sql("latitude", "longitude")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {expression} FROM jobs_gig WHERE id = %s", [*params, gig.pk])
        (in_database,) = cursor.fetchone()
    assert in_database == pytest.approx(plane.squared_metres(gig.point), rel=1e-12)


@EVERYWHERE
@given(origins(), origins())
def test_distances_are_geopys_geodesic_to_the_last_bit(a, b):
    """zero_gig.geo calls geopy's solver without geopy's wrapping: the figure must not move at all."""
    assert distance_km(a, b) == geodesic((a.lat, a.lng), (b.lat, b.lng)).km
    assert distance_km(a, a) == 0.0
