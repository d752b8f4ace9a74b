#include <citycheck/raster/green_coverage.hpp>

#include <limits>

namespace citycheck::raster {

std::vector<GreenCoverageRow> green_coverage(const ValueSource& source, const ZoneSet& zones,
                                             const GreenCoverageOptions& options, const Progress& progress) {
    ZonalInput input;
    input.sources = {&source};
    StatSpec vegetated;
    if (options.classes.empty()) {
        vegetated.kind = StatKind::frac_ge;
        vegetated.threshold = options.threshold;
    } else {
        vegetated.kind = StatKind::frac_in;
        vegetated.classes = options.classes;
    }
    input.stats = {vegetated};
    const auto result = compute_zonal(input, zones, options.zonal, progress);
    warn_empty_zones(zones, result);
    std::vector<GreenCoverageRow> rows;
    for (std::size_t z = 0; z < zones.zones.size(); ++z) {
        const auto& a = result[z][0];
        GreenCoverageRow row;
        row.zone_id = zones.zones[z].id;
        row.vegetated_m2 = a.cond_area[0];
        row.zone_area_m2 = a.area;
        row.green_coverage_pct = a.area > 0 ? a.cond_area[0] / a.area * 100.0 : std::numeric_limits<double>::quiet_NaN();
        row.valid_frac = a.cover_all > 0 ? a.weight / a.cover_all : 0.0;
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace citycheck::raster
