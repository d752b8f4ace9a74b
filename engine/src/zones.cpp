// Zones at four levels: loading, reprojection, parent links and the tiling check.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/vector_source.hpp>
#include <citycheck/engine/zones.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/spatial/zone_layer.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace citycheck::engine {

namespace {
ZoneLevelData read_level(const ZoneSource& src, const spatial::Crs& crs) {
    spatial::ZoneLayerOptions options;
    options.layer = src.layer;
    options.id_field = src.id_field;
    options.name_field = src.name_field;
    options.parent_field = src.parent_field;
    options.where = src.where;
    if (!src.crs.empty()) options.crs_override = spatial::Crs::from_user_input(src.crs);
    options.target = crs;
    options.keep_empty = false;  // a zone without area cannot tile its parent
    auto read = spatial::read_zone_layer(src.path.string(), options);
    for (const auto& w : read.warnings) log::warning(w);
    ZoneLevelData level;
    level.level = src.level;
    for (auto& r : read.zones) {
        Zone z;
        z.id = std::move(r.id);
        z.name = std::move(r.name);
        z.parent_id = std::move(r.parent_id);
        z.wkb = std::move(r.wkb);
        z.box = r.box;
        z.area_m2 = r.area;
        level.index[z.id] = level.zones.size();
        level.zones.push_back(std::move(z));
    }
    return level;
}
}  // namespace

spatial::Crs working_crs(const HealthCheckConfig& config) {
    if (!config.crs.empty()) return spatial::Crs::from_user_input(config.crs);
    if (config.zones.empty()) throw UsageError("no zones configured");
    const auto& src = config.zones.back();
    auto opened = open_vector_layer(src.path.string(), src.layer, "", src.crs);
    if (opened.crs.empty()) throw InputError("the zones have no CRS", ErrorContext{src.path.string()});
    if (opened.crs.is_projected()) return opened.crs;
    OGREnvelope env;
    if (opened.layer->GetExtent(&env, TRUE) != OGRERR_NONE) throw InputError(spatial::with_gdal_reason("cannot read the zones' extent"), ErrorContext{src.path.string()});
    const double x = (env.MinX + env.MaxX) / 2, y = (env.MinY + env.MaxY) / 2;
    return spatial::metric_crs_for(x, y);  // Crs is lon/lat order
}

ZoneSet ZoneSet::load(const HealthCheckConfig& config, const spatial::Crs& crs) {
    ZoneSet set;
    set.m_crs = crs;
    for (const auto& src : config.zones) set.m_levels.push_back(read_level(src, crs));
    set.link();
    return set;
}

ZoneSet ZoneSet::from_levels(std::vector<ZoneLevelData> levels, spatial::Crs crs) {
    spatial::GeosContext geos;
    ZoneSet set;
    set.m_crs = std::move(crs);
    set.m_levels = std::move(levels);
    for (auto& l : set.m_levels) {
        l.index.clear();
        for (std::size_t i = 0; i < l.zones.size(); ++i) {
            auto& z = l.zones[i];
            auto g = geos.from_wkb(z.wkb);
            z.box = geos.envelope(*g);
            z.area_m2 = geos.area(*g);
            l.index[z.id] = i;
        }
    }
    set.link();
    return set;
}

void ZoneSet::link() {
    spatial::GeosContext geos;
    for (std::size_t k = 1; k < m_levels.size(); ++k) {
        auto& parents = m_levels[k - 1];
        auto& children = m_levels[k];
        std::vector<spatial::PreparedPtr> prepared;
        std::vector<spatial::GeomPtr> geoms;
        std::vector<std::string> missing;
        for (auto& c : children.zones) {
            if (!c.parent_id.empty()) {
                auto it = parents.index.find(c.parent_id);
                if (it == parents.index.end()) {
                    missing.push_back(c.id + " → " + c.parent_id);
                    continue;
                }
                c.parent = it->second;
                continue;
            }
            // No parent field: the parent that contains the child's interior point.
            if (geoms.empty())
                for (const auto& p : parents.zones) {
                    geoms.push_back(geos.from_wkb(p.wkb));
                    prepared.push_back(geos.prepare(*geoms.back()));
                }
            auto g = geos.from_wkb(c.wkb);
            auto pt = geos.own(GEOSPointOnSurface_r(geos.get(), g.get()), "interior point");
            for (std::size_t p = 0; p < geoms.size(); ++p)
                if (GEOSPreparedContains_r(geos.get(), prepared[p].get(), pt.get()) == 1) {
                    c.parent = p;
                    c.parent_id = parents.zones[p].id;
                    break;
                }
            if (c.parent == NO_PARENT) missing.push_back(c.id + " (inside no " + level_zh(parents.level) + " zone)");
        }
        if (!missing.empty()) {
            std::string list;
            for (std::size_t i = 0; i < missing.size() && i < 10; ++i) list += (list.empty() ? "" : "; ") + missing[i];
            throw InputError(std::to_string(missing.size()) + " " + level_zh(children.level) + " zones have no parent " +
                             level_zh(parents.level) + " zone: " + list + (missing.size() > 10 ? "; …" : ""));
        }
    }
}

spatial::Box ZoneSet::extent() const {
    spatial::Box b{INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (const auto& l : m_levels)
        for (const auto& z : l.zones) {
            b.xmin = std::min(b.xmin, z.box.xmin);
            b.ymin = std::min(b.ymin, z.box.ymin);
            b.xmax = std::max(b.xmax, z.box.xmax);
            b.ymax = std::max(b.ymax, z.box.ymax);
        }
    return b;
}

std::vector<std::size_t> ZoneSet::ancestors_at(std::size_t k) const {
    const auto& fine = m_levels.back().zones;
    std::vector<std::size_t> out(fine.size());
    for (std::size_t i = 0; i < fine.size(); ++i) {
        std::size_t idx = i;
        for (std::size_t lvl = m_levels.size() - 1; lvl > k; --lvl) idx = m_levels[lvl].zones[idx].parent;
        out[i] = idx;
    }
    return out;
}

std::string TilingIssue::to_string() const {
    std::ostringstream s;
    s.precision(6);
    s << level_zh(level) << " zone '" << parent_id << "': children leave a gap of " << gap_m2 << " m², overlap by "
      << overlap_m2 << " m² and extend " << outside_m2 << " m² outside it (zone area " << parent_area_m2 << " m²)";
    return s.str();
}

std::vector<TilingIssue> check_tiling(const ZoneSet& zones, double rel_tolerance) {
    spatial::GeosContext geos;
    std::vector<TilingIssue> out;
    const auto& levels = zones.levels();
    for (std::size_t k = 0; k + 1 < levels.size(); ++k) {
        std::vector<std::vector<std::size_t>> kids(levels[k].zones.size());
        for (std::size_t c = 0; c < levels[k + 1].zones.size(); ++c) kids[levels[k + 1].zones[c].parent].push_back(c);
        for (std::size_t p = 0; p < kids.size(); ++p) {
            const auto& parent = levels[k].zones[p];
            auto pg = geos.from_wkb(parent.wkb);
            std::vector<GEOSGeometry*> parts;
            double sum = 0;
            for (auto c : kids[p]) {
                const auto& child = levels[k + 1].zones[c];
                parts.push_back(geos.from_wkb(child.wkb).release());
                sum += child.area_m2;
            }
            TilingIssue t;
            t.level = levels[k].level;
            t.parent_id = parent.id;
            t.parent_area_m2 = parent.area_m2;
            if (parts.empty()) {
                t.gap_m2 = parent.area_m2;
            } else {
                auto coll = geos.own(GEOSGeom_createCollection_r(geos.get(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                                 static_cast<unsigned>(parts.size())), "collection");
                auto uni = geos.own(GEOSUnaryUnion_r(geos.get(), coll.get()), "union of children");
                const double union_area = geos.area(*uni);
                t.overlap_m2 = std::max(0.0, sum - union_area);
                t.gap_m2 = geos.area(*geos.own(GEOSDifference_r(geos.get(), pg.get(), uni.get()), "gap"));
                t.outside_m2 = geos.area(*geos.own(GEOSDifference_r(geos.get(), uni.get(), pg.get()), "outside"));
            }
            const double tol = rel_tolerance * std::max(parent.area_m2, 1.0);
            if (t.gap_m2 > tol || t.overlap_m2 > tol || t.outside_m2 > tol) out.push_back(t);
        }
    }
    return out;
}

}  // namespace citycheck::engine
