// citycheck coverage --facilities F [--where SQL] --reach 500 [--network ROADS --mode walk]
//                    [--demand POLYGONS|RASTER|POINTS.csv [--demand-value FIELD]] --zones Z --id FIELD -o out.csv
#include "command_registry.hpp"
#include "road_options.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include <citycheck/core/log.hpp>
#include <citycheck/core/run_both.hpp>
#include <citycheck/core/stopwatch.hpp>
#include <citycheck/raster/demand_cells.hpp>
#include <citycheck/spatial/coverage.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/spatial/travel_time.hpp>

namespace citycheck::cli {

namespace {

bool has_extension(std::string path, std::initializer_list<const char*> exts) {
    std::transform(path.begin(), path.end(), path.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* e : exts) {
        const std::string s(e);
        if (path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0) return true;
    }
    return false;
}

bool is_point_layer(const std::string& path) {
    auto ds = spatial::open_dataset(path, spatial::DatasetKind::vector);
    if (ds->GetLayerCount() == 0) return false;
    const auto t = wkbFlatten(ds->GetLayer(0)->GetGeomType());
    return t == wkbPoint || t == wkbMultiPoint;
}

void add_coverage_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string facilities, facility_layer, where, tiers, network, demand, demand_value, demand_where, zones, zones_layer, id, output;
        std::string catchments, service_areas, distance_raster;
        std::string speeds, coords = "wgs84";
        double reach = 500;
        double reach_min = 0;
        double cell = 10;
        std::string cell_rule = "fractional";
        bool free_access = false;
        bool all_components = false;
        spatial::CoverageOptions cov;
        RoadFlags road;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("coverage", "Share of demand within reach of facilities (服务半径覆盖率 / 步行N分钟覆盖率), Euclidean or along the network");
    cmd->add_option("--facilities", opts->facilities, "Facility points or polygons (GPKG, SHP, GeoJSON, OSM PBF, CSV with lon/lat)")->required();
    cmd->add_option("--facility-layer", opts->facility_layer, "Facility layer (OSM default: points and multipolygons)");
    cmd->add_option("--where", opts->where, "OGR SQL filter on the facilities, e.g. \"highway='bus_stop'\"");
    cmd->add_option("--reach", opts->reach, "Reach in metres (service radius or walking distance)")->capture_default_str();
    cmd->add_option("--reach-min", opts->reach_min, "Reach in minutes of travel along --network (edge time = length / its class speed; one-way respected for drive); replaces --reach");
    cmd->add_option("--speeds", opts->speeds, "Speeds by road class for --reach-min, over the mode profile's: CLASS:KMH,... e.g. primary:40,residential:20");
    cmd->add_option("--coords", opts->coords, "Datum of lon/lat facilities (CSV, GTFS, lon/lat layers): wgs84, gcj02 or bd09; converted to WGS84 on read")->capture_default_str();
    cmd->add_option("--reach-tiers", opts->tiers, "Reach by polygon area: MIN_M2:REACH_M,... or 'mohurd' (5000:500,2000:300); smaller polygons are dropped");
    cmd->add_option("--network", opts->network, "Road network: measure along it instead of straight lines");
    opts->road.add(cmd, "walk");
    cmd->add_option("--demand", opts->demand, "Demand: polygons (land area, e.g. residential land), a raster or points (population); default: zone area");
    cmd->add_option("--demand-value", opts->demand_value, "Field with counts (points; polygons: spread over their cells)");
    cmd->add_option("--demand-where", opts->demand_where, "OGR SQL filter on demand polygons (e.g. DLBM LIKE '07%')");
    cmd->add_option("--zones", opts->zones, "Zone polygons")->required();
    cmd->add_option("--id", opts->id, "Zone id field (default: feature id)");
    cmd->add_option("--zones-layer", opts->zones_layer, "Zone layer (default: the first)");
    cmd->add_option("-o,--output", opts->output, "Output table (.csv)")->required();
    cmd->add_option("--cell", opts->cell, "Demand grid cell in metres for area demand")->capture_default_str();
    cmd->add_option("--cell-rule", opts->cell_rule, "How polygons become demand cells: fractional (exact coverage fractions) or center")
        ->capture_default_str()->check(CLI::IsMember({"fractional", "center"}));
    cmd->add_option("--snap-max", opts->cov.facility_snap_max, "Facilities further than this from the network are unused (m)")->capture_default_str();
    cmd->add_option("--access-max", opts->cov.demand_access_max, "Demand further than this from the network is uncovered (m; default: the reach)");
    cmd->add_flag("--free-access", opts->free_access, "Access legs to and from the network do not count toward the distance");
    cmd->add_flag("--all-components", opts->all_components, "Snap onto every network component, not only the largest");
    cmd->add_option("--island-nodes", opts->cov.island_nodes, "Components below this many nodes are small islands: facilities and demand nearest to one are reported")->capture_default_str();
    cmd->add_option("--boundary-tolerance", opts->cov.boundary_tolerance, "Polygon facilities: edges within this distance of the boundary are entrances (m)")->capture_default_str();
    cmd->add_option("--boundary-sample", opts->cov.boundary_sample, "Polygon facilities: sample the boundary every N m instead");
    cmd->add_option("--catchments", opts->catchments, "Per-facility table (.csv): demand within reach and demand nearest");
    cmd->add_option("--service-areas", opts->service_areas, "Covered cells dissolved per zone (.gpkg or .geojson)");
    cmd->add_option("--distance-raster", opts->distance_raster, "Distance to the nearest facility within reach (.tif)");
    cmd->callback([opts, &ctx] {
        ctx.action = [opts, &ctx] {
            auto progress = ctx.progress();
            auto& cov = opts->cov;
            cov.network = !opts->network.empty();
            cov.count_access = !opts->free_access;
            cov.largest_component_only = !opts->all_components;
            cov.catchments = !opts->catchments.empty();
            cov.keep_distances = !opts->distance_raster.empty();
            std::vector<spatial::ReachTier> tiers;
            if (opts->tiers == "mohurd") tiers = spatial::mohurd_park_tiers();
            else if (!opts->tiers.empty()) tiers = spatial::parse_reach_tiers(opts->tiers);
            const bool by_time = opts->reach_min > 0;
            if (by_time && !cov.network) throw UsageError("--reach-min measures travel time along the network: add --network ROADS");
            if (by_time && !tiers.empty()) throw UsageError("--reach-min and --reach-tiers cannot be combined");
            if (!opts->speeds.empty() && !by_time) throw UsageError("--speeds applies to --reach-min");
            const double reach = by_time ? opts->reach_min : opts->reach;  // minutes on a time graph
            const auto coords = spatial::parse_coord_system(opts->coords);

            Stopwatch clock;  // stage times in the debug log
            double zones_s = 0, facilities_s = 0, demand_s = 0, roads_s = 0, graph_s = 0;  // written by one branch each
            progress.report(0.0, "reading zones");
            const auto zones = spatial::read_zones(opts->zones, opts->id, opts->road.target(), opts->zones_layer);
            zones_s = clock.lap();
            // A missing file fails now, in this order, not after the other inputs took their time.
            spatial::require_input_path(opts->facilities);
            if (!opts->demand.empty()) spatial::require_input_path(opts->demand);
            if (cov.network) spatial::require_input_path(opts->network);
            progress.report(0.05, cov.network ? "reading facilities, demand and roads" : "reading facilities and demand");
            // Facilities, demand and roads are read at the same time (reading an OSM file or a layer
            // is mostly serial work); errors come after all finished, in that order.
            const auto cells = opts->cell_rule == "center" ? spatial::centre_sampling() : raster::exact_cell_discretiser();
            spatial::FacilitySet facilities;
            spatial::Demand demand;
            std::string unit = "area_m2";
            std::optional<spatial::RoadGraph> graph;
            run_both(
                [&] {
                    Stopwatch watch;
                    facilities = spatial::read_facilities(opts->facilities, opts->where, zones.crs, reach, tiers, opts->facility_layer, coords);
                    facilities_s = watch.lap();
                },
                [&] {
                    run_both(
                        [&] {
                            Stopwatch watch;
                            if (opts->demand.empty()) {
                                demand = spatial::zone_area_demand(zones, opts->cell, cells);
                            } else if (has_extension(opts->demand, {".tif", ".tiff", ".img", ".vrt", ".asc"})) {
                                demand = spatial::raster_demand(zones, opts->demand);
                                unit = "population";
                            } else if (has_extension(opts->demand, {".csv"}) || is_point_layer(opts->demand)) {
                                demand = spatial::point_demand(zones, opts->demand, opts->demand_value);
                                unit = opts->demand_value.empty() ? "points" : opts->demand_value;
                            } else {
                                demand = spatial::polygon_demand(zones, opts->demand, opts->demand_where, opts->cell, opts->demand_value, cells);
                                if (!opts->demand_value.empty()) unit = opts->demand_value;
                            }
                            demand_s = watch.lap();
                        },
                        [&] {
                            if (!cov.network) return;
                            Stopwatch watch;
                            auto read = opts->road.read;
                            read.target = zones.crs;
                            const auto lines = spatial::read_road_lines(opts->network, read);
                            roads_s = watch.lap();
                            graph = spatial::build_road_graph(lines, opts->road.build);
                            graph_s = watch.lap();
                            if (by_time) spatial::use_travel_time(*graph, spatial::mode_profile(read.mode), spatial::parse_class_speeds(opts->speeds));
                        });
                });
            if (facilities.items.empty()) log::warning("no facilities matched; every zone gets 0 % coverage");
            if (facilities.below_smallest_tier)
                log::info(fmt::format("{} polygons are smaller than the smallest reach tier and were not used", facilities.below_smallest_tier));
            const double inputs_s = clock.lap();
            const auto result = spatial::compute_coverage(facilities, demand, zones.ids.size(), graph ? &*graph : nullptr, cov,
                                                          progress.scaled(0.3, 0.95));
            const auto& st = result.stats;
            log::debug(fmt::format("coverage: read zones {:.2f} s; facilities {:.2f} s and demand {:.2f} s while roads were read {:.2f} s and "
                                   "built into a graph {:.2f} s (all {:.2f} s); snap {:.2f} s, search {:.2f} s, evaluate {:.2f} s, "
                                   "catchments {:.2f} s, aggregate {:.2f} s",
                                   zones_s, facilities_s, demand_s, roads_s, graph_s, inputs_s, st.snap_seconds, st.search_seconds,
                                   st.evaluate_seconds, st.catchment_seconds, st.aggregate_seconds));
            log::info(fmt::format("{} facilities ({} not within --snap-max of the network), {} access points; {} demand cells ({} not within --access-max)",
                                  st.facilities, st.facilities_unsnapped, st.access_points, st.demand_cells, st.demand_unsnapped));
            if (st.facilities_on_islands > 0) {
                std::string fids;
                for (std::size_t k = 0; k < st.island_facility_fids.size(); ++k) fids += (k ? "," : "") + std::to_string(st.island_facility_fids[k]);
                log::warning(fmt::format("{} facilities lie nearest to a small network island (fewer than {} nodes; {} such components): feature ids {}",
                                         st.facilities_on_islands, cov.island_nodes, st.island_components, fids));
            }
            if (st.demand_on_islands > 0)
                log::warning(fmt::format("{} demand cells (weight {}) lie nearest to a small network island (fewer than {} nodes)",
                                         st.demand_on_islands, fmt_num(st.demand_on_islands_weight), cov.island_nodes));

            std::vector<std::vector<std::string>> rows;
            rows.push_back({"zone_id", "demand_" + unit, "covered_" + unit, "coverage_pct"});
            for (std::size_t z = 0; z < zones.ids.size(); ++z) {
                const auto& r = result.zones[z];
                rows.push_back({zones.ids[z], fmt_num(r.demand), fmt_num(r.covered), fmt_num(r.percent())});
            }
            write_csv(opts->output, rows);
            if (!opts->catchments.empty()) {
                std::vector<std::vector<std::string>> c;
                c.push_back({"facility_fid", by_time ? "reach_min" : "reach_m", "access_points", "demand_within_reach_" + unit, "demand_nearest_" + unit, "on_island"});
                for (const auto& f : result.catchments) {
                    const bool island = std::find(st.island_facility_fids.begin(), st.island_facility_fids.end(), f.fid) != st.island_facility_fids.end();
                    c.push_back({std::to_string(f.fid), fmt_num(f.reach), std::to_string(f.access_points), fmt_num(f.demand_within_reach),
                                 fmt_num(f.demand_nearest), island ? "1" : "0"});
                }
                write_csv(opts->catchments, c);
            }
            if (!opts->service_areas.empty()) spatial::write_service_areas(opts->service_areas, zones, demand, result);
            if (!opts->distance_raster.empty()) spatial::write_distance_raster(opts->distance_raster, zones.crs, demand, result);
            progress.report(1.0, "done");
            return 0;
        };
    });
}

const CommandRegistration registration(60, "coverage", add_coverage_command);

}  // namespace

}  // namespace citycheck::cli
