// Exact coverage fractions as the demand discretiser of spatial::coverage.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include <citycheck/raster/demand_cells.hpp>

using namespace citycheck::spatial;

TEST(DemandCells, ZoneAreaIsExactWithFractions) {
    ZoneSet zones;
    zones.ids = {"tri", "hole"};
    PolygonSet tri;
    tri.part_begin = {0};
    tri.rings = {{{3.3, 4.1}, {517.9, 12.2}, {201.7, 433.6}}};
    PolygonSet holed;
    holed.part_begin = {0};
    holed.rings = {{{600, 0}, {900, 0}, {900, 300}, {600, 300}}, {{703.3, 101.1}, {777.7, 101.1}, {777.7, 188.8}, {703.3, 188.8}}};
    zones.polygons = {tri, holed};
    zones.crs = Crs::from_epsg(32650);
    const auto exact = citycheck::raster::exact_cell_discretiser();
    const auto d = zone_area_demand(zones, 10, exact);
    double a0 = 0, a1 = 0;
    for (const auto& c : d.cells) (c.zone == 0 ? a0 : a1) += c.weight;
    EXPECT_NEAR(a0, tri.area(), 1e-6 * tri.area());
    EXPECT_NEAR(a1, holed.area(), 1e-6 * holed.area());
    // Centre sampling is only approximately right.
    const auto c = zone_area_demand(zones, 10);
    double c0 = 0;
    for (const auto& x : c.cells)
        if (x.zone == 0) c0 += x.weight;
    EXPECT_NE(c0, a0);
    EXPECT_NEAR(c0, tri.area(), 0.05 * tri.area());
}

TEST(DemandCells, EuclideanDiscErrorShrinksWithCellSize) {
    // One facility in a square zone: covered area → π r² as cells shrink (centre rule at the disc's edge).
    ZoneSet zones;
    zones.ids = {"z"};
    PolygonSet sq;
    sq.part_begin = {0};
    sq.rings = {{{0, 0}, {2000, 0}, {2000, 2000}, {0, 2000}}};
    zones.polygons = {sq};
    zones.crs = Crs::from_epsg(32650);
    FacilitySet f;
    Facility fac;
    fac.point = {1001.3, 997.9};
    fac.reach = 500;
    f.items.push_back(fac);
    const double exact = std::numbers::pi * 500 * 500;
    double prev = 1e300;
    for (double cell : {40.0, 10.0, 2.5}) {
        const auto d = zone_area_demand(zones, cell, citycheck::raster::exact_cell_discretiser());
        const auto r = compute_coverage(f, d, 1, nullptr, {});
        const double err = std::abs(r.zones[0].covered - exact) / exact;
        EXPECT_LT(err, 0.002 * cell / 2.5) << cell;  // bounded: about the ring of cells the circle crosses
        EXPECT_LT(err, prev) << cell;
        prev = err;
    }
}
