// service_areas.gpkg: the service areas of the run's coverage indicators (see service_areas.hpp).
#include <citycheck/engine/service_areas.hpp>

#include <citycheck/core/error.hpp>
#include <citycheck/engine/runner.hpp>
#include <citycheck/spatial/coverage.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <map>

namespace citycheck::engine {

namespace fs = std::filesystem;

std::vector<ServiceAreaLayer> service_area_layers(const HealthCheckConfig& config, const RunResult& result) {
    std::vector<ServiceAreaLayer> out;
    const auto& finest = result.zones.levels().back().zones;
    for (std::size_t i = 0; i < result.table.results().size() && i < config.indicators.size(); ++i) {
        const auto& res = result.table.results()[i];
        if (!res.service_areas || res.state != IndicatorState::ok) continue;
        const auto& sa = *res.service_areas;
        ServiceAreaLayer layer;
        layer.indicator_id = res.id;
        for (std::size_t z = 0; z < sa.zone_wkb.size() && z < finest.size(); ++z) {
            if (sa.zone_wkb[z].empty()) continue;
            layer.zone_ids.push_back(finest[z].id);
            layer.zone_wkb.push_back(sa.zone_wkb[z]);
            layer.covered.push_back(sa.covered[z]);
        }
        layer.facilities = sa.facilities;
        out.push_back(std::move(layer));
    }
    return out;
}

fs::path write_service_areas_gpkg(const std::vector<ServiceAreaLayer>& layers, const spatial::Crs& crs, const fs::path& dir) {
    if (layers.empty()) return {};
    const fs::path path = dir / SERVICE_AREAS_FILE;
    spatial::GdalErrorScope scope;
    spatial::DatasetPtr ds(spatial::driver("GPKG").Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw OutputError("cannot create the GeoPackage: " + scope.last_error(), ErrorContext{path.string()});
    OGRSpatialReference srs;
    if (crs.ogr()) srs = *crs.ogr();
    OGRSpatialReference* sr = crs.ogr() ? &srs : nullptr;
    for (const auto& l : layers) {
        OGRLayer* areas = ds->CreateLayer(l.indicator_id.c_str(), sr, wkbMultiPolygon, nullptr);
        if (!areas) throw OutputError("cannot create layer: " + scope.last_error(), ErrorContext{path.string(), l.indicator_id});
        OGRFieldDefn id("zone_id", OFTString), cov("covered", OFTReal);
        areas->CreateField(&id);
        areas->CreateField(&cov);
        if (areas->StartTransaction() != OGRERR_NONE) throw OutputError("cannot start a transaction: " + scope.last_error(), ErrorContext{path.string()});
        for (std::size_t z = 0; z < l.zone_ids.size(); ++z) {
            OGRFeature f(areas->GetLayerDefn());
            f.SetField("zone_id", l.zone_ids[z].c_str());
            f.SetField("covered", l.covered[z]);
            OGRGeometry* g = nullptr;
            if (OGRGeometryFactory::createFromWkb(l.zone_wkb[z].data(), nullptr, &g, l.zone_wkb[z].size()) == OGRERR_NONE && g)
                f.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g));
            if (areas->CreateFeature(&f) != OGRERR_NONE)
                throw OutputError("cannot write a service area: " + scope.last_error(), ErrorContext{path.string(), l.indicator_id, "", l.zone_ids[z]});
        }
        if (areas->CommitTransaction() != OGRERR_NONE) throw OutputError("cannot commit: " + scope.last_error(), ErrorContext{path.string()});
        const std::string fname = l.indicator_id + "_facilities";
        OGRLayer* fac = ds->CreateLayer(fname.c_str(), sr, wkbPoint, nullptr);
        if (!fac) throw OutputError("cannot create layer: " + scope.last_error(), ErrorContext{path.string(), fname});
        if (fac->StartTransaction() != OGRERR_NONE) throw OutputError("cannot start a transaction: " + scope.last_error(), ErrorContext{path.string()});
        for (const auto& p : l.facilities) {
            OGRFeature f(fac->GetLayerDefn());
            f.SetGeometryDirectly(new OGRPoint(p.x, p.y));
            if (fac->CreateFeature(&f) != OGRERR_NONE) throw OutputError("cannot write a facility: " + scope.last_error(), ErrorContext{path.string(), fname});
        }
        if (fac->CommitTransaction() != OGRERR_NONE) throw OutputError("cannot commit: " + scope.last_error(), ErrorContext{path.string()});
    }
    ds.reset();  // close before the folder is renamed
    return path;
}

std::vector<ServiceAreaLayer> read_service_areas_gpkg(const fs::path& path) {
    spatial::GdalEnvironment::ensure();
    auto ds = spatial::open_dataset(path.string(), spatial::DatasetKind::vector);
    std::vector<ServiceAreaLayer> out;
    std::map<std::string, std::size_t> index;
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* layer = ds->GetLayer(i);
        const std::string name = layer->GetName();
        if (name.size() > 11 && name.compare(name.size() - 11, 11, "_facilities") == 0) continue;
        ServiceAreaLayer l;
        l.indicator_id = name;
        const int id_field = layer->GetLayerDefn()->GetFieldIndex("zone_id");
        const int cov_field = layer->GetLayerDefn()->GetFieldIndex("covered");
        if (id_field < 0 || cov_field < 0) throw InputError("not a service-area layer (zone_id, covered)", ErrorContext{path.string(), name});
        for (auto& f : *layer) {
            const OGRGeometry* g = f->GetGeometryRef();
            if (!g) continue;
            std::vector<unsigned char> wkb(static_cast<std::size_t>(g->WkbSize()));
            g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
            l.zone_ids.push_back(f->GetFieldAsString(id_field));
            l.covered.push_back(f->GetFieldAsDouble(cov_field));
            l.zone_wkb.push_back(std::move(wkb));
        }
        index[name] = out.size();
        out.push_back(std::move(l));
    }
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* layer = ds->GetLayer(i);
        const std::string name = layer->GetName();
        if (name.size() <= 11 || name.compare(name.size() - 11, 11, "_facilities") != 0) continue;
        auto it = index.find(name.substr(0, name.size() - 11));
        if (it == index.end()) continue;
        for (auto& f : *layer)
            if (const auto* p = dynamic_cast<const OGRPoint*>(f->GetGeometryRef())) out[it->second].facilities.push_back({p->getX(), p->getY()});
    }
    return out;
}

}  // namespace citycheck::engine
