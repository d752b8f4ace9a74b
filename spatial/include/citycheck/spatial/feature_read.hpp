#pragma once
// Reading a vector layer's features for analysis: chosen attributes as text, geometries converted
// from GCJ-02/BD-09 when asked (on lon/lat, before projection), projected to the analysis CRS,
// repaired when invalid, and handed over as WKB (which crosses threads; GEOS objects do not).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/geos.hpp>

class OGRLayer;

namespace citycheck::spatial {

struct FeatureReadOptions {
    std::string layer;                     // empty: the first layer
    std::vector<std::string> fields;       // attributes to read (as text); missing ones throw InputError
    std::string where;                     // OGR SQL attribute filter, optional
    CoordSystem coords = CoordSystem::wgs84;  // the layer's lon/lat are in this system
    Crs target;                            // empty: keep the layer's CRS
    Crs source_override;                   // replaces the layer's own CRS (a wrong or missing .prj)
    Crs source_fallback;                   // assumed when the layer has none (see resolve_layer_crs)
    std::string encoding;                  // attribute encoding; empty: declared or detected
    bool keep_empty = false;               // keep features without geometry (empty wkb)
};

struct ReadFeature {
    long long fid = -1;
    std::vector<unsigned char> wkb;                 // in the target CRS
    std::vector<std::optional<std::string>> values;  // one per requested field; nullopt when null
    std::string repair_reason;                      // why GEOS found it invalid, when it was repaired
};

struct FeatureSet {
    std::string path, layer;
    Crs source_crs;  // the layer's own CRS
    Crs crs;         // the CRS of the WKB
    std::vector<ReadFeature> features;
    std::size_t repaired = 0;  // invalid geometries made valid
    std::vector<std::string> warnings;  // what was assumed about the CRS
    std::size_t skipped = 0;   // features without geometry (left out unless keep_empty)
    Box extent() const;        // of all features, in crs (needs the GEOS envelope of each: cheap)
};

// A dataset path may name its layer QGIS-style: "zones.gpkg|layername=community". Splits it into
// (path, layer); layer stays as given (or empty) when the path has no such suffix.
std::pair<std::string, std::string> split_layer_suffix(const std::string& path, const std::string& layer = "");

// The CRS of a layer: the override; else its own, corrected to the zone-prefixed Gauss-Krüger CRS
// (EPSG:4513–4533) when its eastings carry a zone prefix; without one: that prefixed CRS, else
// `fallback`, else WGS84 when the coordinates are longitude/latitude. Each assumption is added to
// warnings. Throws InputError naming the file and layer when nothing fits.
Crs resolve_layer_crs(OGRLayer& layer, const Crs& override, const std::string& path, std::vector<std::string>& warnings,
                      const Crs& fallback = {});

// Reads every feature. Throws InputError naming the path/layer/field (listing the fields that exist
// when one is missing), UsageError when coords is not wgs84 and the layer is projected.
FeatureSet read_features(const std::string& path, const FeatureReadOptions& options);

// The layer's extent in WGS84 lon/lat (for choosing a metric CRS). Throws InputError.
Box layer_extent_lonlat(const std::string& path, const std::string& layer = "");

// The CRS analysis should use for a layer: its own when projected, otherwise the CGCS2000 GK
// zone (or UTM outside China) at the centre of its extent.
Crs analysis_crs_for(const std::string& path, const std::string& layer = "");

// Parses a number written in an attribute; nullopt when empty or not a number.
std::optional<double> parse_attribute_number(const std::string& text);

}  // namespace citycheck::spatial
