#include <citycheck/raster/coverage.hpp>
#include <citycheck/raster/demand_cells.hpp>

namespace citycheck::raster {

spatial::CellDiscretiser exact_cell_discretiser() {
    return [](const spatial::DemandGrid& g, const spatial::PolygonSet& poly,
              const std::function<void(std::int64_t, double)>& emit) {
        // PolygonSet parts (outer ring first, then holes) map one to one onto PolygonRings.
        std::vector<PolygonRings> parts;
        for (std::size_t p = 0; p < poly.part_begin.size(); ++p) {
            const std::size_t end = p + 1 < poly.part_begin.size() ? poly.part_begin[p + 1] : poly.rings.size();
            PolygonRings pr;
            for (std::size_t r = poly.part_begin[p]; r < end; ++r) {
                std::vector<double> xy;
                xy.reserve(poly.rings[r].size() * 2);
                for (const auto& pt : poly.rings[r]) xy.push_back(pt.x), xy.push_back(pt.y);
                pr.rings.push_back(std::move(xy));
            }
            parts.push_back(std::move(pr));
        }
        const Grid grid({g.x0, g.cell, 0, g.y0, 0, -g.cell}, g.cols, g.rows, spatial::Crs());
        const Coverage cov = compute_coverage(grid, parts, CoverageMode::fractional);
        for (int r = 0; r < cov.window.rows; ++r)
            for (int c = 0; c < cov.window.cols; ++c) {
                const double f = cov.fractions[static_cast<std::size_t>(r) * cov.window.cols + c];
                if (f > 0)
                    emit(static_cast<std::int64_t>(r + cov.window.row_off) * g.cols + (c + cov.window.col_off), std::min(f, 1.0));
            }
    };
}

}  // namespace citycheck::raster
