// Map outputs of coverage: service-area polygons (covered cells dissolved) and a distance raster.
#include <citycheck/spatial/coverage.hpp>

#include <cmath>
#include <filesystem>

#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::spatial {

void write_service_areas(const std::string& path, const ZonePolygons& zones, const Demand& demand, const CoverageResult& result) {
    if (!demand.grid) throw UsageError("--service-areas needs gridded demand (zone area or polygons), not points or a raster");
    const DemandGrid& g = *demand.grid;
    GeosContext ctx;
    // Runs of covered cells per zone and row become rectangles; their union is the service area.
    std::vector<std::vector<GeomPtr>> parts(zones.ids.size());
    std::vector<double> area(zones.ids.size(), 0.0);
    const std::size_t n = demand.cells.size();
    for (std::size_t i = 0; i < n;) {
        if (!result.covered[i]) {
            ++i;
            continue;
        }
        const auto& c = demand.cells[i];
        std::size_t j = i + 1;
        while (j < n && result.covered[j] && demand.cells[j].zone == c.zone && demand.cells[j].cell == demand.cells[j - 1].cell + 1 &&
               demand.cells[j].cell / g.cols == c.cell / g.cols)
            ++j;
        const auto row = c.cell / g.cols, col0 = c.cell % g.cols, col1 = col0 + static_cast<std::int64_t>(j - i);
        const Box b{g.x0 + static_cast<double>(col0) * g.cell, g.y0 - static_cast<double>(row + 1) * g.cell,
                    g.x0 + static_cast<double>(col1) * g.cell, g.y0 - static_cast<double>(row) * g.cell};
        parts[c.zone].push_back(ctx.make_box(b));
        for (std::size_t k = i; k < j; ++k) area[c.zone] += demand.cells[k].weight;
        i = j;
    }
    AtomicOutput out(path);
    GDALDriver& drv = driver(driver_for_extension(path));
    DatasetPtr ds(drv.Create(out.temp_path().string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw OutputError(with_gdal_reason("cannot create the service-area file"), {.file = path});
    OGRSpatialReference srs(*zones.crs.ogr());
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* layer = ds->CreateLayer("service_areas", &srs, wkbMultiPolygon, nullptr);
    if (!layer) throw OutputError(with_gdal_reason("cannot create the service-area layer"), {.file = path});
    OGRFieldDefn id("zone_id", OFTString);
    OGRFieldDefn cov("covered_m2", OFTReal);
    layer->CreateField(&id);
    layer->CreateField(&cov);
    for (std::size_t z = 0; z < zones.ids.size(); ++z) {
        if (parts[z].empty()) continue;
        std::vector<GEOSGeometry*> raw;
        for (auto& p : parts[z]) raw.push_back(p.release());
        GeomPtr coll = ctx.own(GEOSGeom_createCollection_r(ctx.get(), GEOS_GEOMETRYCOLLECTION, raw.data(),
                                                           static_cast<unsigned>(raw.size())), "collect cells");
        GeomPtr cells = ctx.own(GEOSUnaryUnion_r(ctx.get(), coll.get()), "dissolve cells");
        // Boundary cells may be partly outside the zone (fractional demand): clip to the zone.
        GeomPtr un = ctx.intersection(*cells, *to_geos(ctx, zones.polygons[z]));
        if (GEOSisEmpty_r(ctx.get(), un.get()) == 1) continue;
        const auto wkb = ctx.to_wkb(*un);
        OGRGeometry* geom = nullptr;
        OGRGeometryFactory::createFromWkb(wkb.data(), &srs, &geom, wkb.size());
        if (!geom) throw InternalError("service area WKB could not be read back");
        OGRFeature f(layer->GetLayerDefn());
        f.SetField("zone_id", zones.ids[z].c_str());
        f.SetField("covered_m2", area[z]);
        f.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(geom));
        if (layer->CreateFeature(&f) != OGRERR_NONE) throw OutputError(with_gdal_reason("cannot write a service area"), {.file = path});
    }
    ds.reset();
    out.commit();
}

void write_distance_raster(const std::string& path, const Crs& crs, const Demand& demand, const CoverageResult& result) {
    if (!demand.grid) throw UsageError("--distance-raster needs gridded demand (zone area or polygons)");
    if (result.distance.size() != demand.cells.size()) throw InternalError("distances were not kept");
    const DemandGrid& g = *demand.grid;
    std::vector<float> values(static_cast<std::size_t>(g.cols) * g.rows, -1.0f);
    for (std::size_t i = 0; i < demand.cells.size(); ++i)
        if (std::isfinite(result.distance[i])) values[static_cast<std::size_t>(demand.cells[i].cell)] = result.distance[i];
    AtomicOutput out(path);
    const char* opts[] = {"COMPRESS=DEFLATE", "TILED=YES", nullptr};
    DatasetPtr ds(driver("GTiff").Create(out.temp_path().string().c_str(), g.cols, g.rows, 1, GDT_Float32, const_cast<char**>(opts)));
    if (!ds) throw OutputError(with_gdal_reason("cannot create the distance raster"), {.file = path});
    double gt[6] = {g.x0, g.cell, 0, g.y0, 0, -g.cell};
    ds->SetGeoTransform(gt);
    ds->SetProjection(crs.to_wkt().c_str());
    auto* band = ds->GetRasterBand(1);
    band->SetNoDataValue(-1);
    if (band->RasterIO(GF_Write, 0, 0, g.cols, g.rows, values.data(), g.cols, g.rows, GDT_Float32, 0, 0) != CE_None)
        throw OutputError(with_gdal_reason("cannot write the distance raster"), {.file = path});
    ds.reset();
    out.commit();
}

}  // namespace citycheck::spatial
