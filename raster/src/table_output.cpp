#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/raster/table_output.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/core/text.hpp>

#include <charconv>
#include <cmath>
#include <fstream>

namespace citycheck::raster {

namespace {


std::string number(double v) {
    if (std::isnan(v)) return "";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

void write_csv(const std::string& path, const std::string& temp, const ZoneTable& t) {
    std::ofstream out(temp, std::ios::binary);
    out << "zone_id";
    for (const auto& c : t.columns) out << ',' << csv_field(c);
    out << '\n';
    for (std::size_t i = 0; i < t.zone_ids.size(); ++i) {
        out << csv_field(t.zone_ids[i]);
        for (double v : t.rows[i]) out << ',' << number(v);
        out << '\n';
    }
    out.close();
    if (!out) throw OutputError("cannot write the table", {.file = path});
}

void write_ogr(const std::string& path, const std::string& temp, const std::string& driver_name, const ZoneTable& t,
               const ZoneSet* zones, const spatial::Crs& crs) {
    spatial::GdalErrorScope errors;
    GDALDatasetUniquePtr ds(spatial::driver(driver_name).Create(temp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw OutputError("cannot create the output: " + errors.last_error(), {.file = path});
    OGRSpatialReference* srs = crs.empty() ? nullptr : crs.ogr()->Clone();
    OGRLayer* layer = ds->CreateLayer("zones", srs, zones ? wkbMultiPolygon : wkbNone, nullptr);
    if (srs) srs->Release();
    if (!layer) throw OutputError("cannot create the output layer: " + errors.last_error(), {.file = path});
    OGRFieldDefn id("zone_id", OFTString);
    layer->CreateField(&id);
    for (const auto& c : t.columns) {
        OGRFieldDefn f(c.c_str(), OFTReal);
        if (layer->CreateField(&f) != OGRERR_NONE) throw OutputError(spatial::with_gdal_reason("cannot create field " + c), {.file = path});
    }
    if (ds->StartTransaction() != OGRERR_NONE) { /* drivers without transactions write directly */ }
    for (std::size_t i = 0; i < t.zone_ids.size(); ++i) {
        OGRFeature f(layer->GetLayerDefn());
        f.SetField(0, t.zone_ids[i].c_str());
        for (std::size_t k = 0; k < t.columns.size(); ++k) {
            const double v = t.rows[i][k];
            if (std::isnan(v))
                f.SetFieldNull(static_cast<int>(k + 1));
            else
                f.SetField(static_cast<int>(k + 1), v);
        }
        if (zones && i < zones->zones.size() && !zones->zones[i].wkb.empty()) {
            OGRGeometry* g = nullptr;
            const auto& wkb = zones->zones[i].wkb;
            if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) == OGRERR_NONE && g) {
                f.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g));
            }
        }
        if (layer->CreateFeature(&f) != OGRERR_NONE) throw OutputError("cannot write a feature: " + errors.last_error(), {.file = path});
    }
    ds->CommitTransaction();
    ds.reset();
    if (!errors.last_error().empty()) throw OutputError("cannot finish the output: " + errors.last_error(), {.file = path});
}

}  // namespace

void write_zone_table(const std::string& path, const ZoneTable& table, const ZoneSet* zones, const spatial::Crs& crs) {
    const auto driver = spatial::driver_for_extension(path);
    if (driver == "GTiff") throw UsageError("a zone table cannot be written as a raster: use .csv, .gpkg or .geojson", {.file = path});
    AtomicOutput output(path);
    if (driver == "CSV")
        write_csv(path, output.temp_path().string(), table);
    else
        write_ogr(path, output.temp_path().string(), driver, table, zones, crs);
    output.commit();
}

}  // namespace citycheck::raster
