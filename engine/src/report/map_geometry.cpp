// Screen projection and display simplification of zone polygons.
#include <citycheck/engine/report/map_geometry.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace citycheck::engine::report {

namespace {

// Appends one ring as "M x y L x y … Z" in px with one decimal, dropping repeated points.
std::size_t append_ring(const spatial::GeosContext& geos, const GEOSGeometry* ring, const MapFrame& f, std::string& d) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(geos.get(), ring);
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(geos.get(), seq, &n) || n < 4) return 0;
    long px = std::numeric_limits<long>::min(), py = px;
    std::size_t written = 0;
    char buf[48];
    for (unsigned int i = 0; i + 1 < n; ++i) {  // the closing point is Z
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(geos.get(), seq, i, &x, &y);
        const long ix = std::lround(f.x(x) * 10), iy = std::lround(f.y(y) * 10);
        if (ix == px && iy == py) continue;
        std::snprintf(buf, sizeof buf, "%c%ld.%ld %ld.%ld", written ? 'L' : 'M', ix / 10, std::labs(ix % 10), iy / 10, std::labs(iy % 10));
        d += buf;
        px = ix;
        py = iy;
        ++written;
    }
    if (written) d += 'Z';
    return written;
}

std::size_t count_vertices(const spatial::GeosContext& geos, const GEOSGeometry* g) {
    const int n = GEOSGetNumCoordinates_r(geos.get(), g);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

}  // namespace

namespace {
std::vector<spatial::GeomPtr> read_all(const spatial::GeosContext& geos, const std::vector<const std::vector<unsigned char>*>& wkbs) {
    std::vector<spatial::GeomPtr> geoms;
    for (const auto* wkb : wkbs) {
        spatial::GeomPtr g;
        if (wkb && !wkb->empty()) {
            try {
                g = geos.from_wkb(*wkb);
            } catch (const std::exception&) {
                g.reset();  // an unreadable geometry draws nothing
            }
        }
        if (g && GEOSisEmpty_r(geos.get(), g.get())) g.reset();
        geoms.push_back(std::move(g));
    }
    return geoms;
}

void draw_all(const spatial::GeosContext& geos, std::vector<spatial::GeomPtr>& geoms, double tolerance_px, ProjectedZones& out) {
    const auto& f = out.frame;
    const double tol = tolerance_px / f.scale;  // map units
    for (auto& g : geoms) {
        std::string d;
        if (g) {
            out.vertices_in += count_vertices(geos, g.get());
            GEOSGeometry* s = GEOSTopologyPreserveSimplify_r(geos.get(), g.get(), tol);
            spatial::GeomPtr simple = s ? geos.own(s, "simplify") : std::move(g);
            out.vertices_out += count_vertices(geos, simple.get());
            const int parts = GEOSGetNumGeometries_r(geos.get(), simple.get());
            for (int p = 0; p < parts; ++p) {
                const GEOSGeometry* poly = GEOSGetGeometryN_r(geos.get(), simple.get(), p);
                if (GEOSGeomTypeId_r(geos.get(), poly) != GEOS_POLYGON) continue;
                append_ring(geos, GEOSGetExteriorRing_r(geos.get(), poly), f, d);
                const int holes = GEOSGetNumInteriorRings_r(geos.get(), poly);
                for (int r = 0; r < holes; ++r) append_ring(geos, GEOSGetInteriorRingN_r(geos.get(), poly, r), f, d);
            }
        }
        out.paths.push_back(std::move(d));
    }
}
}  // namespace

ProjectedZones project_zones(const std::vector<const std::vector<unsigned char>*>& wkbs, double max_width, double max_height,
                             double tolerance_px) {
    spatial::GeosContext geos;
    ProjectedZones out;
    auto geoms = read_all(geos, wkbs);
    spatial::Box ext{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
                     std::numeric_limits<double>::lowest()};
    for (const auto& g : geoms)
        if (g) {
            const auto b = geos.envelope(*g);
            ext = {std::min(ext.xmin, b.xmin), std::min(ext.ymin, b.ymin), std::max(ext.xmax, b.xmax), std::max(ext.ymax, b.ymax)};
        }
    auto& f = out.frame;
    if (ext.xmin > ext.xmax) ext = {0, 0, 1, 1};
    f.extent = ext;
    const double w = std::max(ext.width(), 1e-9), h = std::max(ext.height(), 1e-9);
    f.scale = std::min((max_width - 2 * f.margin) / w, (max_height - 2 * f.margin) / h);
    f.width = w * f.scale + 2 * f.margin;
    f.height = h * f.scale + 2 * f.margin;
    draw_all(geos, geoms, tolerance_px, out);
    return out;
}

ProjectedZones project_in_frame(const std::vector<const std::vector<unsigned char>*>& wkbs, const MapFrame& frame, double tolerance_px) {
    spatial::GeosContext geos;
    ProjectedZones out;
    out.frame = frame;
    auto geoms = read_all(geos, wkbs);
    draw_all(geos, geoms, tolerance_px, out);
    return out;
}

}  // namespace citycheck::engine::report
