#pragma once
// Population grids (INDICATORS.md §7.2): persons per cell on a metric grid aligned to round
// coordinates, built from what a bureau has (census counts per zone, land-survey parcels, heat
// points, gridded rasters). Every builder preserves the total it distributes to 1e-9 relative:
// weights are normalised by the areas actually assigned, never by a separately computed area.
// Values live in one Float64 array (row-major); at 100 m a 3,000 km² city is 300,000 cells.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <citycheck/raster/block_plan.hpp>
#include <citycheck/raster/cell_overlap.hpp>
#include <citycheck/raster/grid.hpp>

namespace citycheck::raster {

struct PopulationGrid {
    Grid grid;
    std::vector<double> values;  // persons per cell, row-major, size cols*rows

    explicit PopulationGrid(Grid g);
    PopulationGrid() = default;
    double total() const;  // compensated sum, in cell order (deterministic)
    double cell_area_m2() const { return grid.cell_width() * grid.cell_height(); }
};

// The grid with square cells of `cell_size` metres whose edges are multiples of cell_size and
// which covers `extent` (at least one cell). Throws UsageError for a non-positive cell size.
Grid aligned_grid(const spatial::Box& extent, double cell_size, const spatial::Crs& crs);

// A polygon carrying a count (census zone, parcel). WKB in the grid's CRS.
struct CountPolygon {
    std::string id;
    std::vector<unsigned char> wkb;
    double count = 0;
};

// Areal weighting: each polygon's count spread over the cells it overlaps in proportion to the
// overlap areas. A polygon outside the grid (or empty) cannot be placed: InputError naming it.
PopulationGrid grid_areal_weighting(std::span<const CountPolygon> zones, const Grid& grid);

// Dasymetric: each zone's count spread over the residential land inside it (∩ of the zone with the
// residential parcels), by area; zones with no residential land fall back to areal weighting.
struct DasymetricReport {
    std::vector<std::string> fallback_zones;  // ids of zones spread by areal weighting
    double residential_area_m2 = 0;           // residential land used, over all zones
};
PopulationGrid grid_dasymetric(std::span<const CountPolygon> zones,
                               std::span<const std::vector<unsigned char>> residential, const Grid& grid,
                               DasymetricReport* report = nullptr);

// Points (x, y in the grid CRS) with values: the sum per cell. A point on a shared cell edge goes
// to the cell to its right/below; points outside the grid are not placed and are counted in
// `outside` (value sum) when given.
struct ValuePoint {
    double x = 0, y = 0, value = 0;
};
PopulationGrid grid_points(std::span<const ValuePoint> points, const Grid& grid, double* outside = nullptr);

// Heat calibration: scale each census zone's heat points so that their sum equals the zone's
// census count. A point belongs to the first zone (in input order) that contains or touches it.
struct CalibrationRow {
    std::string zone_id;
    double census = 0;
    double heat = 0;          // heat inside the zone before scaling
    std::size_t points = 0;
    double factor = 0;        // census / heat (0 when heat is 0)
    bool areal_fallback = false;  // census > 0 with no heat: spread by areal weighting instead
};
struct Calibration {
    std::vector<CalibrationRow> rows;  // one per census zone, in input order
    std::size_t points_outside = 0;    // in no census zone: dropped
    double heat_outside = 0;
};
// Returns the calibrated grid: scaled points plus areal weighting for fallback zones. Its total is
// the census total over the zones (to 1e-9 relative).
PopulationGrid grid_calibrated_points(std::span<const ValuePoint> heat, std::span<const CountPolygon> census,
                                      const Grid& grid, Calibration* calibration = nullptr);

// Sum-preserving resampling of an in-memory grid onto another grid in the same CRS by exact cell
// overlap (separable, since both are axis-aligned). Source mass outside `target` is lost and
// returned in `outside` when given; size the target to contain the source.
PopulationGrid resample_sum(const PopulationGrid& source, const Grid& target, double* outside = nullptr);

// A population raster file (band 1; nodata and negative-free counts assumed) onto `target`:
// exact area overlap of each source cell (reprojected as a quadrilateral when the CRS differs),
// normalised so each source cell's value is assigned entirely. `source_total` receives the sum of
// the valid source cells read: only the source cells near the target are read (the whole raster
// when the target covers it, as `citycheck population` sizes it). The source is streamed window by window (BlockPlan, at most max_cells
// per window; never read whole); the result is bit-identical for any budget and thread count.
PopulationGrid grid_from_raster(const std::string& path, const Grid& target, double* source_total = nullptr,
                                long long max_cells = DEFAULT_MAX_CELLS);

// The extent of a raster file in `crs` (corners and edge points transformed).
spatial::Box raster_extent_in(const std::string& path, const spatial::Crs& crs);

// Writes the grid as a tiled, compressed Float64 GeoTIFF through AtomicOutput. Throws OutputError.
void write_population_geotiff(const PopulationGrid& grid, const std::string& path);

}  // namespace citycheck::raster
