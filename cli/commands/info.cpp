// citycheck info DATASET [--json]
#include "command_registry.hpp"

#include <iostream>
#include <memory>

#include <citycheck/spatial/describe.hpp>

namespace citycheck::cli {

namespace {
void add_info_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string path;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("info", "Describe a raster or vector dataset: CRS, extent, bands or layers, fields, encoding");
    cmd->add_option("DATASET", opts->path, "File or folder (.tif, .jp2, .gpkg, .shp, .gdb, .geojson, .osm.pbf, .csv)")->required();
    cmd->add_flag("--json", opts->json, "Print JSON instead of text");
    cmd->callback([opts, &ctx] {
        ctx.action = [opts] {
            const auto summary = spatial::describe_dataset(opts->path);
            if (opts->json)
                std::cout << spatial::to_json(summary).dump(2) << '\n';
            else
                std::cout << spatial::to_text(summary);
            return 0;
        };
    });
}

const CommandRegistration registration(10, "info", add_info_command);

}  // namespace

}  // namespace citycheck::cli
