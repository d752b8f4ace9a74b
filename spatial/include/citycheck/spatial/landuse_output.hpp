#pragma once
// Writing the land-use overlay: CSV (wide or long) or a GeoPackage/GeoJSON layer with the zone
// geometries, and a report of everything the input needed (repairs, overlaps, unknown codes).
#include <string>

#include <nlohmann/json.hpp>

#include <citycheck/spatial/overlay.hpp>

namespace citycheck::spatial {

enum class TableLayout {
    wide,  // one row per zone: zone_id, zone_area_m2, area_basis, surveyed_m2, unknown_m2, <group>_m2/_pct, c<code>_m2/_pct
    long_  // one row per zone and class/group: zone_id, kind, class, name, area_m2, share_pct, area_basis
};

TableLayout parse_table_layout(const std::string& text);  // "wide" | "long"; UsageError otherwise

// Writes atomically; the format follows the extension (.csv, .gpkg, .geojson). Spatial formats get
// the zone geometry (in the working CRS) and always use the wide layout, plus a table
// "landuse_long" in a GeoPackage when layout is long_. zones must be the set passed to overlay().
void write_landuse(const std::string& path, TableLayout layout, const OverlayResult& result, const LandTable& table,
                   const ZoneSet& zones);

// Column name of a class (c0101, c0810a) and a group (its id), without the _m2/_pct suffix.
std::string class_column(const std::string& code);

nlohmann::json landuse_report(const ParcelSet& parcels, const ZoneSet& zones, const OverlayResult& result, const LandTable& table);
std::string landuse_report_text(const nlohmann::json& report);

}  // namespace citycheck::spatial
