#pragma once
// A fast, exact proof that two polygons' interiors do not meet, for the overlap check of a land
// survey layer (private to the overlay). Neighbouring parcels of a clean tessellation share edges
// and vertices; asking GEOS for the relate matrix of every such pair costs tens of microseconds.
#include "overlay_clip_area.hpp"

namespace citycheck::spatial::detail {

// Most segment pairs tried (each segment near the other polygon's box against all of its
// segments); larger pairs are left to GEOS.
constexpr std::size_t DISJOINT_MAX_WORK = 1 << 16;

// True when the interiors of a and b (valid polygons, rings oriented as parse_polygonal_wkb leaves
// them) certainly do not intersect; false when they do or when it cannot be told cheaply (the
// caller then asks GEOS). Certain means: every segment of either boundary is an edge of the other
// in reverse (a shared edge, the two interiors on its two sides), or meets the other boundary at
// most in shared vertices and lies outside it; every sign it relies on is certified against
// rounding. Then neither boundary enters the other's interior and no interior lies in the other,
// so the interiors are disjoint.
bool interiors_certainly_disjoint(const Rings& a, const Rings& b);

}  // namespace citycheck::spatial::detail
