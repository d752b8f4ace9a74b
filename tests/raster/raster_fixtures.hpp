#pragma once
// Small rasters and zone layers written in tests (GeoTIFF / GeoPackage in a TempDir).
#include <citycheck/raster/grid.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace citycheck::test::rasterfx {

struct RasterSpec {
    int cols = 10, rows = 10;
    raster::GeoTransform gt{500000, 10, 0, 3000000, 0, -10};
    int epsg = 32650;  // 0: no CRS
    GDALDataType type = GDT_Float32;
    std::optional<double> nodata;
    double scale = 1.0, offset = 0.0;
    int block = 16;  // tiled with block × block tiles
};

inline void write_raster(const std::string& path, const RasterSpec& spec, const std::vector<std::vector<double>>& bands) {
    spatial::GdalEnvironment::ensure();
    char** co = nullptr;
    co = CSLSetNameValue(co, "TILED", "YES");
    co = CSLSetNameValue(co, "BLOCKXSIZE", std::to_string(spec.block).c_str());
    co = CSLSetNameValue(co, "BLOCKYSIZE", std::to_string(spec.block).c_str());
    co = CSLSetNameValue(co, "COMPRESS", "DEFLATE");
    GDALDatasetUniquePtr ds(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
        path.c_str(), spec.cols, spec.rows, static_cast<int>(bands.size()), spec.type, co));
    CSLDestroy(co);
    ASSERT_TRUE(ds);
    auto gt = spec.gt;
    ds->SetGeoTransform(gt.data());
    if (spec.epsg) {
        OGRSpatialReference srs;
        srs.importFromEPSG(spec.epsg);
        ds->SetSpatialRef(&srs);
    }
    for (std::size_t b = 0; b < bands.size(); ++b) {
        auto* band = ds->GetRasterBand(static_cast<int>(b + 1));
        if (spec.nodata) band->SetNoDataValue(*spec.nodata);
        if (spec.scale != 1.0) band->SetScale(spec.scale);
        if (spec.offset != 0.0) band->SetOffset(spec.offset);
        auto values = bands[b];
        ASSERT_EQ(band->RasterIO(GF_Write, 0, 0, spec.cols, spec.rows, values.data(), spec.cols, spec.rows, GDT_Float64, 0, 0, nullptr),
                  CE_None);
    }
}

// A GeoPackage layer "zones" with a string field "zone" and polygons from WKT.
inline void write_zones(const std::string& path, int epsg, const std::vector<std::pair<std::string, std::string>>& zones) {
    spatial::GdalEnvironment::ensure();
    GDALDatasetUniquePtr ds(GetGDALDriverManager()->GetDriverByName("GPKG")->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(ds);
    OGRSpatialReference* srs = nullptr;
    if (epsg) {
        srs = new OGRSpatialReference();
        srs->importFromEPSG(epsg);
        srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    auto* layer = ds->CreateLayer("zones", srs, wkbUnknown, nullptr);
    if (srs) srs->Release();
    OGRFieldDefn f("zone", OFTString);
    layer->CreateField(&f);
    for (const auto& [id, wkt] : zones) {
        OGRFeature feat(layer->GetLayerDefn());
        feat.SetField("zone", id.c_str());
        OGRGeometry* g = nullptr;
        ASSERT_EQ(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g), OGRERR_NONE) << wkt;
        feat.SetGeometryDirectly(g);
        ASSERT_EQ(layer->CreateFeature(&feat), OGRERR_NONE);
    }
}

}  // namespace citycheck::test::rasterfx
