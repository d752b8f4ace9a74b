// The parameter contract of every primitive (see primitive_params.hpp and docs/healthcheck-yaml.md).
#include <citycheck/engine/expression.hpp>
#include <citycheck/engine/primitive_params.hpp>

#include <citycheck/core/error.hpp>

#include <algorithm>

namespace citycheck::engine {

namespace {
using T = ParamType;
using G = DataGeometry;

ParamSpec ds(std::string name, bool required, G g, std::vector<std::string> roles, std::string doc) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = T::dataset;
    p.required = required;
    p.geometry = g;
    p.roles = std::move(roles);
    p.doc = std::move(doc);
    return p;
}
ParamSpec par(std::string name, T type, bool required, std::string doc, std::vector<std::string> choices = {},
              std::optional<double> min = std::nullopt) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = type;
    p.required = required;
    p.doc = std::move(doc);
    p.choices = std::move(choices);
    p.min = min;
    return p;
}

const ParamSpec WITHIN = ds("within", false, G::polygon, {"boundary", "polygons", "landuse"},
                            "Restrict the zone to its part inside these polygons (e.g. 城区 or 建成区 boundary)");
const ParamSpec WHERE = par("where", T::string, false, "OGR SQL attribute filter on the features used");

std::vector<PrimitiveInfo> make_infos() {
    std::vector<PrimitiveInfo> v;
    v.push_back({"zonal", "Raster statistic per zone with exact pixel coverage fractions, or the area where a condition holds",
                 "frac_*: area (m²) where the condition holds; sum: Σ value × coverage",
                 "frac_*: valid covered area (m²); sum: none (extensive); mean: covered pixel weight",
                 {ds("raster", true, G::raster, {"image", "raster", "landcover", "population"}, "The raster dataset"),
                  par("band", T::integer, false, "Band number (default 1)", {}, 1),
                  par("ndvi", T::object, false, "Compute NDVI from bands {red: N, nir: N} instead of reading band"),
                  par("stat", T::string, true, "Statistic", {"sum", "mean", "frac_ge", "frac_gt", "frac_le", "frac_lt", "frac_in"}),
                  par("threshold", T::number, false, "Threshold for frac_ge/gt/le/lt"),
                  par("classes", T::list, false, "Class values for frac_in (land-cover codes)"),
                  par("pixels", T::string, false, "Pixel-zone coverage (default exact)", {"exact", "center", "all-touched"}),
                  WITHIN}});
    v.push_back({"area_share", "Area of land classes per zone (三调 DLTB overlay), as an area or a share of the zone or of other classes",
                 "area of the selected classes inside the zone (m², or field area)",
                 "output share: zone area or area of the `over` classes (m²); output area: none (extensive)",
                 {ds("landuse", true, G::polygon, {"landuse", "polygons", "boundary"}, "Land-survey parcels (三调 DLTB), land-use polygons or a boundary (建成区 …)"),
                  par("code_field", T::string, false, "Field with the class code (default DLBM)"),
                  par("classes", T::any, true, "Codes (list; a two-character code such as '03' matches 0301…), {regex: '^(05|06)'}, or all (every polygon)"),
                  par("over", T::any, false, "Denominator: 'zone' (default) or a list of codes / {regex: …}"),
                  par("area", T::string, false, "planar (default), ellipsoidal, or field:NAME (e.g. field:TBDLMJ)"),
                  par("output", T::string, false, "share (default) or area", {"share", "area"}),
                  WITHIN}});
    v.push_back({"per_capita", "Quantity per person: the ratio of two extensive indicators (area, length or count over population)",
                 "value of the `numerator` indicator in each finest zone", "value of the `denominator` indicator (population)",
                 {par("numerator", T::indicator, true, "Indicator id of an extensive quantity (e.g. park area in m²)"),
                  par("denominator", T::indicator, true, "Indicator id of the population")}});
    v.push_back({"length_density", "Length of lines (road centrelines) per km² of zone",
                 "line length inside the zone (km)", "zone area (km²), or its part inside `within`",
                 {ds("lines", true, G::line, {"roads", "lines", "greenways"}, "Line dataset (road centrelines)"),
                  WHERE,
                  par("class_field", T::string, false, "Field with the road class"),
                  par("classes", T::list, false, "Road classes counted (default: all)"),
                  WITHIN}});
    v.push_back({"point_density", "Count of points per km² of zone",
                 "number of points inside the zone (and `within`)", "zone area (km²), or its part inside `within`",
                 {ds("points", true, G::point, {"points", "facilities"}, "Point dataset"), WHERE, WITHIN}});
    v.push_back({"coverage", "Share of demand (land area, residential land or population) within reach of facilities, euclidean or network",
                 "demand within reach (m² or persons)", "total demand in the zone (m² or persons)",
                 {ds("facilities", true, G::point_or_polygon, {"facilities", "points", "polygons", "greenways", "lines"},
                     "Facilities (points, polygons such as parks, or lines such as greenways)"),
                  WHERE,
                  par("reach_m", T::number, false, "Reach in metres", {}, 0),
                  par("reach_by_area", T::list, false, "Tiers by facility area: [{min_m2: 5000, reach_m: 500}, …]"),
                  par("reach_min", T::number, false, "Reach in minutes of travel: on the network, edge times at the class speeds; else minutes × speed_m_per_min", {}, 0),
                  par("metric", T::string, false, "euclidean (default) or network", {"euclidean", "network"}),
                  par("mode", T::string, false, "Travel mode on the network (default walk)", {"walk", "bike", "drive"}),
                  ds("network", false, G::line, {"roads", "lines"}, "Road network for metric: network"),
                  par("speed_m_per_min", T::number, false, "One travel speed for reach_min instead of the class speeds (euclidean default: walk 60 m/min, unconfirmed)", {}, 0),
                  par("speeds_kmh_by_class", T::object, false, "Speeds (km/h) by road class for reach_min on the network, over the mode profile's {primary: 40, …}"),
                  par("class_field", T::string, false, "Road class field of the network (default highway)"),
                  par("island_nodes", T::integer, false, "Network components below this many nodes are small islands (reported; default 20)", {}, 1),
                  par("demand", T::string, false, "zone_area (default), polygons (e.g. residential land) or population",
                      {"zone_area", "polygons", "population"}),
                  ds("demand_dataset", false, G::any, {"landuse", "polygons", "population", "raster"},
                     "Demand polygons (demand: polygons) or population: raster, census polygons or points (demand: population)"),
                  par("demand_count_field", T::string, false, "demand: population from census polygons (head count, required) or points (value; default 1 each)"),
                  par("demand_coords", T::string, false, "Coordinate system of a vector/CSV population source", {"wgs84", "gcj02", "bd09"}),
                  par("demand_cell_m", T::number, false, "Cell size (m) of the population grid built from polygons/points (default 100)", {}, 1),
                  par("demand_where", T::string, false, "Attribute filter on demand polygons, e.g. \"DLBM = '0701'\""),
                  WITHIN}});
    v.push_back({"share_above", "Land where a density exceeds a threshold (e.g. population > 15 000 /km²)",
                 "area (km²) of grid cells / blocks whose density exceeds the threshold", "none (extensive) or zone area for a share",
                 {ds("population", true, G::any, {"population", "raster", "polygons", "points"},
                     "Population: a raster, census polygons (count_field) or heat/points (.csv or a point layer)"),
                  par("count_field", T::string, false, "Head-count field of census polygons; value field of points (default: 1 per point)"),
                  par("coords", T::string, false, "Coordinate system of a vector/CSV source's lon/lat", {"wgs84", "gcj02", "bd09"}),
                  ds("residential", false, G::polygon, {"landuse", "polygons"}, "Land-use parcels for dasymetric mapping of census polygons"),
                  par("residential_classes", T::any, false, "Residential codes of `residential` (default 0701, 0702)"),
                  par("threshold_per_km2", T::number, true, "Density threshold (persons per km²)", {}, 0),
                  par("cell_m", T::number, false, "Aggregation cell size in metres (default 100); the official 地段 is undefined", {}, 1),
                  ds("landuse", false, G::polygon, {"landuse", "polygons"}, "Restrict to these land classes (construction land)"),
                  par("classes", T::any, false, "Codes of `landuse` counted"),
                  par("code_field", T::string, false, "Class code field of `landuse` and `residential` (default DLBM)"),
                  par("output", T::string, false, "area (default, km²) or share", {"area", "share"}),
                  WITHIN}});
    v.push_back({"expression", "Arithmetic on other indicators (+ − × ÷, parentheses), evaluated per zone on rolled-up values",
                 "left side of the outermost division (or the value)", "right side of the outermost division (or none)",
                 {par("expr", T::expression, true, "Expression over indicator ids, e.g. 'green_area / zone_area * 100'")}});
    return v;
}

bool is_integer(const nlohmann::json& v) {
    return v.is_number_integer() || (v.is_number_float() && v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>())));
}
}  // namespace

const std::vector<PrimitiveInfo>& primitive_infos() {
    static const std::vector<PrimitiveInfo> infos = make_infos();
    return infos;
}

const PrimitiveInfo* find_primitive_info(const std::string& name) {
    for (const auto& i : primitive_infos())
        if (i.name == name) return &i;
    return nullptr;
}

std::string to_string(ParamType t) {
    switch (t) {
        case T::number: return "number";
        case T::integer: return "integer";
        case T::string: return "text";
        case T::boolean: return "true/false";
        case T::dataset: return "dataset name";
        case T::indicator: return "indicator id";
        case T::expression: return "expression";
        case T::list: return "list";
        case T::object: return "mapping";
        case T::any: return "value";
    }
    return "value";
}

std::string to_string(DataGeometry g) {
    switch (g) {
        case G::any: return "any";
        case G::point: return "points";
        case G::line: return "lines";
        case G::polygon: return "polygons";
        case G::raster: return "raster";
        case G::point_or_polygon: return "points, lines or polygons";
    }
    return "any";
}

void check_params(const PrimitiveInfo& info, const nlohmann::json& params, const std::string& path, Issues& issues,
                  const YAML::Node& at) {
    if (!params.is_object()) {
        issues.error(path, "expected a mapping of parameters", at);
        return;
    }
    std::vector<std::string> names;
    for (const auto& p : info.params) names.push_back(p.name);
    auto node_for = [&](const std::string& key) {
        if (at.IsDefined() && at.IsMap() && at[key].IsDefined()) return at[key];
        return at;
    };
    for (auto it = params.begin(); it != params.end(); ++it)
        if (std::find(names.begin(), names.end(), it.key()) == names.end())
            issues.error(key_path(path, it.key()),
                         unknown_key_message(it.key(), names) + " (primitive '" + info.name + "')", node_for(it.key()));
    for (const auto& spec : info.params) {
        const std::string p = key_path(path, spec.name);
        if (!params.contains(spec.name) || params[spec.name].is_null()) {
            if (spec.required) issues.error(p, "required parameter of primitive '" + info.name + "' is missing", at);
            continue;
        }
        const auto& v = params[spec.name];
        const auto n = node_for(spec.name);
        switch (spec.type) {
            case T::number:
            case T::integer:
                if (!v.is_number()) {
                    issues.error(p, spec.type == T::integer ? "expected an integer" : "expected a number", n);
                } else if (spec.type == T::integer && !is_integer(v)) {
                    issues.error(p, "expected an integer", n);
                } else if (spec.min && v.get<double>() < *spec.min) {
                    issues.error(p, "must be at least " + nlohmann::json(*spec.min).dump(), n);
                }
                break;
            case T::string:
            case T::dataset:
            case T::indicator:
                if (!v.is_string()) {
                    issues.error(p, "expected " + to_string(spec.type), n);
                } else if (!spec.choices.empty() &&
                           std::find(spec.choices.begin(), spec.choices.end(), v.get<std::string>()) == spec.choices.end()) {
                    const auto s = suggest(v.get<std::string>(), spec.choices);
                    std::string list;
                    for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
                    issues.error(p, "'" + v.get<std::string>() + "' is not one of " + list + (s.empty() ? "" : "; did you mean '" + s + "'?"), n);
                }
                break;
            case T::expression:
                if (!v.is_string()) {
                    issues.error(p, "expected an expression (text)", n);
                } else {
                    try {
                        (void)Expression::parse(v.get<std::string>());
                    } catch (const Error& e) {
                        issues.error(p, e.message(), n);
                    }
                }
                break;
            case T::boolean:
                if (!v.is_boolean()) issues.error(p, "expected true or false", n);
                break;
            case T::list:
                if (!v.is_array()) issues.error(p, "expected a list", n);
                break;
            case T::object:
                if (!v.is_object()) issues.error(p, "expected a mapping", n);
                break;
            case T::any: break;
        }
    }
    // Cross-parameter rules.
    if (info.name == "coverage") {
        const bool m = params.contains("reach_m"), t = params.contains("reach_by_area"), r = params.contains("reach_min");
        if (static_cast<int>(m) + static_cast<int>(t) + static_cast<int>(r) != 1)
            issues.error(path, "coverage needs exactly one of reach_m, reach_by_area, reach_min", at);
        if (params.value("metric", std::string("euclidean")) == "network" && !params.contains("network"))
            issues.error(key_path(path, "network"), "required when metric is network", at);
        if (r && params.value("metric", std::string("euclidean")) != "network")
            issues.error(key_path(path, "reach_min"), "a reach in minutes needs metric: network", at);
        const auto demand = params.value("demand", std::string("zone_area"));
        if (demand != "zone_area" && !params.contains("demand_dataset"))
            issues.error(key_path(path, "demand_dataset"), "required when demand is " + demand, at);
        if (t && params["reach_by_area"].is_array()) {
            std::size_t i = 0;
            for (const auto& tier : params["reach_by_area"]) {
                const auto tp = index_path(key_path(path, "reach_by_area"), i++);
                if (!tier.is_object() || !tier.contains("min_m2") || !tier.contains("reach_m") ||
                    !tier["min_m2"].is_number() || !tier["reach_m"].is_number())
                    issues.error(tp, "expected {min_m2: number, reach_m: number}", at);
            }
        }
    }
    if (info.name == "zonal") {
        const auto stat = params.value("stat", std::string());
        if (stat.rfind("frac_", 0) == 0 && stat != "frac_in" && !params.contains("threshold"))
            issues.error(key_path(path, "threshold"), "required for stat " + stat, at);
        if (stat == "frac_in" && !params.contains("classes"))
            issues.error(key_path(path, "classes"), "required for stat frac_in", at);
    }
}

std::vector<DatasetRef> dataset_refs(const PrimitiveInfo& info, const nlohmann::json& params) {
    std::vector<DatasetRef> refs;
    if (!params.is_object()) return refs;
    for (const auto& spec : info.params)
        if (spec.type == T::dataset && params.contains(spec.name) && params[spec.name].is_string())
            refs.push_back({spec.name, params[spec.name].get<std::string>(), &spec});
    return refs;
}

std::vector<std::string> indicator_refs(const std::string& primitive, const nlohmann::json& params) {
    std::vector<std::string> ids;
    if (!params.is_object()) return ids;
    if (primitive == "per_capita") {
        for (const char* k : {"numerator", "denominator"})
            if (params.contains(k) && params[k].is_string()) ids.push_back(params[k].get<std::string>());
    } else if (primitive == "expression" && params.contains("expr") && params["expr"].is_string()) {
        try {
            ids = Expression::parse(params["expr"].get<std::string>()).identifiers();
        } catch (const Error&) {
        }
    }
    return ids;
}

}  // namespace citycheck::engine
