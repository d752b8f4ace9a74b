// Exact coverage fractions by edge walking (see coverage.hpp and docs/methods/exact-coverage.md).
#include <citycheck/core/error.hpp>
#include <citycheck/raster/coverage.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace citycheck::raster {

namespace {

// A vertex in window-local grid coordinates: c grows with columns, r with rows (cell = unit square).
struct Pt {
    double c, r;
};

struct Crossing {
    double t;
    int kind;  // 0: column line, 1: row line
    int k;     // the integer line crossed
};

struct RingInGrid {
    std::vector<Pt> pts;  // closed: pts.front() == pts.back()
    double factor = 1.0;  // sign that makes an exterior ring add and a hole subtract
};

// Converts rings to window-local grid coordinates and gives each ring the sign that makes its
// accumulated area positive for exteriors and negative for holes, whatever its orientation.
std::vector<RingInGrid> to_grid(const Grid& grid, std::span<const PolygonRings> polygons, const Window& w) {
    const auto& gt = grid.transform();
    std::vector<RingInGrid> out;
    for (const auto& poly : polygons) {
        for (std::size_t i = 0; i < poly.rings.size(); ++i) {
            const auto& xy = poly.rings[i];
            const std::size_t n = xy.size() / 2;
            if (n < 3) continue;
            RingInGrid ring;
            ring.pts.reserve(n + 1);
            for (std::size_t k = 0; k < n; ++k)
                ring.pts.push_back({(xy[2 * k] - gt[0]) / gt[1] - w.col_off, (xy[2 * k + 1] - gt[3]) / gt[5] - w.row_off});
            if (ring.pts.front().c != ring.pts.back().c || ring.pts.front().r != ring.pts.back().r)
                ring.pts.push_back(ring.pts.front());
            double s = 0;  // shoelace ∮ c dr
            for (std::size_t k = 0; k + 1 < ring.pts.size(); ++k)
                s += (ring.pts[k].c * ring.pts[k + 1].r - ring.pts[k + 1].c * ring.pts[k].r);
            if (s == 0) continue;  // degenerate ring: no area
            // The accumulation below totals −s for a ring; flip the sign so exteriors add and holes subtract.
            const bool exterior = i == 0;
            ring.factor = (s > 0 ? -1.0 : 1.0) * (exterior ? 1.0 : -1.0);
            out.push_back(std::move(ring));
        }
    }
    return out;
}

// Walks one edge through the cells of a rows × cols window, calling piece(a, b) for every part of
// the edge that lies in one cell. Split points on cell lines get the exact integer coordinate, so
// pieces tile the edge without gaps. Parts above/below the window and right of it are skipped
// (rows are independent; nothing right of the window matters); parts left of it are kept whole.
template <class F>
void walk_edge(Pt p0, Pt p1, int cols, int rows, std::vector<Crossing>& scratch, F&& piece) {
    if ((p0.r <= 0 && p1.r <= 0) || (p0.r >= rows && p1.r >= rows)) return;
    if (p0.c >= cols && p1.c >= cols) return;
    const double dc = p1.c - p0.c, dr = p1.r - p0.r;
    scratch.clear();
    if (dc != 0) {
        const double lo = std::min(p0.c, p1.c), hi = std::max(p0.c, p1.c);
        const int k0 = std::max(0, static_cast<int>(std::floor(lo)) + 1);
        const int k1 = std::min(cols, static_cast<int>(std::ceil(hi)) - 1);
        for (int k = k0; k <= k1; ++k) scratch.push_back({(k - p0.c) / dc, 0, k});
    }
    if (dr != 0) {
        const double lo = std::min(p0.r, p1.r), hi = std::max(p0.r, p1.r);
        const int k0 = std::max(0, static_cast<int>(std::floor(lo)) + 1);
        const int k1 = std::min(rows, static_cast<int>(std::ceil(hi)) - 1);
        for (int k = k0; k <= k1; ++k) scratch.push_back({(k - p0.r) / dr, 1, k});
    }
    std::sort(scratch.begin(), scratch.end(), [](const Crossing& a, const Crossing& b) { return a.t < b.t; });
    Pt a = p0;
    for (const auto& x : scratch) {
        if (x.t <= 0 || x.t >= 1) continue;
        Pt b{p0.c + x.t * dc, p0.r + x.t * dr};
        if (x.kind == 0)
            b.c = x.k;
        else
            b.r = x.k;
        piece(a, b);
        a = b;
    }
    piece(a, p1);
}

void check_window(const Grid& grid, const Window& w) {
    if (w.col_off < 0 || w.row_off < 0 || w.cols < 0 || w.rows < 0 || w.col_off + w.cols > grid.cols() ||
        w.row_off + w.rows > grid.rows())
        throw InternalError("coverage clip window lies outside the grid");
}

Window intersect(const Window& a, const Window& b) {
    const int c0 = std::max(a.col_off, b.col_off), r0 = std::max(a.row_off, b.row_off);
    const int c1 = std::min(a.col_off + a.cols, b.col_off + b.cols);
    const int r1 = std::min(a.row_off + a.rows, b.row_off + b.rows);
    if (c1 <= c0 || r1 <= r0) return {};
    return {c0, r0, c1 - c0, r1 - r0};
}

void fractional(const std::vector<RingInGrid>& rings, const Window& w, std::vector<double>& acc,
                std::vector<unsigned char>* touched) {
    const int cols = w.cols, rows = w.rows;
    std::vector<Crossing> scratch;
    for (const auto& ring : rings) {
        const double f = ring.factor;
        for (std::size_t i = 0; i + 1 < ring.pts.size(); ++i) {
            walk_edge(ring.pts[i], ring.pts[i + 1], cols, rows, scratch, [&](Pt a, Pt b) {
                const double rm = 0.5 * (a.r + b.r);
                if (rm < 0 || rm >= rows) return;
                const int row = static_cast<int>(rm);
                const double cm = 0.5 * (a.c + b.c);
                if (cm >= cols) return;
                double* line = acc.data() + static_cast<std::size_t>(row) * cols;
                const double dy = (b.r - a.r) * f;
                if (cm < 0) {
                    line[0] += dy;  // left of the window: the whole row strip to the right is affected
                    return;
                }
                const int col = std::min(cols - 1, static_cast<int>(cm));
                if (touched && (a.c != b.c || a.r != b.r)) (*touched)[static_cast<std::size_t>(row) * cols + col] = 1;
                // Trapezoid between the piece and the cell's right edge; the rest carries right.
                const double inside = dy * (col + 1 - cm);
                line[col] += inside;
                if (col + 1 < cols) line[col + 1] += dy - inside;
            });
        }
    }
    for (int r = 0; r < rows; ++r) {
        double* line = acc.data() + static_cast<std::size_t>(r) * cols;
        double run = 0;
        for (int c = 0; c < cols; ++c) {
            run += line[c];
            double v = run;
            if (v < 1e-12) v = 0;  // rounding residue outside the polygon
            if (v > 1) v = 1;
            line[c] = v;
        }
    }
}

// GDAL's scanline rule: a cell counts when its centre (c+0.5, r+0.5) is inside; an edge spans the
// scanline when ymin <= y < ymax; a span [xl, xr] fills cells with xl < c+0.5 <= xr.
void center(const std::vector<RingInGrid>& rings, const Window& w, std::vector<double>& out) {
    const int cols = w.cols, rows = w.rows;
    std::vector<std::vector<double>> xs(static_cast<std::size_t>(rows));
    for (const auto& ring : rings) {
        for (std::size_t i = 0; i + 1 < ring.pts.size(); ++i) {
            const Pt p0 = ring.pts[i], p1 = ring.pts[i + 1];
            if (p0.r == p1.r) continue;
            const Pt lo = p0.r < p1.r ? p0 : p1, hi = p0.r < p1.r ? p1 : p0;
            const int r0 = std::max(0, static_cast<int>(std::ceil(lo.r - 0.5)));
            const int r1 = std::min(rows - 1, static_cast<int>(std::ceil(hi.r - 0.5)) - 1);
            for (int r = r0; r <= r1; ++r) {
                const double y = r + 0.5;
                if (y < lo.r || y >= hi.r) continue;
                xs[r].push_back(lo.c + (y - lo.r) * (hi.c - lo.c) / (hi.r - lo.r));
            }
        }
    }
    for (int r = 0; r < rows; ++r) {
        auto& v = xs[r];
        std::sort(v.begin(), v.end());
        for (std::size_t i = 0; i + 1 < v.size(); i += 2) {
            const int c0 = std::max(0, static_cast<int>(std::floor(v[i] + 0.5)));
            const int c1 = std::min(cols, static_cast<int>(std::floor(v[i + 1] + 0.5)));
            for (int c = c0; c < c1; ++c) out[static_cast<std::size_t>(r) * cols + c] = 1.0;
        }
    }
}

void ring_coords(const GEOSGeometry* ring, const spatial::GeosContext& ctx, std::vector<double>& xy) {
    const auto* seq = GEOSGeom_getCoordSeq_r(ctx.get(), ring);
    unsigned int n = 0;
    ctx.check(seq != nullptr && GEOSCoordSeq_getSize_r(ctx.get(), seq, &n) != 0, "reading ring coordinates");
    xy.resize(2 * static_cast<std::size_t>(n));
    if (n) ctx.check(GEOSCoordSeq_copyToBuffer_r(ctx.get(), seq, xy.data(), 0, 0) != 0, "reading ring coordinates");
}

void collect_polygons(const GEOSGeometry* g, const spatial::GeosContext& ctx, std::vector<PolygonRings>& out) {
    const int type = GEOSGeomTypeId_r(ctx.get(), g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx.get(), g) == 1) return;
        PolygonRings p;
        p.rings.emplace_back();
        ring_coords(ctx.check(GEOSGetExteriorRing_r(ctx.get(), g), "exterior ring"), ctx, p.rings.back());
        const int holes = GEOSGetNumInteriorRings_r(ctx.get(), g);
        for (int i = 0; i < holes; ++i) {
            p.rings.emplace_back();
            ring_coords(ctx.check(GEOSGetInteriorRingN_r(ctx.get(), g, i), "interior ring"), ctx, p.rings.back());
        }
        out.push_back(std::move(p));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx.get(), g);
        for (int i = 0; i < n; ++i) collect_polygons(GEOSGetGeometryN_r(ctx.get(), g, i), ctx, out);
    }
}

}  // namespace

CoverageMode parse_coverage_mode(std::string_view text) {
    if (text == "fractional") return CoverageMode::fractional;
    if (text == "center" || text == "centre") return CoverageMode::center;
    if (text == "all-touched" || text == "all_touched") return CoverageMode::all_touched;
    throw UsageError("unknown pixel mode '" + std::string(text) + "': use fractional, center or all-touched");
}

std::string_view to_string(CoverageMode mode) noexcept {
    switch (mode) {
        case CoverageMode::fractional: return "fractional";
        case CoverageMode::center: return "center";
        case CoverageMode::all_touched: return "all-touched";
    }
    return "fractional";
}

double Coverage::sum() const noexcept {
    double s = 0;
    for (double v : fractions) s += v;
    return s;
}

Window window_for_box(const Grid& grid, const spatial::Box& b) {
    const auto& gt = grid.transform();
    const double ca = (b.xmin - gt[0]) / gt[1], cb = (b.xmax - gt[0]) / gt[1];
    const double ra = (b.ymin - gt[3]) / gt[5], rb = (b.ymax - gt[3]) / gt[5];
    const double clo = std::min(ca, cb), chi = std::max(ca, cb), rlo = std::min(ra, rb), rhi = std::max(ra, rb);
    if (!(chi >= 0 && rhi >= 0 && clo <= grid.cols() && rlo <= grid.rows())) return {};
    // Clamp in double before converting: coordinates far outside the grid must not overflow int.
    auto clampd = [](double v, int hi) { return static_cast<int>(std::clamp(v, 0.0, static_cast<double>(hi))); };
    const int c0 = clampd(std::floor(clo), grid.cols()), r0 = clampd(std::floor(rlo), grid.rows());
    int c1 = clampd(std::ceil(chi), grid.cols()), r1 = clampd(std::ceil(rhi), grid.rows());
    if (c1 == c0 && c0 < grid.cols()) c1 = c0 + 1;  // a box on a cell line still touches a cell
    if (r1 == r0 && r0 < grid.rows()) r1 = r0 + 1;
    if (c1 <= c0 || r1 <= r0) return {};
    return {c0, r0, c1 - c0, r1 - r0};
}

Coverage compute_coverage(const Grid& grid, std::span<const PolygonRings> polygons, CoverageMode mode,
                          std::optional<Window> clip) {
    spatial::Box box{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    bool any = false;
    for (const auto& p : polygons)
        for (const auto& ring : p.rings)
            for (std::size_t i = 0; i + 1 < ring.size(); i += 2) {
                box.xmin = std::min(box.xmin, ring[i]);
                box.xmax = std::max(box.xmax, ring[i]);
                box.ymin = std::min(box.ymin, ring[i + 1]);
                box.ymax = std::max(box.ymax, ring[i + 1]);
                any = true;
            }
    Coverage cov;
    if (!any) return cov;
    Window w = window_for_box(grid, box);
    if (clip) {
        check_window(grid, *clip);
        w = intersect(w, *clip);
    }
    if (w.cells() == 0) return cov;
    cov.window = w;
    cov.fractions.assign(static_cast<std::size_t>(w.cells()), 0.0);
    const auto rings = to_grid(grid, polygons, w);
    switch (mode) {
        case CoverageMode::fractional: fractional(rings, w, cov.fractions, nullptr); break;
        case CoverageMode::center: center(rings, w, cov.fractions); break;
        case CoverageMode::all_touched: {
            std::vector<unsigned char> touched(cov.fractions.size(), 0);
            fractional(rings, w, cov.fractions, &touched);
            // A cell the boundary does not cross is either wholly inside (≈1) or wholly outside (≈0).
            for (std::size_t i = 0; i < touched.size(); ++i)
                cov.fractions[i] = (touched[i] || cov.fractions[i] > 0.5) ? 1.0 : 0.0;
            break;
        }
    }
    return cov;
}

std::vector<PolygonRings> polygon_rings(const GEOSGeometry& geometry, const spatial::GeosContext& ctx) {
    std::vector<PolygonRings> out;
    collect_polygons(&geometry, ctx, out);
    return out;
}

Coverage compute_coverage(const Grid& grid, const GEOSGeometry& geometry, const spatial::GeosContext& ctx,
                          CoverageMode mode, std::optional<Window> clip) {
    const auto polys = polygon_rings(geometry, ctx);
    return compute_coverage(grid, std::span<const PolygonRings>(polys), mode, clip);
}

Coverage compute_coverage(const Grid& grid, std::span<const unsigned char> wkb, const spatial::GeosContext& ctx,
                          CoverageMode mode, std::optional<Window> clip) {
    const auto g = ctx.from_wkb(wkb);
    return compute_coverage(grid, *g, ctx, mode, clip);
}

}  // namespace citycheck::raster
