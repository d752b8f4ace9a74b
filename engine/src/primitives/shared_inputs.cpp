// Shared inputs of vector primitives: point sets, boundary unions, zones clipped to a boundary.
#include <citycheck/core/error.hpp>
#include <citycheck/core/per_thread.hpp>
#include <citycheck/engine/shared_inputs.hpp>
#include <citycheck/engine/vector_source.hpp>

#include <algorithm>
#include <numeric>

#include <tbb/parallel_for.h>

namespace citycheck::engine {

namespace {
void add_points(const spatial::GeosContext& geos, const GEOSGeometry* g, PointSet& out) {
    const int type = GEOSGeomTypeId_r(geos.get(), g);
    if (type == GEOS_POINT) {
        double x = 0, y = 0;
        if (GEOSGeomGetX_r(geos.get(), g, &x) == 1 && GEOSGeomGetY_r(geos.get(), g, &y) == 1) {
            out.x.push_back(x);
            out.y.push_back(y);
        }
    } else if (type == GEOS_MULTIPOINT) {
        const int n = GEOSGetNumGeometries_r(geos.get(), g);
        for (int i = 0; i < n; ++i) add_points(geos, GEOSGetGeometryN_r(geos.get(), g, i), out);
    } else {
        auto p = geos.own(GEOSPointOnSurface_r(geos.get(), g), "interior point");
        add_points(geos, p.get(), out);
    }
}
}  // namespace

std::shared_ptr<const PointSet> shared_points(const RunContext& ctx, const std::string& dataset, const std::string& where) {
    const auto& ds = ctx.dataset(dataset);
    const std::string filter = ds.where.empty() ? where : where.empty() ? ds.where : "(" + ds.where + ") AND (" + where + ")";
    return ctx.cache.get_or_build<PointSet>("points:" + dataset + ":" + filter, [&]() {
        auto opened = open_vector_layer(ds, where);
        if (opened.crs.empty())
            throw InputError("the dataset has no CRS; set datasets." + dataset + ".crs", ErrorContext{ds.path.string(), opened.layer->GetName()});
        spatial::Transform t(opened.crs, ctx.zones.crs());
        spatial::GeosContext geos;
        PointSet raw;
        for (auto& f : *opened.layer) {
            const auto wkb = geometry_wkb(*f, t, opened.coords);
            if (wkb.empty()) continue;
            auto g = geos.from_wkb(wkb);
            add_points(geos, g.get(), raw);
        }
        std::vector<std::size_t> order(raw.x.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return raw.x[a] != raw.x[b] ? raw.x[a] < raw.x[b] : raw.y[a] < raw.y[b];
        });
        auto out = std::make_shared<PointSet>();
        for (auto i : order) {
            out->x.push_back(raw.x[i]);
            out->y.push_back(raw.y[i]);
        }
        return std::shared_ptr<const PointSet>(out);
    });
}

std::shared_ptr<const std::vector<unsigned char>> shared_polygon_union(const RunContext& ctx, const std::string& dataset) {
    const auto& ds = ctx.dataset(dataset);
    return ctx.cache.get_or_build<std::vector<unsigned char>>("union:" + dataset, [&]() {
        auto opened = open_vector_layer(ds);
        if (opened.crs.empty())
            throw InputError("the dataset has no CRS; set datasets." + dataset + ".crs", ErrorContext{ds.path.string(), opened.layer->GetName()});
        spatial::Transform t(opened.crs, ctx.zones.crs());
        spatial::GeosContext geos;
        std::vector<GEOSGeometry*> parts;
        for (auto& f : *opened.layer) {
            const auto wkb = geometry_wkb(*f, t, opened.coords);
            if (wkb.empty()) continue;
            auto g = geos.from_wkb(wkb);
            if (!geos.is_valid(*g)) g = geos.make_valid(*g);
            parts.push_back(g.release());
        }
        if (parts.empty()) throw InputError("no polygons (check the layer and its where filter)", ErrorContext{ds.path.string(), opened.layer->GetName()});
        auto coll = geos.own(GEOSGeom_createCollection_r(geos.get(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                         static_cast<unsigned>(parts.size())), "collection");
        auto uni = geos.own(GEOSUnaryUnion_r(geos.get(), coll.get()), "union of " + dataset);
        return std::make_shared<const std::vector<unsigned char>>(geos.to_wkb(*uni));
    });
}

std::shared_ptr<const ClippedZones> shared_zones_within(const RunContext& ctx, const std::string& within) {
    return ctx.cache.get_or_build<ClippedZones>("zones-within:" + within, [&]() {
        const auto& fine = ctx.zones.finest().zones;
        auto out = std::make_shared<ClippedZones>();
        out->wkb.resize(fine.size());
        out->area_m2.resize(fine.size());
        if (within.empty()) {
            for (std::size_t i = 0; i < fine.size(); ++i) {
                out->wkb[i] = fine[i].wkb;
                out->area_m2[i] = fine[i].area_m2;
            }
            return std::shared_ptr<const ClippedZones>(out);
        }
        const auto boundary = shared_polygon_union(ctx, within);
        PerThread<spatial::GeosContext> geos_tls([] { return spatial::GeosContext(); });
        tbb::parallel_for(std::size_t(0), fine.size(), [&](std::size_t i) {
            auto& geos = geos_tls.local();
            auto b = geos.from_wkb(*boundary);
            auto z = geos.from_wkb(fine[i].wkb);
            auto clipped = geos.intersection(*z, *b);
            out->area_m2[i] = geos.area(*clipped);
            if (out->area_m2[i] > 0) out->wkb[i] = geos.to_wkb(*clipped);
        });
        return std::shared_ptr<const ClippedZones>(out);
    });
}

}  // namespace citycheck::engine
