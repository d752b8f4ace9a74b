// Data checks for `citycheck validate` (metadata only: nothing is read in full).
#include <citycheck/core/error.hpp>
#include <citycheck/engine/primitive_params.hpp>
#include <citycheck/engine/validate.hpp>
#include <citycheck/engine/vector_source.hpp>
#include <citycheck/spatial/describe.hpp>
#include <citycheck/spatial/encoding.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>

namespace citycheck::engine {

namespace fs = std::filesystem;

namespace {
struct DataInfo {
    bool opened = false;
    bool raster = false;
    std::string geometry;  // point | line | polygon | mixed
    std::vector<std::string> fields;
    std::optional<spatial::Box> lonlat;
    std::string path_key;  // "datasets.name"
    spatial::Crs crs;      // vector layers: the layer's CRS (or the override)
};

std::optional<spatial::Box> to_lonlat(const spatial::Box& b, const spatial::Crs& crs) {
    try {
        spatial::Transform t(crs, spatial::Crs::from_epsg(4326));
        std::vector<double> x = {b.xmin, b.xmax, b.xmin, b.xmax, (b.xmin + b.xmax) / 2}, y = {b.ymin, b.ymin, b.ymax, b.ymax, (b.ymin + b.ymax) / 2};
        t.apply(x, y);
        spatial::Box out{x[0], y[0], x[0], y[0]};
        for (std::size_t i = 1; i < x.size(); ++i) {
            out.xmin = std::min(out.xmin, x[i]);
            out.xmax = std::max(out.xmax, x[i]);
            out.ymin = std::min(out.ymin, y[i]);
            out.ymax = std::max(out.ymax, y[i]);
        }
        return out;
    } catch (const Error&) {
        return std::nullopt;
    }
}

std::string geometry_class(OGRwkbGeometryType t) {
    switch (wkbFlatten(t)) {
        case wkbPoint:
        case wkbMultiPoint: return "point";
        case wkbLineString:
        case wkbMultiLineString: return "line";
        case wkbPolygon:
        case wkbMultiPolygon: return "polygon";
        default: return "mixed";
    }
}

std::string box_text(const spatial::Box& b) {
    std::ostringstream s;
    s.precision(6);
    s << "[" << b.xmin << ", " << b.ymin << " – " << b.xmax << ", " << b.ymax << "]";
    return s.str();
}

// Opens a vector layer and checks filter, CRS, fields; fills info. Errors go to issues at path.
void inspect_vector(const std::string& path_key, const fs::path& file, const std::string& layer, const std::string& where,
                    const std::string& crs, DataInfo& info, Issues& issues) {
    try {
        auto opened = open_vector_layer(file.string(), layer, where, crs);
        info.opened = true;
        info.geometry = geometry_class(opened.layer->GetGeomType());
        auto* defn = opened.layer->GetLayerDefn();
        for (int i = 0; i < defn->GetFieldCount(); ++i) info.fields.push_back(defn->GetFieldDefn(i)->GetNameRef());
        const auto ext = file.extension().string();
        if (opened.crs.empty() && crs.empty() && (ext == ".csv" || ext == ".txt")) opened.crs = spatial::Crs::from_epsg(4326);  // lon/lat points, GTFS
        if (opened.crs.empty()) {
            issues.error(path_key, "the layer has no CRS; add a .prj or set " + path_key + ".crs (e.g. EPSG:4547)");
            return;
        }
        info.crs = opened.crs;
        OGREnvelope env;
        if (opened.layer->GetExtent(&env, TRUE) == OGRERR_NONE)
            info.lonlat = to_lonlat({env.MinX, env.MinY, env.MaxX, env.MaxY}, opened.crs);
        if (opened.layer->GetFeatureCount(TRUE) == 0)
            issues.warning(path_key, "no features" + std::string(where.empty() ? "" : " match where '" + where + "'"));
    } catch (const Error& e) {
        issues.error(path_key, e.what());
    }
}

void inspect_dataset(const DatasetSource& d, DataInfo& info, Issues& issues) {
    const std::string key = "datasets." + d.name;
    info.path_key = key;
    if (!fs::exists(d.path)) {
        issues.error(key_path(key, "path"), "file not found: " + d.path.string());
        return;
    }
    try {
        const auto ext = d.path.extension().string();
        const bool table = ext == ".csv" || ext == ".txt";  // point tables (GTFS stops.txt): never the XYZ raster driver
        auto options = table ? spatial::csv_point_open_options() : spatial::vector_open_options(d.path.string());
        auto ds = spatial::open_dataset(ext == ".txt" ? "CSV:" + d.path.string() : d.path.string(),
                                        table ? spatial::DatasetKind::vector : spatial::DatasetKind::any, options);
        if (ds->GetRasterCount() > 0 && ds->GetLayerCount() == 0) {
            info.opened = true;
            info.raster = true;
            const auto crs = d.crs.empty() ? spatial::Crs::from_ogr(ds->GetSpatialRef()) : spatial::Crs::from_user_input(d.crs);
            if (crs.empty()) {
                issues.error(key, "the raster has no CRS; set " + key + ".crs");
                return;
            }
            double gt[6];
            if (ds->GetGeoTransform(gt) != CE_None) {
                issues.error(key, "the raster has no georeferencing (geotransform)");
                return;
            }
            const double x0 = gt[0], y0 = gt[3], x1 = gt[0] + gt[1] * ds->GetRasterXSize(), y1 = gt[3] + gt[5] * ds->GetRasterYSize();
            info.lonlat = to_lonlat({std::min(x0, x1), std::min(y0, y1), std::max(x0, x1), std::max(y0, y1)}, crs);
            return;
        }
    } catch (const Error& e) {
        issues.error(key, e.what());
        return;
    }
    inspect_vector(key, d.path, d.layer, d.where, d.crs, info, issues);
    if (d.coords != spatial::CoordSystem::wgs84 && !info.crs.empty()) {
        try {
            spatial::require_lonlat_for(info.crs, d.coords, key);
        } catch (const Error& e) {
            issues.error(key_path(key, "coords"), e.message());
        }
    }
}

bool has_field(const DataInfo& info, const std::string& f) {
    return std::find(info.fields.begin(), info.fields.end(), f) != info.fields.end();
}

bool geometry_ok(DataGeometry want, const DataInfo& info) {
    switch (want) {
        case DataGeometry::any: return true;
        case DataGeometry::raster: return info.raster;
        case DataGeometry::point: return !info.raster && (info.geometry == "point" || info.geometry == "mixed");
        case DataGeometry::line: return !info.raster && (info.geometry == "line" || info.geometry == "mixed");
        case DataGeometry::polygon: return !info.raster && (info.geometry == "polygon" || info.geometry == "mixed");
        case DataGeometry::point_or_polygon: return !info.raster;
    }
    return true;
}

void check_filter(const DatasetSource& d, const std::string& where, const std::string& path, Issues& issues) {
    try {
        auto opened = open_vector_layer(d.path.string(), d.layer, where, d.crs);
        // Some drivers (GPKG/SQLite) accept any filter and fail on the first read.
        spatial::GdalErrorScope scope;
        opened.layer->ResetReading();
        std::unique_ptr<OGRFeature> first(opened.layer->GetNextFeature());
        if (!scope.last_error().empty()) issues.error(path, "bad attribute filter '" + where + "': " + scope.last_error());
    } catch (const Error& e) {
        issues.error(path, e.message());
    }
}
}  // namespace

int ValidationReport::exit_code() const {
    if (!parsed.issues.ok()) return 2;
    if (!data.ok()) return 3;
    return 0;
}

std::string ValidationReport::text() const {
    std::ostringstream s;
    const auto& file = parsed.config.file.string();
    for (const auto& e : parsed.issues.errors()) s << file << ": error: " << e.to_string() << "\n";
    for (const auto& e : data.errors()) s << file << ": data error: " << e.to_string() << "\n";
    for (const auto& w : parsed.issues.warnings()) s << file << ": warning: " << w.to_string() << "\n";
    for (const auto& w : data.warnings()) s << file << ": warning: " << w.to_string() << "\n";
    const auto n_err = parsed.issues.errors().size() + data.errors().size();
    if (n_err == 0) {
        const auto& c = parsed.config;
        std::string levels;
        for (const auto& z : c.zones) levels += (levels.empty() ? "" : "/") + level_zh(z.level);
        s << "ok: " << c.indicators.size() << " indicators, " << c.datasets.size() << " datasets, zones at " << levels << "\n";
    } else {
        s << n_err << (n_err == 1 ? " error" : " errors") << " in " << file << "\n";
    }
    return s.str();
}

ValidationReport validate_healthcheck(const fs::path& file, bool check_data, const PrimitiveRegistry& registry) {
    ValidationReport report;
    report.parsed = parse_healthcheck(file);
    const auto& cfg = report.parsed.config;
    auto& issues = report.data;
    for (const auto& ind : cfg.indicators)
        if (!registry.available(ind.spec.primitive))
            issues.warning("indicators." + ind.spec.id,
                           "primitive '" + ind.spec.primitive + "' is not registered in this build: `run` fails this indicator (use --keep-going)");
    if (!check_data) return report;

    // Zones.
    std::optional<spatial::Box> zones_box;
    for (const auto& z : cfg.zones) {
        const auto key = "zones." + level_zh(z.level);
        if (!fs::exists(z.path)) {
            issues.error(key_path(key, "path"), "file not found: " + z.path.string());
            continue;
        }
        DataInfo info;
        inspect_vector(key, z.path, z.layer, z.where, z.crs, info, issues);
        if (!info.opened) continue;
        if (info.geometry != "polygon" && info.geometry != "mixed") issues.error(key, "zones must be polygons (the layer has " + info.geometry + "s)");
        for (const auto& [k, f] : {std::pair{"id_field", z.id_field}, {"name_field", z.name_field}, {"parent_field", z.parent_field}})
            if (!f.empty() && !has_field(info, f))
                issues.error(key_path(key, k), "field '" + f + "' not found" + (suggest(f, info.fields).empty() ? "" : "; did you mean '" + suggest(f, info.fields) + "'?"));
        if (info.lonlat) {
            if (!zones_box) zones_box = info.lonlat;
            else {
                zones_box->xmin = std::min(zones_box->xmin, info.lonlat->xmin);
                zones_box->ymin = std::min(zones_box->ymin, info.lonlat->ymin);
                zones_box->xmax = std::max(zones_box->xmax, info.lonlat->xmax);
                zones_box->ymax = std::max(zones_box->ymax, info.lonlat->ymax);
            }
        }
    }
    // Datasets.
    std::map<std::string, DataInfo> infos;
    for (const auto& [name, d] : cfg.datasets) {
        auto& info = infos[name];
        inspect_dataset(d, info, issues);
        if (info.opened && info.lonlat && zones_box && !info.lonlat->intersects(*zones_box))
            issues.error("datasets." + name, "its extent " + box_text(*info.lonlat) + " does not overlap the zones " +
                                                 box_text(*zones_box) + " (lon/lat) — wrong file or wrong CRS?");
    }
    // What each indicator needs.
    for (const auto& ind : cfg.indicators) {
        const auto* pinfo = find_primitive_info(ind.spec.primitive);
        if (!pinfo) continue;
        const auto base = "indicators." + ind.spec.id + ".params";
        const auto& p = ind.spec.params;
        for (const auto& ref : dataset_refs(*pinfo, p)) {
            auto it = infos.find(ref.dataset);
            if (it == infos.end() || !it->second.opened) continue;
            const auto& info = it->second;
            const auto& d = cfg.datasets.at(ref.dataset);
            const auto path = key_path(base, ref.param);
            if (!geometry_ok(ref.spec->geometry, info))
                issues.error(path, "dataset '" + ref.dataset + "' is " + (info.raster ? std::string("a raster") : info.geometry + "s") +
                                       ", but this parameter needs " + to_string(ref.spec->geometry));
            auto need_field = [&](const std::string& param, const std::string& field) {
                if (!info.raster && !field.empty() && !has_field(info, field))
                    issues.error(key_path(base, param), "field '" + field + "' not found in dataset '" + ref.dataset + "'" +
                                                            (suggest(field, info.fields).empty() ? "" : "; did you mean '" + suggest(field, info.fields) + "'?"));
            };
            if (ind.spec.primitive == "area_share" && ref.param == "landuse") {
                const bool all = p.contains("classes") && p["classes"].is_string() && p["classes"] == "all";
                if (!all) need_field("code_field", p.value("code_field", std::string("DLBM")));
                const auto area = p.value("area", std::string("planar"));
                if (area.rfind("field:", 0) == 0) need_field("area", area.substr(6));
            }
            if (ind.spec.primitive == "share_above" && ref.param == "population" && p.contains("count_field"))
                need_field("count_field", p["count_field"].get<std::string>());
            if (ind.spec.primitive == "share_above" && ref.param == "landuse" && p.contains("classes"))
                need_field("classes", p.value("code_field", std::string("DLBM")));
            if ((ref.param == "lines" || ref.param == "network") && p.contains("class_field"))
                need_field("class_field", p["class_field"].get<std::string>());
            if ((ref.param == "points" || ref.param == "facilities" || ref.param == "lines") && p.contains("where") && !info.raster)
                check_filter(d, p["where"].get<std::string>(), key_path(base, "where"), issues);
            if (ref.param == "demand_dataset" && p.contains("demand_where") && !info.raster)
                check_filter(d, p["demand_where"].get<std::string>(), key_path(base, "demand_where"), issues);
        }
    }
    return report;
}

}  // namespace citycheck::engine
