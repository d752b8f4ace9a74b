// Map outputs of coverage: service-area polygons (covered cells dissolved) and a distance raster.
#include <citycheck/spatial/coverage.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include <gdal_alg.h>

#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::spatial {

ServiceAreas service_areas(const ZonePolygons& zones, const Demand& demand, const CoverageResult& result, double simplify_m) {
    if (!demand.grid) throw UsageError("service areas need gridded demand (zone area, polygons or a population grid), not points");
    if (result.covered.size() != demand.cells.size()) throw InternalError("service areas: coverage and demand differ in size");
    const DemandGrid& g = *demand.grid;
    // Demand cells grouped by zone (stable: cell order kept within a zone), so that each zone's
    // covered cells are dissolved on their own and only one zone's boxes exist at a time.
    const std::size_t n = demand.cells.size(), nz = zones.ids.size();
    std::vector<std::size_t> start(nz + 1, 0), order;
    for (const auto& c : demand.cells) ++start[c.zone + 1];
    for (std::size_t z = 0; z < nz; ++z) start[z + 1] += start[z];
    // Area demand comes sorted by zone already: then no index (25 M cells at 50 km would need 200 MB).
    const bool sorted = std::is_sorted(demand.cells.begin(), demand.cells.end(),
                                       [](const DemandCell& a, const DemandCell& b) { return a.zone < b.zone; });
    if (!sorted) {
        order.resize(n);
        auto next = start;
        for (std::size_t i = 0; i < n; ++i) order[next[demand.cells[i].zone]++] = i;
    }
    auto at = [&](std::size_t a) { return sorted ? a : order[a]; };
    ServiceAreas out;
    out.zone_wkb.resize(nz);
    out.covered.assign(nz, 0.0);
    GeosContext ctx;
    GDALDriver& mem = driver("MEM");
    GDALDriver& memory = driver("Memory");  // vectors (MEM takes them only since GDAL 3.11)
    std::vector<std::uint8_t> mask;
    for (std::size_t z = 0; z < nz; ++z) {
        // The zone's covered cells as a 0/1 mask over their bounding box, traced into polygons by
        // GDALPolygonize (exact cell outlines with holes; much faster than a union of cell boxes).
        std::int64_t r0 = std::numeric_limits<std::int64_t>::max(), r1 = -1, c0 = r0, c1 = -1;
        for (std::size_t a = start[z]; a < start[z + 1]; ++a) {
            const std::size_t i = at(a);
            if (!result.covered[i]) continue;
            const auto& c = demand.cells[i];
            out.covered[z] += c.weight;
            r0 = std::min(r0, c.cell / g.cols), r1 = std::max(r1, c.cell / g.cols);
            c0 = std::min(c0, c.cell % g.cols), c1 = std::max(c1, c.cell % g.cols);
        }
        if (r1 < 0) continue;
        const int w = static_cast<int>(c1 - c0 + 1), h = static_cast<int>(r1 - r0 + 1);
        mask.assign(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), 0);
        for (std::size_t a = start[z]; a < start[z + 1]; ++a) {
            const std::size_t i = at(a);
            if (!result.covered[i]) continue;
            const auto cell = demand.cells[i].cell;
            mask[static_cast<std::size_t>(cell / g.cols - r0) * static_cast<std::size_t>(w) + static_cast<std::size_t>(cell % g.cols - c0)] = 1;
        }
        DatasetPtr ras(mem.Create("", w, h, 1, GDT_Byte, nullptr));
        DatasetPtr vec(memory.Create("", 0, 0, 0, GDT_Unknown, nullptr));
        if (!ras || !vec) throw InternalError(with_gdal_reason("service areas: cannot create a memory dataset"));
        double gt[6] = {g.x0 + static_cast<double>(c0) * g.cell, g.cell, 0, g.y0 - static_cast<double>(r0) * g.cell, 0, -g.cell};
        ras->SetGeoTransform(gt);
        GDALRasterBand* band = ras->GetRasterBand(1);
        if (band->RasterIO(GF_Write, 0, 0, w, h, mask.data(), w, h, GDT_Byte, 0, 0) != CE_None)
            throw InternalError(with_gdal_reason("service areas: cannot fill the mask"));
        OGRLayer* layer = vec->CreateLayer("a", nullptr, wkbPolygon, nullptr);
        OGRFieldDefn v("v", OFTInteger);
        layer->CreateField(&v);
        if (GDALPolygonize(band, band, layer, 0, nullptr, nullptr, nullptr) != CE_None)
            throw InternalError(with_gdal_reason("service areas: cannot trace the covered cells"));
        std::vector<GEOSGeometry*> raw;
        layer->ResetReading();
        for (auto& f : *layer) {
            const OGRGeometry* geom = f->GetGeometryRef();
            if (!geom) continue;
            std::vector<unsigned char> wkb(static_cast<std::size_t>(geom->WkbSize()));
            geom->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
            raw.push_back(ctx.from_wkb(wkb).release());
        }
        if (raw.empty()) continue;
        // 4-connected pieces are disjoint (at most touching at corners): a valid MultiPolygon.
        GeomPtr cells = ctx.own(GEOSGeom_createCollection_r(ctx.get(), GEOS_MULTIPOLYGON, raw.data(), static_cast<unsigned>(raw.size())),
                                "collect service-area pieces");
        // Boundary cells may be partly outside the zone (fractional demand): clip to the zone.
        GeomPtr area = ctx.intersection(*cells, *to_geos(ctx, zones.polygons[z]));
        if (simplify_m > 0) area = ctx.own(GEOSTopologyPreserveSimplify_r(ctx.get(), area.get(), simplify_m), "simplify service area");
        if (GEOSisEmpty_r(ctx.get(), area.get()) == 1) continue;
        out.zone_wkb[z] = ctx.to_wkb(*area);
    }
    return out;
}

std::vector<Pt> facility_positions(const FacilitySet& facilities) {
    std::vector<Pt> out;
    GeosContext ctx;
    for (const auto& f : facilities.items) {
        if (!f.is_polygon || f.is_line || f.polygon.rings.empty()) {
            out.push_back(f.point);
            continue;
        }
        // A point on the polygon (its centroid may fall outside a concave park).
        GeomPtr p = ctx.own(GEOSPointOnSurface_r(ctx.get(), to_geos(ctx, f.polygon).get()), "point on facility");
        double x = f.point.x, y = f.point.y;
        if (GEOSisEmpty_r(ctx.get(), p.get()) != 1) {
            GEOSGeomGetX_r(ctx.get(), p.get(), &x);
            GEOSGeomGetY_r(ctx.get(), p.get(), &y);
        }
        out.push_back({x, y});
    }
    return out;
}

void write_service_areas(const std::string& path, const ZonePolygons& zones, const Demand& demand, const CoverageResult& result) {
    if (!demand.grid) throw UsageError("--service-areas needs gridded demand (zone area or polygons), not points or a raster");
    const auto areas = service_areas(zones, demand, result);
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
        const auto& wkb = areas.zone_wkb[z];
        if (wkb.empty()) continue;
        OGRGeometry* geom = nullptr;
        OGRGeometryFactory::createFromWkb(wkb.data(), &srs, &geom, wkb.size());
        if (!geom) throw InternalError("service area WKB could not be read back");
        OGRFeature f(layer->GetLayerDefn());
        f.SetField("zone_id", zones.ids[z].c_str());
        f.SetField("covered_m2", areas.covered[z]);
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
