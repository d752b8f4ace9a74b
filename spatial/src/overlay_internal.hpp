#pragma once
// Helpers shared by the overlay's loader and its zone loop (private to citycheck_spatial).
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::spatial::detail {

// The polygonal part of g (Polygon/MultiPolygon as is; polygons collected from a collection);
// null when nothing polygonal remains.

// g with every coordinate transformed; throws InputError if PROJ fails.
GeomPtr transform_geometry(const GeosContext& ctx, const GEOSGeometry& g, const Transform& t);

// Geodesic area on the CGCS2000 ellipsoid of a polygonal geometry in a projected CRS, using a
// transform from that CRS to lon/lat.
double geodesic_area(const GeosContext& ctx, const GEOSGeometry& g, const Transform& to_lonlat);

// CGCS2000 geographic (EPSG:4490), lon/lat order.
const Crs& cgcs2000_geographic();

}  // namespace citycheck::spatial::detail
