// Service areas (covered demand cells dissolved per zone): their area is the covered demand the
// coverage reports, on an analytic fixture (a disc of reach around one facility on a 10 m grid).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/coverage.hpp>

using namespace citycheck::spatial;

namespace {
PolygonSet box(double x0, double y0, double x1, double y1) {
    PolygonSet p;
    p.part_begin = {0};
    p.rings = {{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}};
    return p;
}

double wkb_area(const std::vector<unsigned char>& wkb) {
    if (wkb.empty()) return 0;
    GeosContext ctx;
    const auto g = ctx.from_wkb(wkb);
    double a = 0;
    GEOSArea_r(ctx.get(), g.get(), &a);
    return a;
}

struct Fixture {
    ZonePolygons zones;
    FacilitySet facilities;
    Demand demand;
    CoverageResult result;
    Fixture() {
        // Two zones share the edge x = 1000; the disc of 300 m around (1000, 500) covers half of
        // it in each; the third zone is out of reach.
        zones.ids = {"west", "east", "far"};
        zones.polygons = {box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(3000, 0, 4000, 1000)};
        zones.crs = Crs::from_epsg(32650);
        Facility f;
        f.point = {1000, 500};
        f.reach = 300;
        facilities.items.push_back(f);
        demand = zone_area_demand(zones, 10);
        result = compute_coverage(facilities, demand, zones.ids.size(), nullptr, {});
    }
};
}  // namespace

TEST(ServiceAreas, AreaEqualsTheCoveredDemandOfEachZone) {
    Fixture fx;
    const auto sa = service_areas(fx.zones, fx.demand, fx.result);
    ASSERT_EQ(sa.zone_wkb.size(), 3u);
    const double disc = std::numbers::pi * 300 * 300;
    double total = 0;
    for (std::size_t z = 0; z < 2; ++z) {
        // Cells are whole inside the zones, so the dissolved cells are exactly the covered demand.
        EXPECT_DOUBLE_EQ(sa.covered[z], fx.result.zones[z].covered);
        EXPECT_NEAR(wkb_area(sa.zone_wkb[z]), fx.result.zones[z].covered, 1e-6 * fx.result.zones[z].covered);
        EXPECT_NEAR(sa.covered[z], disc / 2, 0.02 * disc / 2);  // centre sampling of a disc
        total += wkb_area(sa.zone_wkb[z]);
    }
    EXPECT_NEAR(total, fx.result.zones[0].covered + fx.result.zones[1].covered, 1e-6 * total);
    EXPECT_TRUE(sa.zone_wkb[2].empty()) << "nothing is covered in the far zone";
    EXPECT_DOUBLE_EQ(sa.covered[2], 0.0);
}

TEST(ServiceAreas, SimplifiedAtHalfACellKeepsTheAreaWithinOnePercent) {
    Fixture fx;
    const auto exact = service_areas(fx.zones, fx.demand, fx.result);
    const auto simple = service_areas(fx.zones, fx.demand, fx.result, 5);
    GeosContext ctx;
    for (std::size_t z = 0; z < 2; ++z) {
        const double a = wkb_area(simple.zone_wkb[z]);
        EXPECT_NEAR(a, fx.result.zones[z].covered, 0.01 * fx.result.zones[z].covered);
        const auto ge = ctx.from_wkb(exact.zone_wkb[z]), gs = ctx.from_wkb(simple.zone_wkb[z]);
        EXPECT_LT(GEOSGetNumCoordinates_r(ctx.get(), gs.get()), GEOSGetNumCoordinates_r(ctx.get(), ge.get()))
            << "part of the cell staircase is shed";
    }
}

TEST(ServiceAreas, PolygonFacilitiesArePlacedOnThePolygonAndPointDemandIsRefused) {
    FacilitySet fs;
    Facility park;
    park.is_polygon = true;
    // An L-shaped park: its centroid (about 36, 36) lies outside; the position must lie on it.
    park.polygon.part_begin = {0};
    park.polygon.rings = {{{0, 0}, {100, 0}, {100, 20}, {20, 20}, {20, 100}, {0, 100}}};
    park.point = {0, 0};
    fs.items.push_back(park);
    Facility stop;
    stop.point = {7, 9};
    fs.items.push_back(stop);
    const auto pos = facility_positions(fs);
    ASSERT_EQ(pos.size(), 2u);
    EXPECT_TRUE(park.polygon.contains(pos[0])) << pos[0].x << " " << pos[0].y;
    EXPECT_EQ(pos[1], (Pt{7, 9}));

    Fixture fx;
    fx.demand.grid.reset();  // point demand has no grid
    EXPECT_THROW(service_areas(fx.zones, fx.demand, fx.result), citycheck::UsageError);
}
