// The one zone reader every command uses: ids, CRS resolution, repair and the errors it raises.
#include <gtest/gtest.h>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/zone_layer.hpp>

#include "fixtures.hpp"
#include "test_support.hpp"

using namespace citycheck;
using namespace citycheck::spatial;
using citycheck::test::TempDir;
using citycheck::test::VectorFeature;
using citycheck::test::VectorSpec;
using citycheck::test::write_vector;

namespace {
VectorSpec zone_spec(int epsg = 4547) {
    VectorSpec s;
    s.epsg = epsg;
    s.string_fields = {"code", "name", "parent"};
    return s;
}
std::string square(double x0, double y0, double side) {
    return "POLYGON((" + std::to_string(x0) + " " + std::to_string(y0) + "," + std::to_string(x0 + side) + " " + std::to_string(y0) + "," +
           std::to_string(x0 + side) + " " + std::to_string(y0 + side) + "," + std::to_string(x0) + " " + std::to_string(y0 + side) + "," +
           std::to_string(x0) + " " + std::to_string(y0) + "))";
}
}  // namespace

TEST(ZoneLayerTest, ReadsIdsNamesParentsAreasInTheLayersProjectedCrs) {
    TempDir dir;
    const auto path = dir.path() / "z.gpkg";
    write_vector(path, zone_spec(), {{square(500000, 3400000, 300), {{"code", "A"}, {"name", "甲"}, {"parent", "P"}}},
                                     {square(500300, 3400000, 100), {{"code", "B"}, {"name", "乙"}, {"parent", "P"}}}});
    ZoneLayerOptions o;
    o.id_field = "code";
    o.name_field = "name";
    o.parent_field = "parent";
    const auto z = read_zone_layer(path.string(), o);
    EXPECT_EQ(z.crs.epsg().value_or(0), 4547);
    ASSERT_EQ(z.zones.size(), 2u);
    EXPECT_EQ(z.zones[0].id, "A");
    EXPECT_EQ(z.zones[0].name, "甲");
    EXPECT_EQ(z.zones[1].parent_id, "P");
    EXPECT_DOUBLE_EQ(z.zones[0].area, 90000.0);
    EXPECT_DOUBLE_EQ(z.zones[1].box.xmin, 500300.0);
}

TEST(ZoneLayerTest, PrefixedEastingsWithoutCrsGetTheirGaussKruegerZone) {
    TempDir dir;
    const auto path = dir.path() / "z.gpkg";
    // Zone 38 (EPSG:4526): eastings 38 500 000 …
    write_vector(path, zone_spec(0), {{square(38500000, 3400000, 200), {{"code", "A"}}}});
    ZoneLayerOptions o;
    o.id_field = "code";
    const auto z = read_zone_layer(path.string(), o);
    EXPECT_EQ(z.crs.epsg().value_or(0), 4526);
    ASSERT_FALSE(z.warnings.empty());
    EXPECT_NE(z.warnings[0].find("EPSG:4526"), std::string::npos);
    EXPECT_NEAR(z.zones[0].area, 40000.0, 1e-6);
}

TEST(ZoneLayerTest, InvalidPolygonIsRepairedWithAWarningNamingTheZone) {
    TempDir dir;
    const auto path = dir.path() / "z.gpkg";
    // A bow tie: two triangles of 50 m² each once repaired.
    write_vector(path, zone_spec(), {{"POLYGON((500000 3400000,500010 3400010,500010 3400000,500000 3400010,500000 3400000))", {{"code", "X7"}}}});
    ZoneLayerOptions o;
    o.id_field = "code";
    const auto z = read_zone_layer(path.string(), o);
    ASSERT_EQ(z.zones.size(), 1u);
    EXPECT_TRUE(z.zones[0].repaired);
    EXPECT_NEAR(z.zones[0].area, 50.0, 1e-9);
    ASSERT_EQ(z.warnings.size(), 1u);
    EXPECT_NE(z.warnings[0].find("'X7'"), std::string::npos);
}

TEST(ZoneLayerTest, DuplicateIdsEmptyLayersAndMissingFieldsAreErrorsNamingThem) {
    TempDir dir;
    const auto dup = dir.path() / "dup.gpkg";
    write_vector(dup, zone_spec(), {{square(500000, 3400000, 10), {{"code", "A"}}}, {square(500020, 3400000, 10), {{"code", "A"}}}});
    ZoneLayerOptions o;
    o.id_field = "code";
    try {
        read_zone_layer(dup.string(), o);
        FAIL() << "duplicate ids accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("duplicate zone id 'A'"), std::string::npos) << e.what();
    }
    o.id_field = "nope";
    try {
        read_zone_layer(dup.string(), o);
        FAIL() << "missing field accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("no field 'nope'"), std::string::npos) << e.what();
    }
    const auto empty = dir.path() / "empty.gpkg";
    write_vector(empty, zone_spec(), {});
    o.id_field = "code";
    EXPECT_THROW(read_zone_layer(empty.string(), o), InputError);
}

TEST(ZoneLayerTest, PointsAreNotZonesAndEmptyGeometriesFollowKeepEmpty) {
    TempDir dir;
    const auto pts = dir.path() / "pts.gpkg";
    write_vector(pts, zone_spec(), {{"POINT(500000 3400000)", {{"code", "A"}}}});
    ZoneLayerOptions o;
    o.id_field = "code";
    EXPECT_THROW(read_zone_layer(pts.string(), o), InputError);

    const auto holes = dir.path() / "nogeom.gpkg";
    write_vector(holes, zone_spec(), {{square(500000, 3400000, 10), {{"code", "A"}}}, {"POLYGON EMPTY", {{"code", "B"}}}});
    const auto kept = read_zone_layer(holes.string(), o);
    ASSERT_EQ(kept.zones.size(), 2u);
    EXPECT_TRUE(kept.zones[1].wkb.empty());
    EXPECT_NE(kept.warnings.back().find("'B'"), std::string::npos);
    o.keep_empty = false;
    EXPECT_THROW(read_zone_layer(holes.string(), o), InputError);
}

TEST(ZoneLayerTest, GeographicZonesGoToTheGaussKruegerZoneOfTheirCentre) {
    TempDir dir;
    const auto path = dir.path() / "ll.gpkg";
    write_vector(path, zone_spec(4490), {{"POLYGON((114.0 30.0,114.01 30.0,114.01 30.01,114.0 30.01,114.0 30.0))", {{"code", "A"}}}});
    ZoneLayerOptions o;
    o.id_field = "code";
    const auto z = read_zone_layer(path.string(), o);
    EXPECT_EQ(z.crs.epsg().value_or(0), 4547);  // CM 114°E
    EXPECT_NEAR(z.zones[0].area, 1.0695e6, 0.002e6);  // 0.01° × 0.01° at 30°N ≈ 964 m × 1109 m
}
