// Road graph, snapping, multi-source search and coverage on small networks written as text.
#include <gtest/gtest.h>
#include <algorithm>

#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <sstream>
#include <utility>
#include <vector>

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <citycheck/core/error.hpp>

#include <citycheck/spatial/coverage.hpp>
#include <citycheck/spatial/network_search.hpp>
#include <citycheck/spatial/road_density.hpp>
#include <citycheck/spatial/road_graph.hpp>

#include "test_support.hpp"

using namespace citycheck::spatial;

namespace {

// "cls[ bridge][ layer=N][ oneway]: x y, x y, ..." one line per road.
RoadLines parse_network(const std::string& text) {
    RoadLines r;
    r.crs = Crs::from_epsg(32632);
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        RoadLine l;
        std::istringstream head(line.substr(0, colon));
        head >> l.cls;
        std::string flag;
        while (head >> flag) {
            if (flag == "bridge") l.bridge = true;
            else if (flag == "tunnel") l.tunnel = true;
            else if (flag == "oneway") l.oneway = 1;
            else if (flag.rfind("layer=", 0) == 0) l.layer = std::stoi(flag.substr(6));
        }
        std::istringstream pts(line.substr(colon + 1));
        std::string pt;
        while (std::getline(pts, pt, ',')) {
            std::istringstream xy(pt);
            Pt p;
            xy >> p.x >> p.y;
            l.pts.push_back(p);
        }
        r.lines.push_back(std::move(l));
    }
    return r;
}

std::uint32_t node_at(const RoadGraph& g, Pt p) {
    for (std::uint32_t v = 0; v < g.node_count(); ++v)
        if (std::hypot(g.node_point(v).x - p.x, g.node_point(v).y - p.y) < 1e-6) return v;
    ADD_FAILURE() << "no node at " << p.x << "," << p.y;
    return 0;
}

Facility point_facility(double x, double y, double reach, std::int64_t fid = 0) {
    Facility f;
    f.fid = fid;
    f.point = {x, y};
    f.reach = reach;
    return f;
}

PolygonSet square(double x0, double y0, double x1, double y1) {
    PolygonSet p;
    p.part_begin = {0};
    p.rings = {{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}};
    return p;
}

// A plus-shaped network: centre (0,0), arms of 1000 m; plus a loop road from (1000,0) to (0,1000).
const char* kPlus = R"(
residential: -1000 0, 0 0, 1000 0
residential: 0 -1000, 0 0, 0 1000
footway: 1000 0, 1000 1000, 0 1000
)";

// Zones in the tests' CRS (UTM 32N), one id per polygon.
ZonePolygons test_zones(std::vector<std::string> ids, std::vector<PolygonSet> polygons) {
    ZonePolygons z;
    z.ids = std::move(ids);
    z.polygons = std::move(polygons);
    z.crs = Crs::from_epsg(32632);
    return z;
}

// An n × n grid of straight streets 100 m apart (n + 1 in each direction, n × 100 m long), split at
// their crossings.
RoadGraph street_grid(int n) {
    std::string text;
    const std::string side = std::to_string(n * 100);
    for (int i = 0; i <= n; ++i) {
        text += "residential: 0 " + std::to_string(i * 100) + ", " + side + " " + std::to_string(i * 100) + "\n";
        text += "residential: " + std::to_string(i * 100) + " 0, " + std::to_string(i * 100) + " " + side + "\n";
    }
    GraphBuildOptions split;
    split.split_crossings = true;
    return build_road_graph(parse_network(text), split);
}

}  // namespace

TEST(OtherTags, ParsesHstoreString) {
    Tags t;
    parse_other_tags(R"("bridge"=>"yes","name:zh"=>"长安街","note"=>"a \"quoted\" => thing","layer"=>"1")", t);
    ASSERT_NE(t.get("bridge"), nullptr);
    EXPECT_EQ(*t.get("bridge"), "yes");
    EXPECT_EQ(*t.get("name:zh"), "长安街");
    EXPECT_EQ(*t.get("note"), "a \"quoted\" => thing");
    EXPECT_EQ(*t.get("layer"), "1");
    EXPECT_EQ(t.get("tunnel"), nullptr);
}

TEST(ModeProfile, WalkFollowsOsmnx123) {
    const auto walk = mode_profile("walk");
    auto tags = [](std::initializer_list<std::pair<const char*, const char*>> kv) {
        Tags t;
        for (auto [k, v] : kv) t.set(k, v);
        return t;
    };
    EXPECT_TRUE(walk.allows(tags({{"highway", "footway"}})));
    EXPECT_TRUE(walk.allows(tags({{"highway", "trunk"}})));  // OSMnx 1.2.3 keeps trunk for walking
    EXPECT_TRUE(walk.allows(tags({{"highway", "steps"}})));
    EXPECT_FALSE(walk.allows(tags({{"highway", "motorway_link"}})));
    EXPECT_FALSE(walk.allows(tags({{"highway", "cycleway"}})));
    EXPECT_FALSE(walk.allows(tags({{"highway", "residential"}, {"foot", "no"}})));
    EXPECT_FALSE(walk.allows(tags({{"highway", "service"}, {"access", "private"}})));
    EXPECT_FALSE(walk.allows(tags({{"highway", "pedestrian"}, {"area", "yes"}})));
    const auto drive = mode_profile("drive");
    EXPECT_FALSE(drive.allows(tags({{"highway", "footway"}})));
    EXPECT_FALSE(drive.allows(tags({{"highway", "service"}})));
    EXPECT_TRUE(drive.allows(tags({{"highway", "primary"}})));
    EXPECT_EQ(oneway_direction(drive, tags({{"highway", "primary"}, {"oneway", "yes"}})), 1);
    EXPECT_EQ(oneway_direction(walk, tags({{"highway", "primary"}, {"oneway", "yes"}})), 0);
    EXPECT_THROW(mode_profile("teleport"), citycheck::UsageError);
}

TEST(ClassMapping, MapsDropsAndDefaults) {
    citycheck::test::TempDir dir;
    {
        std::ofstream f(dir / "map.txt");
        f << "# comment\n主干路,primary\n次干路,secondary\n内部道路,-\n*,residential\n";
    }
    const auto m = ClassMapping::load((dir / "map.txt").string());
    EXPECT_EQ(m.map("主干路").value(), "primary");
    EXPECT_FALSE(m.map("内部道路").has_value());
    EXPECT_EQ(m.map("支路").value(), "residential");
}

TEST(RoadGraph, NodesAtSharedVerticesAndLengths) {
    const auto g = build_road_graph(parse_network(kPlus));
    EXPECT_EQ(g.node_count(), 5u);  // centre and 4 arm ends; the footway's bend (1000,1000) is not shared
    EXPECT_EQ(g.edge_count(), 5u);  // 4 arms and the footway
    const auto s = summarize(g);
    EXPECT_NEAR(s.total_length_m, 4000 + 2000, 1e-9);
    EXPECT_EQ(s.components, 1u);
    EXPECT_EQ(s.intersections, 1u);  // the centre; the arm ends joined by the footway have degree 2
}

TEST(RoadGraph, DistancesAndReachEndingInsideAnEdge) {
    const auto g = build_road_graph(parse_network(kPlus));
    EdgeIndex index(g, 100);
    const auto pos = index.nearest({-1000, 5}, 50);  // the west end
    ASSERT_TRUE(pos);
    EXPECT_NEAR(pos->access, 5, 1e-9);
    SearchWorkspace ws;
    const Source src{*pos, 0, 7};
    multi_source_search(g, std::span(&src, 1), 1e9, ws);
    EXPECT_NEAR(ws.distance(node_at(g, {0, 0})), 1000, 1e-9);
    EXPECT_NEAR(ws.distance(node_at(g, {0, 1000})), 2000, 1e-9);
    EXPECT_EQ(ws.label(node_at(g, {0, 1000})), 7u);
    // The footway's bend: 3000 m via the centre and either arm end.
    EXPECT_NEAR(distance_to(g, ws, *index.nearest({1000, 1000}, 1)).distance, 3000, 1e-9);
    // A point 300 m up the north arm, 20 m off the road.
    const auto q = index.nearest({20, 300}, 50);
    ASSERT_TRUE(q);
    EXPECT_NEAR(distance_to(g, ws, *q).distance, 1300, 1e-9);
    // With a cut-off of 1250 the search stops inside the north arm: 1300 is beyond, 1200 within.
    multi_source_search(g, std::span(&src, 1), 1250, ws);
    EXPECT_NEAR(distance_to(g, ws, *index.nearest({0, 200}, 50)).distance, 1200, 1e-9);
    EXPECT_GT(distance_to(g, ws, *q).distance, 1250);
}

TEST(RoadGraph, NearestEdgeTieGoesToTheLowerEdgeEvenInTheNextRing) {
    // Index cells of 10 m from x = 0: p = (5, 55) is a cell centre. Edge 1 (x = 0) lies in p's cell,
    // edge 0 (x = 10) in the next one, both exactly 5 m away: the search must not stop after the
    // first ring on a tie, and the lower edge id wins.
    const auto g = build_road_graph(parse_network("residential: 10 0, 10 100\nresidential: 0 0, 0 100\n"));
    ASSERT_EQ(g.edge_count(), 2u);
    ASSERT_EQ(g.edge_geometry(0)[0].x, 10);
    const EdgeIndex index(g, 10);
    const auto pos = index.nearest({5, 55}, 50);
    ASSERT_TRUE(pos);
    EXPECT_EQ(pos->edge, 0u);
    EXPECT_EQ(pos->access, 5);
    EXPECT_EQ(pos->point.x, 10);
}

// The nearest-edge query skips the rings of index cells known to be empty; on a network of a few
// curvy roads with wide gaps between them, and points up to 3 km away (more than 255 empty rings
// at 10 m cells), it must give exactly the answer of a brute-force scan with the same arithmetic
// and tie rule, for the automatic cell size and fine ones, and for points outside the grid.
TEST(RoadGraph, NearestEdgeSkippingEmptyRingsIsTheBruteForceAnswer) {
    std::mt19937 rng(17);
    std::uniform_real_distribution<double> u(0, 1);
    std::string text;
    for (int road = 0; road < 12; ++road) {  // three clusters of four wiggly roads
        const double cx = (road / 4) * 2500.0, cy = (road % 4) * 40.0;
        text += "residential:";
        for (int k = 0; k <= 30; ++k)
            text += (k ? ", " : " ") + std::to_string(cx + 10.0 * k) + " " + std::to_string(cy + 8 * std::sin(0.3 * k + road) + 3 * u(rng));
        text += "\n";
    }
    const auto g = build_road_graph(parse_network(text));
    const auto brute = [&](Pt p, double max_distance) {
        double best2 = max_distance * max_distance;
        std::uint32_t best_edge = UINT32_MAX, best_seg = 0;
        for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
            const auto pts = g.edge_geometry(e);
            for (std::uint32_t k = 0; k + 1 < pts.size(); ++k) {
                const Pt a = pts[k], b = pts[k + 1];
                const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
                const double t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) * (len2 > 0 ? 1.0 / len2 : 0.0), 0.0, 1.0);
                const double ex = p.x - (a.x + t * dx), ey = p.y - (a.y + t * dy), d2 = ex * ex + ey * ey;
                if (d2 < best2 || (d2 == best2 && best_edge != UINT32_MAX && (e < best_edge || (e == best_edge && k < best_seg))))
                    best2 = d2, best_edge = e, best_seg = k;
            }
        }
        return std::pair{best_edge, std::sqrt(best2)};
    };
    for (const double cell : {0.0, 10.0, 35.0}) {
        const EdgeIndex index(g, cell);
        int found = 0, none = 0;
        for (int q = 0; q < 3000; ++q) {
            const Pt p{-3000 + 11000 * u(rng), -3000 + 6200 * u(rng)};
            const double max_distance = q % 3 == 0 ? 1e9 : 50 + 3000 * u(rng);
            const auto got = index.nearest(p, max_distance);
            const auto [edge, distance] = brute(p, max_distance);
            ASSERT_EQ(got.has_value(), edge != UINT32_MAX) << p.x << " " << p.y << " cell " << cell;
            if (!got) {
                ++none;
                continue;
            }
            ++found;
            ASSERT_EQ(got->edge, edge) << p.x << " " << p.y << " cell " << cell;
            ASSERT_EQ(got->access, distance) << p.x << " " << p.y << " cell " << cell;
        }
        EXPECT_GT(found, 1000);
        EXPECT_GT(none, 100);
    }
}

TEST(RoadGraph, SameEdgeSourceAndDemand) {
    const auto g = build_road_graph(parse_network("residential: 0 0, 1000 0\n"));
    EdgeIndex index(g, 100);
    const Source src{*index.nearest({400, 0}, 10), 0, 0};
    SearchWorkspace ws;
    multi_source_search(g, std::span(&src, 1), 150, ws);  // neither end is within 150 m
    EXPECT_EQ(ws.touched().size(), 0u);
    EXPECT_NEAR(distance_to(g, ws, *index.nearest({520, 3}, 10)).distance, 120, 1e-9);
    EXPECT_NEAR(distance_to(g, ws, *index.nearest({300, 0}, 10)).distance, 100, 1e-9);
}

// A lattice of 100 m streets has many equal distances: labels must still be the smallest label
// among the nearest sources, whatever order the heap pops ties in. Reference: the fixed point of
// relaxing every arc until nothing changes (Bellman–Ford), written independently of the search.
TEST(RoadGraph, SearchMatchesABellmanFordReferenceWithTies) {
    std::string text;
    const int n = 12;
    for (int i = 0; i < n; ++i) {
        std::string row = "residential:", col = "residential:";
        for (int j = 0; j < n; ++j) {
            row += (j ? ", " : " ") + std::to_string(j * 100) + " " + std::to_string(i * 100);
            col += (j ? ", " : " ") + std::to_string(i * 100) + " " + std::to_string(j * 100);
        }
        text += row + "\n" + col + "\n";
    }
    const auto g = build_road_graph(parse_network(text));
    ASSERT_EQ(g.node_count(), static_cast<std::size_t>(n * n));
    EdgeIndex index(g, 100);
    // Sources at node positions and mid-edge, labels deliberately not in position order.
    const std::vector<std::pair<Pt, std::uint32_t>> at{{{0, 0}, 5}, {{1100, 1100}, 1}, {{1100, 0}, 0}, {{0, 1100}, 3},
                                                       {{500, 500}, 2}, {{550, 1100}, 4}, {{300, 800}, 6}};
    std::vector<Source> sources;
    for (const auto& [p, label] : at) sources.push_back({*index.nearest(p, 1), 0, label});
    for (const double cutoff : {1e18, 450.0}) {
        SearchWorkspace ws;
        multi_source_search(g, sources, cutoff, ws);
        std::vector<double> dist(g.node_count(), kUnreached);
        std::vector<std::uint32_t> label(g.node_count(), kNoLabel);
        auto improve = [&](std::uint32_t v, double d, std::uint32_t l) {
            if (d > cutoff || d > dist[v] || (d == dist[v] && l >= label[v])) return false;
            dist[v] = d, label[v] = l;
            return true;
        };
        for (const auto& s : sources) {
            const auto& e = g.edge(s.position.edge);
            improve(e.from, s.position.offset, s.label);
            improve(e.to, e.length - s.position.offset, s.label);
        }
        for (bool changed = true; changed;) {
            changed = false;
            for (std::uint32_t v = 0; v < g.node_count(); ++v) {
                if (dist[v] == kUnreached) continue;
                for (std::uint32_t a = g.arcs_begin(v); a < g.arcs_end(v); ++a)
                    changed |= improve(g.arc_target(a), dist[v] + g.arc_cost(a), label[v]);
            }
        }
        std::size_t ties = 0;
        for (std::uint32_t v = 0; v < g.node_count(); ++v) {
            EXPECT_EQ(ws.distance(v), dist[v]) << "node " << v << ", cut-off " << cutoff;
            EXPECT_EQ(ws.label(v), label[v]) << "node " << v << ", cut-off " << cutoff;
            std::size_t nearest = 0;  // sources at exactly the node's distance, through any path
            for (const auto& s : sources) {
                SearchWorkspace one;
                multi_source_search(g, std::span(&s, 1), cutoff, one);
                nearest += one.distance(v) == dist[v] && dist[v] != kUnreached;
            }
            ties += nearest > 1;
        }
        if (cutoff > 1e17) {
            EXPECT_GT(ties, 10u);  // the fixture really has ties to break
        }
    }
}

TEST(RoadGraph, OnewayRespected) {
    const auto g = build_road_graph(parse_network("primary oneway: 0 0, 1000 0\nprimary: 1000 0, 1000 1000, 0 1000, 0 0\n"));
    EdgeIndex index(g, 100);
    SearchWorkspace ws;
    const Source src{*index.nearest({0, 0}, 1), 0, 0};
    multi_source_search(g, std::span(&src, 1), 1e9, ws);
    EXPECT_NEAR(ws.distance(node_at(g, {1000, 0})), 1000, 1e-9);
    const Source back{*index.nearest({1000, 0}, 1), 0, 0};
    multi_source_search(g, std::span(&back, 1), 1e9, ws);
    EXPECT_NEAR(ws.distance(node_at(g, {0, 0})), 3000, 1e-9);  // the long way round
}

TEST(RoadGraph, BridgeCrossingDoesNotConnect) {
    // Two roads crossing at (500,500) without a shared vertex; the second is a bridge.
    const char* text = "residential: 0 500, 1000 500\nresidential bridge layer=1: 500 0, 500 1000\n";
    GraphBuildOptions split;
    split.split_crossings = true;
    const auto bridged = build_road_graph(parse_network(text), split);
    EXPECT_EQ(bridged.component_count(), 2u);
    const auto plain = build_road_graph(parse_network("residential: 0 500, 1000 500\nresidential: 500 0, 500 1000\n"), split);
    EXPECT_EQ(plain.component_count(), 1u);
    EXPECT_EQ(plain.node_count(), 5u);
    EXPECT_EQ(plain.edge_count(), 4u);
    // Without split_crossings, nothing connects at the crossing.
    EXPECT_EQ(build_road_graph(parse_network("residential: 0 500, 1000 500\nresidential: 500 0, 500 1000\n")).component_count(), 2u);
    // A different layer alone also keeps them apart.
    EXPECT_EQ(build_road_graph(parse_network("residential: 0 500, 1000 500\nresidential layer=-1: 500 0, 500 1000\n"), split)
                  .component_count(), 2u);
}

TEST(Coverage, ParkWithTwoEntrancesCountsOnce) {
    // A 100 m square park between x=400..500 on a straight road along y=0 (touching its south
    // boundary), and a path entering from the north at x=450. Demand: two lines of cells.
    const auto g = build_road_graph(parse_network("residential: 0 0, 2000 0\nfootway: 450 100, 450 1100\n"));
    FacilitySet parks;
    Facility park;
    park.is_polygon = true;
    park.polygon = square(400, 0, 500, 100);
    park.area_m2 = park.polygon.area();
    park.reach = 300;
    park.fid = 42;
    parks.items.push_back(park);
    CoverageOptions opt;
    opt.network = true;
    opt.boundary_tolerance = 1;
    opt.catchments = true;
    opt.largest_component_only = false;  // the path is its own component; the park joins the two
    EdgeIndex index(g, 100);
    CoverageStats st;
    const auto sources = facility_sources(g, index, parks, opt, 300, st);
    ASSERT_GE(sources.size(), 2u);
    for (const auto& s : sources) EXPECT_EQ(s.label, 0u);
    // Demand: points on the road and on the path.
    Demand d;
    d.is_area = false;
    d.cells = {{{100, 0}, 1, 0, -1},    // 300 m west of the park's corner (400,0): covered
               {{50, 0}, 1, 0, -1},     // 350 m: not
               {{450, 350}, 1, 0, -1},  // 250 m up the path from (450,100): covered
               {{450, 450}, 1, 0, -1}}; // 350 m: not
    const auto r = compute_coverage(parks, d, 1, &g, opt);
    EXPECT_DOUBLE_EQ(r.zones[0].demand, 4);
    EXPECT_DOUBLE_EQ(r.zones[0].covered, 2);
    ASSERT_EQ(r.catchments.size(), 1u);
    EXPECT_EQ(r.catchments[0].fid, 42);
    EXPECT_DOUBLE_EQ(r.catchments[0].demand_within_reach, 2);
    EXPECT_DOUBLE_EQ(r.catchments[0].demand_nearest, 2);
}

TEST(Coverage, TieredRadiiFromPolygonArea) {
    const auto tiers = parse_reach_tiers("2000:300,5000:500");
    ASSERT_EQ(tiers.size(), 2u);
    EXPECT_EQ(tiers[0].min_area_m2, 5000);
    // Euclidean: a large park (100x100 = 10,000 m² → 500 m) and a small one (50x50 = 2,500 m² → 300 m).
    FacilitySet parks;
    for (auto [poly, area] : {std::pair{square(0, 0, 100, 100), 10000.0}, std::pair{square(5000, 0, 5050, 50), 2500.0}}) {
        Facility f;
        f.is_polygon = true;
        f.polygon = poly;
        f.area_m2 = area;
        f.reach = area >= 5000 ? 500 : 300;
        parks.items.push_back(f);
    }
    Demand d;
    d.is_area = false;
    d.cells = {{{590, 50}, 1, 0, -1},    // 490 m from the large park: covered
               {{620, 50}, 1, 0, -1},    // 520 m: not
               {{5340, 25}, 1, 1, -1},   // 290 m from the small park: covered
               {{5400, 25}, 1, 1, -1}};  // 350 m: not (would be with 500 m)
    CoverageOptions opt;
    opt.keep_distances = true;
    const auto r = compute_coverage(parks, d, 2, nullptr, opt);
    EXPECT_DOUBLE_EQ(r.zones[0].covered, 1);
    EXPECT_DOUBLE_EQ(r.zones[1].covered, 1);
    EXPECT_NEAR(r.distance[2], 290 + 200, 1e-4);  // effective distance: d + (max reach - own reach)

    // The same on a network: one road y=-10 under both parks; tiers shift the sources.
    const auto g = build_road_graph(parse_network("residential: -2000 -10, 8000 -10\n"));
    opt.network = true;
    opt.boundary_tolerance = 15;
    d.cells = {{{590, -10}, 1, 0, -1}, {{620, -10}, 1, 0, -1}, {{5340, -10}, 1, 1, -1}, {{5400, -10}, 1, 1, -1}};
    const auto rn = compute_coverage(parks, d, 2, &g, opt);
    // Entrances are the closest points of the road to the boundary (legs of 10 m count).
    EXPECT_DOUBLE_EQ(rn.zones[0].covered, 1);  // 490 + 10 = 500 <= 500
    EXPECT_DOUBLE_EQ(rn.zones[1].covered, 1);  // 290 + 10 <= 300
}

TEST(Coverage, EuclideanDiscMatchesPiRSquared) {
    const auto zones = test_zones({"z"}, {square(0, 0, 2000, 2000)});
    FacilitySet f;
    f.items.push_back(point_facility(1003.7, 998.1, 500));
    const double exact = std::numbers::pi * 500 * 500;
    double last_bound = 1e300;
    for (double cell : {20.0, 10.0, 5.0}) {
        const auto d = zone_area_demand(zones, cell);
        const auto r = compute_coverage(f, d, 1, nullptr, {});
        EXPECT_NEAR(r.zones[0].demand, 4e6, 1e-6);
        const double err = std::abs(r.zones[0].covered - exact);
        // Centre sampling misclassifies at most the cells the circle passes through.
        const double bound = 2 * std::numbers::pi * 500 * cell * std::sqrt(2.0);
        EXPECT_LT(err, bound / 4) << "cell " << cell;
        EXPECT_LT(bound, last_bound);
        last_bound = bound;
    }
}

TEST(RoadGraph, BuildIsThreadInvariant) {
    // A jittered 150 x 150 grid whose rows and columns share their crossing vertices (as OSM ways
    // do), ways of 7 blocks, some one-way, two classes, a few repeated vertices: about 90 000
    // vertex keys, so the key sort, the blocks of node numbering and the per-line passes all run
    // in parallel. Every thread count must give the same nodes, edges, geometry and arcs.
    const int n = 150;
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> jitter(-20, 20);
    std::vector<Pt> node(static_cast<std::size_t>(n) * n);
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) node[static_cast<std::size_t>(r) * n + c] = {c * 100 + jitter(rng), r * 100 + jitter(rng)};
    RoadLines lines;
    lines.crs = Crs::from_epsg(32650);
    for (int r = 0; r < n; ++r)
        for (int along = 0; along < 2; ++along)
            for (int c0 = 0; c0 + 1 < n; c0 += 7) {
                RoadLine l;
                l.cls = r % 5 == 0 ? "primary" : "residential";
                l.oneway = (r + c0) % 11 == 0 ? 1 : 0;
                for (int c = c0; c <= std::min(n - 1, c0 + 7); ++c) {
                    l.pts.push_back(along == 0 ? node[static_cast<std::size_t>(r) * n + c] : node[static_cast<std::size_t>(c) * n + r]);
                    if (c % 13 == 0) l.pts.push_back(l.pts.back());  // a repeated vertex collapses
                }
                lines.lines.push_back(std::move(l));
            }
    auto build = [&](int threads) {
        tbb::task_arena arena(threads);
        return arena.execute([&] { return build_road_graph(lines); });
    };
    const RoadGraph a = build(1);
    ASSERT_EQ(a.node_count(), static_cast<std::size_t>(n) * n);
    ASSERT_EQ(a.edge_count(), 2u * n * (n - 1));
    for (std::uint32_t e = 0; e < a.edge_count(); ++e) {  // every edge runs between the nodes at its ends
        const auto geom = a.edge_geometry(e);
        ASSERT_EQ(geom.size(), 2u);
        ASSERT_TRUE(a.node_point(a.edge(e).from).x == geom.front().x && a.node_point(a.edge(e).from).y == geom.front().y);
        ASSERT_TRUE(a.node_point(a.edge(e).to).x == geom.back().x && a.node_point(a.edge(e).to).y == geom.back().y);
    }
    for (const int threads : {2, 3, 4}) {
        SCOPED_TRACE(threads);
        const RoadGraph b = build(threads);
        ASSERT_EQ(b.node_count(), a.node_count());
        ASSERT_EQ(b.edge_count(), a.edge_count());
        ASSERT_EQ(b.arc_count(), a.arc_count());
        for (std::uint32_t v = 0; v < a.node_count(); ++v) {
            ASSERT_EQ(a.node_point(v).x, b.node_point(v).x);
            ASSERT_EQ(a.node_point(v).y, b.node_point(v).y);
            ASSERT_EQ(a.arcs_begin(v), b.arcs_begin(v));
        }
        for (std::uint32_t e = 0; e < a.edge_count(); ++e) {
            const auto &x = a.edge(e), &y = b.edge(e);
            ASSERT_EQ(std::tie(x.from, x.to, x.geom_begin, x.geom_end, x.cls, x.dir), std::tie(y.from, y.to, y.geom_begin, y.geom_end, y.cls, y.dir));
            ASSERT_EQ(x.length, y.length);
            const auto ga = a.edge_geometry(e), gb = b.edge_geometry(e);
            for (std::size_t k = 0; k < ga.size(); ++k) ASSERT_TRUE(ga[k].x == gb[k].x && ga[k].y == gb[k].y);
        }
        for (std::uint32_t k = 0; k < a.arc_count(); ++k) {
            ASSERT_EQ(a.arcs()[k].target, b.arcs()[k].target);
            ASSERT_EQ(a.arcs()[k].edge, b.arcs()[k].edge);
        }
    }
}

TEST(RoadGraph, OneNodeWhereMoreLinesMeetThanFitInABlock) {
    // 70 000 spokes from one hub: the hub's vertex key occurs 70 000 times, more than one block of
    // the parallel node numbering holds (65 536), so the group spans a block boundary. It must still
    // be one node, with every spoke attached to it.
    RoadLines lines;
    lines.crs = Crs::from_epsg(32650);
    const int spokes = 70000;
    for (int k = 0; k < spokes; ++k) {
        const double a = 2 * std::numbers::pi * k / spokes, r = 100 + k % 7;
        lines.lines.push_back({{{0, 0}, {r * std::cos(a) * 50, r * std::sin(a) * 50}}, "footway"});
    }
    for (const int threads : {1, 2}) {
        tbb::task_arena arena(threads);
        const RoadGraph g = arena.execute([&] { return build_road_graph(lines); });
        ASSERT_EQ(g.node_count(), static_cast<std::size_t>(spokes) + 1);
        ASSERT_EQ(g.edge_count(), static_cast<std::size_t>(spokes));
        const std::uint32_t hub = g.edge(0).from;
        EXPECT_EQ(g.degree(hub), static_cast<std::size_t>(spokes));
        for (std::uint32_t e = 0; e < g.edge_count(); ++e) ASSERT_EQ(g.edge(e).from, hub);
    }
}

TEST(Coverage, ThreadInvariant) {
    // A 20x20 grid of streets, 100 m apart, and facilities at some nodes; demand on a 7 m grid.
    const auto g = street_grid(20);
    EXPECT_EQ(g.node_count(), 21u * 21u);
    const auto zones = test_zones({"a", "b"}, {square(0, 0, 1000, 2000), square(1000, 0, 2000, 2000)});
    const auto d = zone_area_demand(zones, 7);
    FacilitySet f;
    for (int k = 0; k < 6; ++k) f.items.push_back(point_facility(130.0 + 310 * k, 170.0 + 270 * k, 400, k));
    CoverageOptions opt;
    opt.network = true;
    opt.catchments = true;
    opt.keep_distances = true;
    auto run = [&](int threads) {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
        return compute_coverage(f, d, 2, &g, opt);
    };
    const auto a = run(1), b = run(2);
    ASSERT_EQ(a.zones.size(), b.zones.size());
    for (std::size_t z = 0; z < a.zones.size(); ++z) {
        EXPECT_EQ(a.zones[z].covered, b.zones[z].covered);
        EXPECT_EQ(a.zones[z].demand, b.zones[z].demand);
    }
    EXPECT_EQ(a.distance, b.distance);
    for (std::size_t k = 0; k < a.catchments.size(); ++k) {
        EXPECT_EQ(a.catchments[k].demand_within_reach, b.catchments[k].demand_within_reach);
        EXPECT_EQ(a.catchments[k].demand_nearest, b.catchments[k].demand_nearest);
    }
    EXPECT_GT(a.zones[0].covered, 0);
    EXPECT_LT(a.zones[0].covered, a.zones[0].demand);
    // Sum of nearest-facility demand equals covered demand.
    double nearest = 0;
    for (const auto& c : a.catchments) nearest += c.demand_nearest;
    EXPECT_NEAR(nearest, a.zones[0].covered + a.zones[1].covered, 1e-6);
}

// Each facility's catchment (demand within its reach) is the coverage of that facility alone:
// checked against compute_coverage run once per facility, with different reaches and the access
// leg counted.
TEST(Coverage, CatchmentsEqualTheCoverageOfEachFacilityAlone) {
    const auto g = street_grid(20);
    const auto zones = test_zones({"all"}, {square(0, 0, 2000, 2000)});
    const auto d = zone_area_demand(zones, 9);
    FacilitySet f;
    for (int k = 0; k < 7; ++k) f.items.push_back(point_facility(115.0 + 270 * k, 1830.0 - 250 * k, 250.0 + 60 * k, 10 + k));
    CoverageOptions opt;
    opt.network = true;
    opt.count_access = true;
    opt.catchments = true;
    const auto all = compute_coverage(f, d, 1, &g, opt);
    ASSERT_EQ(all.catchments.size(), f.items.size());
    opt.catchments = false;
    for (std::size_t k = 0; k < f.items.size(); ++k) {
        FacilitySet one;
        one.items = {f.items[k]};
        const auto alone = compute_coverage(one, d, 1, &g, opt);
        EXPECT_EQ(all.catchments[k].fid, f.items[k].fid);
        EXPECT_GT(alone.zones[0].covered, 0);
        EXPECT_NEAR(all.catchments[k].demand_within_reach, alone.zones[0].covered, 1e-9 * alone.zones[0].covered) << "facility " << k;
    }
}

TEST(RoadDensity, ClipsToZonesAndCountsIntersections) {
    const auto lines = parse_network(kPlus);
    const auto g = build_road_graph(lines);
    ZonePolygons zones;
    zones.ids = {"ne", "all"};
    zones.polygons = {square(0, 0, 1000, 1000), square(-1000, -1000, 1000, 1000)};
    zones.crs = lines.crs;
    const auto r = road_density(lines, g, zones);
    ASSERT_EQ(r.classes.size(), 2u);  // footway, residential
    // NE square: boundary roads count (the arms and the footway lie on its edges: GEOS keeps boundary lines).
    EXPECT_NEAR(r.zones[1].area_km2, 4.0, 1e-9);
    EXPECT_NEAR(r.zones[1].length_km, 6.0, 1e-9);
    EXPECT_NEAR(r.zones[1].density(), 1.5, 1e-9);
    EXPECT_EQ(r.zones[1].intersections, 1u);
}

// A run snaps its demand once (up to a generous cap) and shares it: every coverage must then give
// what its own snap, limited to its own access distance, would give.
TEST(Coverage, ASharedDemandSnapWithALargerCapGivesTheSameResult) {
    const auto g = street_grid(10);
    const auto zones = test_zones({"a"}, {square(0, 0, 1000, 1000)});
    const auto d = zone_area_demand(zones, 10);
    FacilitySet f;
    for (int k = 0; k < 3; ++k) f.items.push_back(point_facility(150.0 + 300 * k, 220.0 + 250 * k, 300, k));
    CoverageOptions opt;
    opt.network = true;
    opt.catchments = true;
    opt.demand_access_max = 30;  // block centres lie 50 m from the streets: they stay unsnapped
    const auto own = compute_coverage(f, d, 1, &g, opt);
    const auto snap = snap_demand(g, d, opt.largest_component_only, 2000);
    const auto shared = compute_coverage(f, d, 1, &g, opt, {}, snap.get());
    EXPECT_GT(own.stats.demand_unsnapped, 0u);
    EXPECT_EQ(own.stats.demand_unsnapped, shared.stats.demand_unsnapped);
    EXPECT_EQ(own.stats.demand_unsnapped_weight, shared.stats.demand_unsnapped_weight);
    EXPECT_EQ(own.zones[0].covered, shared.zones[0].covered);
    EXPECT_GT(own.zones[0].covered, 0);
    for (std::size_t k = 0; k < own.catchments.size(); ++k) {
        EXPECT_EQ(own.catchments[k].demand_within_reach, shared.catchments[k].demand_within_reach);
        EXPECT_EQ(own.catchments[k].demand_nearest, shared.catchments[k].demand_nearest);
    }
    // Every snapped cell of the shared snap is used when the coverage allows that far.
    opt.demand_access_max = 2000;
    EXPECT_EQ(compute_coverage(f, d, 1, &g, opt, {}, snap.get()).stats.demand_unsnapped, 0u);
}
