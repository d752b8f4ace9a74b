// citycheck ndvi IMAGE --red N --nir N -o ndvi.tif   (or --sensor sentinel2|landsat8|gf2)
#include "command_registry.hpp"

#include <iostream>
#include <memory>

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/raster/ndvi.hpp>

namespace citycheck::cli {

namespace {
void add_ndvi_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string image, sensor, output;
        int red = 0, nir = 0;
        long long window_cells = raster::DEFAULT_MAX_CELLS;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("ndvi", "NDVI = (NIR - Red) / (NIR + Red) as a tiled, compressed Float32 GeoTIFF");
    cmd->add_option("IMAGE", opts->image, "Multiband image")->required();
    cmd->add_option("--red", opts->red, "Red band number (from 1)");
    cmd->add_option("--nir", opts->nir, "Near-infrared band number (from 1)");
    cmd->add_option("--sensor", opts->sensor, "Band preset: sentinel2 (B4/B8), landsat8|landsat9 (B4/B5), gf1|gf2 (B3/B4)");
    cmd->add_option("--window-cells", opts->window_cells, "Cells per processing window (memory budget)")->capture_default_str();
    cmd->add_option("-o,--output", opts->output, "Output GeoTIFF (nodata -9999)")->required();
    cmd->callback([opts, &ctx] {
        ctx.action = [opts, &ctx] {
            raster::NdviBands bands;
            if (!opts->sensor.empty()) bands = raster::sensor_bands(opts->sensor);
            if (opts->red) bands.red = opts->red;
            if (opts->nir) bands.nir = opts->nir;
            if (!bands.red || !bands.nir) throw UsageError("give --red and --nir band numbers, or --sensor");
            const raster::Raster image(opts->image);
            raster::NdviWriteOptions options;
            options.max_cells = opts->window_cells;
            raster::write_ndvi(image, bands, opts->output, options, ctx.progress());
            log::info("wrote " + opts->output);
            return 0;
        };
    });
}

const CommandRegistration registration(20, "ndvi", add_ndvi_command);

}  // namespace

}  // namespace citycheck::cli
