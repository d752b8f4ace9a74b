#pragma once
// The population grid of a run, from whatever population source a city has (INDICATORS.md §7):
// a gridded raster (sum-preserving aggregation), census polygons with a head count (areal
// weighting, or dasymetric onto residential land), or points (heat, POIs; vector layer or CSV,
// GCJ-02/BD-09 converted on ingest) summed per cell. Shared by `citycheck run` primitives
// (share_above) so that "density above 15 000 /km²" works from any of them.
#include <string>
#include <vector>

#include <citycheck/engine/config.hpp>
#include <citycheck/raster/population.hpp>
#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/spatial/crs.hpp>

namespace citycheck::engine {

struct PopulationSource {
    std::string path, layer, where;  // the dataset (layer/where for vector sources)
    std::string count_field;  // polygons: the head count (required); points: the value (empty: 1 each)
    spatial::CoordSystem coords = spatial::CoordSystem::wgs84;  // of a vector/CSV source's lon/lat
    std::string encoding;  // of a CSV source; empty: detect UTF-8 or GBK
    // Dasymetric refinement of polygon counts: residential parcels (WKB in the analysis CRS).
    // Empty: areal weighting.
    std::vector<std::vector<unsigned char>> residential;
};

// The dataset part of a source (path, layer, filter, encoding); the caller adds the fields and
// coordinates its own parameters name.
PopulationSource population_source_of(const DatasetSource& ds);

struct PopulationSourceGrid {
    raster::PopulationGrid grid;
    std::string method;        // "raster", "areal weighting", "dasymetric", "points"
    double source_total = 0;   // persons in the source (raster: cells read; points: all points)
    std::vector<std::string> fallback_zones;  // dasymetric zones spread by areal weighting
};

// Builds the grid of cell_m metres aligned to multiples of cell_m in crs (projected), covering
// `extent` (the zones) and, for vector sources, the source's own extent, so that no polygon's
// count is squeezed into the zones' box. Polygon sources are checked to conserve their total to
// 1e-9 relative (InternalError otherwise). Throws UsageError / InputError naming the file.
PopulationSourceGrid population_grid_from_source(const PopulationSource& source, const spatial::Crs& crs,
                                                 const spatial::Box& extent, double cell_m);

// Whether path opens as a raster (GeoTIFF …) rather than a vector layer or CSV.
bool is_raster_dataset(const std::string& path);

}  // namespace citycheck::engine
