#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "synthetic_city.hpp"
#include "test_support.hpp"

#include <citycheck/engine/validate.hpp>

using namespace citycheck::engine;
namespace ct = citycheck::test;

namespace {
bool has(const Issues& i, const std::string& path, const std::string& words) {
    return std::any_of(i.errors().begin(), i.errors().end(), [&](const Issue& e) {
        return e.path == path && e.to_string().find(words) != std::string::npos;
    });
}
}  // namespace

TEST(ValidateTest, GoodCityPassesWithAWarningForStubPrimitives) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    std::ofstream(tmp / "healthcheck.yaml") << ct::synthetic_healthcheck(R"(  - id: cov
    name: {zh: 覆盖, en: Cov}
    unit: percent
    primitive: coverage
    params: {facilities: shops, reach_m: 300, where: "kind = 'shop'"}
)");
    const auto report = validate_healthcheck(tmp / "healthcheck.yaml");
    EXPECT_TRUE(report.ok()) << report.text();
    EXPECT_EQ(report.exit_code(), 0);
    EXPECT_TRUE(PrimitiveRegistry::builtin().available("coverage"));
    EXPECT_EQ(report.text().find("not registered in this build"), std::string::npos) << report.text();
}

TEST(ValidateTest, DataProblemsAreLocated) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    // far away points (wrong CRS or wrong city), polygons where points are needed, a bad field
    ct::write_layer(tmp / "far.gpkg", "far", wkbPoint, {{"POINT(116.4 39.9)", {{"k", "x"}}}}, 4326);
    std::string text = ct::synthetic_healthcheck(R"(  - id: far_density
    name: {zh: 远, en: Far}
    unit: per_km2
    primitive: point_density
    params: {points: far_points}
  - id: poly_density
    name: {zh: 面, en: Poly}
    unit: per_km2
    primitive: point_density
    params: {points: builtup_as_points, where: "nosuchfield = 1"}
)");
    text.replace(text.find("datasets:\n"), 10,
                 "datasets:\n  far_points: {path: far.gpkg, role: points}\n  builtup_as_points: {path: boundary.gpkg, role: points}\n"
                 "  missing: {path: nothere.gpkg, role: points}\n");
    text.replace(text.find("name_field: name, parent_field"), 16, "name_field: nmae, parent_field");
    std::ofstream(tmp / "healthcheck.yaml") << text;
    const auto report = validate_healthcheck(tmp / "healthcheck.yaml");
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(report.exit_code(), 3) << report.text();
    const auto& d = report.data;
    EXPECT_TRUE(has(d, "datasets.far_points", "does not overlap the zones")) << report.text();
    EXPECT_TRUE(has(d, "indicators.poly_density.params.points", "needs points")) << report.text();
    EXPECT_TRUE(has(d, "indicators.poly_density.params.where", "bad attribute filter")) << report.text();
    EXPECT_TRUE(has(d, "datasets.missing.path", "file not found")) << report.text();
    EXPECT_TRUE(has(d, "zones.区.name_field", "did you mean 'name'")) << report.text();
}
