// citycheck green-coverage IMAGE --red N --nir N [--threshold 0.3] --zones Z --id FIELD [--mask BUILTUP] -o out
#include "command_registry.hpp"

#include <memory>

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/raster/green_coverage.hpp>

namespace citycheck::cli {

namespace {

// The CRS of output geometries: --out-crs "zones" (default: the zone layer's own CRS), "raster",
// or any CRS text (EPSG:4490, WKT, PROJ string).
spatial::Crs output_crs(const std::string& choice, const raster::ZoneSet& zones, const spatial::Crs& raster_crs) {
    if (choice.empty() || choice == "zones") return zones.source_crs.empty() ? raster_crs : zones.source_crs;
    if (choice == "raster") return raster_crs;
    return spatial::Crs::from_user_input(choice);
}

void add_green_coverage_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string image, sensor, zones, id, layer, out_crs, mask, water, output, pixels = "fractional";
        int red = 0, nir = 0, ndvi_band = 0, band = 1;
        double threshold = raster::DEFAULT_NDVI_THRESHOLD;
        std::vector<double> classes;
        long long window_cells = raster::DEFAULT_MAX_CELLS;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("green-coverage",
                                   "Green coverage (城市绿化覆盖率) per zone: vegetated area / zone area x 100, from NDVI or land cover");
    cmd->add_option("IMAGE", opts->image, "Multiband image, an NDVI raster (--ndvi-band) or a land-cover raster (--classes)")->required();
    cmd->add_option("--red", opts->red, "Red band number (from 1)");
    cmd->add_option("--nir", opts->nir, "Near-infrared band number (from 1)");
    cmd->add_option("--sensor", opts->sensor, "Band preset: sentinel2, landsat8, landsat9, gf1, gf2");
    cmd->add_option("--ndvi-band", opts->ndvi_band, "IMAGE already holds NDVI in this band");
    cmd->add_option("--threshold", opts->threshold, "Vegetated when NDVI >= threshold (no official value exists)")->capture_default_str();
    cmd->add_option("--classes", opts->classes, "Land-cover mode: vegetated classes, e.g. 10,20,30 for ESA WorldCover")->delimiter(',');
    cmd->add_option("--band", opts->band, "Band of the land-cover raster")->capture_default_str();
    cmd->add_option("--zones", opts->zones, "Zone polygons")->required();
    cmd->add_option("--id", opts->id, "Zone id field (default: the feature id)");
    cmd->add_option("--layer", opts->layer, "Layer of the zone dataset (default: the first)");
    cmd->add_option("--mask", opts->mask, "Polygons (e.g. the built-up area, 建成区) restricting numerator and denominator");
    cmd->add_option("--water", opts->water, "Water polygons removed from numerator and denominator");
    cmd->add_option("--pixels", opts->pixels, "fractional (exact coverage), center or all-touched")->capture_default_str();
    cmd->add_option("--window-cells", opts->window_cells, "Cells per read window (memory budget)")->capture_default_str();
    cmd->add_option("--out-crs", opts->out_crs,
                    "CRS of the zone geometries in .gpkg/.geojson output: zones (default: the zone layer's own), raster, or "
                    "a CRS such as EPSG:4490");
    cmd->add_option("-o,--output", opts->output, "Output table: .csv, .gpkg or .geojson")->required();
    cmd->callback([opts, &ctx] {
        ctx.action = [opts, &ctx] {
            raster::GreenCoverageOptions options;
            options.threshold = opts->threshold;
            options.classes = opts->classes;
            options.zonal.mode = raster::parse_coverage_mode(opts->pixels);
            options.zonal.max_cells = opts->window_cells;
            const raster::Raster image(opts->image);
            std::unique_ptr<raster::ValueSource> source;
            if (!opts->classes.empty()) {
                source = std::make_unique<raster::BandSource>(image, opts->band);
            } else if (opts->ndvi_band) {
                source = std::make_unique<raster::BandSource>(image, opts->ndvi_band);
            } else {
                raster::NdviBands bands;
                if (!opts->sensor.empty()) bands = raster::sensor_bands(opts->sensor);
                if (opts->red) bands.red = opts->red;
                if (opts->nir) bands.nir = opts->nir;
                if (!bands.red || !bands.nir)
                    throw UsageError("give --red and --nir (or --sensor), --ndvi-band for an NDVI raster, or --classes for land cover");
                source = std::make_unique<raster::NdviSource>(image, bands);
            }
            if (image.grid().crs().empty())
                throw InputError("the raster has no CRS; assign one (gdal_edit.py -a_srs EPSG:...)", {.file = opts->image});
            const auto& crs = image.grid().crs();
            spatial::GeosContext geos;
            auto zones = raster::load_zones(opts->zones, opts->id, crs, geos, opts->layer);
            spatial::GeomPtr keep, remove;
            if (!opts->mask.empty()) keep = raster::load_union(opts->mask, crs, geos);
            if (!opts->water.empty()) remove = raster::load_union(opts->water, crs, geos);
            if (keep || remove) raster::restrict_zones(zones, keep.get(), remove.get(), geos);
            const auto rows = raster::green_coverage(*source, zones, options, ctx.progress());
            raster::ZoneTable table;
            table.columns = {"vegetated_m2", "zone_area_m2", "green_coverage_pct", "valid_frac"};
            for (const auto& r : rows) {
                table.zone_ids.push_back(r.zone_id);
                table.rows.push_back({r.vegetated_m2, r.zone_area_m2, r.green_coverage_pct, r.valid_frac});
            }
            raster::write_zone_table(opts->output, table, &zones, output_crs(opts->out_crs, zones, crs));
            log::info("wrote " + std::to_string(rows.size()) + " zones to " + opts->output);
            return 0;
        };
    });
}

const CommandRegistration registration(40, "green-coverage", add_green_coverage_command);

}  // namespace

}  // namespace citycheck::cli
