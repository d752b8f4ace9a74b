// The overlay's own intersection areas (boundary crossings, Green's theorem) and its quick validity
// test, against known answers and against GEOS on random polygons in Gauss-Krüger coordinates.
#include <gtest/gtest.h>

#include <citycheck/spatial/geos.hpp>

#include "../../spatial/src/overlay_clip_area.hpp"
#include "overlay_rings.hpp"

#include <cmath>
#include <random>
#include <string>

using namespace citycheck::spatial;
using namespace citycheck::spatial::detail;

namespace {

constexpr double X0 = 500000, Y0 = 3300000;  // typical GK eastings/northings: cancellation matters

std::string square(double x, double y, double s) {
    auto pt = [](double px, double py) { return std::to_string(X0 + px) + " " + std::to_string(Y0 + py); };
    return "(" + pt(x, y) + ", " + pt(x + s, y) + ", " + pt(x + s, y + s) + ", " + pt(x, y + s) + ", " + pt(x, y) + ")";
}

struct Fixture {
    GeosContext ctx;
    Rings rings(const std::string& wkt) { return citycheck::test::parse_rings(ctx, wkt); }
    ZoneBoundary zone(const std::string& wkt) { return ZoneBoundary(rings(wkt)); }
    double geos_area(const std::string& a, const std::string& b) {
        return ctx.area(*ctx.intersection(*ctx.from_wkt(a), *ctx.from_wkt(b)));
    }
};

// A star-shaped ring around (cx, cy): radius r·(1 ± jitter) at n angles.
std::string star(std::mt19937& rng, double cx, double cy, double r, int n, double jitter, bool clockwise = false) {
    std::uniform_real_distribution<double> u(1 - jitter, 1 + jitter);
    std::string s = "(";
    std::string first;
    for (int k = 0; k < n; ++k) {
        const double a = (clockwise ? -1 : 1) * 2 * M_PI * k / n, rr = r * u(rng);
        const std::string p = std::to_string(X0 + cx + rr * std::cos(a)) + " " + std::to_string(Y0 + cy + rr * std::sin(a));
        if (k == 0) first = p;
        s += p + ", ";
    }
    return s + first + ")";
}

}  // namespace

TEST(OverlayClipArea, HalfOverlappingSquaresAndTheWholeAndTheOutsideCases) {
    Fixture f;
    const auto zone = f.zone("POLYGON(" + square(0, 0, 100) + ")");
    ClipScratch scratch;
    const auto half = zone.clip_area(f.rings("POLYGON(" + square(50.5, 20.5, 60) + ")"), scratch);
    ASSERT_TRUE(half);
    EXPECT_NEAR(half->area, 49.5 * 60, 1e-6);
    EXPECT_FALSE(half->whole);
    const auto inside = zone.clip_area(f.rings("POLYGON(" + square(10.5, 10.5, 20) + ")"), scratch);
    ASSERT_TRUE(inside);
    EXPECT_TRUE(inside->whole);
    EXPECT_NEAR(inside->area, 400, 1e-6);
    const auto outside = zone.clip_area(f.rings("POLYGON(" + square(150.5, 10.5, 20) + ")"), scratch);
    ASSERT_TRUE(outside);
    EXPECT_EQ(outside->area, 0);
    EXPECT_FALSE(outside->whole);
}

TEST(OverlayClipArea, TheZoneInsideTheParcelAndAParcelInAZoneHole) {
    Fixture f;
    ClipScratch scratch;
    const auto small_zone = f.zone("POLYGON(" + square(10.5, 10.5, 20) + ")");
    const auto big = small_zone.clip_area(f.rings("POLYGON(" + square(0, 0, 100) + ")"), scratch);
    ASSERT_TRUE(big);
    EXPECT_NEAR(big->area, 400, 1e-6);  // only the zone's boundary bounds the intersection
    EXPECT_FALSE(big->whole);
    const auto holed = f.zone("POLYGON(" + square(0, 0, 100) + ", " + square(30, 30, 40) + ")");
    const auto in_hole = holed.clip_area(f.rings("POLYGON(" + square(40.5, 40.5, 10) + ")"), scratch);
    ASSERT_TRUE(in_hole);
    EXPECT_EQ(in_hole->area, 0);
    const auto across_hole = holed.clip_area(f.rings("POLYGON(" + square(20.5, 40.5, 20) + ")"), scratch);
    ASSERT_TRUE(across_hole);
    EXPECT_NEAR(across_hole->area, 9.5 * 20, 1e-6);
}

TEST(OverlayClipArea, ASharedEdgeOrATouchingCornerIsLeftToGeos) {
    Fixture f;
    ClipScratch scratch;
    const auto zone = f.zone("POLYGON(" + square(0, 0, 100) + ")");
    EXPECT_FALSE(zone.clip_area(f.rings("POLYGON(" + square(100, 20.5, 30) + ")"), scratch));  // along the east edge
    EXPECT_FALSE(zone.clip_area(f.rings("POLYGON(" + square(100, 100, 30) + ")"), scratch));   // corner to corner
    EXPECT_FALSE(zone.clip_area(f.rings("POLYGON(" + square(80, 0, 30) + ")"), scratch));      // part of the south edge
}

TEST(OverlayClipArea, AgreesWithGeosOnRandomPolygonsWithHolesAndParts) {
    Fixture f;
    std::mt19937 rng(1234);
    std::uniform_real_distribution<double> pos(-150, 150), size(5, 120);
    ClipScratch scratch;
    int fast = 0, total = 0;
    for (int zi = 0; zi < 20; ++zi) {
        // A jagged zone with a hole, sometimes with a second part.
        std::string zone_wkt = "MULTIPOLYGON((" + star(rng, 0, 0, 100, 24 + zi, 0.3) + ", " + star(rng, 10, -5, 25, 7, 0.2, true) + ")";
        if (zi % 3 == 0) zone_wkt += ", (" + star(rng, 260, 0, 60, 9, 0.2) + ")";
        zone_wkt += ")";
        const auto zone = f.zone(zone_wkt);
        for (int pi = 0; pi < 60; ++pi) {
            const double cx = pos(rng), cy = pos(rng);
            const std::string parcel = pi % 4 == 0 ? "POLYGON(" + star(rng, cx, cy, size(rng), 5, 0.4) + ", " + star(rng, cx, cy, 2, 4, 0.1, true) + ")"
                                                   : "POLYGON(" + star(rng, cx, cy, size(rng), 4 + pi % 6, 0.4) + ")";
            ASSERT_TRUE(f.ctx.is_valid(*f.ctx.from_wkt(parcel))) << parcel;
            const double expected = f.geos_area(zone_wkt, parcel);
            const auto got = zone.clip_area(f.rings(parcel), scratch);
            ++total;
            if (!got) continue;
            ++fast;
            EXPECT_NEAR(got->area, expected, 1e-9 * std::max(1.0, expected) + 1e-6) << parcel;
        }
    }
    EXPECT_GT(fast, total * 9 / 10);  // random crossings are proper: almost none fall back
}

TEST(OverlayClipArea, ABoxFarFromTheBoundaryTellsItsSideWithoutTheGeometry) {
    Fixture f;
    ClipScratch scratch;
    // A U-shaped zone with a hole in its left arm (its coarse grid has a segment in every cell: each
    // side comes from a ray; the random zones below and the lattice test reach the cell table).
    auto pt = [](double x, double y) { return std::to_string(X0 + x) + " " + std::to_string(Y0 + y); };
    const std::string u = "POLYGON((" + pt(0, 0) + ", " + pt(300, 0) + ", " + pt(300, 300) + ", " + pt(200, 300) + ", " + pt(200, 100) + ", " +
                          pt(100, 100) + ", " + pt(100, 300) + ", " + pt(0, 300) + ", " + pt(0, 0) + "), " + square(30, 150, 40) + ")";
    const auto zone = f.zone(u);
    const auto box = [](double x, double y, double s) { return Box{X0 + x, Y0 + y, X0 + x + s, Y0 + y + s}; };
    EXPECT_EQ(zone.box_side(box(10, 10, 20), scratch), 1);      // in the base
    EXPECT_EQ(zone.box_side(box(240, 250, 20), scratch), 1);    // in the right arm
    EXPECT_EQ(zone.box_side(box(130, 200, 20), scratch), 0);    // in the notch, inside the zone's box
    EXPECT_EQ(zone.box_side(box(40, 160, 20), scratch), 0);     // in the hole
    EXPECT_EQ(zone.box_side(box(500, 500, 20), scratch), 0);    // beyond the zone's box
    EXPECT_EQ(zone.box_side(box(290, 50, 20), scratch), -1);    // across the east edge
    EXPECT_EQ(zone.box_side(box(100, 120, 20), scratch), -1);   // touching the notch's west side
    EXPECT_EQ(zone.box_side(box(60, 175, 20), scratch), -1);    // across the hole's edge
    // Whatever side a box reports, the exact clip of a parcel in it agrees (random stars, random zones).
    std::mt19937 rng(77);
    std::uniform_real_distribution<double> pos(-160, 160), size(2, 30);
    int decided = 0, total = 0;
    for (int zi = 0; zi < 10; ++zi) {
        const std::string zone_wkt = "POLYGON(" + star(rng, 0, 0, 120, 20 + zi, 0.35) + ", " + star(rng, 15, 10, 30, 6, 0.2, true) + ")";
        const auto z = f.zone(zone_wkt);
        for (int pi = 0; pi < 200; ++pi) {
            const std::string parcel = "POLYGON(" + star(rng, pos(rng), pos(rng), size(rng), 5, 0.3) + ")";
            const Rings r = f.rings(parcel);
            const int side = z.box_side(r.box, scratch);
            ++total;
            if (side < 0) continue;
            ++decided;
            const double expected = f.geos_area(zone_wkt, parcel);
            if (side == 1) EXPECT_NEAR(expected, f.ctx.area(*f.ctx.from_wkt(parcel)), 1e-6) << parcel;
            else EXPECT_NEAR(expected, 0.0, 1e-9) << parcel;
        }
    }
    EXPECT_GT(decided, total / 3);
    EXPECT_LT(decided, total);
}

// The cell table of box_side relies on cells without segments holding no boundary at all. A zone
// whose long edges put a single segment in many cells, probed by a dense lattice of small boxes on
// both sides of those edges: every box that box_side decides must agree with GEOS.
TEST(OverlayClipArea, BoxSidesAgreeWithGeosOnADenseLatticeAroundLongEdges) {
    Fixture f;
    ClipScratch scratch;
    auto ring = [](std::vector<std::pair<double, double>> corners, double step) {
        std::string s = "(";
        for (std::size_t k = 0; k < corners.size(); ++k) {
            const auto [ax, ay] = corners[k];
            const auto [bx, by] = corners[(k + 1) % corners.size()];
            const int n = static_cast<int>(std::ceil(std::hypot(bx - ax, by - ay) / step));
            for (int i = 0; i < n; ++i)
                s += std::to_string(X0 + ax + (bx - ax) * i / n) + " " + std::to_string(Y0 + ay + (by - ay) * i / n) + ", ";
        }
        return s + std::to_string(X0 + corners[0].first) + " " + std::to_string(Y0 + corners[0].second) + ")";
    };
    // Long slanted edges, few of them: the grid is coarse and many cells hold a single segment, with
    // lattice boxes on both of its sides. A hole, and a second part with its own divided edges.
    const std::string wkt = "MULTIPOLYGON((" + ring({{0, 0}, {1000, 100}, {900, 1000}, {50, 900}}, 1e9) + ", " +
                            ring({{300, 300}, {320, 600}, {650, 700}, {700, 350}}, 1e9) + "), (" +
                            ring({{1100, 0}, {1400, 0}, {1400, 1000}, {1100, 1000}}, 40) + "))";
    const auto zone = f.zone(wkt);
    const auto geom = f.ctx.from_wkt(wkt);
    const auto prepared = f.ctx.prepare(*geom);
    int decided = 0, inside = 0, outside = 0;
    for (double y = -20; y < 1020; y += 3.7)
        for (double x = -20; x < 1420; x += 7.3) {
            const Box b{X0 + x, Y0 + y, X0 + x + 0.3, Y0 + y + 0.3};
            const int side = zone.box_side(b, scratch);
            if (side < 0) continue;
            ++decided;
            char poly[256];
            std::snprintf(poly, sizeof poly, "POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f))", b.xmin, b.ymin, b.xmax, b.ymin, b.xmax,
                          b.ymax, b.xmin, b.ymax, b.xmin, b.ymin);
            const auto g = f.ctx.from_wkt(poly);
            if (side == 1) {
                ++inside;
                ASSERT_EQ(GEOSPreparedContains_r(f.ctx.get(), prepared.get(), g.get()), 1) << poly;
            } else {
                ++outside;
                ASSERT_EQ(GEOSPreparedIntersects_r(f.ctx.get(), prepared.get(), g.get()), 0) << poly;
            }
        }
    EXPECT_GT(inside, 20000);
    EXPECT_GT(outside, 1000);  // the hole, the gap between the parts and the margins
}

TEST(OverlayQuickPolygon, AcceptsOnlyWhatGeosCallsValidAndMeasuresItTheSame) {
    Fixture f;
    Rings scratch;
    const auto sq = quick_simple_polygon(f.ctx.to_wkb(*f.ctx.from_wkt("POLYGON(" + square(0, 0, 20) + ")")), scratch);
    ASSERT_TRUE(sq);
    EXPECT_NEAR(sq->area, 400, 1e-9);
    EXPECT_NEAR(sq->box.xmin, X0, 1e-9);
    const auto wkb = [&](const std::string& wkt) { return f.ctx.to_wkb(*f.ctx.from_wkt(wkt)); };
    const std::string bowtie = "POLYGON((500000 3300000, 500010 3300010, 500010 3300000, 500000 3300010, 500000 3300000))";
    EXPECT_FALSE(quick_simple_polygon(wkb(bowtie), scratch));
    EXPECT_FALSE(quick_simple_polygon(wkb("POLYGON(" + square(0, 0, 100) + ", " + square(30, 30, 40) + ")"), scratch));  // a hole: GEOS
    const std::string repeated = "POLYGON((500000 3300000, 500010 3300000, 500010 3300000, 500010 3300010, 500000 3300000))";
    EXPECT_FALSE(quick_simple_polygon(wkb(repeated), scratch));
    const std::string spike = "POLYGON((500000 3300000, 500010 3300000, 500010 3300010, 500010 3300005, 500000 3300000))";
    EXPECT_FALSE(quick_simple_polygon(wkb(spike), scratch));  // folds back onto itself
    // Random rings: whatever the quick test accepts, GEOS calls valid, with the same area.
    std::mt19937 rng(99);
    std::uniform_real_distribution<double> u(0, 50);
    int accepted = 0;
    for (int k = 0; k < 400; ++k) {
        std::string w = "POLYGON((";
        std::string first;
        for (int i = 0; i < 4 + k % 5; ++i) {
            const std::string p = std::to_string(X0 + u(rng)) + " " + std::to_string(Y0 + u(rng));
            if (i == 0) first = p;
            w += p + ", ";
        }
        w += first + "))";
        const auto g = f.ctx.from_wkt(w);
        const auto q = quick_simple_polygon(f.ctx.to_wkb(*g), scratch);
        if (!q) continue;
        ++accepted;
        EXPECT_TRUE(f.ctx.is_valid(*g)) << w;
        EXPECT_NEAR(q->area, f.ctx.area(*g), 1e-9 * f.ctx.area(*g)) << w;
    }
    EXPECT_GT(accepted, 50);
}
