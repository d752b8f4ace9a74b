#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include <ogr_geometry.h>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/spatial/crs.hpp>

using namespace citycheck;
using namespace citycheck::spatial;

namespace {
// Ground distance in metres between two nearby lon/lat points (local equirectangular on the
// WGS84 ellipsoid; plenty at the sub-metre scale these tests measure).
double metres_between(LonLat a, LonLat b) {
    const double a_ = 6378137.0, e2 = 0.00669437999014;
    const double phi = (a.lat + b.lat) / 2 * std::numbers::pi / 180;
    const double s = std::sin(phi);
    const double w = std::sqrt(1 - e2 * s * s);
    const double m_per_deg_lat = std::numbers::pi / 180 * a_ * (1 - e2) / (w * w * w);
    const double m_per_deg_lon = std::numbers::pi / 180 * a_ * std::cos(phi) / w;
    return std::hypot((a.lon - b.lon) * m_per_deg_lon, (a.lat - b.lat) * m_per_deg_lat);
}
}  // namespace

// Published values of the widely used formulas (wandergis/coordtransform README, the same numbers
// are quoted by many independent implementations), Tiananmen (116.404, 39.915).
TEST(ChineseCoords, PublishedForwardVectors) {
    const LonLat p{116.404, 39.915};
    const LonLat gcj = wgs84_to_gcj02(p);
    EXPECT_NEAR(gcj.lon, 116.41024449916938, 1e-12);
    EXPECT_NEAR(gcj.lat, 39.91640428150164, 1e-12);
    const LonLat bd = gcj02_to_bd09(p);
    EXPECT_NEAR(bd.lon, 116.41036949371029, 1e-12);
    EXPECT_NEAR(bd.lat, 39.92133699351021, 1e-12);
    const LonLat wb = wgs84_to_bd09(p);
    EXPECT_NEAR(wb.lon, 116.41662724378733, 1e-12);
    EXPECT_NEAR(wb.lat, 39.922699552216216, 1e-12);
}

// The published one-step inverses are approximate (metre-level); ours must land on the exact
// preimage, so it maps forward onto the input and sits within a few metres of the one-step value.
TEST(ChineseCoords, IterativeInversesAreExactPreimages) {
    const LonLat p{116.404, 39.915};
    const LonLat w = gcj02_to_wgs84(p);
    const LonLat back = wgs84_to_gcj02(w);
    EXPECT_LT(metres_between(back, p), 1e-3);
    const LonLat one_step{116.39775550083061, 39.91359571849836};
    const double d = metres_between(w, one_step);
    EXPECT_GT(d, 1e-3);  // the one-step answer really is off …
    EXPECT_LT(d, 5.0);   // … by metres, not more
    const LonLat g = bd09_to_gcj02(p);
    EXPECT_LT(metres_between(gcj02_to_bd09(g), p), 1e-3);
    const LonLat bd_one_step{116.39762729119315, 39.90865673957631};
    EXPECT_LT(metres_between(g, bd_one_step), 20.0);
}

TEST(ChineseCoords, RoundTripsAcrossChinaUnderOneCentimetre) {
    double worst = 0;
    int n = 0;
    for (double lon = 73.0; lon <= 135.0; lon += 1.7) {
        for (double lat = 18.0; lat <= 53.5; lat += 1.3) {
            const LonLat w{lon, lat};
            const LonLat g = wgs84_to_gcj02(w);
            const LonLat b = wgs84_to_bd09(w);
            // The offsets are real (tens to hundreds of metres) …
            EXPECT_GT(metres_between(w, g), 1.0) << lon << "," << lat;
            // … and every inverse undoes them below 0.01 m.
            worst = std::max(worst, metres_between(gcj02_to_wgs84(g), w));
            worst = std::max(worst, metres_between(bd09_to_wgs84(b), w));
            worst = std::max(worst, metres_between(bd09_to_gcj02(b), g));
            worst = std::max(worst, metres_between(convert(convert(w, CoordSystem::wgs84, CoordSystem::bd09),
                                                           CoordSystem::bd09, CoordSystem::gcj02),
                                                   g));
            // Forward of the inverse reproduces the input (the defining property).
            worst = std::max(worst, metres_between(wgs84_to_gcj02(gcj02_to_wgs84(w)), w));
            worst = std::max(worst, metres_between(gcj02_to_bd09(bd09_to_gcj02(w)), w));
            ++n;
        }
    }
    EXPECT_GT(n, 900);
    EXPECT_LT(worst, 0.01);
}

TEST(ChineseCoords, OutsideChinaUnchanged) {
    const LonLat porto_alegre{-51.2, -30.05};
    const LonLat tokyo{139.7, 35.7};
    for (const LonLat p : {porto_alegre, tokyo}) {
        for (auto from : {CoordSystem::wgs84, CoordSystem::gcj02, CoordSystem::bd09})
            for (auto to : {CoordSystem::wgs84, CoordSystem::gcj02, CoordSystem::bd09}) {
                const LonLat r = convert(p, from, to);
                EXPECT_EQ(r.lon, p.lon);
                EXPECT_EQ(r.lat, p.lat);
            }
    }
    EXPECT_TRUE(outside_china(72.0, 30.0));
    EXPECT_FALSE(outside_china(72.01, 30.0));
    EXPECT_TRUE(outside_china(100.0, 55.9));
}

TEST(ChineseCoords, ParseAndName) {
    EXPECT_EQ(parse_coord_system("GCJ-02"), CoordSystem::gcj02);
    EXPECT_EQ(parse_coord_system("bd09"), CoordSystem::bd09);
    EXPECT_EQ(parse_coord_system("Baidu"), CoordSystem::bd09);
    EXPECT_EQ(parse_coord_system("CGCS2000"), CoordSystem::wgs84);
    EXPECT_EQ(to_string(CoordSystem::gcj02), "gcj02");
    try {
        parse_coord_system("mars");
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("gcj02"), std::string::npos);
    }
}

TEST(ChineseCoords, ArraysAndGeometries) {
    std::vector<double> x{116.41024449916938, -51.2}, y{39.91640428150164, -30.05};
    convert(x, y, CoordSystem::gcj02, CoordSystem::wgs84);
    EXPECT_LT(metres_between({x[0], y[0]}, {116.404, 39.915}), 1e-3);
    EXPECT_EQ(x[1], -51.2);

    OGRPolygon poly;
    OGRLinearRing ring;
    const LonLat c = wgs84_to_bd09({121.47, 31.23});
    ring.addPoint(c.lon, c.lat);
    ring.addPoint(c.lon + 0.01, c.lat);
    ring.addPoint(c.lon + 0.01, c.lat + 0.01);
    ring.addPoint(c.lon, c.lat);
    poly.addRing(&ring);
    convert_geometry_to_wgs84(poly, CoordSystem::bd09);
    const OGRLinearRing* r = poly.getExteriorRing();
    EXPECT_LT(metres_between({r->getX(0), r->getY(0)}, {121.47, 31.23}), 1e-3);
    const LonLat second = bd09_to_wgs84({c.lon + 0.01, c.lat});
    EXPECT_LT(metres_between({r->getX(1), r->getY(1)}, second), 1e-6);
}

TEST(ChineseCoords, ProjectedLayersAreRejected) {
    EXPECT_NO_THROW(require_lonlat_for(Crs::from_epsg(4490), CoordSystem::gcj02, "a.shp"));
    EXPECT_NO_THROW(require_lonlat_for(Crs(), CoordSystem::bd09, "a.csv"));
    EXPECT_NO_THROW(require_lonlat_for(Crs::from_epsg(4547), CoordSystem::wgs84, "a.shp"));
    EXPECT_THROW(require_lonlat_for(Crs::from_epsg(4547), CoordSystem::gcj02, "a.shp"), UsageError);
}
