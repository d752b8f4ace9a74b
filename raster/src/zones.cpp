#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/raster/zones.hpp>
#include <citycheck/spatial/feature_read.hpp>
#include <citycheck/spatial/zone_layer.hpp>

#include <limits>
#include <unordered_set>

namespace citycheck::raster {

ZoneSet load_zones(const std::string& path, const std::string& id_field, const spatial::Crs& target,
                   const spatial::GeosContext& /*ctx*/, const std::string& layer) {
    spatial::ZoneLayerOptions options;
    options.layer = layer;
    options.id_field = id_field;
    options.target = target;
    auto read = spatial::read_zone_layer(path, options);
    for (const auto& w : read.warnings) log::warning(w);
    ZoneSet out;
    out.source = path;
    out.id_field = id_field;
    out.zones.reserve(read.zones.size());
    for (auto& z : read.zones) out.zones.push_back(Zone{std::move(z.id), std::move(z.wkb), z.box});
    return out;
}

spatial::GeomPtr load_union(const std::string& path, const spatial::Crs& target, const spatial::GeosContext& ctx) {
    spatial::FeatureReadOptions options;
    options.target = target;
    const auto features = spatial::read_features(path, options);
    std::vector<GEOSGeometry*> parts;
    for (const auto& f : features.features) {
        auto g = ctx.from_wkb(f.wkb);
        if (auto polygons = spatial::polygonal_part(ctx, *g)) parts.push_back(polygons.release());
    }
    auto coll = ctx.own(GEOSGeom_createCollection_r(ctx.get(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                    static_cast<unsigned int>(parts.size())),
                        "collecting mask polygons");
    return ctx.own(GEOSUnaryUnion_r(ctx.get(), coll.get()), "union of mask polygons");
}

void restrict_zones(ZoneSet& zones, const GEOSGeometry* keep, const GEOSGeometry* remove, const spatial::GeosContext& ctx) {
    for (auto& z : zones.zones) {
        if (z.wkb.empty()) continue;
        auto g = ctx.from_wkb(z.wkb);
        if (keep) g = ctx.intersection(*g, *keep);
        if (remove) g = ctx.own(GEOSDifference_r(ctx.get(), g.get(), remove), "removing the water mask");
        z.wkb = ctx.to_wkb(*g);
        if (GEOSisEmpty_r(ctx.get(), g.get()) == 1) {
            constexpr double inf = std::numeric_limits<double>::infinity();
            z.box = {inf, inf, -inf, -inf};
        } else {
            z.box = ctx.envelope(*g);
        }
    }
}

}  // namespace citycheck::raster
