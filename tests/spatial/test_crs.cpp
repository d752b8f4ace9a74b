#include <gtest/gtest.h>

#include <fstream>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/crs.hpp>

#include "test_support.hpp"

using namespace citycheck;
using namespace citycheck::spatial;

TEST(CrsTest, Gk3ZoneForLongitude) {
    // INDICATORS.md §7.1: EPSG = 4534 + (CM − 75)/3; 4547 = CM 114°E, 4543 = CM 102°E, 4551 = CM 126°E.
    EXPECT_EQ(gk3_central_meridian(114.3), 114);
    EXPECT_EQ(gk3_central_meridian(115.49), 114);
    EXPECT_EQ(gk3_central_meridian(115.51), 117);
    EXPECT_EQ(gk3_epsg_for_longitude(114.3), 4547);  // Wuhan
    EXPECT_EQ(gk3_epsg_for_longitude(102.7), 4543);  // Kunming
    EXPECT_EQ(gk3_epsg_for_longitude(126.6), 4551);  // Harbin
    EXPECT_EQ(gk3_epsg_for_longitude(75.0), 4534);
    EXPECT_EQ(gk3_epsg_for_longitude(135.0), 4554);
    EXPECT_THROW(gk3_epsg_for_longitude(10.0), UsageError);
}

TEST(CrsTest, Gk3PrefixedZones) {
    // zone n ⇒ CM = 3n°, EPSG = 4488 + n: 4522 = zone 34 (CM 102°E), 4524 = zone 36, 4530 = zone 42.
    EXPECT_EQ(gk3_prefixed_epsg_for_longitude(102.7), 4522);
    EXPECT_EQ(gk3_prefixed_epsg_for_longitude(108.9), 4524);
    EXPECT_EQ(gk3_prefixed_epsg_for_longitude(126.6), 4530);
    EXPECT_EQ(gk3_prefixed_epsg_for_easting(38'512'345.0), 4526);
    EXPECT_EQ(gk3_prefixed_epsg_for_easting(34'499'000.0), 4522);
    EXPECT_FALSE(gk3_prefixed_epsg_for_easting(512'345.0).has_value());
    EXPECT_FALSE(gk3_prefixed_epsg_for_easting(99'000'000.0).has_value());
    // The EPSG definition agrees with the pattern: zone 38 has false easting 38 500 000 at CM 114°E.
    Crs z38 = Crs::from_epsg(4526);
    Transform t(Crs::from_epsg(4490), z38);
    double x = 114.0, y = 30.0;
    t.apply(x, y);
    EXPECT_NEAR(x, 38'500'000.0, 1e-6);
}

TEST(CrsTest, TraditionalAxisOrderForCgcs2000) {
    // EPSG:4490 is latitude-first by authority; citycheck always uses lon, lat.
    Transform t(Crs::from_epsg(4490), Crs::from_epsg(4547));
    double x = 114.0, y = 30.5;
    t.apply(x, y);
    EXPECT_NEAR(x, 500000.0, 1e-6);          // on the central meridian
    EXPECT_NEAR(y, 3375000.0, 10000.0);      // about 30.5° north of the equator
}

TEST(CrsTest, UserInputForms) {
    EXPECT_EQ(Crs::from_user_input("EPSG:4547").epsg(), 4547);
    EXPECT_EQ(Crs::from_user_input("4547").epsg(), 4547);
    const Crs wkt = Crs::from_user_input(Crs::from_epsg(4547).to_wkt());
    EXPECT_EQ(wkt.epsg(), 4547);
    EXPECT_TRUE(Crs::from_user_input("+proj=longlat +ellps=GRS80 +no_defs").is_geographic());
    test::TempDir dir;
    const auto prj = dir / "zones.prj";
    std::ofstream(prj) << Crs::from_epsg(32632).to_wkt();
    EXPECT_EQ(Crs::from_user_input(prj.string()).epsg(), 32632);
    EXPECT_THROW(Crs::from_user_input("not a crs"), UsageError);
}

TEST(CrsTest, SameAsIgnoresAxisMapping) {
    EXPECT_TRUE(Crs::from_epsg(4547).same_as(Crs::from_user_input("EPSG:4547")));
    EXPECT_FALSE(Crs::from_epsg(4547).same_as(Crs::from_epsg(4546)));
}

TEST(CrsTest, MetricCrsChoice) {
    EXPECT_EQ(metric_crs_for(114.3, 30.6).epsg(), 4547);
    EXPECT_EQ(metric_crs_for(9.5, 47.1).epsg(), 32632);       // Liechtenstein
    EXPECT_EQ(metric_crs_for(-51.2, -30.05).epsg(), 32722);   // Porto Alegre
}
