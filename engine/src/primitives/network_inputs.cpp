// Shared inputs of the network and population adapters; see network_inputs.hpp.
#include "network_inputs.hpp"

#include <regex>

#include <citycheck/core/error.hpp>
#include <citycheck/engine/shared_inputs.hpp>
#include <citycheck/spatial/travel_time.hpp>

namespace citycheck::engine {

namespace {
void add_ring(const spatial::GeosContext& geos, const GEOSGeometry* ring, spatial::PolygonSet& out) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(geos.get(), ring);
    unsigned n = 0;
    if (!seq || GEOSCoordSeq_getSize_r(geos.get(), seq, &n) == 0 || n < 3) return;
    spatial::Ring r;
    r.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(geos.get(), seq, i, &x, &y);
        r.push_back({x, y});
    }
    out.rings.push_back(std::move(r));
}

void add_polygons(const spatial::GeosContext& geos, const GEOSGeometry* g, spatial::PolygonSet& out) {
    const int type = GEOSGeomTypeId_r(geos.get(), g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(geos.get(), g) == 1) return;
        out.part_begin.push_back(out.rings.size());
        add_ring(geos, GEOSGetExteriorRing_r(geos.get(), g), out);
        const int holes = GEOSGetNumInteriorRings_r(geos.get(), g);
        for (int i = 0; i < holes; ++i) add_ring(geos, GEOSGetInteriorRingN_r(geos.get(), g, i), out);
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(geos.get(), g);
        for (int i = 0; i < n; ++i) add_polygons(geos, GEOSGetGeometryN_r(geos.get(), g, i), out);
    }
}
}  // namespace

spatial::PolygonSet polygon_set_from_wkb(const spatial::GeosContext& geos, const std::vector<unsigned char>& wkb) {
    spatial::PolygonSet out;
    if (wkb.empty()) return out;
    auto g = geos.from_wkb(wkb);
    add_polygons(geos, g.get(), out);
    return out;
}

std::shared_ptr<const spatial::ZonePolygons> shared_zone_polygons(const RunContext& ctx, const std::string& within) {
    return ctx.cache.get_or_build<spatial::ZonePolygons>("zone-polygons:" + within, [&]() {
        const auto clipped = shared_zones_within(ctx, within);
        const auto& fine = ctx.zones.finest().zones;
        auto out = std::make_shared<spatial::ZonePolygons>();
        out->crs = ctx.zones.crs();
        spatial::GeosContext geos;
        for (std::size_t i = 0; i < fine.size(); ++i) {
            out->ids.push_back(fine[i].id);
            out->polygons.push_back(polygon_set_from_wkb(geos, clipped->wkb[i]));
        }
        return std::shared_ptr<const spatial::ZonePolygons>(out);
    });
}

std::shared_ptr<const RoadNetwork> shared_road_network(const RunContext& ctx, const std::string& dataset,
                                                       const std::string& mode, const std::string& class_field,
                                                       const std::string& where) {
    const auto& ds = ctx.dataset(dataset);
    const std::string filter = combined_where(ds.where, where);
    return ctx.cache.get_or_build<RoadNetwork>("road-graph:" + dataset + ":" + mode + ":" + class_field + ":" + filter, [&]() {
        spatial::RoadReadOptions opt;
        opt.mode = mode;
        opt.layer = ds.layer;
        opt.class_field = class_field;
        opt.where = filter;
        opt.target = ctx.zones.crs();
        auto net = std::make_shared<RoadNetwork>();
        net->lines = spatial::read_road_lines(ds.path.string(), opt);
        net->graph = spatial::build_road_graph(net->lines);
        return std::shared_ptr<const RoadNetwork>(net);
    });
}

std::shared_ptr<const spatial::RoadGraph> shared_travel_time_graph(const RunContext& ctx, const std::string& dataset,
                                                                  const std::string& mode, const std::string& class_field,
                                                                  const std::string& where,
                                                                  const std::map<std::string, double>& speeds_kmh) {
    std::string key = "travel-time-graph:" + dataset + ":" + mode + ":" + class_field + ":" + combined_where(ctx.dataset(dataset).where, where);
    for (const auto& [cls, v] : speeds_kmh) key += ":" + cls + "=" + std::to_string(v);
    return ctx.cache.get_or_build<spatial::RoadGraph>(key, [&]() {
        const auto net = shared_road_network(ctx, dataset, mode, class_field, where);
        auto g = std::make_shared<spatial::RoadGraph>(net->graph);
        spatial::use_travel_time(*g, spatial::mode_profile(mode), speeds_kmh);
        return std::shared_ptr<const spatial::RoadGraph>(g);
    });
}

std::string combined_where(const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    return "(" + a + ") AND (" + b + ")";
}

ClassFilter::ClassFilter(const nlohmann::json& spec) {
    if (spec.is_null() || (spec.is_string() && spec.get<std::string>() == "all")) return;
    m_all = false;
    if (spec.is_object() && spec.contains("regex") && spec["regex"].is_string()) {
        const auto text = spec["regex"].get<std::string>();
        try {
            m_regex = std::make_shared<const std::regex>(text);
        } catch (const std::regex_error& e) {
            throw UsageError("invalid classes regex '" + text + "': " + e.what());
        }
    } else if (spec.is_array()) {
        for (const auto& c : spec) m_prefixes.push_back(c.is_string() ? c.get<std::string>() : c.dump());
    } else if (spec.is_string()) {
        m_prefixes.push_back(spec.get<std::string>());
    } else {
        throw UsageError("classes must be a list of codes, {regex: …} or all");
    }
}

bool ClassFilter::matches(const std::string& code) const {
    if (m_all) return true;
    if (m_regex) return std::regex_search(code, *m_regex);
    for (const auto& p : m_prefixes)
        if (code.rfind(p, 0) == 0) return true;
    return false;
}

int require_field(OGRLayer& layer, const std::string& field, const ErrorContext& where, const std::string& what,
                  const std::string& param) {
    const int idx = layer.GetLayerDefn()->GetFieldIndex(field.c_str());
    if (idx >= 0) return idx;
    auto c = where;
    c.field = field;
    throw InputError("the " + what + " layer has no field '" + field + "'; fix " + param, c);
}

}  // namespace citycheck::engine
