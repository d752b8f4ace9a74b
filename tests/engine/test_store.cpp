// The store (base database): the same suite against a GeoPackage and, when CITYCHECK_TEST_PG is set
// (scripts/test.sh starts a throwaway PostGIS cluster), PostgreSQL/PostGIS.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <unistd.h>

#include "synthetic_city.hpp"
#include "test_support.hpp"

#include <citycheck/core/error.hpp>
#include <citycheck/demo/demo_city.hpp>
#include <citycheck/engine/runner.hpp>
#include <citycheck/engine/store/compare.hpp>
#include <citycheck/engine/store/store_reader.hpp>
#include <citycheck/engine/store/store_writer.hpp>

using namespace citycheck::engine;
using namespace citycheck::engine::store;
namespace ct = citycheck::test;
namespace fs = std::filesystem;

namespace {
std::string test_name() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string n = std::string(info->test_suite_name()) + "_" + info->name();
    std::replace(n.begin(), n.end(), '/', '_');
    return n;
}

// Tests run as parallel processes on one PostgreSQL database: every test writes its own cities.
std::string city(const std::string& base) { return base + "·" + test_name() + "·" + std::to_string(::getpid()); }

class StoreTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        const auto location = ct::store_location(GetParam(), m_tmp);
        if (!location) GTEST_SKIP() << ct::kNoPostgisMessage;
        m_location = *location;
    }
    HealthCheckConfig synthetic(const std::string& extra = "") {
        ct::write_synthetic_city(m_tmp.path());
        const auto path = m_tmp / "healthcheck.yaml";
        std::ofstream(path) << ct::synthetic_healthcheck(extra);
        return load_healthcheck(path);
    }
    static RunResult compute(const HealthCheckConfig& cfg) {
        RunOptions opt;
        opt.write = false;
        return run_healthcheck(cfg, opt);
    }
    ct::TempDir m_tmp;
    std::string m_location;
};

const ValueRow* find_value(const std::vector<ValueRow>& v, const std::string& ind, const std::string& level, const std::string& zone) {
    for (const auto& r : v)
        if (r.indicator_id == ind && r.level == level && r.zone_id == zone) return &r;
    return nullptr;
}
}  // namespace

TEST_P(StoreTest, WritesOneRunAndReadsItBack) {
    auto cfg = synthetic();
    cfg.city = city("测试市");
    const auto r = compute(cfg);
    const auto id = write_run(m_location, cfg, r);
    const auto reader = StoreReader::open(m_location);
    const auto runs = reader.runs(cfg.city);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].run_id, id);
    EXPECT_EQ(runs[0].year, 2025);
    EXPECT_TRUE(runs[0].current());
    EXPECT_EQ(runs[0].crs, "EPSG:4547");
    EXPECT_EQ(runs[0].config_sha256.size(), 64u);
    EXPECT_NE(runs[0].versions.find("GDAL"), std::string::npos);
    const auto inds = reader.indicators(id);
    ASSERT_EQ(inds.size(), 3u);
    EXPECT_EQ(inds[0].indicator_id, "waterlogging_point_density");
    EXPECT_EQ(inds[0].target_op, "<=");
    ASSERT_TRUE(inds[0].target_value);
    EXPECT_DOUBLE_EQ(*inds[0].target_value, 4.5);
    EXPECT_EQ(inds[2].primitive, "expression");
    const auto zones = reader.zones(id, "", true);
    ASSERT_EQ(zones.size(), 7u);  // 1 + 2 + 4
    EXPECT_EQ(zones[0].level, "city");
    EXPECT_EQ(zones.back().level, "subdistrict");
    EXPECT_NEAR(zones[0].area_m2, 8e6, 1e3);
    EXPECT_FALSE(zones[0].wkb.empty());
    const auto values = reader.values(id);
    EXPECT_EQ(values.size(), 3u * 7u);
    EXPECT_EQ(values.front().level, "city");
    const auto* s11 = find_value(values, "waterlogging_point_density", "subdistrict", "S11");
    ASSERT_TRUE(s11);
    EXPECT_DOUBLE_EQ(*s11->value, 5.0);
    EXPECT_DOUBLE_EQ(*s11->numerator, 10.0);
    EXPECT_DOUBLE_EQ(*s11->denominator, 2e6);
    EXPECT_EQ(s11->status, "not_met");
    EXPECT_EQ(s11->status_zh, "未达标");
    EXPECT_EQ(s11->city, cfg.city);
    const auto* s12 = find_value(values, "waterlogging_point_density", "subdistrict", "S12");
    ASSERT_TRUE(s12);
    EXPECT_EQ(s12->status, "met");
    EXPECT_TRUE(s12->score);
    const auto dims = reader.dimensions(id, "city");
    EXPECT_TRUE(std::any_of(dims.begin(), dims.end(), [](const DimensionRow& d) { return d.system == "overall"; }));
    EXPECT_EQ(reader.years(cfg.city), std::vector<int>{2025});
}

TEST_P(StoreTest, RerunSupersedesTheEarlierRunAndKeepsIt) {
    auto cfg = synthetic();
    cfg.city = city("测试市");
    const auto r = compute(cfg);
    cfg.year = 2024;
    const auto y2024 = write_run(m_location, cfg, r);
    cfg.year = 2025;
    const auto first = write_run(m_location, cfg, r);
    const auto second = write_run(m_location, cfg, r);
    const auto reader = StoreReader::open(m_location);
    const auto runs = reader.runs(cfg.city);
    ASSERT_EQ(runs.size(), 3u);
    const auto cur = reader.current_run(cfg.city, 2025);
    ASSERT_TRUE(cur);
    EXPECT_EQ(cur->run_id, second);
    const auto old = reader.run(first);
    ASSERT_TRUE(old);
    EXPECT_EQ(old->status, "superseded");
    EXPECT_EQ(old->superseded_by, second);
    EXPECT_EQ(reader.values(first).size(), 21u);  // kept, not lost
    EXPECT_TRUE(reader.current_run(cfg.city, 2024));
    const auto h = reader.history(cfg.city, "waterlogging_point_density", "subdistrict", "S11");
    ASSERT_EQ(h.size(), 2u);  // current runs only: 2024 and 2025
    EXPECT_EQ(h[0].year, 2024);
    EXPECT_EQ(h[1].run_id, second);
    const auto prev = reader.previous_value(cfg.city, 2025, "waterlogging_point_density", "subdistrict", "S11");
    ASSERT_TRUE(prev);
    EXPECT_EQ(prev->run_id, y2024);
}

TEST_P(StoreTest, ReaderRejectsMissingStore) {
    if (GetParam() == "postgis") GTEST_SKIP() << "file-only check";
    EXPECT_THROW((void)StoreReader::open((m_tmp / "none.gpkg").string()), citycheck::InputError);
}

// Boundaries change between years: district D1 grows from [0,2000] to [0,3000] (×[0,2000]); the
// 2024 values are re-aggregated onto the 2025 boundary from the 2024 街道 (area-weighted).
TEST_P(StoreTest, CompareReaggregatesChangedBoundariesFromTheFinestLevel) {
    auto cfg = synthetic();
    cfg.city = city("测试市");
    cfg.year = 2024;
    write_run(m_location, cfg, compute(cfg));
    // 2025 zones in another folder: same codes, new district and street boundaries.
    ct::TempDir y2;
    const auto zones = y2 / "zones.gpkg";
    using ct::rect_wkt;
    ct::write_layer(zones, "city", wkbPolygon, {{rect_wkt(0, 0, 4000, 2000), {{"code", "C"}, {"name", "测试市"}}}});
    ct::write_layer(zones, "district", wkbPolygon,
                    {{rect_wkt(0, 0, 3000, 2000), {{"code", "D1"}, {"name", "一区"}, {"city_code", "C"}}},
                     {rect_wkt(3000, 0, 4000, 2000), {{"code", "D2"}, {"name", "二区"}, {"city_code", "C"}}}});
    ct::write_layer(zones, "street", wkbPolygon,
                    {{rect_wkt(0, 0, 2000, 1000), {{"code", "S11"}, {"name", "南一街道"}}},
                     {rect_wkt(0, 1000, 2000, 2000), {{"code", "S12"}, {"name", "北一街道"}}},
                     {rect_wkt(2000, 0, 3000, 2000), {{"code", "S21"}, {"name", "南二街道"}}},
                     {rect_wkt(3000, 0, 4000, 2000), {{"code", "S22"}, {"name", "北二街道"}}}});
    for (const char* f : {"points.gpkg", "boundary.gpkg"}) fs::copy_file(m_tmp / f, y2 / f);
    std::ofstream(y2 / "healthcheck.yaml") << ct::synthetic_healthcheck();
    auto cfg2 = load_healthcheck(y2 / "healthcheck.yaml");
    cfg2.city = cfg.city;
    cfg2.year = 2025;
    write_run(m_location, cfg2, compute(cfg2));

    const auto reader = StoreReader::open(m_location);
    CompareOptions o;
    o.city = cfg.city;
    o.years = {2024, 2025};
    const auto r = compare_years(reader, o);
    auto row = [&](const std::string& ind, const std::string& level, const std::string& zone) -> const ChangeRow& {
        for (const auto& x : r.rows)
            if (x.indicator_id == ind && x.level == level && x.zone_id == zone) return x;
        throw std::runtime_error("no row " + ind + " " + zone);
    };
    // City: unchanged boundary, stored values.
    const auto& c = row("waterlogging_point_density", "city", "C");
    EXPECT_EQ(c.comparability, "comparable");
    EXPECT_EQ(c.sources[0], YearSource::stored);
    // D1 2025 = [0,3000]: S11 10 + S12 8 + half of S21 8 + half of S22 8 = 26 points over 6 km².
    const auto& d1 = row("waterlogging_point_density", "district", "D1");
    EXPECT_EQ(d1.comparability, "reaggregated") << d1.comparability_note;
    EXPECT_EQ(d1.sources[0], YearSource::reaggregated);
    ASSERT_TRUE(d1.values[0]);
    EXPECT_NEAR(*d1.values[0], 26.0 / 6.0, 1e-9);
    // D2 2025 = [3000,4000]: half of S21 and half of S22 → 8 points over 2 km².
    const auto& d2 = row("waterlogging_point_density", "district", "D2");
    ASSERT_TRUE(d2.values[0]);
    EXPECT_NEAR(*d2.values[0], 4.0, 1e-9);
    // S21 keeps its area (2 km²) but moved: detected by overlap, re-aggregated (8/2 → 4 per km²).
    const auto& s21 = row("waterlogging_point_density", "subdistrict", "S21");
    EXPECT_EQ(s21.comparability, "reaggregated");
    // An expression indicator cannot be re-aggregated by area: not comparable.
    const auto& e = row("shops_per_waterlogging_point", "district", "D1");
    EXPECT_EQ(e.comparability, "not_comparable");
    EXPECT_FALSE(e.values[0]);
    EXPECT_NE(e.comparability_note.find("expression"), std::string::npos) << e.comparability_note;
    // Shop density D1: 2024 shops in S11 1, S12 3, S21 0, S22 4 → (1+3+0+2)/6 km² = 1.
    const auto& shops = row("shop_density", "district", "D1");
    ASSERT_TRUE(shops.values[0]);
    EXPECT_NEAR(*shops.values[0], 1.0, 1e-9);
}

// Three years of the demo city with planted changes in 2025: one indicator of one finest zone
// drops from 达标 to half its target (crossing + worsening); another falls by 5% (below the 10%
// share: no warning). Nothing else changes, so exactly two warnings are expected.
TEST_P(StoreTest, CompareThreeYearsOfTheDemoCityRaisesExactlyThePlantedWarnings) {
    const auto dir = m_tmp / "demo";
    citycheck::demo::DemoOptions dopt;
    dopt.size_km = 3.0;
    dopt.seed = 7;
    citycheck::demo::write_demo_city(dir, dopt);
    auto cfg = load_healthcheck(dir / "healthcheck.yaml");
    cfg.city = city("演示市");
    RunOptions ro;
    ro.write = false;
    ro.keep_going = true;
    const auto base = run_healthcheck(cfg, ro);
    const std::size_t fine = base.zones.levels().size() - 1;
    // Pick the planted cells: indicators with a scorable ≥ target met in a finest zone (for B with
    // room to fall by 5% and still be met).
    auto pick = [&](std::size_t skip, double factor) -> std::optional<std::pair<std::size_t, std::size_t>> {
        for (std::size_t i = 0; i < cfg.indicators.size(); ++i) {
            const auto& spec = cfg.indicators[i].spec;
            if (i == skip || !spec.target || !spec.target->scorable() || spec.target->op != TargetOp::ge ||
                !spec.target->value || *spec.target->value <= 0 || base.table.results()[i].state != IndicatorState::ok)
                continue;
            for (std::size_t z = 0; z < base.zones.levels()[fine].zones.size(); ++z)
                if (base.scores[fine][z].items[i].status == Status::met &&
                    factor * base.table.results()[i].levels[fine][z].value >= *spec.target->value)
                    return std::make_pair(i, z);
        }
        return std::nullopt;
    };
    const auto a = pick(static_cast<std::size_t>(-1), 1.0);
    ASSERT_TRUE(a) << "the demo city needs an indicator met in some finest zone";
    const auto b = pick(a->first, 0.95);
    ASSERT_TRUE(b) << "the demo city needs a second indicator well above its target";
    const auto [ia, za] = *a;
    const auto [ib, zb] = *b;
    auto planted = base;
    const double target_a = *cfg.indicators[ia].spec.target->value;
    planted.table.results()[ia].levels[fine][za].value = 0.5 * target_a;
    const double vb = base.table.results()[ib].levels[fine][zb].value;
    planted.table.results()[ib].levels[fine][zb].value = 0.95 * vb;
    planted.scores = score_results(cfg, planted.zones, planted.table, nullptr);

    for (int y : {2023, 2024}) {
        cfg.year = y;
        write_run(m_location, cfg, base);
    }
    cfg.year = 2025;
    write_run(m_location, cfg, planted);

    const auto reader = StoreReader::open(m_location);
    CompareOptions o;
    o.city = cfg.city;
    o.years = {2023, 2024, 2025};
    const auto r = compare_years(reader, o);
    const auto& ida = cfg.indicators[ia].spec.id;
    const auto& zone_a = base.zones.levels()[fine].zones[za].id;
    std::string all;
    for (const auto& w : r.warnings) all += w.kind + ": " + w.message + "\n";
    ASSERT_EQ(r.warnings.size(), 2u) << all;
    std::set<std::string> kinds;
    for (const auto& w : r.warnings) {
        kinds.insert(w.kind);
        EXPECT_EQ(w.indicator_id, ida);
        EXPECT_EQ(w.zone_id, zone_a);
        EXPECT_EQ(w.year_from, 2024);
        EXPECT_EQ(w.year_to, 2025);
    }
    EXPECT_EQ(kinds, (std::set<std::string>{"target_crossed", "worsened"}));
    // Trends: the planted zone worsens (least squares over three years), an untouched one is stable.
    for (const auto& row : r.rows) {
        if (row.indicator_id == ida && row.zone_id == zone_a && row.level == level_en(base.zones.levels()[fine].level)) {
            EXPECT_EQ(row.trend, "worsening");
            EXPECT_EQ(row.trend_zh, "恶化");
            EXPECT_EQ(row.trend_points, 3);
            ASSERT_TRUE(row.slope);
            EXPECT_NEAR(*row.slope, (0.5 * target_a - base.table.results()[ia].levels[fine][za].value) / 2.0, 1e-9);
        }
    }
    // Lowering the share below 5% adds the second planted change as a warning.
    o.worsen_share = 0.04;
    const auto r2 = compare_years(reader, o);
    EXPECT_EQ(r2.warnings.size(), 3u);
    // Both output formats.
    const auto files = write_compare(r, m_tmp / "changes.csv");
    ASSERT_EQ(files.size(), 2u);
    const auto csv = ct::read_file(files[0]);
    EXPECT_EQ(csv.rfind("zone_id,zone_name,level,indicator_id,indicator_name,unit,value_2023,value_2024,value_2025,", 0), 0u);
    EXPECT_NE(ct::read_file(files[1]).find("target_crossed"), std::string::npos);
    write_compare(r, m_tmp / "changes.json");
    const auto j = nlohmann::json::parse(ct::read_file(m_tmp / "changes.json"));
    EXPECT_EQ(j["warnings"].size(), 2u);
    EXPECT_EQ(j["years"].size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("gpkg", "postgis"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(StoreCompare, PlausibleRanges) {
    EXPECT_EQ(plausible_range("percent").second, 100.0);
    EXPECT_EQ(plausible_range("per_km2").first, 0.0);
    EXPECT_FALSE(plausible_range("per_km2").second);
    EXPECT_FALSE(plausible_range("mystery").first);
}
