// Feature reading for analysis: attributes, coordinate-system fixes, projection, repair.
#include <citycheck/spatial/feature_read.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>

#include <fmt/format.h>

#include <ogrsf_frmts.h>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/encoding.hpp>
#include <citycheck/spatial/gdal.hpp>

namespace citycheck::spatial {
namespace {

OGRLayer& find_layer(GDALDataset& ds, const std::string& path, const std::string& name) {
    OGRLayer* layer = name.empty() ? (ds.GetLayerCount() > 0 ? ds.GetLayer(0) : nullptr)
                                   : ds.GetLayerByName(name.c_str());
    if (!layer) {
        std::string names;
        for (int i = 0; i < ds.GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds.GetLayer(i)->GetName());
        throw InputError(name.empty() ? "the dataset has no vector layer"
                                      : "no layer '" + name + "'; the layers are: " + names,
                         {.file = path, .layer = name});
    }
    return *layer;
}

std::vector<std::optional<std::string>> read_values(OGRFeature& feature, const std::vector<int>& field_index) {
    std::vector<std::optional<std::string>> values;
    for (int i : field_index) {
        if (feature.IsFieldSetAndNotNull(i))
            values.emplace_back(feature.GetFieldAsString(i));
        else
            values.emplace_back(std::nullopt);
    }
    return values;
}

}  // namespace

Crs resolve_layer_crs(OGRLayer& layer, const Crs& override, const std::string& path, std::vector<std::string>& warnings,
                      const Crs& fallback) {
    if (!override.empty()) return override;
    OGREnvelope env;
    const bool has_extent = layer.GetExtent(&env, TRUE) == OGRERR_NONE;
    std::optional<int> prefixed;
    if (has_extent) prefixed = gk3_prefixed_epsg_for_easting(0.5 * (env.MinX + env.MaxX));
    const Crs crs = Crs::from_ogr(layer.GetSpatialRef());
    const std::string where = "'" + path + "' layer " + layer.GetName();
    const ErrorContext context{.file = path, .layer = layer.GetName()};
    if (crs.empty()) {
        if (prefixed) {
            warnings.push_back(fmt::format("{} has no CRS; its eastings carry a Gauss-Krüger zone prefix, so EPSG:{} is "
                                           "assumed (override with --crs)", where, *prefixed));
            return Crs::from_epsg(*prefixed);
        }
        if (!fallback.empty()) {
            warnings.push_back(where + " has no CRS; assuming " + fallback.name() + " (override with --crs)");
            return fallback;
        }
        if (has_extent && env.MinX >= -180 && env.MaxX <= 180 && env.MinY >= -90 && env.MaxY <= 90) {
            warnings.push_back(where + " has no CRS; its coordinates are taken as WGS84 longitude/latitude");
            return Crs::from_epsg(4326);
        }
        throw InputError("the layer has no CRS and its coordinates do not identify one; add a .prj file or pass the CRS "
                         "(e.g. --crs EPSG:4547)", context);
    }
    if (prefixed && crs.epsg().value_or(-1) != *prefixed) {
        bool contradicts = crs.is_geographic();
        if (crs.is_projected()) contradicts = crs.ogr()->GetProjParm(SRS_PP_FALSE_EASTING, 0.0) < 1.0e6;  // cannot hold 2.5e7…4.6e7
        if (contradicts) {
            warnings.push_back(fmt::format("{} declares {} but its eastings carry a Gauss-Krüger zone prefix; using EPSG:{} "
                                           "(override with --crs)", where, crs.name(), *prefixed));
            return Crs::from_epsg(*prefixed);
        }
    }
    if (crs.is_geographic() && has_extent && (std::abs(env.MinX) > 360 || std::abs(env.MaxY) > 90))
        throw InputError("the layer declares a geographic CRS but its coordinates are not degrees; pass the right CRS", context);
    return crs;
}

std::optional<double> parse_attribute_number(const std::string& text) {
    std::size_t b = 0, e = text.size();
    while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
    if (b == e) return std::nullopt;
    if (text[b] == '+') ++b;
    double v = 0;
    const auto [ptr, ec] = std::from_chars(text.data() + b, text.data() + e, v);
    if (ec != std::errc() || ptr != text.data() + e || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::pair<std::string, std::string> split_layer_suffix(const std::string& path, const std::string& layer) {
    const std::string key = "|layername=";
    const auto at = path.rfind(key);
    if (at == std::string::npos) return {path, layer};
    return {path.substr(0, at), path.substr(at + key.size())};
}

Box FeatureSet::extent() const {
    GeosContext ctx;
    Box box{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
            -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    for (const auto& f : features) {
        const auto g = ctx.from_wkb(f.wkb);
        if (GEOSisEmpty_r(ctx.get(), g.get()) == 1) continue;
        const Box b = ctx.envelope(*g);
        box.xmin = std::min(box.xmin, b.xmin);
        box.ymin = std::min(box.ymin, b.ymin);
        box.xmax = std::max(box.xmax, b.xmax);
        box.ymax = std::max(box.ymax, b.ymax);
    }
    return box;
}

FeatureSet read_features(const std::string& path_and_layer, const FeatureReadOptions& options) {
    GdalErrorScope errors;
    const auto [path, layer_name] = split_layer_suffix(path_and_layer, options.layer);
    auto ds = open_dataset(path, DatasetKind::vector, vector_open_options(path, options.encoding));
    OGRLayer& layer = find_layer(*ds, path, layer_name);
    FeatureSet out;
    out.path = path;
    out.layer = layer.GetName();
    out.source_crs = resolve_layer_crs(layer, options.source_override, path, out.warnings, options.source_fallback);
    require_lonlat_for(out.source_crs, options.coords, path);
    out.crs = options.target.empty() ? out.source_crs : options.target;

    OGRFeatureDefn* defn = layer.GetLayerDefn();
    std::vector<int> field_index;
    for (const auto& name : options.fields) {
        const int i = defn->GetFieldIndex(name.c_str());
        if (i < 0) {
            std::string names;
            for (int k = 0; k < defn->GetFieldCount(); ++k)
                names += (k ? ", " : "") + std::string(defn->GetFieldDefn(k)->GetNameRef());
            throw InputError("no field '" + name + "'; the fields are: " + names,
                             {.file = path, .layer = out.layer, .field = name});
        }
        field_index.push_back(i);
    }
    if (!options.where.empty() && layer.SetAttributeFilter(options.where.c_str()) != OGRERR_NONE)
        throw InputError("cannot apply the filter '" + options.where + "': " + errors.last_error(),
                         {.file = path, .layer = out.layer});

    std::optional<Transform> to_target;
    if (!out.source_crs.same_as(out.crs)) to_target.emplace(out.source_crs, out.crs);
    GeosContext geos;

    layer.ResetReading();
    for (auto& feature : layer) {
        const OGRGeometry* src = feature->GetGeometryRef();
        if (!src || src->IsEmpty()) {
            ++out.skipped;
            if (options.keep_empty) out.features.push_back(ReadFeature{feature->GetFID(), {}, read_values(*feature, field_index), {}});
            continue;
        }
        std::unique_ptr<OGRGeometry> g(src->hasCurveGeometry() ? src->getLinearGeometry() : src->clone());
        if (options.coords != CoordSystem::wgs84) convert_geometry_to_wgs84(*g, options.coords);
        const std::string fid_text = std::to_string(feature->GetFID());
        if (to_target && g->transform(to_target->ogr()) != OGRERR_NONE)
            throw InputError("cannot transform the geometry to " + out.crs.name() + ": " + errors.last_error(),
                             {.file = path, .layer = out.layer, .feature = fid_text});
        ReadFeature rf;
        rf.fid = feature->GetFID();
        rf.wkb.resize(static_cast<std::size_t>(g->WkbSize()));
        g->exportToWkb(wkbNDR, rf.wkb.data(), wkbVariantIso);
        auto geom = geos.from_wkb(rf.wkb);
        if (!geos.is_valid(*geom)) {
            rf.repair_reason = geos.invalid_reason(*geom);
            auto fixed = geos.make_valid(*geom);
            rf.wkb = geos.to_wkb(*fixed);
            ++out.repaired;
        }
        rf.values = read_values(*feature, field_index);
        out.features.push_back(std::move(rf));
    }
    return out;
}

Box layer_extent_lonlat(const std::string& path_and_layer, const std::string& layer_arg) {
    const auto [path, layer_name] = split_layer_suffix(path_and_layer, layer_arg);
    auto ds = open_dataset(path, DatasetKind::vector, vector_open_options(path));
    OGRLayer& layer = find_layer(*ds, path, layer_name);
    std::vector<std::string> ignored;
    const Crs crs = resolve_layer_crs(layer, {}, path, ignored);
    OGREnvelope env;
    if (layer.GetExtent(&env, TRUE) != OGRERR_NONE)
        throw InputError(with_gdal_reason("cannot compute the layer's extent (is it empty?)"), {.file = path, .layer = layer.GetName()});
    Box box{env.MinX, env.MinY, env.MaxX, env.MaxY};
    if (!crs.is_geographic()) {
        Transform t(crs, Crs::from_epsg(4326));
        std::vector<double> xs{env.MinX, env.MaxX, env.MinX, env.MaxX, (env.MinX + env.MaxX) / 2};
        std::vector<double> ys{env.MinY, env.MinY, env.MaxY, env.MaxY, (env.MinY + env.MaxY) / 2};
        t.apply(xs, ys);
        box = {*std::min_element(xs.begin(), xs.end()), *std::min_element(ys.begin(), ys.end()),
               *std::max_element(xs.begin(), xs.end()), *std::max_element(ys.begin(), ys.end())};
    }
    return box;
}

Crs analysis_crs_for(const std::string& path_and_layer, const std::string& layer_arg) {
    const auto [path, layer_name] = split_layer_suffix(path_and_layer, layer_arg);
    {
        auto ds = open_dataset(path, DatasetKind::vector, vector_open_options(path));
        OGRLayer& layer = find_layer(*ds, path, layer_name);
        std::vector<std::string> ignored;
        const Crs crs = resolve_layer_crs(layer, {}, path, ignored);
        if (crs.is_projected()) return crs;
    }
    const Box b = layer_extent_lonlat(path, layer_name);
    return metric_crs_for((b.xmin + b.xmax) / 2, (b.ymin + b.ymax) / 2);
}

}  // namespace citycheck::spatial
