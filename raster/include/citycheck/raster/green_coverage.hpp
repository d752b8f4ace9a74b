#pragma once
// Green coverage (城市绿化覆盖率) per zone: vegetated area / zone area × 100, where a cell is
// vegetated when NDVI ≥ threshold or when a land-cover class is in a set. Exact coverage fractions
// weight every cell; areas are in m² (ellipsoidal for geographic rasters). Method and sources:
// docs/methods/green-coverage.md.
#include <string>
#include <vector>

#include <citycheck/raster/ndvi.hpp>
#include <citycheck/raster/zonal.hpp>

namespace citycheck::raster {

// No official NDVI threshold exists for 城市绿化覆盖率; 0.3 is a common choice in the literature
// for "vegetated" at 10–30 m resolution. Always report the threshold with the result.
constexpr double DEFAULT_NDVI_THRESHOLD = 0.3;

struct GreenCoverageRow {
    std::string zone_id;
    double vegetated_m2 = 0;     // Σ coverage × cell area over vegetated valid cells
    double zone_area_m2 = 0;     // Σ coverage × cell area over valid cells (the denominator)
    double green_coverage_pct = 0;  // NaN when the zone has no valid data
    double valid_frac = 0;       // share of the zone observed with valid data
};

struct GreenCoverageOptions {
    double threshold = DEFAULT_NDVI_THRESHOLD;  // NDVI mode
    std::vector<double> classes;                // land-cover mode when non-empty (e.g. 10, 20, 30)
    ZonalOptions zonal;
};

// source: an NdviSource, a BandSource of an NDVI raster, or a land-cover band (with classes).
// Zones are already in the source's CRS and already restricted by masks (restrict_zones).
std::vector<GreenCoverageRow> green_coverage(const ValueSource& source, const ZoneSet& zones,
                                             const GreenCoverageOptions& options, const Progress& progress = {});

}  // namespace citycheck::raster
