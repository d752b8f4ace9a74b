#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/raster/zones.hpp>
#include <citycheck/spatial/encoding.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <limits>
#include <unordered_set>

namespace citycheck::raster {

namespace {

OGRLayer& pick_layer(GDALDataset& ds, const std::string& path, const std::string& layer) {
    OGRLayer* l = layer.empty() ? (ds.GetLayerCount() > 0 ? ds.GetLayer(0) : nullptr) : ds.GetLayerByName(layer.c_str());
    if (!l) throw InputError(layer.empty() ? "the dataset has no vector layer" : "no such layer", {.file = path, .layer = layer});
    return *l;
}

std::unique_ptr<spatial::Transform> transform_to(OGRLayer& l, const spatial::Crs& target, const std::string& path) {
    const auto crs = spatial::Crs::from_ogr(l.GetSpatialRef());
    if (crs.empty())
        throw InputError("the layer has no CRS; add a .prj file or set the CRS (e.g. ogr2ogr -a_srs EPSG:4547)",
                         {.file = path, .layer = l.GetName()});
    if (target.empty()) return nullptr;
    return std::make_unique<spatial::Transform>(crs, target);
}

// WKB of a feature's geometry in the target CRS; nullopt-like empty vector for no geometry.
std::vector<unsigned char> feature_wkb(OGRFeature& f, const spatial::Transform* tr, const ErrorContext& where,
                                       std::vector<unsigned char>* source_wkb = nullptr) {
    OGRGeometry* g = f.GetGeometryRef();
    if (!g || g->IsEmpty()) return {};
    const auto type = wkbFlatten(g->getGeometryType());
    if (type != wkbPolygon && type != wkbMultiPolygon && type != wkbCurvePolygon && type != wkbMultiSurface)
        throw InputError(std::string("zones must be polygons, found ") + OGRGeometryTypeToName(g->getGeometryType()), where);
    std::unique_ptr<OGRGeometry> copy(g->clone());
    if (type == wkbCurvePolygon || type == wkbMultiSurface) copy.reset(copy->getLinearGeometry());
    copy->flattenTo2D();
    if (source_wkb) {
        source_wkb->resize(copy->WkbSize());
        copy->exportToWkb(wkbNDR, source_wkb->data(), wkbVariantIso);
    }
    if (tr && !tr->is_identity() && copy->transform(tr->ogr()) != OGRERR_NONE)
        throw InputError("cannot transform the geometry to the raster's CRS", where);
    std::vector<unsigned char> wkb(copy->WkbSize());
    copy->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    return wkb;
}

}  // namespace

ZoneSet load_zones(const std::string& path, const std::string& id_field, const spatial::Crs& target,
                   const spatial::GeosContext& ctx, const std::string& layer) {
    auto ds = spatial::open_dataset(path, spatial::DatasetKind::vector, spatial::vector_open_options(path));
    auto& l = pick_layer(*ds, path, layer);
    const auto tr = transform_to(l, target, path);
    int field = -1;
    if (!id_field.empty()) {
        field = l.GetLayerDefn()->GetFieldIndex(id_field.c_str());
        if (field < 0) throw InputError("no such field; use --id with one of the layer's fields", {.file = path, .layer = l.GetName(), .field = id_field});
    }
    ZoneSet out;
    out.source = path;
    out.id_field = id_field;
    out.source_crs = spatial::Crs::from_ogr(l.GetSpatialRef());
    std::unordered_set<std::string> seen;
    l.ResetReading();
    for (auto& f : l) {
        Zone z;
        z.id = field >= 0 ? std::string(f->GetFieldAsString(field)) : std::to_string(f->GetFID());
        const ErrorContext where{.file = path, .layer = l.GetName(), .field = id_field, .feature = z.id};
        if (!seen.insert(z.id).second)
            throw InputError("duplicate zone id '" + z.id + "': zone ids must be unique (choose another --id field)", where);
        z.wkb = feature_wkb(*f, tr.get(), where, &z.source_wkb);
        if (!z.wkb.empty()) {
            auto g = ctx.from_wkb(z.wkb);
            if (!ctx.is_valid(*g)) {
                log::warning("zone '" + z.id + "' has an invalid polygon (" + ctx.invalid_reason(*g) + "); repaired with make-valid");
                g = ctx.make_valid(*g);
                z.wkb = ctx.to_wkb(*g);
            }
            z.box = ctx.envelope(*g);
        } else {
            log::warning("zone '" + z.id + "' has no geometry; its statistics will be empty");
        }
        out.zones.push_back(std::move(z));
    }
    if (out.zones.empty()) throw InputError("the zone layer is empty", {.file = path, .layer = l.GetName()});
    return out;
}

spatial::GeomPtr load_union(const std::string& path, const spatial::Crs& target, const spatial::GeosContext& ctx) {
    auto ds = spatial::open_dataset(path, spatial::DatasetKind::vector, spatial::vector_open_options(path));
    auto& l = pick_layer(*ds, path, "");
    const auto tr = transform_to(l, target, path);
    std::vector<GEOSGeometry*> parts;
    l.ResetReading();
    for (auto& f : l) {
        const ErrorContext where{.file = path, .layer = l.GetName(), .feature = std::to_string(f->GetFID())};
        const auto wkb = feature_wkb(*f, tr.get(), where);
        if (wkb.empty()) continue;
        auto g = ctx.from_wkb(wkb);
        if (!ctx.is_valid(*g)) g = ctx.make_valid(*g);
        parts.push_back(g.release());
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
