#include <gtest/gtest.h>

#include <algorithm>

#include "synthetic_city.hpp"

#include <citycheck/engine/config.hpp>

using namespace citycheck::engine;

namespace {
ParsedConfig parse(const std::string& text) { return parse_healthcheck_text(text, "/tmp/city/healthcheck.yaml"); }

bool has_error(const ParsedConfig& p, const std::string& path, const std::string& words) {
    return std::any_of(p.issues.errors().begin(), p.issues.errors().end(), [&](const Issue& i) {
        return i.path == path && i.message.find(words) != std::string::npos;
    });
}
std::string all_errors(const ParsedConfig& p) {
    std::string s;
    for (const auto& e : p.issues.errors()) s += e.to_string() + "\n";
    return s;
}
}  // namespace

TEST(ConfigTest, GoodFileParsesWithOverridesAndPathsRelativeToTheFile) {
    const auto p = parse(citycheck::test::synthetic_healthcheck());
    ASSERT_TRUE(p.issues.ok()) << all_errors(p);
    const auto& c = p.config;
    EXPECT_EQ(c.city, "测试市");
    ASSERT_EQ(c.zones.size(), 3u);
    EXPECT_EQ(c.zones[0].level, ZoneLevel::city);
    EXPECT_EQ(c.zones[2].level, ZoneLevel::subdistrict);
    EXPECT_EQ(c.zones[0].path, std::filesystem::path("/tmp/city/zones.gpkg"));
    ASSERT_EQ(c.indicators.size(), 3u);
    const auto* w = c.find_indicator("waterlogging_point_density");
    ASSERT_TRUE(w);
    EXPECT_TRUE(w->overridden);
    EXPECT_FALSE(w->spec.params.contains("within"));  // null removes a built-in parameter
    ASSERT_TRUE(w->spec.target && w->spec.target->value);
    EXPECT_DOUBLE_EQ(*w->spec.target->value, 4.5);
    EXPECT_EQ(w->spec.target->op, TargetOp::le);  // partial target keeps the built-in direction
    EXPECT_EQ(c.outputs.dir, std::filesystem::path("/tmp/city/out"));
}

TEST(ConfigTest, EveryErrorIsReportedWithItsKeyPathInOnePass) {
    const std::string text = R"(version: 1
zone:
  街道: {path: z.gpkg}
datasets:
  roads: {path: r.gpkg, role: road}
  pts: {path: p.gpkg, role: points, colour: red}
indicators:
  - id: waterlogging_point_density
    params: {points: nowhere}
  - id: my_cov
    name: {zh: 我的覆盖率, en: My coverage}
    unit: percent
    primitive: coverage
    params: {facilities: pts, reach_m: far}
  - id: parkk_service_coverage
  - id: shop_ratio
    name: {zh: 比, en: Ratio}
    unit: ratio
    primitive: expression
    params: {expr: "my_cov / (1 +"}
  - id: my_density
    name: {zh: 密度, en: Density}
    unit: per_km2
    primitive: point_density
    params: {points: roads}
    target: {op: "=>", value: 3}
scoring: {tolerance: 2}
)";
    const auto p = parse(text);
    const auto errs = all_errors(p);
    EXPECT_TRUE(has_error(p, "zone", "did you mean 'zones'")) << errs;
    EXPECT_TRUE(has_error(p, "zones", "required key is missing")) << errs;
    EXPECT_TRUE(has_error(p, "datasets.roads.role", "did you mean 'roads'")) << errs;
    EXPECT_TRUE(has_error(p, "datasets.pts.colour", "unknown key")) << errs;
    EXPECT_TRUE(has_error(p, "indicators[0].params.points", "dataset 'nowhere' is not defined")) << errs;
    EXPECT_TRUE(has_error(p, "indicators[1].params.reach_m", "expected a number")) << errs;
    EXPECT_TRUE(has_error(p, "indicators[2].id", "did you mean 'park_service_coverage'")) << errs;
    EXPECT_TRUE(has_error(p, "indicators[3].params.expr", "expression")) << errs;
    EXPECT_TRUE(has_error(p, "indicators[4].target.op", "unknown comparison")) << errs;
    EXPECT_TRUE(has_error(p, "indicators[4].params.points", "role 'road'")) << errs;
    EXPECT_TRUE(has_error(p, "scoring.tolerance", "fraction")) << errs;
    EXPECT_GE(p.issues.errors().size(), 11u) << errs;
    for (const auto& e : p.issues.errors())
        if (e.path.rfind("indicators", 0) == 0 || e.path.rfind("datasets", 0) == 0) {
            EXPECT_GT(e.line, 0) << e.to_string();
        }
}

TEST(ConfigTest, BuiltinAllAndOperandsBroughtInAsHelpers) {
    const std::string head = R"(version: 1
zones:
  社区: {path: z.gpkg, id_field: code}
datasets:
  landuse: {path: l.gpkg, role: landuse}
  shelters: {path: s.gpkg, role: polygons}
  urban_area: {path: u.gpkg, role: boundary}
  population: {path: p.tif, role: population}
indicators:
)";
    auto p = parse(head + "  - id: shelter_per_capita\n");
    ASSERT_TRUE(p.issues.ok()) << all_errors(p);
    std::vector<std::string> ids;
    for (const auto& i : p.config.indicators) ids.push_back(i.spec.id);
    EXPECT_NE(std::find(ids.begin(), ids.end(), "shelter_area"), ids.end());
    EXPECT_NE(std::find(ids.begin(), ids.end(), "population_urban"), ids.end());

    p = parse(head + "  - id: shelter_per_capita\n  - {id: shelter_area, enabled: false}\n");
    EXPECT_TRUE(has_error(p, "indicators[0].params", "disabled")) << all_errors(p);

    p = parse(head + "  - builtin: all\n");
    // every built-in is enabled; the ones whose datasets are not defined are reported
    EXPECT_FALSE(p.issues.ok());
    EXPECT_TRUE(has_error(p, "indicators[0](green_coverage).params.raster", "dataset 'image' is not defined")) << all_errors(p);
}

TEST(ConfigTest, CyclesAndUnknownOperandsAreErrors) {
    const std::string text = R"(version: 1
zones:
  社区: {path: z.gpkg, id_field: code}
indicators:
  - {id: a, name: {zh: 甲, en: A}, unit: ratio, primitive: expression, params: {expr: "b + 1"}}
  - {id: b, name: {zh: 乙, en: B}, unit: ratio, primitive: expression, params: {expr: "a * 2"}}
  - {id: c, name: {zh: 丙, en: C}, unit: ratio, primitive: expression, params: {expr: "shop_densty * 2"}}
)";
    const auto p = parse(text);
    EXPECT_TRUE(has_error(p, "indicators[0]", "depends on itself")) << all_errors(p);
    EXPECT_TRUE(has_error(p, "indicators[2].params", "unknown indicator 'shop_densty'")) << all_errors(p);
}

TEST(ConfigTest, VersionAndSyntaxErrors) {
    auto p = parse("version: 2\nzones: {社区: {path: z.gpkg, id_field: id}}\nindicators: []\n");
    EXPECT_TRUE(has_error(p, "version", "unsupported version")) << all_errors(p);
    p = parse("version: 1\nzones: [unclosed\n");
    ASSERT_FALSE(p.issues.ok());
    EXPECT_NE(p.issues.errors()[0].message.find("YAML syntax"), std::string::npos);
}
