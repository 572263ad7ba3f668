"""Hypothesis strategies for places in mainland China, where H3's cells are awkward as well as anywhere."""

import h3
from hypothesis import strategies as st

from zero_gig.geo import H3_RESOLUTIONS, Point

# Where cells are smallest or most distorted, and the corners of the country.
AWKWARD_PLACES = (
    Point(35.0690, 109.0756),  # Tongchuan: a 3 km search reached only 2.82–2.98 km
    Point(39.9042, 116.4074),  # Beijing: 20 km reached 17.95 km
    Point(39.1, 122.3),  # an icosahedron vertex of H3 (a pentagon at every resolution), off Dalian
    Point(38.92, 121.61),  # Dalian, beside it
    Point(18.25, 109.50),  # Sanya, the southernmost city
    Point(52.97, 122.54),  # Mohe, the northernmost
    Point(39.47, 75.99),  # Kashgar, the westernmost
    Point(48.48, 134.99),  # Fuyuan, the easternmost
)


@st.composite
def origins(draw) -> Point:
    """A point anywhere in mainland China's latitudes and longitudes, or near an awkward place, and then often
    moved exactly onto a corner or an edge of the H3 cell it lies in, at one of the stored resolutions."""
    base = draw(st.one_of(
        st.sampled_from(AWKWARD_PLACES),
        st.builds(Point, st.floats(18.2, 53.4), st.floats(73.6, 134.9)),
    ))
    nudge = draw(st.tuples(st.floats(-0.3, 0.3), st.floats(-0.3, 0.3)))
    base = Point(min(53.5, max(18.1, base.lat + nudge[0])), base.lng + nudge[1])
    where = draw(st.sampled_from(("inside", "corner", "edge")))
    if where == "inside":
        return base
    corners = h3.cell_to_boundary(h3.latlng_to_cell(base.lat, base.lng, draw(st.sampled_from(H3_RESOLUTIONS))))
    i = draw(st.integers(0, len(corners) - 1))
    if where == "corner":
        return Point(*corners[i])
    (lat1, lng1), (lat2, lng2) = corners[i], corners[(i + 1) % len(corners)]
    t = draw(st.floats(0, 1))
    return Point(lat1 + t * (lat2 - lat1), lng1 + t * (lng2 - lng1))
