#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "fixtures.hpp"
#include "test_support.hpp"

using namespace citycheck;

TEST(CliInfoTest, JsonOnStdout) {
    test::TempDir dir;
    test::write_raster(dir / "a.tif", test::RasterSpec{});
    auto r = test::run_citycheck("info --json " + (dir / "a.tif").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["driver"], "GTiff");
    EXPECT_EQ(j["raster"]["size"][0], 4);
    EXPECT_EQ(j["raster"]["crs"]["epsg"], 4547);
}

TEST(CliInfoTest, TextNamesCrsAndEncoding) {
    test::TempDir dir;
    test::VectorSpec spec;
    spec.driver = "ESRI Shapefile";
    spec.layer = "zones";
    spec.string_fields = {"name"};
    spec.layer_options = {"ENCODING=CP936"};
    test::write_vector(dir / "zones.shp", spec,
                       {{"POLYGON((0 0,1 0,1 1,0 1,0 0))", {{"name", "江汉区"}}}});
    std::filesystem::remove(dir / "zones.cpg");
    auto r = test::run_citycheck("info " + (dir / "zones.shp").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("EPSG:4547"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("CP936"), std::string::npos) << r.out;
}

TEST(CliInfoTest, NotAGeoFileIsExit3) {
    test::TempDir dir;
    std::ofstream(dir / "notes.tif") << "hello";
    auto r = test::run_citycheck("info " + (dir / "notes.tif").string());
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("notes.tif"), std::string::npos) << r.err;
}
