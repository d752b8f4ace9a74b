// Reading road lines (OSM via GDAL's OSM driver, or any line layer with a class field) into RoadLines.
#include <citycheck/spatial/road_graph.hpp>

#include <algorithm>
#include <cmath>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/encoding.hpp>
#include <citycheck/spatial/gdal.hpp>

namespace citycheck::spatial {

bool is_osm_path(const std::string& path) {
    auto ends = [&](const std::string& s) {
        return path.size() >= s.size() && std::equal(s.rbegin(), s.rend(), path.rbegin(),
                                                     [](char a, char b) { return a == std::tolower(b); });
    };
    return ends(".pbf") || ends(".osm");
}

Crs analysis_crs_for(const Crs& source, Pt centre) {
    if (source.is_projected() && std::abs(source.linear_units_to_metre() - 1.0) < 1e-9) return source;
    double x = centre.x, y = centre.y;
    if (!source.is_geographic()) {
        Transform t(source, Crs::from_epsg(4326));
        t.apply(x, y);
    }
    return metric_crs_for(x, y);
}

namespace {

void append_line(const OGRGeometry* g, std::vector<std::vector<Pt>>& out) {
    if (!g) return;
    const auto type = wkbFlatten(g->getGeometryType());
    if (type == wkbLineString) {
        const auto* ls = g->toLineString();
        std::vector<Pt> pts(static_cast<std::size_t>(ls->getNumPoints()));
        for (int i = 0; i < ls->getNumPoints(); ++i) pts[static_cast<std::size_t>(i)] = {ls->getX(i), ls->getY(i)};
        if (pts.size() >= 2) out.push_back(std::move(pts));
    } else if (type == wkbMultiLineString || type == wkbGeometryCollection) {
        const auto* gc = g->toGeometryCollection();
        for (int i = 0; i < gc->getNumGeometries(); ++i) append_line(gc->getGeometryRef(i), out);
    }
}

int parse_layer(const std::string* v) {
    if (!v) return 0;
    try {
        return std::stoi(*v);
    } catch (...) {
        return 0;
    }
}

bool truthy(const std::string* v) { return v && !v->empty() && *v != "no" && *v != "0" && *v != "false"; }

}  // namespace

RoadLines read_road_lines(const std::string& path, const RoadReadOptions& options) {
    const ModeProfile profile = mode_profile(options.mode);
    const ClassMapping mapping = options.class_mapping.empty() ? ClassMapping::identity() : ClassMapping::load(options.class_mapping);
    const bool osm = is_osm_path(path);
    auto ds = open_dataset(path, DatasetKind::vector, osm ? std::vector<std::string>{} : vector_open_options(path));
    OGRLayer* layer = nullptr;
    if (!options.layer.empty())
        layer = ds->GetLayerByName(options.layer.c_str());
    else if (osm)
        layer = ds->GetLayerByName("lines");
    else if (ds->GetLayerCount() > 0)
        layer = ds->GetLayer(0);
    if (!layer) throw InputError("road layer not found; name it with --layer", {.file = path, .layer = options.layer});
    const std::string layer_name = layer->GetName();
    if (!options.where.empty()) {
        GdalErrorScope errors;
        if (layer->SetAttributeFilter(options.where.c_str()) != OGRERR_NONE)
            throw UsageError("invalid --where filter: " + errors.last_error(), {.file = path, .layer = layer_name});
    }
    const std::string class_field = options.class_field.empty() ? "highway" : options.class_field;
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    const int class_idx = defn->GetFieldIndex(class_field.c_str());
    if (class_idx < 0)
        throw InputError("the road layer has no class field '" + class_field + "'; name it with --class-field",
                         {.file = path, .layer = layer_name, .field = class_field});
    const int other_idx = defn->GetFieldIndex("other_tags");
    // Attribute fields copied into tags for non-OSM data (and OSM fields promoted by osmconf.ini).
    const char* tag_fields[] = {"bridge", "tunnel", "layer", "oneway", "area", "access", "foot", "service",
                                "bicycle", "motor_vehicle", "motorcar", "junction"};
    std::vector<std::pair<std::string, int>> tag_idx;
    for (const char* f : tag_fields) {
        const int i = defn->GetFieldIndex(f);
        if (i >= 0) tag_idx.emplace_back(f, i);
    }

    RoadLines result;
    std::vector<std::vector<Pt>> parts;
    auto handle = [&](OGRFeature& f) {
        ++result.features_read;
        if (!f.IsFieldSetAndNotNull(class_idx)) return;
        const auto cls = mapping.map(f.GetFieldAsString(class_idx));
        if (!cls) return;
        Tags tags;
        if (other_idx >= 0 && f.IsFieldSetAndNotNull(other_idx)) parse_other_tags(f.GetFieldAsString(other_idx), tags);
        for (const auto& [name, i] : tag_idx)
            if (f.IsFieldSetAndNotNull(i)) tags.set(name, f.GetFieldAsString(i));
        tags.set("highway", *cls);
        if (!profile.allows(tags)) return;
        parts.clear();
        append_line(f.GetGeometryRef(), parts);
        if (parts.empty()) return;
        ++result.features_kept;
        const int layer_value = parse_layer(tags.get("layer"));
        const bool bridge = truthy(tags.get("bridge"));
        const bool tunnel = truthy(tags.get("tunnel"));
        const int oneway = oneway_direction(profile, tags);
        for (auto& p : parts)
            result.lines.push_back({std::move(p), *cls, layer_value, bridge, tunnel, oneway});
    };
    if (osm) {
        // The OSM driver streams all layers together: read interleaved, keep our layer's features.
        OGRLayer* from = nullptr;
        while (true) {
            OGRFeatureUniquePtr f(ds->GetNextFeature(&from, nullptr, nullptr, nullptr));
            if (!f) break;
            if (from == layer) handle(*f);
        }
    } else {
        for (auto& f : *layer) handle(*f);
    }

    Crs source = Crs::from_ogr(layer->GetSpatialRef());
    if (source.empty()) source = osm ? Crs::from_epsg(4326) : Crs();
    if (source.empty()) throw InputError("the road layer has no CRS; set one (.prj) or pass --crs", {.file = path, .layer = layer_name});
    Box b{1e300, 1e300, -1e300, -1e300};
    for (const auto& l : result.lines)
        for (const auto& p : l.pts) {
            b.xmin = std::min(b.xmin, p.x);
            b.ymin = std::min(b.ymin, p.y);
            b.xmax = std::max(b.xmax, p.x);
            b.ymax = std::max(b.ymax, p.y);
        }
    if (result.lines.empty()) {
        result.crs = options.target.empty() ? source : options.target;
        return result;
    }
    result.crs = options.target.empty() ? analysis_crs_for(source, {(b.xmin + b.xmax) / 2, (b.ymin + b.ymax) / 2}) : options.target;
    Transform t(source, result.crs);
    if (!t.is_identity()) {
        std::vector<double> xs, ys;
        for (auto& l : result.lines) {
            xs.resize(l.pts.size());
            ys.resize(l.pts.size());
            for (std::size_t i = 0; i < l.pts.size(); ++i) xs[i] = l.pts[i].x, ys[i] = l.pts[i].y;
            t.apply(xs, ys);
            for (std::size_t i = 0; i < l.pts.size(); ++i) l.pts[i] = {xs[i], ys[i]};
        }
    }
    return result;
}

}  // namespace citycheck::spatial
