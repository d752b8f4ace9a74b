// citycheck zonal RASTER --zones Z [--id FIELD] --stats mean,sum,count,frac_gt:0.3 [--pixels MODE] [--band N] -o out
#include "command_registry.hpp"

#include <iostream>
#include <memory>

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/raster/align.hpp>
#include <citycheck/raster/zonal.hpp>

namespace citycheck::cli {

namespace {

// The CRS of output geometries: --out-crs "zones" (default: the zone layer's own CRS), "raster",
// or any CRS text (EPSG:4490, WKT, PROJ string).
spatial::Crs output_crs(const std::string& choice, const raster::ZoneSet& zones, const spatial::Crs& raster_crs) {
    if (choice.empty() || choice == "zones") return zones.source_crs.empty() ? raster_crs : zones.source_crs;
    if (choice == "raster") return raster_crs;
    return spatial::Crs::from_user_input(choice);
}

void add_zonal_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string raster, zones, id, layer, out_crs, stats = "count,mean", pixels = "fractional", output, weights;
        std::vector<int> bands{1};
        int weights_band = 1;
        bool align = false;
        long long window_cells = raster::DEFAULT_MAX_CELLS;
        std::size_t max_classes = raster::DEFAULT_MAX_CLASSES;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("zonal", "Statistics of a raster per zone, with exact pixel coverage fractions");
    cmd->add_option("RASTER", opts->raster, "Value raster (GeoTIFF, JP2, VRT, ...)")->required();
    cmd->add_option("--zones", opts->zones, "Zone polygons (.gpkg, .shp, .geojson, ...)")->required();
    cmd->add_option("--id", opts->id, "Zone id field (default: the feature id)");
    cmd->add_option("--layer", opts->layer, "Layer of the zone dataset (default: the first)");
    cmd->add_option("--stats", opts->stats,
                    "Comma-separated: count,sum,mean,min,max,stdev,majority,frac,frac_gt:X,frac_ge:X,frac_lt:X,frac_le:X,"
                    "frac_in:A,B,C,weighted_mean,weighted_sum,valid_frac,area")
        ->capture_default_str();
    cmd->add_option("--pixels", opts->pixels, "How cells count: fractional (exact coverage), center or all-touched")
        ->capture_default_str();
    cmd->add_option("--band", opts->bands, "Band number(s), from 1; several bands share one coverage computation")
        ->delimiter(',')
        ->capture_default_str();
    cmd->add_option("--weights", opts->weights, "Weight raster for weighted_mean/weighted_sum (e.g. population)");
    cmd->add_option("--weights-band", opts->weights_band, "Band of the weight raster")->capture_default_str();
    cmd->add_flag("--align", opts->align, "Resample the weight raster onto the value raster's grid (average) if they differ");
    cmd->add_option("--window-cells", opts->window_cells, "Cells per read window (memory budget)")->capture_default_str();
    cmd->add_option("--max-classes", opts->max_classes,
                    "Most distinct values per zone for majority/frac (categorical rasters); more is an error")
        ->capture_default_str();
    cmd->add_option("--out-crs", opts->out_crs,
                    "CRS of the zone geometries in .gpkg/.geojson output: zones (default: the zone layer's own), raster, or "
                    "a CRS such as EPSG:4490");
    cmd->add_option("-o,--output", opts->output, "Output table: .csv (zone_id first), .gpkg or .geojson")->required();
    cmd->callback([opts, &ctx] {
        ctx.action = [opts, &ctx] {
            const auto mode = raster::parse_coverage_mode(opts->pixels);
            raster::ZonalInput input;
            input.stats = raster::parse_stats(opts->stats);
            const raster::Raster values(opts->raster);
            std::vector<std::unique_ptr<raster::BandSource>> sources;
            for (int b : opts->bands) sources.push_back(std::make_unique<raster::BandSource>(values, b));
            for (const auto& s : sources) input.sources.push_back(s.get());
            std::unique_ptr<raster::Raster> weights;
            std::unique_ptr<raster::BandSource> weight_source;
            if (!opts->weights.empty()) {
                weights = std::make_unique<raster::Raster>(opts->weights);
                if (opts->align && !weights->grid().aligned_with(values.grid()))
                    weights = raster::align_to_grid(*weights, opts->weights_band, values.grid());
                weight_source = std::make_unique<raster::BandSource>(*weights, weights->path().rfind("/vsimem/", 0) == 0 ? 1 : opts->weights_band);
                input.weights = weight_source.get();
            }
            if (values.grid().crs().empty())
                throw InputError("the raster has no CRS; assign one (gdal_edit.py -a_srs EPSG:...)", {.file = opts->raster});
            spatial::GeosContext geos;
            const auto zones = raster::load_zones(opts->zones, opts->id, values.grid().crs(), geos, opts->layer);
            raster::ZonalOptions options;
            options.mode = mode;
            options.max_cells = opts->window_cells;
            options.max_classes = opts->max_classes;
            const auto result = raster::compute_zonal(input, zones, options, ctx.progress());
            raster::warn_empty_zones(zones, result);
            const auto table = raster::make_table(input, zones, result, options.max_classes);
            raster::write_zone_table(opts->output, table, &zones, output_crs(opts->out_crs, zones, values.grid().crs()));
            log::info("wrote " + std::to_string(table.zone_ids.size()) + " zones to " + opts->output);
            return 0;
        };
    });
}

const CommandRegistration registration(30, "zonal", add_zonal_command);

}  // namespace

}  // namespace citycheck::cli
