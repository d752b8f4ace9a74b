#pragma once
// Opening a vector layer named in healthcheck.yaml (file, optional layer, filter, CRS override) and
// reading its geometries into the run's working CRS as WKB.
#include <string>
#include <vector>

#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/gdal.hpp>

namespace citycheck::engine {

struct OpenedLayer {
    spatial::DatasetPtr dataset;
    OGRLayer* layer = nullptr;  // owned by dataset
    spatial::Crs crs;           // the layer's CRS (or the override); empty if unknown
};

// Throws InputError naming the file/layer when the file, the layer or the filter is bad.
OpenedLayer open_vector_layer(const std::string& path, const std::string& layer, const std::string& where = "",
                              const std::string& crs_override = "");

// The geometry of a feature transformed into `transform`'s target, as ISO WKB (empty if none).
std::vector<unsigned char> geometry_wkb(OGRFeature& feature, const spatial::Transform& transform);

}  // namespace citycheck::engine
