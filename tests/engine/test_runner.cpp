#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "synthetic_city.hpp"
#include "test_support.hpp"

#include <citycheck/core/error.hpp>
#include <citycheck/engine/runner.hpp>

using namespace citycheck::engine;
namespace ct = citycheck::test;
namespace fs = std::filesystem;

namespace {
HealthCheckConfig config_in(const ct::TempDir& tmp, const std::string& extra = "") {
    ct::write_synthetic_city(tmp.path());
    const auto path = tmp / "healthcheck.yaml";
    std::ofstream(path) << ct::synthetic_healthcheck(extra);
    return load_healthcheck(path);
}

const std::string STUB_INDICATOR = R"(  - id: shop_coverage
    name: {zh: 商店覆盖率, en: Shop coverage}
    unit: km2
    primitive: share_above
    params: {population: population, threshold_per_km2: 15000, classes: {regex: "("}}
)";  // fails at compute time with a UsageError (an invalid regex), whatever primitives are wired

// An adapter the way a primitive branch would wire in: an extensive quantity (persons).
class FakePopulation : public Primitive {
  public:
    std::string name() const override { return "zonal"; }
    ZoneValues compute(const IndicatorSpec&, const RunContext& ctx) const override {
        ZoneValues v;
        v.has_denominator = false;
        for (const auto& z : ctx.zones.finest().zones) v.numerator.push_back(z.area_m2 / 1000.0);  // 1000 persons/km²
        return v;
    }
};
}  // namespace

TEST(RunnerTest, FullRunWritesEveryOutputWithKnownValues) {
    ct::TempDir tmp;
    const auto cfg = config_in(tmp);
    RunOptions opt;
    const auto r = run_healthcheck(cfg, opt);
    EXPECT_EQ(r.failed, 0u);
    EXPECT_TRUE(r.tiling.empty());
    const auto out = tmp / "out";
    for (const char* f : {"results_city.csv", "results_district.csv", "results_subdistrict.csv", "results.gpkg", "summary.json", "provenance.json"})
        EXPECT_TRUE(fs::exists(out / f)) << f;
    const auto csv = ct::read_file(out / "results_subdistrict.csv");
    EXPECT_EQ(csv.rfind("zone_id,zone_name,parent_id,level,waterlogging_point_density,", 0), 0u) << csv.substr(0, 200);
    EXPECT_NE(csv.find("S11,南一街道,D1,街道,5,10,2000000,未达标,"), std::string::npos) << csv;
    const auto summary = nlohmann::json::parse(ct::read_file(out / "summary.json"));
    const auto& city = summary["levels"][0]["zones"][0];
    EXPECT_DOUBLE_EQ(city["values"]["waterlogging_point_density"]["value"].get<double>(), 4.25);
    EXPECT_EQ(city["values"]["waterlogging_point_density"]["status"], "达标");
    EXPECT_EQ(city["values"]["shops_per_waterlogging_point"]["status"], "无目标");
    const auto& s11 = summary["levels"][2]["zones"][0];
    ASSERT_EQ(s11["problems"].size(), 2u);
    EXPECT_EQ(s11["problems"][0]["id"], "shop_density");  // gap 2/3 before 1/9
    EXPECT_NEAR(s11["score_overall"].get<double>(), (100.0 * (1 - 0.5 / 4.5) + 100.0 * (1 - 1.0 / 1.5)) / 2, 1e-9);
    const auto prov = nlohmann::json::parse(ct::read_file(out / "provenance.json"));
    EXPECT_EQ(prov["datasets"]["shops"]["files"][0]["sha256"].get<std::string>().size(), 64u);
    EXPECT_EQ(prov["healthcheck"]["sha256"].get<std::string>().size(), 64u);
    EXPECT_TRUE(prov["versions"].contains("GDAL"));
    EXPECT_TRUE(prov["seconds"].contains("indicator:shop_density"));
    EXPECT_EQ(prov["working_crs"], "EPSG:4547");
    // The GPKG opens and has one layer per level with geometries.
    auto ds = citycheck::spatial::open_dataset((out / "results.gpkg").string(), citycheck::spatial::DatasetKind::vector);
    ASSERT_EQ(ds->GetLayerCount(), 3);
    auto* l = ds->GetLayerByName("subdistrict");
    ASSERT_TRUE(l);
    EXPECT_EQ(l->GetFeatureCount(), 4);
    auto f = std::unique_ptr<OGRFeature>(l->GetNextFeature());
    EXPECT_TRUE(f->GetGeometryRef());
    EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("waterlogging_point_density"), 5.0);
    EXPECT_STREQ(f->GetFieldAsString("waterlogging_point_density_grade"), "良");
}

TEST(RunnerTest, KeepGoingMarksTheFailedIndicatorAndFinishes) {
    ct::TempDir tmp;
    const auto cfg = config_in(tmp, STUB_INDICATOR);
    RunOptions opt;
    opt.keep_going = true;
    const auto r = run_healthcheck(cfg, opt);
    EXPECT_EQ(r.failed, 1u);
    const auto* res = r.table.find("shop_coverage");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->state, IndicatorState::failed);
    EXPECT_NE(res->failure.find("invalid classes regex"), std::string::npos) << res->failure;
    EXPECT_DOUBLE_EQ(r.table.find("shop_density")->levels[0][0].value, 1.0);  // the others are intact
    const auto prov = nlohmann::json::parse(ct::read_file(tmp / "out" / "provenance.json"));
    EXPECT_EQ(prov["failed_indicators"], 1);
    EXPECT_EQ(prov["indicators"][3]["state"], "failed");
    const auto csv = ct::read_file(tmp / "out" / "results_city.csv");
    EXPECT_NE(csv.find("计算失败"), std::string::npos);
}

TEST(RunnerTest, WithoutKeepGoingNothingPartialIsWritten) {
    ct::TempDir tmp;
    const auto cfg = config_in(tmp, STUB_INDICATOR);
    RunOptions opt;
    try {
        (void)run_healthcheck(cfg, opt);
        FAIL() << "no error";
    } catch (const citycheck::Error& e) {
        EXPECT_NE(std::string(e.what()).find("indicator 'shop_coverage'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("nothing was written"), std::string::npos);
    }
    EXPECT_FALSE(fs::exists(tmp / "out"));
    for (const auto& e : fs::directory_iterator(tmp.path())) EXPECT_EQ(e.path().filename().string().find(".out.tmp"), std::string::npos);
    // an earlier good output survives a failed run untouched
    std::ofstream(tmp / "good.yaml") << ct::synthetic_healthcheck();
    const auto good = load_healthcheck(tmp / "good.yaml");
    (void)run_healthcheck(good, opt);
    const auto before = ct::read_file(tmp / "out" / "summary.json");
    EXPECT_THROW((void)run_healthcheck(cfg, opt), citycheck::Error);
    EXPECT_EQ(ct::read_file(tmp / "out" / "summary.json"), before);
}

TEST(RunnerTest, PerCapitaGlueOverAnAdapterPrimitive) {
    ct::TempDir tmp;
    const auto cfg = config_in(tmp, R"(  - id: people
    name: {zh: 人口, en: People}
    unit: persons
    primitive: zonal
    params: {raster: population, stat: sum}
  - id: shops_per_10k
    name: {zh: 每万人商店数, en: Shops per 10 000 people}
    unit: ratio
    primitive: expression
    params: {expr: "shop_density / people * 10000 * 8"}
  - id: water_per_capita
    name: {zh: 人均积水点, en: Waterlogging points per person}
    unit: ratio
    primitive: per_capita
    params: {numerator: people, denominator: people}
)");
    PrimitiveRegistry reg;
    register_builtin_primitives(reg);
    reg.add(std::make_unique<FakePopulation>());  // replaces the zonal stub
    RunOptions opt;
    opt.registry = &reg;
    opt.write = false;
    const auto r = run_healthcheck(cfg, opt);
    EXPECT_EQ(r.failed, 0u);
    const auto* people = r.table.find("people");
    EXPECT_TRUE(people->extensive);
    EXPECT_DOUBLE_EQ(people->levels[0][0].value, 8000);  // 8 km² × 1000/km², summed up
    EXPECT_DOUBLE_EQ(r.table.find("water_per_capita")->levels[0][0].value, 1.0);
    EXPECT_DOUBLE_EQ(r.table.find("shops_per_10k")->levels[0][0].value, 1.0 / 8000 * 10000 * 8);
}
