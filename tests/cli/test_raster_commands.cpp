// zonal, ndvi and green-coverage end to end on small generated rasters.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include <citycheck/spatial/crs.hpp>

#include "../raster/raster_fixtures.hpp"
#include "test_support.hpp"

using namespace citycheck;
using test::rasterfx::RasterSpec;

namespace {

std::string square(double x0, double y0, double x1, double y1) {
    std::ostringstream s;
    s.precision(12);
    s << "POLYGON((" << x0 << " " << y0 << ", " << x1 << " " << y0 << ", " << x1 << " " << y1 << ", " << x0 << " " << y1 << ", "
      << x0 << " " << y0 << "))";
    return s.str();
}

// red/NIR image: vegetation (NDVI 0.5) where column and row are even, bare soil (NDVI ~0.05) elsewhere.
void write_image(const std::filesystem::path& path, int bands = 2) {
    RasterSpec spec;
    spec.type = GDT_UInt16;
    spec.nodata = 0;
    std::vector<std::vector<double>> values(static_cast<std::size_t>(bands), std::vector<double>(100, 500));
    auto& red = values[bands == 2 ? 0 : 3];
    auto& nir = values[bands == 2 ? 1 : 7];
    for (int r = 0; r < 10; ++r)
        for (int c = 0; c < 10; ++c) {
            const bool veg = c % 2 == 0 && r % 2 == 0;
            red[r * 10 + c] = veg ? 1000 : 2000;
            nir[r * 10 + c] = veg ? 3000 : 2200;
        }
    test::rasterfx::write_raster(path.string(), spec, values);
}

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& p) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(test::read_file(p));
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::stringstream ls(line);
        std::string cell;
        while (std::getline(ls, cell, ',')) cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}

}  // namespace

TEST(CliRaster, ZonalWritesCsvWithZoneIdFirst) {
    test::TempDir dir;
    write_image(dir / "img.tif");
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 32650,
                                {{"甲", square(500020, 2999940, 500060, 2999980)}, {"far", square(600000, 2999940, 600060, 2999980)}});
    const auto r = test::run_citycheck("zonal " + (dir / "img.tif").string() + " --zones " + (dir / "z.gpkg").string() +
                                       " --id zone --stats count,mean,frac_gt:1500,valid_frac --band 1 -o " + (dir / "out.csv").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("far"), std::string::npos) << r.err;  // the warning names the zone off the raster
    const auto rows = read_csv(dir / "out.csv");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"zone_id", "count", "mean", "frac_gt_1500", "valid_frac"}));
    EXPECT_EQ(rows[1][0], "甲");
    EXPECT_EQ(rows[1][1], "16");
    EXPECT_EQ(rows[1][2], "1750");
    EXPECT_EQ(rows[1][3], "0.75");
    EXPECT_EQ(rows[2][4], "0");

    const auto g = test::run_citycheck("zonal " + (dir / "img.tif").string() + " --zones " + (dir / "z.gpkg").string() +
                                       " --stats mean --pixels center -o " + (dir / "out.gpkg").string());
    ASSERT_EQ(g.exit_code, 0) << g.err;
    EXPECT_TRUE(std::filesystem::exists(dir / "out.gpkg"));
}

TEST(CliRaster, ZonalBadInputExitCodes) {
    test::TempDir dir;
    write_image(dir / "img.tif");
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 32650, {{"a", square(500020, 2999940, 500060, 2999980)}});
    const std::string base = "zonal " + (dir / "img.tif").string() + " --zones " + (dir / "z.gpkg").string() + " -o " + (dir / "o.csv").string();
    auto r = test::run_citycheck(base + " --band 5");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("band 5"), std::string::npos) << r.err;
    r = test::run_citycheck(base + " --stats median");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = test::run_citycheck(base + " --pixels some");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = test::run_citycheck(base + " --id nosuchfield");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "o.csv"));
}

TEST(CliRaster, NdviWithSensorPreset) {
    test::TempDir dir;
    write_image(dir / "s2.tif", 8);  // B4 red, B8 NIR
    const auto r = test::run_citycheck("ndvi " + (dir / "s2.tif").string() + " --sensor sentinel2 -o " + (dir / "ndvi.tif").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    spatial::GdalEnvironment::ensure();
    GDALDatasetUniquePtr ds(GDALDataset::Open((dir / "ndvi.tif").c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);
    EXPECT_STREQ(ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "DEFLATE");
    int bx = 0, by = 0;
    ds->GetRasterBand(1)->GetBlockSize(&bx, &by);
    EXPECT_EQ(bx, 256);
    float v[2] = {0, 0};
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, 2, 1, v, 2, 1, GDT_Float32, 0, 0, nullptr), CE_None);
    EXPECT_FLOAT_EQ(v[0], 0.5f);                      // (3000 − 1000) / 4000
    EXPECT_FLOAT_EQ(v[1], 200.0f / 4200.0f);
    const auto z = test::run_citycheck("ndvi " + (dir / "s2.tif").string() + " --red 4 -o " + (dir / "x.tif").string());
    EXPECT_EQ(z.exit_code, 2) << z.err;
}

TEST(CliRaster, GreenCoverageQuarterVegetatedWithMask) {
    test::TempDir dir;
    write_image(dir / "img.tif");
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 32650,
                                {{"a", square(500020, 2999940, 500060, 2999980)}, {"b", square(500015, 2999935, 500055, 2999975)}});
    test::rasterfx::write_zones((dir / "builtup.gpkg").string(), 32650, {{"m", square(500000, 2999900, 500040, 3000000)}});
    auto r = test::run_citycheck("green-coverage " + (dir / "img.tif").string() + " --red 1 --nir 2 --threshold 0.3 --zones " +
                                 (dir / "z.gpkg").string() + " --id zone -o " + (dir / "g.csv").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto rows = read_csv(dir / "g.csv");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"zone_id", "vegetated_m2", "zone_area_m2", "green_coverage_pct", "valid_frac"}));
    EXPECT_NEAR(std::stod(rows[1][3]), 25.0, 1e-9);
    EXPECT_NEAR(std::stod(rows[2][3]), 25.0, 1e-9);
    EXPECT_NEAR(std::stod(rows[1][1]), 400.0, 1e-9);
    r = test::run_citycheck("green-coverage " + (dir / "img.tif").string() + " --red 1 --nir 2 --zones " + (dir / "z.gpkg").string() +
                            " --id zone --mask " + (dir / "builtup.gpkg").string() + " -o " + (dir / "m.csv").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    rows = read_csv(dir / "m.csv");
    EXPECT_NEAR(std::stod(rows[1][2]), 800.0, 1e-9);
    EXPECT_NEAR(std::stod(rows[1][3]), 25.0, 1e-9);
}

TEST(CliRaster, DemoCityGreenCoverageMatchesItsKnownAnswer) {
    test::TempDir dir;
    auto r = test::run_citycheck("-q demo " + (dir / "city").string() + " --size 2");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto known = nlohmann::json::parse(test::read_file(dir / "city" / "demo-city.json"));
    const auto& q = known.at("known_answers").at("green_coverage_community");
    r = test::run_citycheck("-q green-coverage " + (dir / "city" / "image.tif").string() + " --red 3 --nir 4 --threshold 0.3 --zones " +
                            (dir / "city" / "zones.gpkg").string() + " --layer community --id code -o " + (dir / "g.csv").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    bool found = false;
    for (const auto& row : read_csv(dir / "g.csv")) {
        if (row.empty() || row[0] != q.at("code").get<std::string>()) continue;
        found = true;
        EXPECT_NEAR(std::stod(row[1]), q.at("vegetated_area_m2").get<double>(), 1e-6);
        EXPECT_NEAR(std::stod(row[2]), q.at("area_m2").get<double>(), 1e-6);
        EXPECT_NEAR(std::stod(row[3]), q.at("green_coverage_percent").get<double>(), 1e-9);
    }
    EXPECT_TRUE(found) << "community " << q.at("code") << " not in the output";
}

TEST(CliRaster, GeoPackageZonesKeepTheirOwnCrsUnlessOutCrsIsGiven) {
    test::TempDir dir;
    write_image(dir / "img.tif");  // EPSG:32650
    // The zone square in lon/lat (EPSG:4326), as its UTM corners transformed.
    spatial::Transform to_wgs(spatial::Crs::from_epsg(32650), spatial::Crs::from_epsg(4326));
    std::vector<double> xs{500020, 500060}, ys{2999940, 2999980};
    to_wgs.apply(xs, ys);
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 4326, {{"a", square(xs[0], ys[0], xs[1], ys[1])}});
    auto layer_of = [&](const std::string& name, std::string& auth, OGREnvelope& env) {
        GDALDatasetUniquePtr ds(GDALDataset::Open((dir / name).string().c_str(), GDAL_OF_VECTOR));
        ASSERT_TRUE(ds) << name;
        OGRLayer* l = ds->GetLayer(0);
        ASSERT_TRUE(l->GetSpatialRef()) << name;
        auth = l->GetSpatialRef()->GetAuthorityCode(nullptr);
        std::unique_ptr<OGRFeature> f(l->GetNextFeature());
        ASSERT_TRUE(f && f->GetGeometryRef()) << name;
        f->GetGeometryRef()->getEnvelope(&env);
    };
    const std::string base = " --zones " + (dir / "z.gpkg").string() + " --id zone";
    ASSERT_EQ(test::run_citycheck("zonal " + (dir / "img.tif").string() + base + " --stats mean -o " + (dir / "own.gpkg").string()).exit_code, 0);
    ASSERT_EQ(test::run_citycheck("zonal " + (dir / "img.tif").string() + base + " --stats mean --out-crs raster -o " +
                                  (dir / "utm.gpkg").string()).exit_code, 0);
    ASSERT_EQ(test::run_citycheck("green-coverage " + (dir / "img.tif").string() + " --red 1 --nir 2" + base + " -o " +
                                  (dir / "green.gpkg").string()).exit_code, 0);
    std::string auth;
    OGREnvelope env;
    layer_of("own.gpkg", auth, env);
    EXPECT_EQ(auth, "4326");
    EXPECT_NEAR(env.MinX, std::min(xs[0], xs[1]), 1e-9);  // lon/lat as written (12 digits)
    EXPECT_NEAR(env.MaxY, std::max(ys[0], ys[1]), 1e-9);
    layer_of("green.gpkg", auth, env);
    EXPECT_EQ(auth, "4326");
    EXPECT_NEAR(env.MinX, std::min(xs[0], xs[1]), 1e-9);
    layer_of("utm.gpkg", auth, env);
    EXPECT_EQ(auth, "32650");
    EXPECT_NEAR(env.MinX, 500020, 1e-3);
    EXPECT_NEAR(env.MaxY, 2999980, 1e-3);
}
