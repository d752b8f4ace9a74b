// The overlap check's fast proof that two parcels' interiors are disjoint: it must never claim so
// when GEOS finds the interiors meeting, and it must decide the pairs of a clean tessellation
// (shared edges and vertices, straight boundaries running through vertices) without GEOS.
#include <gtest/gtest.h>

#include <citycheck/spatial/geos.hpp>

#include "../../spatial/src/overlay_disjoint.hpp"
#include "overlay_rings.hpp"

#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace citycheck::spatial;
using namespace citycheck::spatial::detail;

namespace {

constexpr double X0 = 39500000, Y0 = 3300000;  // zone-prefixed GK eastings: the worst cancellation

struct Fixture {
    GeosContext ctx;
    Rings rings(const std::string& wkt) { return citycheck::test::parse_rings(ctx, wkt); }
    bool disjoint(const std::string& a, const std::string& b) { return interiors_certainly_disjoint(rings(a), rings(b)); }
    bool geos_interiors_meet(const std::string& a, const std::string& b) {
        return GEOSRelatePattern_r(ctx.get(), ctx.from_wkt(a).get(), ctx.from_wkt(b).get(), "T********") == 1;
    }
};

std::string pt(double x, double y) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.6f %.6f", X0 + x, Y0 + y);
    return buf;
}

std::string polygon(const std::vector<std::pair<double, double>>& ring, const std::vector<std::pair<double, double>>& hole = {}) {
    auto text = [](const std::vector<std::pair<double, double>>& r) {
        std::string s = "(";
        for (const auto& [x, y] : r) s += pt(x, y) + ",";
        return s + pt(r[0].first, r[0].second) + ")";
    };
    return "POLYGON(" + text(ring) + (hole.empty() ? "" : "," + text(hole)) + ")";
}

std::string square(double x, double y, double s) { return polygon({{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}}); }

}  // namespace

TEST(OverlayDisjoint, NeighboursOfAGridCellAreProvedApart) {
    Fixture f;
    const auto centre = square(0, 0, 20);
    for (int dx = -1; dx <= 1; ++dx)
        for (int dy = -1; dy <= 1; ++dy) {
            if (dx == 0 && dy == 0) continue;
            const auto other = square(20 * dx, 20 * dy, 20);
            EXPECT_TRUE(f.disjoint(centre, other)) << dx << " " << dy;  // edge and corner neighbours
            EXPECT_TRUE(f.disjoint(other, centre)) << dx << " " << dy;
        }
    EXPECT_TRUE(f.disjoint(centre, square(100, 0, 20)));  // far away
}

TEST(OverlayDisjoint, OverlapsAreNeverProvedApart) {
    Fixture f;
    const auto a = square(0, 0, 20);
    EXPECT_FALSE(f.disjoint(a, a));                                        // the same parcel twice
    // The same parcel with its ring wound the other way: its edges are a's reversed, yet it is a,
    // not its neighbour (rings are turned to one orientation before edges are matched).
    EXPECT_FALSE(f.disjoint(a, polygon({{0, 0}, {0, 20}, {20, 20}, {20, 0}})));
    EXPECT_FALSE(f.disjoint(a, square(10, 10, 20)));                       // crossing boundaries
    EXPECT_FALSE(f.disjoint(a, square(5, 5, 5)));                          // one inside the other
    EXPECT_FALSE(f.disjoint(square(5, 5, 5), a));
    EXPECT_FALSE(f.disjoint(a, polygon({{0, 0}, {10, 0}, {10, 20}, {0, 20}})));  // sharing an edge, on the same side
    EXPECT_FALSE(f.disjoint(a, polygon({{0, 0}, {20, 0}, {20, 20}})));     // a triangle on a's corners: its diagonal runs inside a
}

TEST(OverlayDisjoint, APlugFillingAHoleIsApartFromTheRing) {
    Fixture f;
    const auto donut = polygon({{0, 0}, {60, 0}, {60, 60}, {0, 60}}, {{20, 20}, {20, 40}, {40, 40}, {40, 20}});
    EXPECT_TRUE(f.disjoint(donut, square(20, 20, 20)));
    EXPECT_TRUE(f.disjoint(square(25, 25, 5), donut));  // smaller, inside the hole
    // The hole wound counter-clockwise and the plug clockwise: the same shapes, the same answer.
    const auto donut_ccw_hole = polygon({{0, 0}, {60, 0}, {60, 60}, {0, 60}}, {{20, 20}, {40, 20}, {40, 40}, {20, 40}});
    EXPECT_TRUE(f.disjoint(donut_ccw_hole, polygon({{20, 20}, {20, 40}, {40, 40}, {40, 20}})));
    EXPECT_FALSE(f.disjoint(donut, square(15, 15, 10)));  // reaches into the ring
}

TEST(OverlayDisjoint, NothingIsProvedForCoordinatesThatAreNotNumbers) {
    Fixture f;
    Rings a = f.rings(square(0, 0, 20)), b = f.rings(square(40, 0, 20));
    EXPECT_TRUE(interiors_certainly_disjoint(a, b));
    b.pts[1].x = std::numeric_limits<double>::quiet_NaN();
    b.box.xmax = b.pts[1].x;
    EXPECT_FALSE(interiors_certainly_disjoint(a, b));
    EXPECT_FALSE(interiors_certainly_disjoint(b, a));
}

TEST(OverlayDisjoint, UnmatchedVerticesOnAnEdgeAreLeftToGeos) {
    Fixture f;
    // b's edge along x = 20 has a vertex at (20, 10) that a lacks: a T-junction. Not an overlap,
    // but not provable by matching edges; GEOS decides (and finds none).
    const auto a = square(0, 0, 20), b = polygon({{20, 0}, {40, 0}, {40, 20}, {20, 20}, {20, 10}});
    EXPECT_FALSE(f.disjoint(a, b));
    EXPECT_FALSE(f.geos_interiors_meet(a, b));
}

// Jittered tessellations whose shared edges carry extra jittered vertices (non-convex parcels),
// with some parcels then pushed into their neighbours. Over every pair of neighbours: a pair
// proved apart is never one whose interiors GEOS finds meeting, and every untouched pair of the
// clean tessellation is proved apart.
TEST(OverlayDisjoint, AgreesWithGeosOnJitteredTessellationsWithPlantedOverlaps) {
    Fixture f;
    std::mt19937 rng(7);
    const int n = 12;
    const double cell = 25;
    std::uniform_real_distribution<double> jitter(-0.3 * cell, 0.3 * cell), mid(-0.2 * cell, 0.2 * cell), push(0.5, 6.0);
    std::uniform_int_distribution<int> coin(0, 5);
    std::vector<std::pair<double, double>> v((n + 1) * (n + 1));
    for (int y = 0; y <= n; ++y)
        for (int x = 0; x <= n; ++x) v[y * (n + 1) + x] = {x * cell + jitter(rng), y * cell + jitter(rng)};
    // One extra vertex in the middle of every edge, shared by the two parcels on either side.
    std::vector<std::pair<double, double>> h(n * (n + 1)), w(n * (n + 1));  // horizontal, vertical edges
    const auto between = [&](std::pair<double, double> p, std::pair<double, double> q) {
        return std::pair<double, double>{(p.first + q.first) / 2 + mid(rng), (p.second + q.second) / 2 + mid(rng)};
    };
    for (int y = 0; y <= n; ++y)
        for (int x = 0; x < n; ++x) h[y * n + x] = between(v[y * (n + 1) + x], v[y * (n + 1) + x + 1]);
    for (int x = 0; x <= n; ++x)
        for (int y = 0; y < n; ++y) w[x * n + y] = between(v[y * (n + 1) + x], v[(y + 1) * (n + 1) + x]);
    std::vector<std::string> wkt;
    std::vector<bool> pushed;
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            std::vector<std::pair<double, double>> ring{v[y * (n + 1) + x],       h[y * n + x],           v[y * (n + 1) + x + 1],
                                                        w[(x + 1) * n + y],       v[(y + 1) * (n + 1) + x + 1], h[(y + 1) * n + x],
                                                        v[(y + 1) * (n + 1) + x], w[x * n + y]};
            const bool p = coin(rng) == 0;
            if (p) ring[2].first += push(rng), ring[2].second -= push(rng) / 2;  // a corner pushed outward
            wkt.push_back(polygon(ring));
            pushed.push_back(p);
        }
    std::size_t pairs = 0, proved = 0, meeting = 0;
    for (int a = 0; a < n * n; ++a)
        for (int b = a + 1; b < n * n; ++b) {
            const int ax = a % n, ay = a / n, bx = b % n, by = b / n;
            if (std::abs(ax - bx) > 1 || std::abs(ay - by) > 1) continue;
            ++pairs;
            ASSERT_TRUE(GEOSisValid_r(f.ctx.get(), f.ctx.from_wkt(wkt[a]).get()) == 1) << wkt[a];
            const bool apart = f.disjoint(wkt[a], wkt[b]), meet = f.geos_interiors_meet(wkt[a], wkt[b]);
            meeting += meet;
            proved += apart;
            EXPECT_FALSE(apart && meet) << wkt[a] << "\n" << wkt[b];
            EXPECT_EQ(apart, f.disjoint(wkt[b], wkt[a]));
            if (!pushed[a] && !pushed[b]) {
                EXPECT_TRUE(apart) << wkt[a] << "\n" << wkt[b];
            }
        }
    EXPECT_GT(meeting, 10u);  // the planted overlaps are there
    EXPECT_GT(proved, pairs / 2);
}
