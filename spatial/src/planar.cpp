#include <citycheck/spatial/planar.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace citycheck::spatial {

namespace {
double ring_signed_area(const Ring& r) {
    double a = 0;
    const std::size_t n = r.size();
    for (std::size_t i = 0; i < n; ++i) {
        const Pt& p = r[i];
        const Pt& q = r[(i + 1) % n];
        a += p.x * q.y - q.x * p.y;
    }
    return a / 2;
}
}  // namespace

double segment_distance(Pt p, Pt a, Pt b, double* t_out) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    double t = 0;
    if (len2 > 0) t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0);
    if (t_out) *t_out = t;
    const double ex = p.x - (a.x + t * dx), ey = p.y - (a.y + t * dy);
    return std::sqrt(ex * ex + ey * ey);  // not hypot: this is the hot loop of snapping
}

double polyline_length(std::span<const Pt> pts) {
    double s = 0;
    for (std::size_t i = 1; i < pts.size(); ++i) s += std::hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
    return s;
}

double PolygonSet::area() const {
    double total = 0;
    for (std::size_t p = 0; p < part_begin.size(); ++p) {
        const std::size_t end = p + 1 < part_begin.size() ? part_begin[p + 1] : rings.size();
        double a = std::abs(ring_signed_area(rings[part_begin[p]]));
        for (std::size_t r = part_begin[p] + 1; r < end; ++r) a -= std::abs(ring_signed_area(rings[r]));
        total += a;
    }
    return total;
}

double PolygonSet::perimeter() const {
    double s = 0;
    for (const auto& r : rings) {
        s += polyline_length(r);
        if (r.size() > 1 && !(r.front() == r.back())) s += std::hypot(r.front().x - r.back().x, r.front().y - r.back().y);
    }
    return s;
}

Box PolygonSet::envelope() const {
    Box b{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
          std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
    for (const auto& r : rings)
        for (const auto& p : r) {
            b.xmin = std::min(b.xmin, p.x);
            b.ymin = std::min(b.ymin, p.y);
            b.xmax = std::max(b.xmax, p.x);
            b.ymax = std::max(b.ymax, p.y);
        }
    return b;
}

bool PolygonSet::contains(Pt p) const {
    bool inside = false;
    for (const auto& r : rings) {
        const std::size_t n = r.size();
        for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
            const Pt& a = r[i];
            const Pt& b = r[j];
            if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) inside = !inside;
        }
    }
    return inside;
}

double PolygonSet::boundary_distance(Pt p) const {
    double best = std::numeric_limits<double>::infinity();
    for (const auto& r : rings) {
        const std::size_t n = r.size();
        for (std::size_t i = 0, j = n - 1; i < n; j = i++) best = std::min(best, segment_distance(p, r[j], r[i]));
    }
    return best;
}

void scan_fill(const PolygonSet& poly, double x0, double y0, double cell, int cols, int rows,
               const std::function<void(int, int, int)>& emit) {
    const Box env = poly.envelope();
    const int r0 = std::max(0, static_cast<int>(std::floor((y0 - env.ymax) / cell)));
    const int r1 = std::min(rows - 1, static_cast<int>(std::ceil((y0 - env.ymin) / cell)));
    std::vector<double> xs;
    for (int row = r0; row <= r1; ++row) {
        const double y = y0 - (row + 0.5) * cell;
        xs.clear();
        for (const auto& r : poly.rings) {
            const std::size_t n = r.size();
            for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
                const Pt& a = r[i];
                const Pt& b = r[j];
                if ((a.y > y) != (b.y > y)) xs.push_back((b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x);
            }
        }
        std::sort(xs.begin(), xs.end());
        for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
            // columns whose centre x0 + (c + 0.5) * cell lies in [xs[k], xs[k+1])
            const int c0 = std::max(0, static_cast<int>(std::ceil((xs[k] - x0) / cell - 0.5)));
            const int c1 = std::min(cols, static_cast<int>(std::ceil((xs[k + 1] - x0) / cell - 0.5)));
            if (c1 > c0) emit(row, c0, c1);
        }
    }
}

GeomPtr to_geos(const GeosContext& ctx, const PolygonSet& poly) {
    std::vector<GEOSGeometry*> parts;
    auto ring_geom = [&](const Ring& r) {
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx.get(), static_cast<unsigned>(r.size() + 1), 2);
        for (unsigned i = 0; i <= r.size(); ++i) GEOSCoordSeq_setXY_r(ctx.get(), seq, i, r[i % r.size()].x, r[i % r.size()].y);
        return GEOSGeom_createLinearRing_r(ctx.get(), seq);
    };
    for (std::size_t p = 0; p < poly.part_begin.size(); ++p) {
        const std::size_t end = p + 1 < poly.part_begin.size() ? poly.part_begin[p + 1] : poly.rings.size();
        GEOSGeometry* shell = ring_geom(poly.rings[poly.part_begin[p]]);
        std::vector<GEOSGeometry*> holes;
        for (std::size_t r = poly.part_begin[p] + 1; r < end; ++r) holes.push_back(ring_geom(poly.rings[r]));
        parts.push_back(GEOSGeom_createPolygon_r(ctx.get(), shell, holes.data(), static_cast<unsigned>(holes.size())));
    }
    GeomPtr multi = ctx.own(GEOSGeom_createCollection_r(ctx.get(), GEOS_MULTIPOLYGON, parts.data(), static_cast<unsigned>(parts.size())),
                            "zone polygon");
    if (!ctx.is_valid(*multi)) return ctx.make_valid(*multi);
    return multi;
}


}  // namespace citycheck::spatial
