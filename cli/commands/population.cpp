// citycheck population (--census POLYGONS --count-field F | --points CSV --x COL --y COL --value COL | --raster R)
//                      [--coords wgs84|gcj02|bd09] [--grid 100] --zones Z --id FIELD -o out.csv
#include "command_registry.hpp"

#include <iostream>
#include <memory>
#include <sstream>

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/engine/population.hpp>
#include <citycheck/core/text.hpp>

namespace citycheck::cli {

namespace {

void add_population_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        engine::PopulationRequest rq;
        std::string coords = "wgs84", zones_coords = "wgs84", residential = "0701,0702";
        std::string construction_codes;
        std::string zones_layer, census_layer, landuse_layer;
        std::string output, grid_out, calibration_out;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("population",
                                   "Build a population grid from census polygons, heat/point CSV or a raster and "
                                   "summarise it per zone (population, density, land above a density threshold)");
    auto* census = cmd->add_option("--census", o->rq.census_path, "Census polygons with a head count per zone (七普 …)");
    cmd->add_option("--count-field", o->rq.count_field, "Field of --census / --calibrate-to holding the head count");
    cmd->add_option("--census-id", o->rq.census_id_field, "Field naming census zones in reports (default: feature id)");
    auto* points = cmd->add_option("--points", o->rq.points_path, "CSV of points (heat, POIs): UTF-8 or GBK, , ; | or tab");
    cmd->add_option("--x", o->rq.points.x_column, "CSV column of x/longitude (default: lon, lng, longitude, x, 经度)");
    cmd->add_option("--y", o->rq.points.y_column, "CSV column of y/latitude (default: lat, latitude, y, 纬度)");
    cmd->add_option("--value", o->rq.points.value_column, "CSV column of the value (default: each point counts 1)");
    cmd->add_option("--encoding", o->rq.points.encoding, "CSV encoding (default: detect UTF-8 or GBK)");
    cmd->add_option("--points-crs", o->rq.points_crs, "CRS of the CSV coordinates (default: lon/lat WGS84/CGCS2000)");
    cmd->add_flag("--skip-bad-rows", o->rq.points.skip_bad_rows, "Leave out unusable CSV rows (warned) instead of failing");
    auto* raster = cmd->add_option("--raster", o->rq.raster_path, "Gridded population raster (WorldPop, GHSL …)");
    cmd->add_option("--window-cells", o->rq.window_cells, "Cells per read window of --raster (memory budget)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--coords", o->coords, "Coordinate system of the source's lon/lat: wgs84, gcj02 (Amap/Tencent) or bd09 (Baidu)")
        ->capture_default_str();
    cmd->add_option("--grid", o->rq.cell_size, "Grid cell size in metres")->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--zones", o->rq.zones_path, "Zones to summarise (communities, sub-districts …)")->required();
    cmd->add_option("--id", o->rq.zone_id_field, "Zone id field (default: feature id)");
    cmd->add_option("--zones-layer", o->zones_layer, "Layer of --zones (default: the first; or write PATH|layername=NAME)");
    cmd->add_option("--census-layer", o->census_layer, "Layer of --census / --calibrate-to (default: the first)");
    cmd->add_option("--landuse-layer", o->landuse_layer, "Layer of --landuse (default: the first)");
    cmd->add_option("--zones-coords", o->zones_coords, "Coordinate system of the zones' lon/lat")->capture_default_str();
    cmd->add_option("--crs", o->rq.crs, "Analysis CRS (default: the zones' projected CRS, else the CGCS2000 GK zone)");
    cmd->add_option("--landuse", o->rq.landuse_path, "Land-survey parcels for dasymetric mapping of --census");
    cmd->add_option("--code-field", o->rq.code_field, "Land-use code field of --landuse")->capture_default_str();
    cmd->add_option("--residential", o->residential, "Residential land-use code prefixes, comma separated")->capture_default_str();
    cmd->add_flag("--dense-on-construction", o->rq.dense_on_construction,
                  "Judge density on construction land only (城市建设用地, from --landuse)");
    cmd->add_option("--construction-codes", o->construction_codes,
                    "Construction land code prefixes (default: 三调 建设用地 05,06,07,08,09,1001-1005,1007-1009,1109,1201)");
    cmd->add_option("--calibrate-to", o->rq.calibrate_path, "Census polygons whose --count-field totals the heat is scaled to");
    cmd->add_option("--calibration-out", o->calibration_out, "Write the calibration factors per census zone (.csv)");
    cmd->add_option("--density-threshold", o->rq.density_threshold, "Persons per km² above which land counts as dense")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd->add_option("--density-cell", o->rq.density_cell_size, "Cell size (m) at which density is judged (default: --grid)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--grid-out", o->grid_out, "Write the population grid as a tiled GeoTIFF (.tif)");
    cmd->add_option("-o,--output", o->output, "Per-zone table: .csv, or .gpkg / .geojson with the zone geometry (analysis CRS)")->required();
    census->excludes(points)->excludes(raster);
    points->excludes(raster);

    cmd->callback([o, &ctx] {
        ctx.action = [o, &ctx] {
            const auto with_layer = [](std::string& path, const std::string& layer) {
                if (!path.empty() && !layer.empty()) path += "|layername=" + layer;
            };
            with_layer(o->rq.zones_path, o->zones_layer);
            with_layer(o->rq.census_path, o->census_layer);
            with_layer(o->rq.calibrate_path, o->census_layer);
            with_layer(o->rq.landuse_path, o->landuse_layer);
            o->rq.coords = spatial::parse_coord_system(o->coords);
            o->rq.zones_coords = spatial::parse_coord_system(o->zones_coords);
            o->rq.residential_codes = split_list(o->residential);
            if (!o->construction_codes.empty()) o->rq.construction_codes = split_list(o->construction_codes);
            if (!o->calibration_out.empty() && o->rq.calibrate_path.empty())
                throw UsageError("--calibration-out needs --calibrate-to");
            const auto result = engine::build_population(o->rq, ctx.progress());
            engine::write_population_table(result, o->output);
            if (!o->grid_out.empty()) raster::write_population_geotiff(result.grid, o->grid_out);
            if (result.calibration) {
                if (!o->calibration_out.empty()) engine::write_calibration_table(*result.calibration, o->calibration_out);
                std::size_t shown = 0;
                for (const auto& r : result.calibration->rows) {
                    if (shown++ == 20) {
                        log::info("calibration: … (use --calibration-out for every zone)");
                        break;
                    }
                    log::info("calibration: zone " + r.zone_id + ": census " + std::to_string(r.census) + " / heat " +
                              std::to_string(r.heat) + " = factor " + std::to_string(r.factor) +
                              (r.areal_fallback ? " (no heat: areal weighting)" : ""));
                }
            }
            for (const auto& note : result.notes) log::info(note);
            return 0;
        };
    });
}

const CommandRegistration registration(80, "population", add_population_command);

}  // namespace

}  // namespace citycheck::cli
