#pragma once
// Population primitives over zones: population per zone, density, land where density exceeds a
// threshold (MOHURD 2021 底线 indicator 人口密度超过每平方公里1.5万人的城市建设用地规模, INDICATORS.md
// §4.1 #3), and population-weighted coverage (Σ pop in served cells / Σ pop, §7.2).
#include <optional>
#include <span>
#include <vector>

#include <citycheck/raster/population.hpp>

namespace citycheck::raster {

// A zone's overlap with each grid cell, computed once and reused by every primitive.
struct ZoneCells {
    std::vector<CellArea> cells;  // ascending cell order
    double zone_area_m2 = 0;      // the zone polygon's own area
};

// One entry per zone (WKB in the grid CRS), computed in parallel; deterministic.
std::vector<ZoneCells> zone_cell_areas(std::span<const std::vector<unsigned char>> zones, const Grid& grid);

struct ZonePopulation {
    double population = 0;            // Σ cell persons × (overlap / cell area)
    double area_km2 = 0;              // zone area
    double density_per_km2 = 0;       // population / area_km2 (0 for an empty zone)
    double area_above_threshold_km2 = 0;  // zone land in cells denser than the threshold
};

struct DensityOptions {
    double threshold_per_km2 = 15000;  // MOHURD 2021: 1.5万人/km²
    // Optional per-cell share of land that counts (e.g. construction land, 0..1). With it, a cell's
    // density is persons / (cell area × share) and only that share of the zone's overlap counts.
    std::span<const double> land_share;
};

// Per-cell share (0..1) of the cell covered by the given polygons (e.g. construction-land parcels,
// which do not overlap); for DensityOptions::land_share.
std::vector<double> land_share_from_polygons(std::span<const std::vector<unsigned char>> polygons, const Grid& grid);

std::vector<ZonePopulation> zone_population(const PopulationGrid& pop, std::span<const ZoneCells> zones,
                                            const DensityOptions& options = {});

// Σ pop × served / Σ pop over the cells of a zone (or the whole grid when zone is null), where
// served is a per-cell fraction 0..1 (a mask from the coverage primitive). nullopt when the zone
// has no population.
std::optional<double> population_weighted_coverage(const PopulationGrid& pop, std::span<const double> served,
                                                   const ZoneCells* zone = nullptr);

}  // namespace citycheck::raster
