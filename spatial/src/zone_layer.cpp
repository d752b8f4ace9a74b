// Zone polygons with the same rules for every command: see zone_layer.hpp.
#include <citycheck/spatial/zone_layer.hpp>

#include <limits>
#include <unordered_set>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/feature_read.hpp>

namespace citycheck::spatial {

ZoneLayer read_zone_layer(const std::string& path, const ZoneLayerOptions& options) {
    FeatureReadOptions read;
    read.layer = options.layer;
    read.where = options.where;
    read.coords = options.coords;
    read.source_override = options.crs_override;
    read.source_fallback = options.crs_fallback;
    read.encoding = options.encoding;
    read.keep_empty = true;  // named below, not silently dropped
    read.target = options.target;
    if (read.target.empty()) {
        if (options.crs_override.empty()) {
            read.target = analysis_crs_for(path, options.layer);
        } else if (options.crs_override.is_projected()) {
            read.target = options.crs_override;
        } else {  // lon/lat by override: a first pass finds the centre, as analysis_crs_for does
            const Box b = read_features(path, read).extent();
            read.target = metric_crs_for((b.xmin + b.xmax) / 2, (b.ymin + b.ymax) / 2);
        }
    }
    int id_at = -1, name_at = -1, parent_at = -1;
    for (const auto* f : {&options.id_field, &options.name_field, &options.parent_field}) {
        if (f->empty()) continue;
        const int at = static_cast<int>(read.fields.size());
        read.fields.push_back(*f);
        if (f == &options.id_field) id_at = at;
        else if (f == &options.name_field) name_at = at;
        else parent_at = at;
    }
    FeatureSet features = read_features(path, read);

    ZoneLayer out;
    out.path = features.path;
    out.layer = features.layer;
    out.crs = features.crs;
    out.warnings = features.warnings;
    GeosContext geos;
    std::unordered_set<std::string> seen;
    constexpr double inf = std::numeric_limits<double>::infinity();
    for (auto& f : features.features) {
        ZoneRecord z;
        const auto text = [&](int at) { return at >= 0 && f.values[static_cast<std::size_t>(at)] ? *f.values[static_cast<std::size_t>(at)] : std::string(); };
        z.id = id_at >= 0 ? text(id_at) : std::to_string(f.fid);
        z.name = name_at >= 0 ? text(name_at) : z.id;
        z.parent_id = text(parent_at);
        const ErrorContext where{.file = out.path, .layer = out.layer, .field = options.id_field, .feature = z.id};
        if (id_at >= 0 && z.id.empty())
            throw InputError("a zone has an empty id (feature " + std::to_string(f.fid) + "); every zone needs a unique id", where);
        if (!seen.insert(z.id).second)
            throw InputError("duplicate zone id '" + z.id + "': zone ids must be unique (choose another id field)", where);
        z.box = {inf, inf, -inf, -inf};
        if (f.wkb.empty()) {
            if (!options.keep_empty) throw InputError("zone '" + z.id + "' has no geometry", where);
            out.warnings.push_back("zone '" + z.id + "' has no geometry; its values will be empty");
            out.zones.push_back(std::move(z));
            continue;
        }
        auto g = geos.from_wkb(f.wkb);
        auto polygons = polygonal_part(geos, *g);
        if (!polygons) {
            if (f.repair_reason.empty())
                throw InputError(std::string("zones must be polygons, found a ") + GEOSGeomType_r(geos.get(), g.get()), where);
            throw InputError("zone '" + z.id + "' is invalid (" + f.repair_reason + ") and has no area once repaired", where);
        }
        z.repaired = !f.repair_reason.empty();
        if (z.repaired)
            out.warnings.push_back("zone '" + z.id + "' has an invalid polygon (" + f.repair_reason + "); repaired with make-valid");
        z.wkb = geos.to_wkb(*polygons);
        z.box = geos.envelope(*polygons);
        z.area = geos.area(*polygons);
        out.zones.push_back(std::move(z));
    }
    if (out.zones.empty())
        throw InputError(options.where.empty() ? "the zone layer is empty" : "no zones match the filter '" + options.where + "'",
                         {.file = out.path, .layer = out.layer});
    return out;
}

}  // namespace citycheck::spatial
