// Polygon × cell overlap areas: exact coverage fractions × cell area; GEOS intersection as a check.
#include <citycheck/raster/cell_overlap.hpp>
#include <citycheck/raster/coverage.hpp>

#include <algorithm>
#include <cmath>

namespace citycheck::raster {

Window cells_touching(const Grid& grid, const spatial::Box& box) {
    const auto& gt = grid.transform();
    const double w = gt[1], h = -gt[5];
    const auto clampi = [](double v, int lo, int hi) { return static_cast<int>(std::clamp(v, double(lo), double(hi))); };
    const int c0 = clampi(std::floor((box.xmin - gt[0]) / w), 0, grid.cols());
    const int c1 = clampi(std::ceil((box.xmax - gt[0]) / w), 0, grid.cols());
    const int r0 = clampi(std::floor((gt[3] - box.ymax) / h), 0, grid.rows());
    const int r1 = clampi(std::ceil((gt[3] - box.ymin) / h), 0, grid.rows());
    return Window{c0, r0, std::max(0, c1 - c0), std::max(0, r1 - r0)};
}

std::vector<CellArea> polygon_cell_areas(const spatial::GeosContext& ctx, const GEOSGeometry& polygon,
                                         const Grid& grid) {
    std::vector<CellArea> out;
    if (GEOSisEmpty_r(ctx.get(), &polygon) == 1) return out;
    const Coverage cov = compute_coverage(grid, polygon, ctx, CoverageMode::fractional);
    const double full = grid.cell_width() * grid.cell_height();
    const Window& w = cov.window;
    for (int r = 0; r < w.rows; ++r)
        for (int c = 0; c < w.cols; ++c) {
            const double f = cov.fractions[static_cast<std::size_t>(r) * w.cols + c];
            if (f > 0)
                out.push_back({static_cast<std::int64_t>(r + w.row_off) * grid.cols() + (c + w.col_off), f * full});
        }
    return out;
}

std::vector<CellArea> polygon_cell_areas_geos(const spatial::GeosContext& ctx, const GEOSGeometry& polygon,
                                              const Grid& grid) {
    std::vector<CellArea> out;
    if (GEOSisEmpty_r(ctx.get(), &polygon) == 1) return out;
    const spatial::Box env = ctx.envelope(polygon);
    const Window win = cells_touching(grid, env);
    if (win.cells() == 0) return out;
    const auto prepared = ctx.prepare(polygon);
    const double w = grid.cell_width(), h = grid.cell_height();
    const double full = w * h;
    for (int r = win.row_off; r < win.row_off + win.rows; ++r) {
        for (int c = win.col_off; c < win.col_off + win.cols; ++c) {
            const spatial::Box cell{grid.x_of_col(c), grid.y_of_row(r + 1), grid.x_of_col(c + 1), grid.y_of_row(r)};
            const auto box = ctx.make_box(cell);
            double area = 0;
            if (GEOSPreparedContains_r(ctx.get(), prepared.get(), box.get()) == 1) {
                area = full;
            } else if (GEOSPreparedIntersects_r(ctx.get(), prepared.get(), box.get()) == 1) {
                const auto piece = ctx.intersection(polygon, *box);
                area = ctx.area(*piece);
            }
            if (area > 0) out.push_back({static_cast<std::int64_t>(r) * grid.cols() + c, area});
        }
    }
    return out;
}

}  // namespace citycheck::raster
