#pragma once
// Writes one row per zone, zone_id first, to .csv (UTF-8), .gpkg or .geojson (with the zone
// geometry) through AtomicOutput. NaN values become empty cells / null fields.
#include <string>
#include <vector>

#include <citycheck/raster/zones.hpp>
#include <citycheck/spatial/crs.hpp>

namespace citycheck::raster {

struct ZoneTable {
    std::vector<std::string> columns;       // without zone_id
    std::vector<std::string> zone_ids;
    std::vector<std::vector<double>> rows;  // rows[i].size() == columns.size()
};

// zones (optional) gives geometries for .gpkg/.geojson, written in crs (the layer is tagged with
// it): each zone's source geometry (as read, in zones->source_crs) transformed to crs when the two
// differ; zones without a source geometry are taken to be in crs already. CSV ignores geometry.
// Throws UsageError for an unsupported extension, OutputError when writing fails.
void write_zone_table(const std::string& path, const ZoneTable& table, const ZoneSet* zones, const spatial::Crs& crs);

}  // namespace citycheck::raster
