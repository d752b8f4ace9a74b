// citycheck network-info ROADS [--mode walk] [--json]
#include "command_registry.hpp"
#include "road_options.hpp"

#include <iostream>

#include <nlohmann/json.hpp>

#include <citycheck/spatial/road_graph.hpp>

namespace citycheck::cli {

namespace {
void add_network_info_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string roads;
        RoadFlags road;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("network-info", "Build the road graph and report nodes, edges, components and length by class");
    cmd->add_option("ROADS", opts->roads, "OSM PBF/XML or a line layer (GPKG, SHP, FileGDB)")->required();
    opts->road.add(cmd, "walk");
    cmd->add_flag("--json", opts->json, "Print JSON instead of text");
    cmd->callback([opts, &ctx] {
        ctx.action = [opts, &ctx] {
            auto progress = ctx.progress();
            progress.report(0.0, "reading roads");
            auto read = opts->road.read;
            read.target = opts->road.target();
            const auto lines = spatial::read_road_lines(opts->roads, read);
            progress.report(0.6, "building graph");
            const auto graph = spatial::build_road_graph(lines, opts->road.build);
            progress.report(1.0, "done");
            auto s = spatial::summarize(graph);
            s.lines = lines.lines.size();
            if (opts->json) {
                nlohmann::json j;
                j["mode"] = read.mode;
                j["crs"] = graph.crs().to_user_string();
                j["features_read"] = lines.features_read;
                j["features_kept"] = lines.features_kept;
                j["nodes"] = s.nodes;
                j["edges"] = s.edges;
                j["arcs"] = s.arcs;
                j["components"] = s.components;
                j["largest_component_nodes"] = s.largest_component_nodes;
                j["largest_component_share"] = s.largest_component_share;
                j["largest_component_length_share"] = s.largest_component_length_share;
                j["total_length_km"] = s.total_length_m / 1000;
                j["intersections"] = s.intersections;
                j["dead_ends"] = s.dead_ends;
                for (const auto& [cls, len] : s.length_by_class_m) j["length_by_class_km"][cls] = len / 1000;
                std::cout << j.dump(2) << '\n';
            } else {
                std::cout << "roads:        " << opts->roads << " (mode " << read.mode << ", CRS " << graph.crs().to_user_string() << ")\n"
                          << "features:     " << lines.features_kept << " kept of " << lines.features_read << " read\n"
                          << "nodes:        " << s.nodes << "\n"
                          << "edges:        " << s.edges << " (" << s.arcs << " directed arcs)\n"
                          << "components:   " << s.components << "; largest has " << s.largest_component_nodes << " nodes ("
                          << fmt_num(100 * s.largest_component_share, 2) << " % of nodes, "
                          << fmt_num(100 * s.largest_component_length_share, 2) << " % of length)\n"
                          << "length:       " << fmt_num(s.total_length_m / 1000, 3) << " km\n"
                          << "intersections: " << s.intersections << " (degree >= 3); dead ends: " << s.dead_ends << "\n"
                          << "length by class (km):\n";
                for (const auto& [cls, len] : s.length_by_class_m) std::cout << "  " << cls << ": " << fmt_num(len / 1000, 3) << "\n";
            }
            return 0;
        };
    });
}

const CommandRegistration registration(75, "network-info", add_network_info_command);

}  // namespace

}  // namespace citycheck::cli
