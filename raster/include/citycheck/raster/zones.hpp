#pragma once
// Zones for zonal statistics: id + geometry as WKB in the raster's CRS (the thread-neutral form),
// loaded once, immutable afterwards. Invalid polygons are repaired with a warning naming the zone.
#include <string>
#include <vector>

#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::raster {

struct Zone {
    std::string id;
    std::vector<unsigned char> wkb;  // empty for a zone without geometry
    spatial::Box box;
    // The geometry as read, in the layer's own CRS (ZoneSet::source_crs), for output layers; empty
    // for zones built in code (their wkb is then the output geometry).
    std::vector<unsigned char> source_wkb;
};

struct ZoneSet {
    std::vector<Zone> zones;
    std::string source;  // path, for messages
    std::string id_field;
    spatial::Crs source_crs;  // CRS of the zone layer (of source_wkb)
};

// Reads the polygons of a vector file (first layer, or layer) and transforms them to target.
// id_field empty: the feature id. Throws InputError for: missing file or field, no CRS on the
// layer, an empty layer, duplicate ids, non-polygon geometries.
ZoneSet load_zones(const std::string& path, const std::string& id_field, const spatial::Crs& target,
                   const spatial::GeosContext& ctx, const std::string& layer = "");

// The union of every polygon of a vector file, in target's CRS (masks: built-up area, water).
spatial::GeomPtr load_union(const std::string& path, const spatial::Crs& target, const spatial::GeosContext& ctx);

// Replaces every zone's geometry by (zone ∩ keep) − remove (either may be null).
void restrict_zones(ZoneSet& zones, const GEOSGeometry* keep, const GEOSGeometry* remove, const spatial::GeosContext& ctx);

}  // namespace citycheck::raster
