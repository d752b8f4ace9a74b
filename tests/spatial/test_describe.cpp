// `info` over every supported format, with fixtures written in the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/describe.hpp>
#include <citycheck/spatial/encoding.hpp>

#include "fixtures.hpp"
#include "test_support.hpp"

using namespace citycheck;
using namespace citycheck::spatial;
namespace fs = std::filesystem;

namespace {
const std::vector<test::VectorFeature> PARCELS = {
    {"POLYGON((500000 3400000,500300 3400000,500300 3400300,500000 3400300,500000 3400000))",
     {{"DLBM", "0810"}, {"DLMC", "公园与绿地"}}},
    {"POLYGON((500300 3400000,500600 3400000,500600 3400300,500300 3400300,500300 3400000))",
     {{"DLBM", "0701"}, {"DLMC", "城镇住宅用地"}}},
};

test::VectorSpec parcel_spec(const std::string& driver, const std::string& layer = "DLTB") {
    test::VectorSpec spec;
    spec.driver = driver;
    spec.layer = layer;
    spec.string_fields = {"DLBM", "DLMC"};
    return spec;
}

const FieldSummary* find_field(const LayerSummary& l, const std::string& name) {
    for (const auto& f : l.fields)
        if (f.name == name) return &f;
    return nullptr;
}
}  // namespace

TEST(DescribeTest, TiledGeoTiff) {
    test::TempDir dir;
    test::RasterSpec spec;
    spec.cols = 600;
    spec.rows = 400;
    spec.bands = 4;
    spec.type = "UInt16";
    spec.set_nodata = true;
    spec.nodata = 0;
    spec.creation_options = {"TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE"};
    test::write_raster(dir / "img.tif", spec);
    const auto s = describe_dataset((dir / "img.tif").string());
    EXPECT_EQ(s.driver, "GTiff");
    ASSERT_TRUE(s.raster);
    EXPECT_EQ(s.raster->cols, 600);
    EXPECT_EQ(s.raster->rows, 400);
    ASSERT_EQ(s.raster->bands.size(), 4u);
    EXPECT_EQ(s.raster->bands[0].type, "UInt16");
    EXPECT_EQ(s.raster->bands[0].block_cols, 256);
    ASSERT_TRUE(s.raster->bands[0].nodata);
    EXPECT_EQ(*s.raster->bands[0].nodata, 0.0);
    ASSERT_TRUE(s.crs);
    EXPECT_EQ(s.crs->epsg, 4547);
    EXPECT_DOUBLE_EQ(s.raster->pixel_width_m, 10.0);
    ASSERT_TRUE(s.extent);
    EXPECT_DOUBLE_EQ(s.extent->xmax, 506000.0);
    EXPECT_DOUBLE_EQ(s.extent->ymin, 3396000.0);
    ASSERT_TRUE(s.extent_lonlat);
    EXPECT_NEAR(s.extent_lonlat->xmin, 114.0, 0.001);  // x = 500 000 is the central meridian 114°E
    EXPECT_NEAR(s.extent_lonlat->ymax, 30.7, 0.05);
    const auto j = to_json(s);
    EXPECT_EQ(j["raster"]["crs"]["epsg"], 4547);
    EXPECT_EQ(j["raster"]["bands"].size(), 4u);
}

TEST(DescribeTest, GeographicRasterPixelSizeInMetres) {
    test::TempDir dir;
    test::RasterSpec spec;
    spec.epsg = 4490;
    spec.x0 = 114.0;
    spec.y0 = 30.0;
    spec.cell = 0.0001;
    test::write_raster(dir / "geo.tif", spec);
    const auto s = describe_dataset((dir / "geo.tif").string());
    ASSERT_TRUE(s.raster);
    // 0.0001° of longitude at 30°N on GRS80 ≈ 9.65 m; of latitude ≈ 11.09 m.
    EXPECT_NEAR(s.raster->pixel_width_m, 9.65, 0.01);
    EXPECT_NEAR(s.raster->pixel_height_m, 11.09, 0.01);
}

TEST(DescribeTest, Jpeg2000) {
    test::TempDir dir;
    test::RasterSpec spec;
    spec.cols = 64;
    spec.rows = 64;
    spec.type = "UInt16";
    test::write_raster(dir / "img.jp2", spec, {}, "JP2OpenJPEG");
    const auto s = describe_dataset((dir / "img.jp2").string());
    EXPECT_EQ(s.driver, "JP2OpenJPEG");
    ASSERT_TRUE(s.raster);
    EXPECT_EQ(s.raster->cols, 64);
    ASSERT_TRUE(s.crs);
    EXPECT_EQ(s.crs->epsg, 4547);
}

TEST(DescribeTest, GeoPackageLayers) {
    test::TempDir dir;
    test::write_vector(dir / "lu.gpkg", parcel_spec("GPKG"), PARCELS);
    const auto s = describe_dataset((dir / "lu.gpkg").string());
    EXPECT_EQ(s.driver, "GPKG");
    ASSERT_EQ(s.layers.size(), 1u);
    const auto& l = s.layers[0];
    EXPECT_EQ(l.name, "DLTB");
    EXPECT_EQ(l.geometry_type, "Polygon");
    EXPECT_EQ(l.feature_count, 2);
    ASSERT_TRUE(l.crs);
    EXPECT_EQ(l.crs->epsg, 4547);
    ASSERT_TRUE(l.extent);
    EXPECT_DOUBLE_EQ(l.extent->xmax, 500600.0);
    ASSERT_NE(find_field(l, "DLMC"), nullptr);
    EXPECT_EQ(find_field(l, "DLMC")->type, "String");
    EXPECT_FALSE(l.encoding);
}

TEST(DescribeTest, ShapefileWithGbkAndNoCpgIsDetected) {
    test::TempDir dir;
    auto spec = parcel_spec("ESRI Shapefile", "dltb");
    spec.layer_options = {"ENCODING=CP936"};
    test::write_vector(dir / "dltb.shp", spec, PARCELS);
    fs::remove(dir / "dltb.cpg");
    // Make sure the DBF declares no code page, as exports from many desktop tools do.
    {
        std::fstream dbf((dir / "dltb.dbf").string(), std::ios::in | std::ios::out | std::ios::binary);
        dbf.seekp(29);
        dbf.put('\0');
    }
    const auto enc = shapefile_encoding((dir / "dltb.shp").string());
    ASSERT_TRUE(enc);
    EXPECT_EQ(enc->encoding, "CP936");
    EXPECT_EQ(enc->source, "detected");
    const auto s = describe_dataset((dir / "dltb.shp").string());
    ASSERT_EQ(s.layers.size(), 1u);
    ASSERT_TRUE(s.layers[0].encoding);
    EXPECT_NE(s.layers[0].encoding->describe().find("GBK"), std::string::npos);
    EXPECT_NE(to_text(s).find("detected"), std::string::npos);
}

TEST(DescribeTest, ShapefileCpgIsHonoured) {
    test::TempDir dir;
    auto spec = parcel_spec("ESRI Shapefile", "dltb");
    spec.layer_options = {"ENCODING=UTF-8"};
    test::write_vector(dir / "dltb.shp", spec, PARCELS);
    std::ofstream(dir / "dltb.cpg") << "UTF-8\n";
    const auto enc = shapefile_encoding((dir / "dltb.shp").string());
    ASSERT_TRUE(enc);
    EXPECT_EQ(enc->encoding, "UTF-8");
    EXPECT_EQ(enc->source, "cpg");
}

TEST(DescribeTest, FileGdb) {
    test::TempDir dir;
    test::write_vector(dir / "survey.gdb", parcel_spec("OpenFileGDB"), PARCELS);
    const auto s = describe_dataset((dir / "survey.gdb").string());
    EXPECT_EQ(s.driver, "OpenFileGDB");
    ASSERT_EQ(s.layers.size(), 1u);
    EXPECT_EQ(s.layers[0].name, "DLTB");
    EXPECT_EQ(s.layers[0].feature_count, 2);
    EXPECT_NE(find_field(s.layers[0], "DLBM"), nullptr);
}

TEST(DescribeTest, GeoJson) {
    test::TempDir dir;
    auto spec = parcel_spec("GeoJSON", "parcels");
    spec.epsg = 4326;
    test::write_vector(dir / "p.geojson", spec,
                       {{"POLYGON((114 30,114.01 30,114.01 30.01,114 30.01,114 30))", {{"DLBM", "0810"}}}});
    const auto s = describe_dataset((dir / "p.geojson").string());
    EXPECT_EQ(s.driver, "GeoJSON");
    ASSERT_EQ(s.layers.size(), 1u);
    EXPECT_EQ(s.layers[0].feature_count, 1);
    ASSERT_TRUE(s.layers[0].extent_lonlat);
    EXPECT_NEAR(s.layers[0].extent_lonlat->xmax, 114.01, 1e-9);
}

TEST(DescribeTest, CsvWithLonLatColumnsBecomesPoints) {
    test::TempDir dir;
    std::ofstream(dir / "heat.csv") << "name,lon,lat,value\nA,114.1,30.5,12\nB,114.2,30.6,7\n";
    const auto s = describe_dataset((dir / "heat.csv").string());
    EXPECT_EQ(s.driver, "CSV");
    ASSERT_EQ(s.layers.size(), 1u);
    EXPECT_EQ(s.layers[0].feature_count, 2);
    EXPECT_EQ(s.layers[0].geometry_type, "Point");
    ASSERT_TRUE(s.layers[0].extent);
    EXPECT_DOUBLE_EQ(s.layers[0].extent->xmax, 114.2);
    const auto* value = find_field(s.layers[0], "value");
    ASSERT_NE(value, nullptr);
    EXPECT_EQ(value->type, "Integer");
}

TEST(DescribeTest, OsmPbfFromSharedData) {
    const auto pbf = test::shared_data("liechtenstein/liechtenstein-2021-01.osm.pbf");
    if (!pbf) GTEST_SKIP() << "../shared/data/liechtenstein is absent; skipping the OSM PBF check";
    const auto s = describe_dataset(pbf->string());
    EXPECT_EQ(s.driver, "OSM");
    long long lines = -1, points = -1;
    for (const auto& l : s.layers) {
        if (l.name == "lines") lines = l.feature_count;
        if (l.name == "points") points = l.feature_count;
        if (l.name == "lines") {
            ASSERT_TRUE(l.extent_lonlat);
            EXPECT_GT(l.extent_lonlat->xmin, 8.8);
            EXPECT_LT(l.extent_lonlat->xmax, 9.7);
        }
    }
    EXPECT_GT(lines, 5000);  // 8,188 open ways: streets, paths, rivers …
    EXPECT_GT(points, 100);
}

TEST(DescribeTest, NoCrsIsReportedNotFatal) {
    test::TempDir dir;
    test::RasterSpec spec;
    spec.epsg = 0;
    test::write_raster(dir / "nocrs.tif", spec);
    const auto s = describe_dataset((dir / "nocrs.tif").string());
    EXPECT_FALSE(s.crs);
    EXPECT_NE(to_text(s).find("none"), std::string::npos);
}
