// Population primitives over zones.
#include <citycheck/raster/population_stats.hpp>

#include <algorithm>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::raster {

std::vector<ZoneCells> zone_cell_areas(std::span<const std::vector<unsigned char>> zones, const Grid& grid) {
    std::vector<ZoneCells> out(zones.size());
    tbb::enumerable_thread_specific<spatial::GeosContext> contexts;
    tbb::parallel_for(std::size_t{0}, zones.size(), [&](std::size_t i) {
        auto& ctx = contexts.local();
        const auto g = ctx.from_wkb(zones[i]);
        out[i].cells = polygon_cell_areas(ctx, *g, grid);
        out[i].zone_area_m2 = ctx.area(*g);
    });
    return out;
}

std::vector<double> land_share_from_polygons(std::span<const std::vector<unsigned char>> polygons, const Grid& grid) {
    std::vector<std::vector<CellArea>> per(polygons.size());
    tbb::enumerable_thread_specific<spatial::GeosContext> contexts;
    tbb::parallel_for(std::size_t{0}, polygons.size(), [&](std::size_t i) {
        auto& ctx = contexts.local();
        per[i] = polygon_cell_areas(ctx, *ctx.from_wkb(polygons[i]), grid);
    });
    std::vector<double> share(static_cast<std::size_t>(grid.cols()) * static_cast<std::size_t>(grid.rows()), 0.0);
    const double cell_m2 = grid.cell_width() * grid.cell_height();
    for (const auto& areas : per)
        for (const auto& a : areas) share[static_cast<std::size_t>(a.cell)] += a.area / cell_m2;
    for (double& s : share) s = std::min(s, 1.0);  // rounding (or overlapping parcels) never exceeds the cell
    return share;
}

std::vector<ZonePopulation> zone_population(const PopulationGrid& pop, std::span<const ZoneCells> zones,
                                            const DensityOptions& options) {
    if (!options.land_share.empty() && options.land_share.size() != pop.values.size())
        throw InternalError("zone_population: land_share does not match the grid");
    if (!(options.threshold_per_km2 >= 0)) throw UsageError("the density threshold must be a non-negative number");
    const double cell_m2 = pop.cell_area_m2();
    std::vector<ZonePopulation> out(zones.size());
    for (std::size_t z = 0; z < zones.size(); ++z) {
        auto& r = out[z];
        double persons = 0, above_m2 = 0;
        for (const auto& ca : zones[z].cells) {
            const auto c = static_cast<std::size_t>(ca.cell);
            const double v = pop.values[c];
            persons += v * (ca.area / cell_m2);
            const double share = options.land_share.empty() ? 1.0 : options.land_share[c];
            if (share <= 0) continue;
            const double density = v / (cell_m2 * share / 1e6);
            if (density > options.threshold_per_km2) above_m2 += ca.area * share;
        }
        r.population = persons;
        r.area_km2 = zones[z].zone_area_m2 / 1e6;
        r.density_per_km2 = r.area_km2 > 0 ? persons / r.area_km2 : 0;
        r.area_above_threshold_km2 = above_m2 / 1e6;
    }
    return out;
}

std::optional<double> population_weighted_coverage(const PopulationGrid& pop, std::span<const double> served,
                                                   const ZoneCells* zone) {
    if (served.size() != pop.values.size())
        throw InternalError("population_weighted_coverage: the served mask does not match the grid");
    double num = 0, den = 0;
    if (zone) {
        const double cell_m2 = pop.cell_area_m2();
        for (const auto& ca : zone->cells) {
            const auto c = static_cast<std::size_t>(ca.cell);
            const double p = pop.values[c] * (ca.area / cell_m2);
            num += p * served[c];
            den += p;
        }
    } else {
        for (std::size_t c = 0; c < served.size(); ++c) {
            num += pop.values[c] * served[c];
            den += pop.values[c];
        }
    }
    if (!(den > 0)) return std::nullopt;
    return num / den;
}

}  // namespace citycheck::raster
