#pragma once
// The population task behind `citycheck population` (and the pipeline's shared population grid):
// read the source (census polygons, heat/point CSV or a raster), convert GCJ-02/BD-09 on ingest,
// build the grid (areal weighting, dasymetric, points, calibrated heat, raster resampling), and
// summarise per zone (population, area, density, land above the density threshold).
#include <optional>
#include <string>
#include <vector>

#include <citycheck/core/progress.hpp>
#include <citycheck/raster/population.hpp>
#include <citycheck/raster/population_stats.hpp>
#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/spatial/csv_points.hpp>

namespace citycheck::engine {

struct PopulationRequest {
    // Exactly one source.
    std::string census_path;   // polygons with a count field
    std::string count_field;   // census count field (also the count of calibrate_path)
    std::string census_id_field;  // names census zones in reports; empty: feature id
    std::string points_path;   // CSV points
    spatial::CsvPointOptions points;  // columns, encoding, skip_bad_rows (coords comes from `coords`)
    std::string points_crs;    // CRS of the CSV coordinates; empty: lon/lat (WGS84/CGCS2000)
    std::string raster_path;   // gridded population
    long long window_cells = raster::DEFAULT_MAX_CELLS;  // raster read budget (cells per window)
    spatial::CoordSystem coords = spatial::CoordSystem::wgs84;  // of the source's lon/lat

    // Dasymetric refinement of census polygons.
    std::string landuse_path;
    std::string code_field = "DLBM";
    std::vector<std::string> residential_codes{"0701", "0702"};  // code prefixes

    // Judge density on construction land only (MOHURD: 城市建设用地): the --landuse parcels whose
    // code starts with one of these prefixes (default: 三调 三大类 建设用地, INDICATORS.md §6.3).
    bool dense_on_construction = false;
    std::vector<std::string> construction_codes{"05", "06", "07", "08", "09", "1001", "1002", "1003",
                                                "1004", "1005", "1007", "1008", "1009", "1109", "1201"};

    // Heat calibration of point sources against census polygons (count_field, census_id_field).
    std::string calibrate_path;

    // Zones to summarise.
    std::string zones_path;
    std::string zone_id_field;  // empty: feature id
    spatial::CoordSystem zones_coords = spatial::CoordSystem::wgs84;

    std::string crs;          // analysis CRS; empty: the zones' own if projected, else the GK zone
    double cell_size = 100;   // metres
    double density_threshold = 15000;  // persons per km²
    double density_cell_size = 0;      // cell size at which density is judged; 0: cell_size
};

struct PopulationResult {
    raster::PopulationGrid grid;
    std::string method;  // "areal weighting", "dasymetric", "points", "calibrated heat", "raster"
    double source_total = 0;  // what the source says (census total, point sum, raster sum)
    std::vector<std::string> zone_ids;
    std::vector<std::vector<unsigned char>> zone_wkb;  // zone geometries in the analysis CRS (grid.grid.crs())
    std::vector<raster::ZonePopulation> zones;
    double zones_total = 0;  // Σ zone population (differs from the grid total where zones do not cover it)
    std::optional<raster::DasymetricReport> dasymetric;
    std::optional<raster::Calibration> calibration;
    std::vector<spatial::CsvBadRow> bad_rows;  // skipped with --skip-bad-rows
    std::vector<std::string> notes;           // report lines for the user (warnings are also logged)
};

// Runs the task. Throws UsageError for an inconsistent request, InputError for bad data.
PopulationResult build_population(const PopulationRequest& request, const Progress& progress = {});

// zone_id, population, area_km2, density_per_km2, area_above_threshold_km2, atomic. Chosen by
// extension: .csv (UTF-8), or .gpkg / .geojson with each zone's geometry in the analysis CRS.
void write_population_table(const PopulationResult& result, const std::string& path);

// zone_id, census, heat, points, factor, areal_fallback (UTF-8 CSV, atomic).
void write_calibration_table(const raster::Calibration& calibration, const std::string& path);

}  // namespace citycheck::engine
