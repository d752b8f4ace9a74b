#pragma once
// Opening a vector layer named in healthcheck.yaml (file, optional layer, filter, CRS override) and
// reading its geometries into the run's working CRS as WKB.
#include <string>
#include <vector>

#include <citycheck/engine/config.hpp>
#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/gdal.hpp>

namespace citycheck::engine {

struct OpenedLayer {
    spatial::DatasetPtr dataset;
    OGRLayer* layer = nullptr;  // owned by dataset
    spatial::Crs crs;           // the layer's CRS (or the override); empty if unknown
    spatial::CoordSystem coords = spatial::CoordSystem::wgs84;  // lon/lat datum, converted on read
};

// Throws InputError naming the file/layer when the file, the layer or the filter is bad.
OpenedLayer open_vector_layer(const std::string& path, const std::string& layer, const std::string& where = "",
                              const std::string& crs_override = "");

// A dataset of healthcheck.yaml (its layer, where, crs and coords), with an extra filter ANDed to its own.
// Throws UsageError if `coords` is GCJ-02/BD-09 but the layer is projected.
OpenedLayer open_vector_layer(const DatasetSource& dataset, const std::string& extra_where = "");

// The geometry of a feature transformed into `transform`'s target, as ISO WKB (empty if none).
// GCJ-02/BD-09 lon/lat (`coords`) is converted to WGS84 first.
std::vector<unsigned char> geometry_wkb(OGRFeature& feature, const spatial::Transform& transform,
                                        spatial::CoordSystem coords = spatial::CoordSystem::wgs84);

}  // namespace citycheck::engine
