// The coverage, length_density and share_above adapters through the runner, on the synthetic
// city (4 街道 of 2 km² in EPSG:4547) with fixtures whose answers are known by arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <numbers>

#include "synthetic_city.hpp"
#include "test_support.hpp"

#include <citycheck/demo/demo_city.hpp>
#include <citycheck/engine/runner.hpp>

using namespace citycheck::engine;
namespace ct = citycheck::test;

namespace {
std::string line_wkt(double x0, double y0, double x1, double y1) {
    auto p = [](double x, double y) { return std::to_string(ct::X0 + x) + " " + std::to_string(ct::Y0 + y); };
    return "LINESTRING(" + p(x0, y0) + "," + p(x1, y1) + ")";
}

// Roads: y = 500 across the city (2000 m in S11 and in S21), x = 1000 over D1 (1000 m in S11 and S12),
// noded at (1000, 500); and a footway x = 3500 in S21/S22 (1000 m each) that a class filter can drop.
// A clinic at (3000, 500) lies on the y = 500 road.
void write_roads(const std::filesystem::path& dir) {
    ct::write_layer(dir / "roads.gpkg", "roads", wkbLineString,
                    {{line_wkt(0, 500, 1000, 500), {{"highway", "residential"}}},
                     {line_wkt(1000, 500, 4000, 500), {{"highway", "residential"}}},
                     {line_wkt(1000, 0, 1000, 500), {{"highway", "residential"}}},
                     {line_wkt(1000, 500, 1000, 2000), {{"highway", "residential"}}},
                     {line_wkt(3500, 0, 3500, 2000), {{"highway", "footway"}}}});
    ct::write_layer(dir / "roads.gpkg", "clinics", wkbPoint, {{ct::point_wkt(3000, 500), {{"kind", "clinic"}}}});
}

// Population: 100 m cells over the city, 100 persons each (10 000 /km²) except two cells of 200
// (20 000 /km²) in S11: x 500–700, y 400–500.
void write_population(const std::filesystem::path& path) {
    citycheck::spatial::GdalEnvironment::ensure();
    const int cols = 40, rows = 20;
    citycheck::spatial::DatasetPtr ds(
        citycheck::spatial::driver("GTiff").Create(path.string().c_str(), cols, rows, 1, GDT_Float64, nullptr));
    ASSERT_TRUE(ds);
    double gt[6] = {ct::X0, 100, 0, ct::Y0 + 2000, 0, -100};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(4547);
    ds->SetSpatialRef(&srs);
    std::vector<double> v(cols * rows, 100.0);
    v[15 * cols + 5] = 200;
    v[15 * cols + 6] = 200;
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, cols, rows, v.data(), cols, rows, GDT_Float64, 0, 0), CE_None);
}

RunResult run_with(const ct::TempDir& tmp, const std::string& indicators, const std::string& datasets) {
    ct::write_synthetic_city(tmp.path());
    write_roads(tmp.path());
    write_population(tmp / "pop.tif");
    ct::write_layer(tmp / "landuse.gpkg", "dltb", wkbPolygon,
                    {{ct::rect_wkt(500, 400, 550, 500), {{"DLBM", "0701"}}},    // half of one dense cell
                     {ct::rect_wkt(0, 1000, 2000, 2000), {{"DLBM", "0301"}}}}); // forest: not construction
    std::string yaml = ct::synthetic_healthcheck(indicators);
    const auto at = yaml.find("indicators:");
    yaml.insert(at, datasets);
    std::ofstream(tmp / "healthcheck.yaml") << yaml;
    const auto cfg = load_healthcheck(tmp / "healthcheck.yaml");
    RunOptions opt;
    return run_healthcheck(cfg, opt);
}

const std::string DATASETS = R"Y(  roads: {path: roads.gpkg, layer: roads, role: roads}
  pop_raster: {path: pop.tif, role: population}
  landuse: {path: landuse.gpkg, layer: dltb, role: landuse}
  clinics: {path: roads.gpkg, layer: clinics, role: facilities}
)Y";

double value(const RunResult& r, const std::string& id, std::size_t level, std::size_t zone) {
    const auto* res = r.table.find(id);
    EXPECT_TRUE(res) << id;
    if (!res) return std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(res->state, IndicatorState::ok) << res->failure;
    return res->levels.at(level).at(zone).value;
}
}  // namespace

TEST(WiredNetworkPrimitives, LengthDensityIsClippedLengthPerZoneArea) {
    ct::TempDir tmp;
    const auto r = run_with(tmp, R"Y(  - id: road_density
    name: {zh: 道路网密度, en: Road density}
    unit: km_per_km2
    primitive: length_density
    params: {lines: roads}
  - id: road_density_no_footway
    name: {zh: 道路网密度2, en: Road density 2}
    unit: km_per_km2
    primitive: length_density
    params: {lines: roads, class_field: highway, classes: [residential]}
  - id: road_density_builtup
    name: {zh: 道路网密度3, en: Road density 3}
    unit: km_per_km2
    primitive: length_density
    params: {lines: roads, within: builtup_area}
)Y", DATASETS);
    // 街道 order: S11, S12, S21, S22 (2 km² each).
    EXPECT_NEAR(value(r, "road_density", 2, 0), 3.0 / 2, 1e-9);  // 2000 + 1000 m
    EXPECT_NEAR(value(r, "road_density", 2, 1), 1.0 / 2, 1e-9);
    EXPECT_NEAR(value(r, "road_density", 2, 2), 3.0 / 2, 1e-9);  // 2000 + 1000 m footway
    EXPECT_NEAR(value(r, "road_density", 2, 3), 1.0 / 2, 1e-9);
    EXPECT_NEAR(value(r, "road_density", 0, 0), 8.0 / 8, 1e-9);
    EXPECT_NEAR(value(r, "road_density_no_footway", 2, 2), 2.0 / 2, 1e-9);
    EXPECT_NEAR(value(r, "road_density_no_footway", 2, 3), 0.0, 1e-12);
    // Inside builtup [0,3000]: S21 keeps x 2000–3000 of y=500 (1 km in 1 km²), the footway is outside.
    EXPECT_NEAR(value(r, "road_density_builtup", 2, 0), 3.0 / 2, 1e-9);
    EXPECT_NEAR(value(r, "road_density_builtup", 2, 2), 1.0 / 1, 1e-9);
    EXPECT_NEAR(value(r, "road_density_builtup", 2, 3), 0.0, 1e-12);
    EXPECT_NEAR(value(r, "road_density_builtup", 0, 0), 5.0 / 6, 1e-9);
}

TEST(WiredNetworkPrimitives, EuclideanCoverageOfOneFacilityIsADisc) {
    ct::TempDir tmp;
    // One shop at (300, 300) in S11 with reach 200 m: a full disc inside S11.
    const auto r = run_with(tmp, R"Y(  - id: shop_cov
    name: {zh: 商店覆盖率, en: Shop coverage}
    unit: percent
    primitive: coverage
    params: {facilities: shops, where: "fid = 1", reach_m: 200}
  - id: shop_cov_tiers
    name: {zh: 商店覆盖率2, en: Shop coverage 2}
    unit: percent
    primitive: coverage
    params: {facilities: shops, where: "fid = 1", reach_by_area: [{min_m2: 0, reach_m: 200}]}
  - id: shop_cov_residential
    name: {zh: 居住用地覆盖率, en: Residential coverage}
    unit: percent
    primitive: coverage
    params: {facilities: shops, reach_m: 200, demand: polygons, demand_dataset: landuse, demand_where: "DLBM = '0701'"}
)Y", DATASETS);
    const double disc = std::numbers::pi * 200 * 200;
    EXPECT_NEAR(value(r, "shop_cov", 2, 0), 100 * disc / 2e6, 0.1);  // 10 m demand cells
    EXPECT_NEAR(value(r, "shop_cov", 2, 1), 0.0, 1e-12);
    EXPECT_NEAR(value(r, "shop_cov", 0, 0), 100 * disc / 8e6, 0.025);
    EXPECT_NEAR(value(r, "shop_cov_tiers", 2, 0), value(r, "shop_cov", 2, 0), 1e-9);
    // Residential parcel x 500–550, y 400–500: its nearest shop (300,300) is 224–291 m away → uncovered.
    EXPECT_NEAR(value(r, "shop_cov_residential", 2, 0), 0.0, 1e-9);
    EXPECT_TRUE(std::isnan(value(r, "shop_cov_residential", 2, 1)));  // no residential land in S12
}

TEST(WiredNetworkPrimitives, NetworkCoverageReusesOneGraphAndConvertsMinutes) {
    ct::TempDir tmp;
    const std::string common = "facilities: clinics, metric: network, network: roads, mode: walk";
    const auto r = run_with(tmp, "  - id: net_m\n    name: {zh: 网络覆盖率, en: Net}\n    unit: percent\n    primitive: coverage\n"
                                 "    params: {" + common + ", reach_m: 600}\n"
                                 "  - id: net_min\n    name: {zh: 网络覆盖率2, en: Net 2}\n    unit: percent\n    primitive: coverage\n"
                                 "    params: {" + common + ", reach_min: 10, speed_m_per_min: 60}\n"
                                 "  - id: euc\n    name: {zh: 覆盖率3, en: Euc}\n    unit: percent\n    primitive: coverage\n"
                                 "    params: {facilities: clinics, reach_m: 600}\n",
                           DATASETS);
    const double net = value(r, "net_m", 2, 2);  // S21
    EXPECT_GT(net, 0.0);
    EXPECT_LT(net, value(r, "euc", 2, 2));  // a network reach never covers more than the disc
    EXPECT_DOUBLE_EQ(value(r, "net_min", 2, 2), net);  // 10 min × 60 m/min = 600 m
    EXPECT_DOUBLE_EQ(value(r, "net_m", 2, 1), 0.0);   // S12 is > 600 m away by road
}

TEST(WiredNetworkPrimitives, ShareAboveCountsLandInDenseCells) {
    ct::TempDir tmp;
    const auto r = run_with(tmp, R"Y(  - id: dense_land
    name: {zh: 高密度用地, en: Dense land}
    unit: km2
    primitive: share_above
    params: {population: pop_raster, threshold_per_km2: 15000, cell_m: 100}
  - id: dense_share
    name: {zh: 高密度用地占比, en: Dense share}
    unit: percent
    primitive: share_above
    params: {population: pop_raster, threshold_per_km2: 15000, cell_m: 100, output: share}
  - id: dense_construction
    name: {zh: 高密度建设用地, en: Dense construction land}
    unit: km2
    primitive: share_above
    params: {population: pop_raster, threshold_per_km2: 15000, landuse: landuse, classes: {regex: "^(05|07)"}}
)Y", DATASETS);
    EXPECT_NEAR(value(r, "dense_land", 2, 0), 0.02, 1e-9);  // two 100 m cells
    EXPECT_NEAR(value(r, "dense_land", 2, 1), 0.0, 1e-12);
    EXPECT_NEAR(value(r, "dense_land", 0, 0), 0.02, 1e-9);
    EXPECT_NEAR(value(r, "dense_share", 2, 0), 100 * 0.02 / 2, 1e-9);
    // Only half of one dense cell is construction land (200 persons on 0.005 km²): 5000 m².
    EXPECT_NEAR(value(r, "dense_construction", 2, 0), 0.005, 1e-9);
    EXPECT_NEAR(value(r, "dense_construction", 0, 0), 0.005, 1e-9);
}

// docs/demo-city.md: the benchmark park 基准游园 (4 500 m², so the 300 m tier) covers a documented
// residential (0701/0702) area; no other housing is within 600 m of it.
TEST(WiredNetworkPrimitives, DemoCityBenchmarkParkCoverage) {
    ct::TempDir tmp;
    (void)citycheck::demo::write_demo_city(tmp / "city", {7, 3.0});
    const auto manifest = nlohmann::json::parse(ct::read_file(tmp / "city" / "demo-city.json"));
    const auto& bp = manifest["known_answers"]["benchmark_park"];
    std::ofstream(tmp / "city" / "healthcheck.yaml") << R"Y(version: 1
city: 示范市
year: 2025
zones:
  市: {path: zones.gpkg, layer: city, id_field: code, name_field: name}
datasets:
  parks: {path: parks.gpkg, layer: parks, role: facilities}
  landuse: {path: landuse.gpkg, layer: DLTB, role: landuse}
indicators:
  - id: bench_300
    name: {zh: 基准游园300米, en: Benchmark park 300 m}
    unit: percent
    primitive: coverage
    params: {facilities: parks, where: "name = '基准游园'", reach_m: 300, demand: polygons, demand_dataset: landuse, demand_where: "DLBM IN ('0701', '0702')"}
  - id: bench_500
    name: {zh: 基准游园500米, en: Benchmark park 500 m}
    unit: percent
    primitive: coverage
    params: {facilities: parks, where: "name = '基准游园'", reach_m: 500, demand: polygons, demand_dataset: landuse, demand_where: "DLBM IN ('0701', '0702')"}
  - id: bench_tiered
    name: {zh: 基准游园分级, en: Benchmark park tiered}
    unit: percent
    primitive: coverage
    params: {facilities: parks, where: "name = '基准游园'", reach_by_area: [{min_m2: 5000, reach_m: 500}, {min_m2: 2000, reach_m: 300}], demand: polygons, demand_dataset: landuse, demand_where: "DLBM IN ('0701', '0702')"}
)Y";
    const auto cfg = load_healthcheck(tmp / "city" / "healthcheck.yaml");
    RunOptions opt;
    const auto r = run_healthcheck(cfg, opt);
    auto covered = [&](const std::string& id) {
        const auto* res = r.table.find(id);
        EXPECT_TRUE(res && res->state == IndicatorState::ok) << (res ? res->failure : id);
        return res ? res->levels.at(0).at(0).numerator : std::numeric_limits<double>::quiet_NaN();
    };
    EXPECT_NEAR(covered("bench_300"), bp["residential_within_300m_m2"].get<double>(), 1.0);
    EXPECT_NEAR(covered("bench_500"), bp["residential_within_500m_m2"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(covered("bench_tiered"), covered("bench_300"));
}

// reach_min on the network is travel time by class speed: residential at 30 km/h = 500 m/min, so
// 1.2 minutes reach exactly as far as 600 m (access legs at the same speed), and at 60 km/h as far
// as 1 200 m; the drive profile's own residential speed (30 km/h) is the default.
TEST(WiredNetworkPrimitives, NetworkReachInMinutesUsesClassSpeeds) {
    ct::TempDir tmp;
    const std::string common = "facilities: clinics, metric: network, network: roads, mode: drive, class_field: highway";
    auto ind = [&](const std::string& id, const std::string& params) {
        return "  - id: " + id + "\n    name: {zh: " + id + ", en: " + id + "}\n    unit: percent\n    primitive: coverage\n    params: {" +
               common + ", " + params + "}\n";
    };
    const auto r = run_with(tmp,
                            ind("m600", "reach_m: 600") + ind("m1200", "reach_m: 1200") +
                                ind("t30", "reach_min: 1.2, speeds_kmh_by_class: {residential: 30}") +
                                ind("t60", "reach_min: 1.2, speeds_kmh_by_class: {residential: 60}") + ind("tdefault", "reach_min: 1.2"),
                            DATASETS);
    for (std::size_t z = 0; z < 4; ++z) {
        EXPECT_NEAR(value(r, "t30", 2, z), value(r, "m600", 2, z), 1e-9) << z;
        EXPECT_NEAR(value(r, "t60", 2, z), value(r, "m1200", 2, z), 1e-9) << z;
        EXPECT_NEAR(value(r, "tdefault", 2, z), value(r, "m600", 2, z), 1e-9) << z;
    }
    EXPECT_GT(value(r, "t60", 2, 2), value(r, "t30", 2, 2));
}
