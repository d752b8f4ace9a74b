#include <gtest/gtest.h>

#include <cmath>

#include "synthetic_city.hpp"
#include "test_support.hpp"

#include <citycheck/engine/config.hpp>
#include <citycheck/engine/runner.hpp>
#include <citycheck/engine/zones.hpp>

using namespace citycheck::engine;
namespace ct = citycheck::test;

namespace {
ZoneLevelData level(ZoneLevel l, std::vector<std::tuple<std::string, std::string, std::string>> zones) {
    citycheck::spatial::GeosContext geos;
    ZoneLevelData d;
    d.level = l;
    for (const auto& [id, parent, wkt] : zones) {
        Zone z;
        z.id = id;
        z.name = id;
        z.parent_id = parent;
        z.wkb = geos.to_wkb(*geos.from_wkt(wkt));
        d.zones.push_back(z);
    }
    return d;
}
}  // namespace

TEST(RollupTest, ZeroDenominatorAndMissingData) {
    auto r = make_result(3, 0, true, 100);
    EXPECT_TRUE(std::isnan(r.value));
    EXPECT_EQ(r.note, "zero denominator");
    r = make_result(std::nan(""), 2, true, 1);
    EXPECT_EQ(r.note, "missing data");
    r = make_result(3, 4, true, 100);
    EXPECT_DOUBLE_EQ(r.value, 75);
    r = make_result(2e6, NaN, false, 1e-6);  // extensive: m² → km²
    EXPECT_DOUBLE_EQ(r.value, 2);
}

TEST(RollupTest, SumsNumeratorsAndDenominatorsNeverAveragesRatios) {
    auto zones = ZoneSet::from_levels({level(ZoneLevel::district, {{"D", "", ct::rect_wkt(0, 0, 4000, 1000)}}),
                                       level(ZoneLevel::subdistrict, {{"A", "D", ct::rect_wkt(0, 0, 1000, 1000)},
                                                                      {"B", "D", ct::rect_wkt(1000, 0, 4000, 1000)}})},
                                      citycheck::spatial::Crs::from_epsg(4547));
    ZoneValues v;
    v.numerator = {1, 3};        // A: 1 of 1 → 100 %; B: 3 of 3 → 100 %
    v.denominator = {1, 9};      // B: 3 of 9 → 33.3 %
    const auto levels = roll_up(v, zones, 100);
    ASSERT_EQ(levels.size(), 2u);
    EXPECT_DOUBLE_EQ(levels[1][0].value, 100);
    EXPECT_NEAR(levels[1][1].value, 100.0 / 3, 1e-12);
    EXPECT_DOUBLE_EQ(levels[0][0].value, 40);  // (1 + 3) / (1 + 9), not the mean 66.7 of the ratios
    v.numerator = {1, std::nan("")};
    EXPECT_EQ(roll_up(v, zones, 100)[0][0].note, "missing data");
}

TEST(RollupTest, TilingCheckReportsGapsOverlapsAndOverhang) {
    auto good = ZoneSet::from_levels({level(ZoneLevel::district, {{"D", "", ct::rect_wkt(0, 0, 2000, 1000)}}),
                                      level(ZoneLevel::subdistrict, {{"A", "D", ct::rect_wkt(0, 0, 1000, 1000)},
                                                                     {"B", "D", ct::rect_wkt(1000, 0, 2000, 1000)}})},
                                     citycheck::spatial::Crs::from_epsg(4547));
    EXPECT_TRUE(check_tiling(good).empty());
    // A overlaps B by 100 × 1000 m, B leaves a 200 × 1000 gap at the east, C sticks out by 50 × 1000.
    auto bad = ZoneSet::from_levels({level(ZoneLevel::district, {{"D", "", ct::rect_wkt(0, 0, 2000, 1000)}}),
                                     level(ZoneLevel::subdistrict, {{"A", "D", ct::rect_wkt(0, 0, 1100, 1000)},
                                                                    {"B", "D", ct::rect_wkt(1000, 0, 1800, 1000)},
                                                                    {"C", "D", ct::rect_wkt(-50, 0, 0, 1000)}})},
                                    citycheck::spatial::Crs::from_epsg(4547));
    const auto issues = check_tiling(bad);
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].parent_id, "D");
    EXPECT_NEAR(issues[0].overlap_m2, 100000, 1e-3);
    EXPECT_NEAR(issues[0].gap_m2, 200000, 1e-3);
    EXPECT_NEAR(issues[0].outside_m2, 50000, 1e-3);
    EXPECT_NE(issues[0].to_string().find("gap"), std::string::npos);
}

TEST(RollupTest, SpatialParentLinkWhenNoParentField) {
    auto zones = ZoneSet::from_levels({level(ZoneLevel::district, {{"W", "", ct::rect_wkt(0, 0, 1000, 1000)},
                                                                   {"E", "", ct::rect_wkt(1000, 0, 2000, 1000)}}),
                                       level(ZoneLevel::community, {{"c1", "", ct::rect_wkt(1200, 0, 1500, 500)},
                                                                    {"c2", "", ct::rect_wkt(0, 0, 500, 500)}})},
                                      citycheck::spatial::Crs::from_epsg(4547));
    EXPECT_EQ(zones.finest().zones[0].parent_id, "E");
    EXPECT_EQ(zones.finest().zones[1].parent_id, "W");
}

// The roll-up of the finest level equals computing directly on the parent zones.
TEST(RollupTest, RollupEqualsDirectComputationAtEachParentLevel) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    const auto parsed = parse_healthcheck_text(ct::synthetic_healthcheck(), tmp / "healthcheck.yaml");
    ASSERT_TRUE(parsed.issues.ok());
    const auto& cfg = parsed.config;
    const auto crs = working_crs(cfg);
    const auto all = ZoneSet::load(cfg, crs);
    const auto& reg = PrimitiveRegistry::builtin();
    const auto rolled = compute_indicators(cfg, all, reg, false);
    for (std::size_t k = 0; k + 1 < cfg.zones.size(); ++k) {
        auto only = cfg;
        only.zones = {cfg.zones[k]};
        only.zones[0].parent_field.clear();
        const auto direct_zones = ZoneSet::load(only, crs);
        const auto direct = compute_indicators(only, direct_zones, reg, false);
        for (std::size_t i = 0; i < cfg.indicators.size(); ++i)
            for (std::size_t z = 0; z < direct_zones.finest().zones.size(); ++z) {
                const auto& a = rolled.results()[i].levels[k][z];
                const auto& b = direct.results()[i].levels[0][z];
                EXPECT_DOUBLE_EQ(a.value, b.value) << cfg.indicators[i].spec.id << " level " << k << " zone " << z;
                EXPECT_DOUBLE_EQ(a.numerator, b.numerator);
            }
    }
    // and the known answers (synthetic_city.hpp)
    const auto& w = rolled.results()[0].levels;
    EXPECT_DOUBLE_EQ(w[0][0].value, 34.0 / 8);
    EXPECT_DOUBLE_EQ(w[1][0].value, 18.0 / 4);
    EXPECT_DOUBLE_EQ(w[2][0].value, 5.0);
    EXPECT_DOUBLE_EQ(w[2][0].numerator, 10);
    EXPECT_DOUBLE_EQ(w[2][0].denominator, 2e6);
    const auto& e = rolled.results()[2].levels;  // expression on rolled-up operands
    EXPECT_DOUBLE_EQ(e[0][0].value, 1.0 / 4.25);
    EXPECT_DOUBLE_EQ(e[1][0].value, 1.0 / 4.5);
    EXPECT_DOUBLE_EQ(e[2][2].value, 0.0);
}
