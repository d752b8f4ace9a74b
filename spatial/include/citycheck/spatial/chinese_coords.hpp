#pragma once
// Chinese map coordinate systems (INDICATORS.md §7.1). Points exported from Amap/Tencent are in
// GCJ-02 ("Mars coordinates": WGS84 plus a mandated, non-linear obfuscation); Baidu adds a second
// offset on top (BD-09). Both are lon/lat in degrees. We convert them back to WGS84/CGCS2000
// (identical at indicator accuracy) on ingest, before any projection, so every later step works
// in one datum. The inverses have no closed form: we iterate the forward formulas until the
// residual is below 1e-10 degrees (about 0.01 mm).
//
// Convention (as in the published formulas): points outside the China bounding box
// (lon 72.004–137.8347, lat 0.8293–55.8271) are left unchanged by every conversion here.
#include <span>
#include <string>
#include <string_view>

class OGRGeometry;

namespace citycheck::spatial {

class Crs;

enum class CoordSystem { wgs84, gcj02, bd09 };

// "wgs84" (also "cgcs2000", "epsg:4326", "epsg:4490"), "gcj02" ("gcj-02", "amap", "tencent"),
// "bd09" ("bd-09", "baidu"); case-insensitive. Throws UsageError naming the accepted values.
CoordSystem parse_coord_system(std::string_view text);
std::string to_string(CoordSystem cs);  // "wgs84", "gcj02", "bd09"

struct LonLat {
    double lon = 0;
    double lat = 0;
};

// True outside the bounding box where the obfuscation is applied.
bool outside_china(double lon, double lat) noexcept;

// Forward conversions by the published formulas.
LonLat wgs84_to_gcj02(LonLat p) noexcept;
LonLat gcj02_to_bd09(LonLat p) noexcept;
LonLat wgs84_to_bd09(LonLat p) noexcept;

// Iterative inverses: the returned point maps forward onto p within 1e-10 degrees.
LonLat gcj02_to_wgs84(LonLat p) noexcept;
LonLat bd09_to_gcj02(LonLat p) noexcept;
LonLat bd09_to_wgs84(LonLat p) noexcept;

// Any system to any other (identity when from == to).
LonLat convert(LonLat p, CoordSystem from, CoordSystem to) noexcept;

// In place over coordinate arrays of equal length (x = lon, y = lat).
void convert(std::span<double> lon, std::span<double> lat, CoordSystem from, CoordSystem to);

// Converts every vertex of a lon/lat geometry (x = longitude, y = latitude; OGR's traditional GIS
// order) from `from` to WGS84 in place. Use on ingest, before projecting to a metric CRS.
void convert_geometry_to_wgs84(OGRGeometry& geometry, CoordSystem from);

// GCJ-02/BD-09 are defined on longitude/latitude only: throws UsageError (naming `what`, a file
// or layer) if `from` is not wgs84 and the layer's CRS is projected. An empty CRS is accepted
// (CSV points carry none; they are lon/lat by declaration).
void require_lonlat_for(const Crs& layer_crs, CoordSystem from, const std::string& what);

}  // namespace citycheck::spatial
