#pragma once
// The one reader of zone polygons (administrative units, communities, analysis zones) that every
// command and primitive uses, so that every tool applies the same rules:
//   - the id field (or the feature id), optional name and parent fields, an attribute filter;
//   - a CRS from the layer, an override, or lon/lat coordinates; GCJ-02/BD-09 converted on ingest;
//   - geometries projected to the target CRS (empty target: the layer's own CRS when projected,
//     else the CGCS2000 3-degree Gauss-Krüger zone of its centre);
//   - curves linearised; invalid polygons repaired (make-valid, polygonal part kept) with a warning
//     naming the zone; non-polygonal geometries, duplicate ids and an empty layer are errors;
//   - zones without geometry: kept with empty WKB and a warning, or an error (keep_empty).
#include <string>
#include <vector>

#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::spatial {

struct ZoneLayerOptions {
    std::string layer;         // empty: the first layer (or a "path|layername=x" suffix)
    std::string id_field;      // empty: the feature id
    std::string name_field;    // optional
    std::string parent_field;  // optional
    std::string where;         // OGR SQL attribute filter, optional
    CoordSystem coords = CoordSystem::wgs84;
    Crs crs_override;          // replaces the layer's CRS
    Crs crs_fallback;          // assumed (with a warning) when the layer has none
    std::string encoding;      // attribute encoding; empty: declared or detected
    Crs target;                // empty: see above
    bool keep_empty = true;    // zones without geometry: kept (true) or an error (false)
};

struct ZoneRecord {
    std::string id;
    std::string name;       // the id when there is no name field
    std::string parent_id;  // empty without a parent field
    std::vector<unsigned char> wkb;  // polygonal and valid, in the layer's target CRS; empty: no geometry
    Box box;                         // of wkb; inverted (empty) when there is no geometry
    double area = 0;                 // planar, in the target CRS's units (m² when projected)
    bool repaired = false;           // was invalid and made valid
};

struct ZoneLayer {
    std::string path, layer;
    Crs crs;  // of every wkb
    std::vector<ZoneRecord> zones;
    std::vector<std::string> warnings;  // CRS assumptions; repaired and empty zones, each named
};

// Throws InputError naming the file, layer, field or zone; UsageError for a bad filter.
ZoneLayer read_zone_layer(const std::string& path, const ZoneLayerOptions& options);

}  // namespace citycheck::spatial
