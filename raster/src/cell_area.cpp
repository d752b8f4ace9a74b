#include <citycheck/core/error.hpp>
#include <citycheck/raster/cell_area.hpp>

#include <algorithm>
#include <cmath>

namespace citycheck::raster {

std::vector<double> cell_areas_m2(const Grid& grid) {
    if (grid.crs().empty())
        throw InputError("the raster has no CRS, so cell areas in m² are unknown; assign one (gdal_edit.py -a_srs EPSG:...)");
    std::vector<double> out(static_cast<std::size_t>(grid.rows()));
    if (!grid.crs().is_geographic()) {
        const double unit = grid.crs().linear_units_to_metre();
        const double a = std::abs(grid.cell_width() * grid.cell_height()) * unit * unit;
        std::fill(out.begin(), out.end(), a);
        return out;
    }
    const auto* srs = grid.crs().ogr();
    OGRErr err = OGRERR_NONE;
    const double a = srs->GetSemiMajor(&err);
    const double inv_f = srs->GetInvFlattening(&err);
    const double f = inv_f == 0 ? 0.0 : 1.0 / inv_f;
    const double e2 = f * (2 - f), e = std::sqrt(e2);
    // Snyder (1987) eq. 3-12: the area from the equator to latitude phi over dlon radians is
    // a² · dlon / 2 · q(phi). Cells are bounded by parallels and meridians, so this is exact.
    auto q = [&](double phi_deg) {
        const double s = std::sin(std::clamp(phi_deg, -90.0, 90.0) * M_PI / 180.0);
        if (e == 0) return 2 * s;
        return (1 - e2) * (s / (1 - e2 * s * s) - std::log((1 - e * s) / (1 + e * s)) / (2 * e));
    };
    // Geotransforms of geographic rasters are in degrees.
    const double dlon = std::abs(grid.cell_width()) * M_PI / 180.0;
    for (int r = 0; r < grid.rows(); ++r)
        out[static_cast<std::size_t>(r)] = a * a * dlon / 2 * std::abs(q(grid.y_of_row(r)) - q(grid.y_of_row(r + 1)));
    return out;
}

}  // namespace citycheck::raster
