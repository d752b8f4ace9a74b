// Geometry helpers of the overlay: polygonal parts, reprojection of GEOS geometries, geodesic areas.
#include "overlay_internal.hpp"

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/overlay.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <geodesic.h>

namespace citycheck::spatial {

namespace {
const geod_geodesic& cgcs2000_ellipsoid() {
    // CGCS2000: a = 6378137 m, 1/f = 298.257222101 (GRS80), INDICATORS.md §7.1.
    static const geod_geodesic g = [] {
        geod_geodesic e{};
        geod_init(&e, 6378137.0, 1.0 / 298.257222101);
        return e;
    }();
    return g;
}

double ring_geodesic_area(std::vector<double>& lon, std::vector<double>& lat) {
    std::size_t n = lon.size();
    if (n > 1 && lon[0] == lon[n - 1] && lat[0] == lat[n - 1]) --n;  // geod_polygonarea closes the ring itself
    if (n < 3) return 0.0;
    double area = 0, perimeter = 0;
    geod_polygonarea(&cgcs2000_ellipsoid(), lat.data(), lon.data(), static_cast<int>(n), &area, &perimeter);
    return std::abs(area);
}
}  // namespace

double geodesic_ring_area(std::span<const double> lon, std::span<const double> lat) {
    std::vector<double> x(lon.begin(), lon.end()), y(lat.begin(), lat.end());
    return ring_geodesic_area(x, y);
}

namespace detail {

const Crs& cgcs2000_geographic() {
    static const Crs crs = Crs::from_epsg(4490);
    return crs;
}

namespace {
struct TransformState {
    const Transform* t;
    bool failed = false;
};
int transform_xy(double* x, double* y, void* userdata) {
    auto* s = static_cast<TransformState*>(userdata);
    try {  // no exception may cross GEOS' C frame
        s->t->apply(*x, *y);
        return std::isfinite(*x) && std::isfinite(*y) ? 1 : 0;
    } catch (...) {
        s->failed = true;
        return 0;
    }
}
}  // namespace

GeomPtr transform_geometry(const GeosContext& ctx, const GEOSGeometry& g, const Transform& t) {
    if (t.is_identity()) return ctx.clone(g);
    TransformState state{&t};
    GEOSGeometry* out = GEOSGeom_transformXY_r(ctx.get(), &g, &transform_xy, &state);
    if (!out || state.failed) {
        if (out) GEOSGeom_destroy_r(ctx.get(), out);
        throw InputError("coordinates could not be transformed to the working CRS (outside the CRS' area of use?)");
    }
    return ctx.own(out, "transform");
}

namespace {
double ring_area_projected(const GeosContext& ctx, const GEOSGeometry* ring, const Transform& to_lonlat,
                           std::vector<double>& x, std::vector<double>& y) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.get(), ring);
    ctx.check(seq != nullptr, "ring coordinates");
    unsigned int n = 0;
    ctx.check(GEOSCoordSeq_getSize_r(ctx.get(), seq, &n) == 1, "ring size");
    x.resize(n);
    y.resize(n);
    for (unsigned int i = 0; i < n; ++i) ctx.check(GEOSCoordSeq_getXY_r(ctx.get(), seq, i, &x[i], &y[i]) == 1, "ring coordinate");
    to_lonlat.apply(x, y);
    return ring_geodesic_area(x, y);
}
}  // namespace

double geodesic_area(const GeosContext& ctx, const GEOSGeometry& g, const Transform& to_lonlat) {
    const int type = GEOSGeomTypeId_r(ctx.get(), &g);
    std::vector<double> x, y;
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx.get(), &g) == 1) return 0.0;
        double a = ring_area_projected(ctx, GEOSGetExteriorRing_r(ctx.get(), &g), to_lonlat, x, y);
        const int holes = GEOSGetNumInteriorRings_r(ctx.get(), &g);
        for (int i = 0; i < holes; ++i) a -= ring_area_projected(ctx, GEOSGetInteriorRingN_r(ctx.get(), &g, i), to_lonlat, x, y);
        return a;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        double a = 0;
        const int n = GEOSGetNumGeometries_r(ctx.get(), &g);
        for (int i = 0; i < n; ++i) a += geodesic_area(ctx, *GEOSGetGeometryN_r(ctx.get(), &g, i), to_lonlat);
        return a;
    }
    return 0.0;  // points and lines have no area
}

}  // namespace detail
}  // namespace citycheck::spatial
