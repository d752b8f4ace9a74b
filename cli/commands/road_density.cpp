// citycheck road-density ROADS --zones Z --id FIELD -o out.csv
#include "command_registry.hpp"
#include "road_options.hpp"

#include <iostream>

#include <citycheck/spatial/road_density.hpp>

namespace citycheck::cli {

namespace {
void add_road_density_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string roads, zones, id, output;
        RoadFlags road;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("road-density", "Road network density (km/km²) and intersection density per zone (城区道路网密度)");
    cmd->add_option("ROADS", opts->roads, "OSM PBF/XML or a line layer (GPKG, SHP, FileGDB)")->required();
    cmd->add_option("--zones", opts->zones, "Zone polygons")->required();
    cmd->add_option("--id", opts->id, "Zone id field (default: feature id)");
    cmd->add_option("-o,--output", opts->output, "Output table (.csv)")->required();
    opts->road.add(cmd, "drive");
    cmd->callback([opts, &ctx] {
        ctx.action = [opts, &ctx] {
            auto progress = ctx.progress();
            progress.report(0.0, "reading zones");
            const auto zones = spatial::read_zones(opts->zones, opts->id, opts->road.target());
            auto read = opts->road.read;
            read.target = zones.crs;
            progress.report(0.1, "reading roads");
            const auto lines = spatial::read_road_lines(opts->roads, read);
            progress.report(0.5, "building graph");
            const auto graph = spatial::build_road_graph(lines, opts->road.build);
            progress.report(0.7, "clipping");
            const auto result = spatial::road_density(lines, graph, zones);
            std::vector<std::vector<std::string>> rows;
            std::vector<std::string> header = {"zone_id", "area_km2", "road_length_km", "road_density_km_per_km2", "intersections",
                                               "intersection_density_per_km2"};
            for (const auto& c : result.classes) header.push_back("length_km_" + c);
            rows.push_back(header);
            for (std::size_t z = 0; z < zones.ids.size(); ++z) {
                const auto& r = result.zones[z];
                std::vector<std::string> row = {zones.ids[z], fmt_num(r.area_km2), fmt_num(r.length_km), fmt_num(r.density()),
                                                std::to_string(r.intersections), fmt_num(r.intersection_density())};
                for (double v : r.length_by_class_km) row.push_back(fmt_num(v));
                rows.push_back(std::move(row));
            }
            write_csv(opts->output, rows);
            progress.report(1.0, "done");
            return 0;
        };
    });
}

const CommandRegistration registration(70, "road-density", add_road_density_command);

}  // namespace

}  // namespace citycheck::cli
