// coverage: the share of demand (zone land, demand polygons such as residential land, or
// population: a raster, census polygons or heat points) within reach of facilities, by straight-line or network distance
// (公园绿地服务半径覆盖率, 15-minute life-circle coverage, SDG 11.2.1, 消防救援5分钟可达).
// Numerator = covered demand, denominator = total demand per finest zone (m² or persons).
// The road graph is built once per (dataset, mode) per run and shared (network_inputs.hpp).
#include "network_inputs.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include <citycheck/core/error.hpp>
#include <citycheck/core/stopwatch.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/engine/population_source.hpp>
#include <citycheck/raster/demand_cells.hpp>

namespace citycheck::engine {

namespace {
constexpr double DEMAND_CELL_M = 10;  // demand grid; exact coverage fractions at zone/polygon edges
// Demand snapped once within this access distance (m) serves every walking life-circle reach (≤ 15 min).
constexpr double SHARED_SNAP_CAP_M = 2000;
constexpr double SERVICE_AREA_SIMPLIFY_CELLS = 0.5;  // service-area simplification, in demand cells

double default_speed_m_per_min(const std::string& mode) {
    if (mode == "walk") return 60;    // 3.6 km/h, INDICATORS.md (unconfirmed)
    if (mode == "bike") return 250;   // 15 km/h
    return 500;                       // drive: 30 km/h
}

// Population demand from census polygons (areal weighting) or heat/points: the run's population
// grid (population_source.hpp, cells of demand_cell_m), each cell's persons at its centre.
spatial::Demand population_demand(const IndicatorSpec& spec, const DatasetSource& ds,
                                  const spatial::ZonePolygons& zones) {
    const auto& p = spec.params;
    PopulationSource src = population_source_of(ds);
    src.count_field = p.value("demand_count_field", std::string());
    src.coords = spatial::parse_coord_system(p.value("demand_coords", std::string("wgs84")));
    const auto built = population_grid_from_source(src, zones.crs, zones.extent(), p.value("demand_cell_m", 100.0));
    const auto& g = built.grid.grid;
    spatial::ZoneLocator locate(zones);
    spatial::Demand d;
    d.is_area = false;
    // The population grid is square and north-up in the zones' CRS: its cells form the demand grid
    // of the service areas.
    d.grid = spatial::DemandGrid{g.x_of_col(0), g.y_of_row(0), g.x_of_col(1) - g.x_of_col(0), g.cols(), g.rows()};
    for (int r = 0; r < g.rows(); ++r)
        for (int c = 0; c < g.cols(); ++c) {
            const double v = built.grid.values[static_cast<std::size_t>(r) * g.cols() + c];
            if (!(v > 0)) continue;
            const spatial::Pt pt{g.x_of_col(c + 0.5), g.y_of_row(r + 0.5)};
            if (auto z = locate.locate(pt)) d.cells.push_back({pt, v, *z, static_cast<std::int64_t>(r) * g.cols() + c});
        }
    return d;
}

class Coverage : public Primitive {
  public:
    std::string name() const override { return "coverage"; }

    ZoneValues compute(const IndicatorSpec& spec, const RunContext& ctx) const override {
        const auto& p = spec.params;
        const bool network = p.value("metric", std::string("euclidean")) == "network";
        const std::string mode = p.value("mode", std::string("walk"));
        ZoneValues out;

        double reach = p.value("reach_m", 0.0);
        std::vector<spatial::ReachTier> tiers;
        if (p.contains("reach_by_area")) {
            for (const auto& t : p["reach_by_area"])
                tiers.push_back({t.at("min_m2").get<double>(), t.at("reach_m").get<double>()});
            std::sort(tiers.begin(), tiers.end(), [](const auto& a, const auto& b) { return a.min_area_m2 > b.min_area_m2; });
            // Point facilities have no area: they take the tier starting at 0 m², if any.
            for (const auto& t : tiers)
                if (t.min_area_m2 <= 0) reach = t.reach_m;
        }
        // reach_min on the network: travel minutes along edges at their class speeds (the mode
        // profile's table, overridden by speeds_kmh_by_class); one-way edges respected for drive.
        // With speed_m_per_min, or in straight lines, minutes become metres at one speed.
        const bool by_time = network && p.contains("reach_min") && p.value("speed_m_per_min", 0.0) <= 0;
        std::map<std::string, double> speeds;
        if (p.contains("speeds_kmh_by_class")) {
            for (auto it = p["speeds_kmh_by_class"].begin(); it != p["speeds_kmh_by_class"].end(); ++it) {
                if (!it.value().is_number()) throw UsageError("speeds_kmh_by_class." + it.key() + " must be a number (km/h)");
                speeds[it.key()] = it.value().get<double>();
            }
            if (!by_time) out.warnings.push_back("speeds_kmh_by_class applies to reach_min on the network only; ignored");
        }
        if (p.contains("reach_min")) {
            if (!tiers.empty()) throw UsageError("reach_min and reach_by_area cannot be combined");
            if (by_time) {
                reach = p["reach_min"].get<double>();  // in minutes: the graph's costs are minutes
            } else {
                double speed = p.value("speed_m_per_min", 0.0);
                if (speed <= 0) speed = default_speed_m_per_min(mode);
                reach = p["reach_min"].get<double>() * speed;
            }
        }

        const auto zones = shared_zone_polygons(ctx, p.value("within", std::string()));
        const auto& fac_ds = ctx.dataset_param(spec, "facilities");
        const auto facilities = spatial::read_facilities(fac_ds.path.string(), combined_where(fac_ds.where, p.value("where", std::string())),
                                                         zones->crs, reach, tiers, fac_ds.layer, fac_ds.coords);
        if (facilities.below_smallest_tier > 0)
            out.warnings.push_back(std::to_string(facilities.below_smallest_tier) + " facility polygons are smaller than the smallest tier and were dropped");

        // Demand and its network snap are built once per run and shared by every indicator over the
        // same zones and demand (the life-circle family), keyed by what they depend on.
        const std::string demand_kind = p.value("demand", std::string("zone_area"));
        const std::string within = p.value("within", std::string());
        std::string demand_key;
        std::shared_ptr<const spatial::Demand> demand_ptr;
        if (demand_kind == "zone_area") {
            demand_key = "demand:zone_area:" + within;
            demand_ptr = ctx.cache.get_or_build<spatial::Demand>(demand_key, [&] {
                return std::make_shared<const spatial::Demand>(spatial::zone_area_demand(*zones, DEMAND_CELL_M, raster::exact_cell_discretiser()));
            });
        } else {
            const auto& dds = ctx.dataset_param(spec, "demand_dataset");
            const std::string demand_where = combined_where(dds.where, p.value("demand_where", std::string()));
            if (demand_kind == "polygons") {
                demand_key = "demand:polygons:" + within + ":" + dds.path.string() + ":" + demand_where;
                demand_ptr = ctx.cache.get_or_build<spatial::Demand>(demand_key, [&] {
                    return std::make_shared<const spatial::Demand>(
                        spatial::polygon_demand(*zones, dds.path.string(), demand_where, DEMAND_CELL_M, "", raster::exact_cell_discretiser()));
                });
            } else if (is_raster_dataset(dds.path.string())) {
                demand_key = "demand:raster:" + within + ":" + dds.path.string();
                demand_ptr = ctx.cache.get_or_build<spatial::Demand>(demand_key, [&] {
                    return std::make_shared<const spatial::Demand>(spatial::raster_demand(*zones, dds.path.string()));
                });
            } else {
                demand_ptr = std::make_shared<const spatial::Demand>(population_demand(spec, dds, *zones));  // per indicator
            }
        }
        const spatial::Demand& demand = *demand_ptr;

        std::shared_ptr<const RoadNetwork> roads;
        std::shared_ptr<const spatial::RoadGraph> timed;
        const spatial::RoadGraph* graph = nullptr;
        spatial::CoverageOptions options;
        if (network) {
            const auto net_name = p.at("network").get<std::string>();
            const auto class_field = p.value("class_field", std::string());
            if (by_time) {
                timed = shared_travel_time_graph(ctx, net_name, mode, class_field, "", speeds);
                graph = timed.get();
            } else {
                roads = shared_road_network(ctx, net_name, mode, class_field, "");
                graph = &roads->graph;
            }
            options.network = true;
            options.island_nodes = static_cast<std::size_t>(p.value("island_nodes", 20));
        }
        std::shared_ptr<const spatial::DemandSnap> snap;
        if (network && !demand_key.empty()) {
            // One snap serves every reach up to its cap; a longer reach gets its own.
            const double cap = std::max(SHARED_SNAP_CAP_M, spatial::demand_access_max(*graph, facilities, options));
            char graph_id[32];
            std::snprintf(graph_id, sizeof graph_id, "%p", static_cast<const void*>(graph));
            snap = ctx.cache.get_or_build<spatial::DemandSnap>(
                "demand-snap:" + std::string(graph_id) + ":" + demand_key + ":" + std::to_string(options.largest_component_only) + ":" +
                    std::to_string(cap),
                [&] { return spatial::snap_demand(*graph, demand, options.largest_component_only, cap); });
        }
        const auto result = spatial::compute_coverage(facilities, demand, zones->ids.size(), graph, options, ctx.progress, snap.get());
        out.numerator.resize(result.zones.size());
        out.denominator.resize(result.zones.size());
        for (std::size_t i = 0; i < result.zones.size(); ++i) {
            out.numerator[i] = result.zones[i].covered;
            out.denominator[i] = result.zones[i].demand;
        }
        // Service areas for the report's maps, simplified at half a demand cell to shed the cell
        // staircase (the covered demand per zone is the exact numerator). Needs gridded demand.
        if (demand.grid) {
            Stopwatch clock;
            auto areas = std::make_shared<spatial::ServiceAreas>(
                spatial::service_areas(*zones, demand, result, SERVICE_AREA_SIMPLIFY_CELLS * demand.grid->cell));
            areas->facilities = spatial::facility_positions(facilities);
            std::size_t bytes = 0;
            for (const auto& w : areas->zone_wkb) bytes += w.size();
            log::debug(spec.id + ": service areas in " +
                       std::to_string(clock.lap()) + " s, " +
                       std::to_string(bytes / 1024) + " KiB WKB");
            out.service_areas = std::move(areas);
        }
        const auto& st = result.stats;
        if (st.facilities_on_islands > 0) {
            std::string fids;
            for (std::size_t k = 0; k < st.island_facility_fids.size() && k < 10; ++k)
                fids += (k ? ", " : "") + std::to_string(st.island_facility_fids[k]);
            out.warnings.push_back(std::to_string(st.facilities_on_islands) + " facilities lie nearest to a small network island (a component of fewer than " +
                                   std::to_string(options.island_nodes) + " nodes; feature ids " + fids +
                                   (st.island_facility_fids.size() > 10 ? ", …" : "") + "): check the road data there");
        }
        if (st.demand_on_islands > 0)
            out.warnings.push_back(std::to_string(st.demand_on_islands) + " demand cells (" + std::to_string(st.demand_on_islands_weight) +
                                   (demand.is_area ? " m²" : "") + ") lie nearest to a small network island (fewer than " +
                                   std::to_string(options.island_nodes) + " nodes)");
        if (network && result.stats.facilities_unsnapped > 0)
            out.warnings.push_back(std::to_string(result.stats.facilities_unsnapped) + " facilities are farther than " +
                                   std::to_string(static_cast<int>(options.facility_snap_max)) + " m from the network and were ignored");
        return out;
    }
};
}  // namespace

std::unique_ptr<Primitive> make_coverage_primitive() { return std::make_unique<Coverage>(); }

}  // namespace citycheck::engine
