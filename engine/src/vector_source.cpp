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
    const bool gtfs = ext == ".txt";  // GTFS stops.txt: the CSV driver, named explicitly
    auto options = ext == ".csv" || gtfs ? spatial::csv_point_open_options() : spatial::vector_open_options(path);
    if (gtfs) options[0] += ",stop_lon", options[1] += ",stop_lat";
    OpenedLayer out;
    out.dataset = spatial::open_dataset(gtfs ? "CSV:" + path : path, spatial::DatasetKind::vector, options);
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

OpenedLayer open_vector_layer(const DatasetSource& ds, const std::string& extra_where) {
    std::string where = ds.where;
    if (!extra_where.empty()) where = where.empty() ? extra_where : "(" + where + ") AND (" + extra_where + ")";
    auto out = open_vector_layer(ds.path.string(), ds.layer, where, ds.crs);
    out.coords = ds.coords;
    const auto ext = ds.path.extension().string();
    if (out.crs.empty() && (ext == ".csv" || ext == ".txt") && ds.crs.empty()) out.crs = spatial::Crs::from_epsg(4326);
    spatial::require_lonlat_for(out.crs, out.coords, "datasets." + ds.name);
    return out;
}

std::vector<unsigned char> geometry_wkb(OGRFeature& feature, const spatial::Transform& transform, spatial::CoordSystem coords) {
    OGRGeometry* g = feature.GetGeometryRef();
    if (!g || g->IsEmpty()) return {};
    std::unique_ptr<OGRGeometry> copy(g->clone());
    if (coords != spatial::CoordSystem::wgs84) spatial::convert_geometry_to_wgs84(*copy, coords);
    if (!transform.is_identity() && copy->transform(transform.ogr()) != OGRERR_NONE)
        throw InputError(spatial::with_gdal_reason("cannot transform the geometry into the working CRS"), ErrorContext{"", "", "", std::to_string(feature.GetFID())});
    std::vector<unsigned char> wkb(static_cast<std::size_t>(copy->WkbSize()));
    copy->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    return wkb;
}

}  // namespace citycheck::engine
