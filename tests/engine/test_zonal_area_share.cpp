// The zonal and area_share primitives through the runner: a synthetic city with a raster and land
// parcels whose answers are known by arithmetic, and the demo city's 25 % green community.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "synthetic_city.hpp"
#include "test_support.hpp"

#include <citycheck/demo/demo_city.hpp>
#include <citycheck/engine/runner.hpp>

using namespace citycheck::engine;
namespace ct = citycheck::test;
namespace fs = std::filesystem;

namespace {

// 100 m pixels on a grid shifted 50 m west of the zones, so the 街道 edge at x = 2000 halves a
// column of pixels (exact coverage fractions matter). Bands: 1 red, 2 nir, 3 one person per pixel.
// Vegetated (NDVI 0.8): x ∈ [50, 1050] everywhere, and x ∈ [2050, 2550] for y < 1000; else NDVI 0.
//   green share: S11 50 %, S12 50 %, S21 25 %, S22 0 %; D1 50 %, D2 12.5 %, city 31.25 %.
void write_image(const fs::path& path) {
    const int cols = 41, rows = 20;
    citycheck::spatial::DatasetPtr ds(
        citycheck::spatial::driver("GTiff").Create(path.string().c_str(), cols, rows, 3, GDT_Float32, nullptr));
    ASSERT_TRUE(ds);
    double gt[6] = {ct::X0 - 50, 100, 0, ct::Y0 + 2000, 0, -100};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(4547);
    ds->SetSpatialRef(&srs);
    std::vector<float> red(cols * rows), nir(cols * rows), pop(cols * rows, 1.0f);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const double y = 2000 - 100 * (r + 0.5);  // pixel centre, zone coordinates
            const bool veg = (c >= 1 && c <= 10) || (c >= 21 && c <= 25 && y < 1000);
            red[r * cols + c] = veg ? 10.0f : 50.0f;
            nir[r * cols + c] = veg ? 90.0f : 50.0f;
        }
    for (int b = 1; b <= 3; ++b) {
        auto* data = b == 1 ? red.data() : b == 2 ? nir.data() : pop.data();
        ASSERT_EQ(ds->GetRasterBand(b)->RasterIO(GF_Write, 0, 0, cols, rows, data, cols, rows, GDT_Float32, 0, 0), CE_None);
    }
}

// Parcels (m², per 街道 S11 / S12 / S21 / S22):
//   0101 [0,1000]×[0,2000]          1e6 / 1e6 / 0 / 0
//   0702 [1000,2500]×[0,2000]       1e6 / 1e6 / 0.5e6 / 0.5e6
//   0301 [2500,4000]×[0,1000]       0 / 0 / 1.5e6 / 0
//   1101 [2500,4000]×[1000,2000]    0 / 0 / 0 / 1.5e6
void write_parcels(const fs::path& path) {
    ct::write_layer(path, "DLTB", wkbPolygon,
                    {{ct::rect_wkt(0, 0, 1000, 2000), {{"DLBM", "0101"}}},
                     {ct::rect_wkt(1000, 0, 2500, 2000), {{"DLBM", "0702"}}},
                     {ct::rect_wkt(2500, 0, 4000, 1000), {{"DLBM", "0301"}}},
                     {ct::rect_wkt(2500, 1000, 4000, 2000), {{"DLBM", "1101"}}}});
}

const char* HEALTHCHECK = R"(version: 1
city: 测试市
year: 2025
zones:
  市: {path: zones.gpkg, layer: city, id_field: code, name_field: name}
  区: {path: zones.gpkg, layer: district, id_field: code, name_field: name, parent_field: city_code}
  街道: {path: zones.gpkg, layer: street, id_field: code, name_field: name}
datasets:
  image: {path: image.tif, role: image}
  landuse: {path: landuse.gpkg, layer: DLTB, role: landuse}
  builtup_area: {path: boundary.gpkg, role: boundary}
  builtup_polygons: {path: boundary.gpkg, role: polygons}
indicators:
  - id: green_coverage
    params: {ndvi: {red: 1, nir: 2}}
  - id: green_whole
    name: {zh: 全域绿化覆盖率, en: Green coverage of whole zones}
    unit: percent
    primitive: zonal
    params: {raster: image, ndvi: {red: 1, nir: 2}, stat: frac_ge, threshold: 0.3}
  - id: red_mean
    name: {zh: 红波段均值, en: Mean red}
    unit: ratio
    primitive: zonal
    params: {raster: image, band: 1, stat: mean}
  - id: persons
    name: {zh: 人口, en: Persons}
    unit: persons
    primitive: zonal
    params: {raster: image, band: 3, stat: sum}
  - id: cultivated_land_area
    params: {area: planar}
  - id: land_development_intensity
    params: {area: planar}
  - id: forest_over_farm_and_forest
    name: {zh: 林地占农林地比例, en: Forest share of farm and forest land}
    unit: percent
    primitive: area_share
    params: {landuse: landuse, classes: ["0301"], over: ["01", "03"]}
  - id: built_share_in_builtup
    name: {zh: 建成区建设用地占比, en: Construction share inside the built-up area}
    unit: percent
    primitive: area_share
    params: {landuse: landuse, classes: {regex: "^07"}, within: builtup_area}
  - id: builtup_share
    name: {zh: 建成区占比, en: Built-up share}
    unit: percent
    primitive: area_share
    params: {landuse: builtup_polygons, classes: all, over: zone}
)";

struct Fixture {
    ct::TempDir tmp;
    RunResult run;
    Fixture() {
        ct::write_synthetic_city(tmp.path());
        write_image(tmp / "image.tif");
        write_parcels(tmp / "landuse.gpkg");
        std::ofstream(tmp / "healthcheck.yaml") << HEALTHCHECK;
        RunOptions opt;
        opt.write = false;
        run = run_healthcheck(load_healthcheck(tmp / "healthcheck.yaml"), opt);
    }
    // Value of an indicator at level k (0 city, 1 district, 2 街道), zone position z.
    double value(const std::string& id, std::size_t k, std::size_t z) const {
        const auto* r = run.table.find(id);
        EXPECT_TRUE(r) << id;
        if (!r) return -1;
        EXPECT_EQ(r->state, IndicatorState::ok) << id << ": " << r->failure;
        if (r->state != IndicatorState::ok) return -1;
        return r->levels.at(k).at(z).value;
    }
};

const Fixture& fixture() {
    static Fixture f;
    return f;
}

}  // namespace

TEST(ZonalPrimitive, GreenCoverageWithExactPixelFractions) {
    const auto& f = fixture();
    EXPECT_EQ(f.run.failed, 0u);
    // whole zones
    EXPECT_NEAR(f.value("green_whole", 2, 0), 50.0, 1e-9);
    EXPECT_NEAR(f.value("green_whole", 2, 1), 50.0, 1e-9);
    EXPECT_NEAR(f.value("green_whole", 2, 2), 25.0, 1e-9);
    EXPECT_NEAR(f.value("green_whole", 2, 3), 0.0, 1e-9);
    EXPECT_NEAR(f.value("green_whole", 1, 1), 12.5, 1e-9);
    EXPECT_NEAR(f.value("green_whole", 0, 0), 31.25, 1e-9);
    // built-in green_coverage: inside 建成区 [0,3000]×[0,2000]; S21 and S22 keep 1 km² each
    EXPECT_NEAR(f.value("green_coverage", 2, 2), 50.0, 1e-9);
    EXPECT_NEAR(f.value("green_coverage", 2, 3), 0.0, 1e-9);
    EXPECT_NEAR(f.value("green_coverage", 0, 0), 100.0 * 2.5 / 6.0, 1e-9);
    const auto* g = f.run.table.find("green_coverage");
    ASSERT_TRUE(g);
    EXPECT_NEAR(g->levels[0][0].numerator, 2.5e6, 1e-3);    // vegetated m²
    EXPECT_NEAR(g->levels[0][0].denominator, 6.0e6, 1e-3);  // zone area inside 建成区, m²
}

TEST(ZonalPrimitive, SumAndMeanRollUp) {
    const auto& f = fixture();
    // one person per 100 m pixel: 200 per 2 km² 街道, 800 in the city (exact fractions at x = 2000)
    EXPECT_NEAR(f.value("persons", 2, 0), 200.0, 1e-6);
    EXPECT_NEAR(f.value("persons", 2, 2), 200.0, 1e-6);
    EXPECT_NEAR(f.value("persons", 0, 0), 800.0, 1e-6);
    // red is 10 on vegetated and 50 on other pixels: S11 half vegetated → 30; S22 none → 50
    EXPECT_NEAR(f.value("red_mean", 2, 0), 30.0, 1e-9);
    EXPECT_NEAR(f.value("red_mean", 2, 3), 50.0, 1e-9);
    EXPECT_NEAR(f.value("red_mean", 0, 0), 10.0 * 0.3125 + 50.0 * 0.6875, 1e-9);
}

TEST(AreaSharePrimitive, AreasAndSharesFromOneOverlay) {
    const auto& f = fixture();
    // 耕地 in km² (output: area is extensive)
    EXPECT_NEAR(f.value("cultivated_land_area", 2, 0), 1.0, 1e-9);
    EXPECT_NEAR(f.value("cultivated_land_area", 2, 2), 0.0, 1e-12);
    EXPECT_NEAR(f.value("cultivated_land_area", 1, 0), 2.0, 1e-9);
    EXPECT_NEAR(f.value("cultivated_land_area", 0, 0), 2.0, 1e-9);
    EXPECT_TRUE(std::isnan(f.run.table.find("cultivated_land_area")->levels[0][0].denominator));
    // 国土开发强度: 0702 over the zone
    EXPECT_NEAR(f.value("land_development_intensity", 2, 0), 50.0, 1e-9);
    EXPECT_NEAR(f.value("land_development_intensity", 2, 2), 25.0, 1e-9);
    EXPECT_NEAR(f.value("land_development_intensity", 0, 0), 37.5, 1e-9);
    // over classes: 0301 / (01xx + 03xx) — two-character codes match their subclasses
    EXPECT_NEAR(f.value("forest_over_farm_and_forest", 2, 0), 0.0, 1e-9);
    EXPECT_NEAR(f.value("forest_over_farm_and_forest", 2, 2), 100.0, 1e-9);
    EXPECT_TRUE(std::isnan(f.value("forest_over_farm_and_forest", 2, 3)));  // no 01/03 land: no value
    EXPECT_NEAR(f.value("forest_over_farm_and_forest", 0, 0), 100.0 * 1.5 / 3.5, 1e-9);
    // within 建成区 [0,3000]: S21 keeps [2000,3000]×[0,1000] of which 0702 is 0.5 km²
    EXPECT_NEAR(f.value("built_share_in_builtup", 2, 2), 50.0, 1e-9);
    EXPECT_NEAR(f.value("built_share_in_builtup", 2, 0), 50.0, 1e-9);
    EXPECT_NEAR(f.value("built_share_in_builtup", 0, 0), 100.0 * 3.0 / 6.0, 1e-9);
    // polygons without a class field (classes: all): the 建成区 share of each zone
    EXPECT_NEAR(f.value("builtup_share", 2, 0), 100.0, 1e-9);
    EXPECT_NEAR(f.value("builtup_share", 2, 3), 50.0, 1e-9);
    EXPECT_NEAR(f.value("builtup_share", 0, 0), 75.0, 1e-9);
}

TEST(AreaSharePrimitive, UnknownCodeFieldFailsNamingIt) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    write_parcels(tmp / "landuse.gpkg");
    std::string text = HEALTHCHECK;
    text = text.substr(0, text.find("indicators:")) + R"(indicators:
  - id: odd
    name: {zh: 怪, en: Odd}
    unit: percent
    primitive: area_share
    params: {landuse: landuse, code_field: NOPE, classes: ["0101"]}
)";
    std::ofstream(tmp / "healthcheck.yaml") << text;
    RunOptions opt;
    opt.write = false;
    opt.keep_going = true;
    const auto r = run_healthcheck(load_healthcheck(tmp / "healthcheck.yaml"), opt);
    ASSERT_EQ(r.failed, 1u);
    EXPECT_NE(r.table.find("odd")->failure.find("NOPE"), std::string::npos) << r.table.find("odd")->failure;
}

// Parcels that overlap count twice; the run says so on every indicator over that overlay, with
// the doubly counted area: here a 100 m × 100 m 0101 parcel lies on the 0101 parcel.
TEST(AreaSharePrimitive, OverlappingParcelsAreReportedOnTheIndicator) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    ct::write_layer(tmp / "landuse.gpkg", "DLTB", wkbPolygon,
                    {{ct::rect_wkt(0, 0, 1000, 2000), {{"DLBM", "0101"}}},
                     {ct::rect_wkt(1000, 0, 2500, 2000), {{"DLBM", "0702"}}},
                     {ct::rect_wkt(100, 100, 200, 200), {{"DLBM", "0101"}}}});
    std::string text = HEALTHCHECK;
    text = text.substr(0, text.find("indicators:")) + R"(indicators:
  - id: cultivated_land_area
    params: {area: planar}
)";
    std::ofstream(tmp / "healthcheck.yaml") << text;
    RunOptions opt;
    opt.write = false;
    const auto r = run_healthcheck(load_healthcheck(tmp / "healthcheck.yaml"), opt);
    ASSERT_EQ(r.failed, 0u);
    const auto* ind = r.table.find("cultivated_land_area");
    ASSERT_TRUE(ind);
    EXPECT_NEAR(ind->levels[2][0].value, 1.01, 1e-9);  // counted twice, as the warning says
    bool warned = false;
    for (const auto& w : ind->warnings) warned |= w.find("1 pair(s) of parcels in 'landuse' overlap (10000.000000 m²") != std::string::npos;
    EXPECT_TRUE(warned) << (ind->warnings.empty() ? std::string("no warnings") : ind->warnings[0]);
}

// The demo city's own healthcheck.yaml (written by `citycheck demo`) gives the known 25 % community.
TEST(DemoHealthCheck, CommunityGreenCoverageIsTheKnownAnswer) {
    ct::TempDir tmp("citycheck-demo-run");
    citycheck::demo::write_demo_city(tmp.path(), {2025, 3.0});
    ASSERT_TRUE(fs::exists(tmp / "healthcheck.yaml"));
    // the written file is the documented example
    EXPECT_EQ(ct::read_file(tmp / "healthcheck.yaml"),
              ct::read_file(ct::testdata().parent_path() / "docs" / "examples" / "demo-healthcheck.yaml"));
    const auto manifest = nlohmann::json::parse(ct::read_file(tmp / "demo-city.json"));
    const auto& known = manifest["known_answers"]["green_coverage_community"];
    const std::string code = known["code"].get<std::string>();
    RunOptions opt;
    opt.keep_going = true;
    opt.write = false;
    const auto r = run_healthcheck(load_healthcheck(tmp / "healthcheck.yaml"), opt);
    // The demo configures every built-in indicator and every one of them computes (issue #7).
    for (const auto& res : r.table.results()) EXPECT_EQ(res.state, IndicatorState::ok) << res.id << ": " << res.failure;
    EXPECT_EQ(r.failed, 0u);
    for (const auto& spec : Catalog::builtin().indicators()) {
        const auto* res = r.table.find(spec.id);
        ASSERT_TRUE(res) << spec.id << " is missing from the demo's run";
        if (res->state != IndicatorState::ok) continue;
        ASSERT_FALSE(res->levels.empty());
        EXPECT_TRUE(std::isfinite(res->levels[0][0].value)) << spec.id << " has no city-level value (" << res->levels[0][0].note << ")";
    }
    const auto& ka = manifest["known_answers"];
    auto city = [&](const char* id) {
        const auto* res = r.table.find(id);
        EXPECT_TRUE(res && res->state == IndicatorState::ok) << id;
        return res && res->state == IndicatorState::ok ? res->levels[0][0] : ZoneResult{};
    };
    // Known by construction: 城区 is whole urban communities, shelters are parks inside it,
    // waterlogging points and 建成区 are whole blocks, heat points convert back into the city.
    EXPECT_NEAR(city("population_urban").value, ka["urban_area"]["population"].get<double>(), 1e-3);
    EXPECT_NEAR(city("shelter_area").value, ka["shelters"]["area_m2"].get<double>(), 1e-3);
    EXPECT_NEAR(city("shelter_per_capita").value, ka["shelters"]["per_capita_urban_m2"].get<double>(), 1e-9);
    EXPECT_NEAR(city("waterlogging_point_density").numerator, ka["waterlogging_points"]["count"].get<double>(), 1e-9);
    EXPECT_NEAR(city("waterlogging_point_density").value, ka["waterlogging_points"]["per_km2_builtup"].get<double>(), 1e-9);
    EXPECT_NEAR(city("regional_development_intensity").numerator, ka["builtup_area"]["area_m2"].get<double>(), 1e-3);
    EXPECT_NEAR(city("development_boundary_area").numerator, ka["development_boundary"]["area_m2"].get<double>(), 1e-3);
    EXPECT_NEAR(city("heat_point_density").numerator, ka["heat_points"].get<double>(), 1e-9);
    const auto fire = city("fire_rescue_5min_coverage");
    EXPECT_GT(fire.value, 0);
    EXPECT_LE(fire.value, 100);
    EXPECT_NEAR(fire.denominator, ka["urban_area"]["area_m2"].get<double>(), 1.0);  // 城区 on 10 m cells with exact fractions
    const auto* g = r.table.find("green_coverage");
    ASSERT_TRUE(g);
    ASSERT_EQ(g->state, IndicatorState::ok) << g->failure;
    const auto& finest = r.zones.finest();
    const auto it = finest.index.find(code);
    ASSERT_NE(it, finest.index.end()) << code;
    const auto& v = g->levels.back()[it->second];
    EXPECT_NEAR(v.value, 25.0, 1e-6);
    EXPECT_NEAR(v.numerator, known["vegetated_area_m2"].get<double>(), 1e-3);
    EXPECT_NEAR(v.denominator, known["area_m2"].get<double>(), 1e-3);
    EXPECT_NEAR(v.value, known["green_coverage_percent"].get<double>(), 1e-6);
    const auto* c = r.table.find("cultivated_land_area");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->state, IndicatorState::ok) << c->failure;
    // 耕地 on the TBDLMJ basis: the 0101 parcels' area less their 田坎 deduction (KCMJ)
    const auto& k = manifest["known_answers"];
    EXPECT_NEAR(c->levels[0][0].numerator, k["landuse_by_dlbm"]["0101"]["area_m2"].get<double>() - k["kcmj_total_m2"].get<double>(), 1e-3);
}
