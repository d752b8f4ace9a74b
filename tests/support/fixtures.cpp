#include "fixtures.hpp"

#include <stdexcept>

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <citycheck/spatial/gdal.hpp>

namespace citycheck::test {

void write_raster(const std::filesystem::path& path, const RasterSpec& spec,
                  const std::vector<std::vector<double>>& values, const std::string& driver_name) {
    spatial::GdalEnvironment::ensure();
    GDALDataType type = GDALGetDataTypeByName(spec.type.c_str());
    // Drivers without Create (JP2) get a MEM dataset copied into them.
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", spec.cols, spec.rows, spec.bands, type, nullptr));
    double gt[6] = {spec.x0, spec.cell, 0, spec.y0, 0, -spec.cell};
    ds->SetGeoTransform(gt);
    if (spec.epsg) {
        OGRSpatialReference srs;
        srs.importFromEPSG(spec.epsg);
        ds->SetSpatialRef(&srs);
    }
    for (int b = 0; b < spec.bands; ++b) {
        std::vector<double> data(static_cast<std::size_t>(spec.cols * spec.rows), b + 1.0);
        if (static_cast<std::size_t>(b) < values.size()) data = values[static_cast<std::size_t>(b)];
        GDALRasterBand* band = ds->GetRasterBand(b + 1);
        if (spec.set_nodata) band->SetNoDataValue(spec.nodata);
        if (band->RasterIO(GF_Write, 0, 0, spec.cols, spec.rows, data.data(), spec.cols, spec.rows, GDT_Float64, 0,
                           0) != CE_None)
            throw std::runtime_error("write_raster: RasterIO failed");
    }
    CPLStringList options;
    for (const auto& o : spec.creation_options) options.AddString(o.c_str());
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
    if (!driver) throw std::runtime_error("write_raster: no driver " + driver_name);
    GDALDatasetUniquePtr out(driver->CreateCopy(path.c_str(), ds.get(), TRUE, options.List(), nullptr, nullptr));
    if (!out) throw std::runtime_error("write_raster: CreateCopy failed for " + path.string());
}

void write_vector(const std::filesystem::path& path, const VectorSpec& spec, const std::vector<VectorFeature>& features) {
    spatial::GdalEnvironment::ensure();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(spec.driver.c_str());
    if (!driver) throw std::runtime_error("write_vector: no driver " + spec.driver);
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw std::runtime_error("write_vector: cannot create " + path.string());
    OGRSpatialReference srs;
    if (spec.epsg) {
        srs.importFromEPSG(spec.epsg);
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    CPLStringList options;
    for (const auto& o : spec.layer_options) options.AddString(o.c_str());
    OGRwkbGeometryType geom_type = wkbUnknown;
    if (!features.empty()) {
        OGRGeometry* g = nullptr;
        OGRGeometryFactory::createFromWkt(features.front().wkt.c_str(), nullptr, &g);
        if (g) geom_type = wkbFlatten(g->getGeometryType());
        OGRGeometryFactory::destroyGeometry(g);
    }
    OGRLayer* layer = ds->CreateLayer(spec.layer.c_str(), spec.epsg ? &srs : nullptr, geom_type, options.List());
    if (!layer) throw std::runtime_error("write_vector: cannot create layer " + spec.layer);
    for (const auto& f : spec.string_fields) {
        OGRFieldDefn def(f.c_str(), OFTString);
        def.SetWidth(64);
        layer->CreateField(&def);
    }
    for (const auto& f : spec.integer_fields) {
        OGRFieldDefn def(f.c_str(), OFTInteger64);
        layer->CreateField(&def);
    }
    for (const auto& f : spec.real_fields) {
        OGRFieldDefn def(f.c_str(), OFTReal);
        layer->CreateField(&def);
    }
    for (const auto& feature : features) {
        OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkt(feature.wkt.c_str(), nullptr, &g) != OGRERR_NONE)
            throw std::runtime_error("write_vector: bad WKT " + feature.wkt);
        f->SetGeometryDirectly(g);
        for (const auto& [name, value] : feature.fields) f->SetField(name.c_str(), value.c_str());
        if (layer->CreateFeature(f.get()) != OGRERR_NONE) throw std::runtime_error("write_vector: CreateFeature failed");
    }
}

}  // namespace citycheck::test
