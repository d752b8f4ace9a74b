// Vector layers for the run: open with encoding/CSV options, filter, reproject into the working CRS.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/vector_source.hpp>
#include <citycheck/spatial/describe.hpp>
#include <citycheck/spatial/encoding.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <filesystem>

namespace citycheck::engine {

OpenedLayer open_vector_layer(const std::string& path, const std::string& layer, const std::string& where,
                              const std::string& crs_override) {
    const auto ext = std::filesystem::path(path).extension().string();
    auto options = ext == ".csv" ? spatial::csv_point_open_options() : spatial::vector_open_options(path);
    OpenedLayer out;
    out.dataset = spatial::open_dataset(path, spatial::DatasetKind::vector, options);
    out.layer = layer.empty() ? out.dataset->GetLayer(0) : out.dataset->GetLayerByName(layer.c_str());
    if (!out.layer) {
        std::string names;
        for (int i = 0; i < out.dataset->GetLayerCount(); ++i)
            names += (names.empty() ? "" : ", ") + std::string(out.dataset->GetLayer(i)->GetName());
        throw InputError("layer not found; the file has: " + names, ErrorContext{path, layer});
    }
    if (!where.empty()) {
        spatial::GdalErrorScope scope;
        if (out.layer->SetAttributeFilter(where.c_str()) != OGRERR_NONE)
            throw InputError("bad attribute filter '" + where + "': " + scope.last_error(), ErrorContext{path, out.layer->GetName()});
    }
    out.crs = crs_override.empty() ? spatial::Crs::from_ogr(out.layer->GetSpatialRef()) : spatial::Crs::from_user_input(crs_override);
    return out;
}

std::vector<unsigned char> geometry_wkb(OGRFeature& feature, const spatial::Transform& transform) {
    OGRGeometry* g = feature.GetGeometryRef();
    if (!g || g->IsEmpty()) return {};
    std::unique_ptr<OGRGeometry> copy(g->clone());
    if (!transform.is_identity() && copy->transform(transform.ogr()) != OGRERR_NONE)
        throw InputError(spatial::with_gdal_reason("cannot transform the geometry into the working CRS"), ErrorContext{"", "", "", std::to_string(feature.GetFID())});
    std::vector<unsigned char> wkb(static_cast<std::size_t>(copy->WkbSize()));
    copy->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    return wkb;
}

}  // namespace citycheck::engine
