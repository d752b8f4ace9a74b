// Time-based reach (travel minutes by class speed, one-way respected), line facilities and the
// small-island diagnostics of coverage, on networks whose answers are arithmetic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/coverage.hpp>
#include <citycheck/spatial/road_graph.hpp>
#include <citycheck/spatial/travel_time.hpp>

using namespace citycheck::spatial;

namespace {

RoadLine line(const char* cls, std::vector<Pt> pts, int oneway = 0) {
    RoadLine l;
    l.cls = cls;
    l.pts = std::move(pts);
    l.oneway = oneway;
    return l;
}

RoadGraph graph_of(std::vector<RoadLine> lines) {
    RoadLines r;
    r.crs = Crs::from_epsg(32650);
    r.lines = std::move(lines);
    return build_road_graph(r);
}

Facility point_facility(double x, double y, double reach, std::int64_t fid = 0) {
    Facility f;
    f.fid = fid;
    f.point = {x, y};
    f.reach = reach;
    return f;
}

// One demand cell per point, each in its own zone, weight 1.
Demand point_cells(const std::vector<Pt>& pts) {
    Demand d;
    d.is_area = false;
    for (std::uint32_t i = 0; i < pts.size(); ++i) d.cells.push_back({pts[i], 1.0, i, -1});
    return d;
}

// A street grid of 100 m blocks over [0, 1000]² (its crossings joined, or not: then most streets
// are islands) with short islands in its blocks, one just beyond its top street and ten far to
// the east; then 20 000 random demand points and points at exactly equal distance from the top
// street and the island above it; point facilities and small square polygons, all of reach 300 m.
struct IslandCity {
    RoadGraph graph;
    Demand demand;
    FacilitySet facilities;
};
IslandCity island_city(bool split) {
    std::vector<RoadLine> lines;
    for (int k = 0; k <= 10; ++k) {
        lines.push_back(line("residential", {{0, 100.0 * k}, {1000, 100.0 * k}}));
        lines.push_back(line("residential", {{100.0 * k, 0}, {100.0 * k, 1000}}));
    }
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(5, 995);
    for (int k = 0; k < 40; ++k) {  // islands of one or two short segments inside the blocks
        const double x = 100 * std::floor(u(rng) / 100) + 20 + (k % 3) * 20, y = 100 * std::floor(u(rng) / 100) + 30 + (k % 4) * 10;
        lines.push_back(line("footway", k % 2 ? std::vector<Pt>{{x, y}, {x + 30, y}} : std::vector<Pt>{{x, y}, {x + 20, y}, {x + 20, y + 25}}));
    }
    for (int k = 0; k < 10; ++k) lines.push_back(line("footway", {{1300.0 + 40 * k, 500}, {1320.0 + 40 * k, 520}}));  // far east
    lines.push_back(line("footway", {{450, 1050}, {550, 1050}}));  // 50 m beyond the top street: ties with it at y = 1025
    RoadLines r;
    r.crs = Crs::from_epsg(32650);
    r.lines = lines;
    GraphBuildOptions build;
    build.split_crossings = split;
    IslandCity c{build_road_graph(r, build), {}, {}};
    std::vector<Pt> pts;
    for (int k = 0; k < 20000; ++k) pts.push_back({u(rng) * 1.8 - 100, u(rng) + 50});
    for (double x = 440; x <= 560; x += 10) pts.push_back({x, 1025});
    c.demand = point_cells(pts);
    for (int k = 0; k < 60; ++k) c.facilities.items.push_back(point_facility(u(rng) * 1.8 - 100, u(rng), 300, k));
    c.facilities.items.push_back(point_facility(500, 1025, 300, 99));
    for (int k = 0; k < 60; ++k) {  // small squares
        Facility x = point_facility(u(rng) * 1.8 - 100, u(rng), 300, 1000 + k);
        const double s = 5 + 20 * (k % 3);
        x.is_polygon = true;
        x.polygon.part_begin.push_back(0);
        x.polygon.rings.push_back({x.point, {x.point.x + s, x.point.y}, {x.point.x + s, x.point.y + s}, {x.point.x, x.point.y + s}});
        c.facilities.items.push_back(x);
    }
    return c;
}

std::vector<double> covered(const FacilitySet& f, const Demand& d, const RoadGraph& g, CoverageOptions o = {}) {
    o.network = true;
    const auto r = compute_coverage(f, d, d.cells.size(), &g, o);
    std::vector<double> out;
    for (const auto& z : r.zones) out.push_back(z.covered);
    return out;
}

// Primary (60 km/h = 1000 m/min) from x = 0 to 1000, then residential (30 km/h = 500 m/min) to 2000.
RoadGraph two_speed_line() {
    return graph_of({line("primary", {{0, 0}, {1000, 0}}), line("residential", {{1000, 0}, {2000, 0}})});
}

}  // namespace

TEST(TravelTime, EdgeMinutesFollowTheClassSpeed) {
    const auto g = two_speed_line();
    const auto speeds = class_speeds_kmh(g, mode_profile("drive"), {{"residential", 30}});
    const auto minutes = travel_minutes_by_edge(g, speeds);
    ASSERT_EQ(minutes.size(), 2u);
    for (std::uint32_t e = 0; e < 2; ++e) {
        const std::string& cls = g.class_names()[g.edge(e).cls];
        EXPECT_NEAR(minutes[e], cls == "primary" ? 1.0 : 2.0, 1e-12) << cls;  // drive profile: primary 60 km/h
    }
    EXPECT_THROW(class_speeds_kmh(g, mode_profile("drive"), {{"primary", 0}}), citycheck::UsageError);
}

// 1.5 minutes from x = 0: 1 minute on primary, then 0.5 minute × 500 m/min = 250 m of residential,
// so the reach ends inside the residential edge at x = 1250.
TEST(TravelTime, ReachEndsInsideAnEdgeByTime) {
    auto g = two_speed_line();
    use_travel_time(g, mode_profile("drive"), {{"residential", 30}});
    EXPECT_NEAR(g.min_cost_rate(), 1.0 / 1000.0, 1e-15);
    FacilitySet f;
    f.items.push_back(point_facility(0, 0, 1.5));
    const auto d = point_cells({{900, 0}, {1240, 0}, {1249, 0}, {1251, 0}, {1260, 0}, {1900, 0}});
    EXPECT_EQ(covered(f, d, g), (std::vector<double>{1, 1, 1, 0, 0, 0}));
    // On lengths, the same 1.5 would be metres: only the facility's own spot.
    const auto lengths = two_speed_line();
    EXPECT_EQ(covered(f, d, lengths), (std::vector<double>{0, 0, 0, 0, 0, 0}));
    // And a 1250 m reach on lengths reaches exactly as far as 1.5 minutes here.
    FacilitySet metres;
    metres.items.push_back(point_facility(0, 0, 1250));
    EXPECT_EQ(covered(metres, d, lengths), (std::vector<double>{1, 1, 1, 0, 0, 0}));
}

// Access legs are travelled at the speed of the edge they join: 30 m off the residential edge
// costs 30 / 500 = 0.06 min. (1200, 30): 1 + 0.4 + 0.06 = 1.46 ≤ 1.5; (1240, 30): 1.54 > 1.5.
TEST(TravelTime, AccessLegsAtTheEdgeSpeed) {
    auto g = two_speed_line();
    use_travel_time(g, mode_profile("drive"), {{"residential", 30}});
    FacilitySet f;
    f.items.push_back(point_facility(0, 0, 1.5));
    const auto d = point_cells({{1200, 30}, {1240, 30}});
    EXPECT_EQ(covered(f, d, g), (std::vector<double>{1, 0}));
    CoverageOptions free_access;
    free_access.count_access = false;
    EXPECT_EQ(covered(f, d, g, free_access), (std::vector<double>{1, 1}));
}

// A one-way primary street runs from (0, 1000) toward the station at the origin: driving out along
// it is forbidden, so its middle is not reached; both-ways it is (0.5 min).
TEST(TravelTime, OneWayIsRespected) {
    for (int oneway : {1, 0}) {
        auto g = graph_of({line("primary", {{0, 1000}, {0, 0}}, oneway), line("primary", {{0, 0}, {1000, 0}})});
        use_travel_time(g, mode_profile("drive"));
        FacilitySet f;
        f.items.push_back(point_facility(0, 0, 1.0));
        const auto d = point_cells({{0, 500}, {500, 0}});
        EXPECT_EQ(covered(f, d, g), (std::vector<double>{oneway ? 0.0 : 1.0, 1.0})) << "oneway " << oneway;
    }
}

TEST(TravelTime, ParsesClassSpeeds) {
    const auto s = parse_class_speeds("primary:40,residential:20.5");
    ASSERT_EQ(s.size(), 2u);
    EXPECT_DOUBLE_EQ(s.at("primary"), 40);
    EXPECT_DOUBLE_EQ(s.at("residential"), 20.5);
    EXPECT_TRUE(parse_class_speeds("").empty());
    EXPECT_THROW(parse_class_speeds("primary=40"), citycheck::UsageError);
    EXPECT_THROW(parse_class_speeds("primary:-5"), citycheck::UsageError);
}

// The island report asks every edge only for points that an edge off the largest component could
// win; the counts must be those of asking every edge for every point. On island_city(): snapping
// onto the largest component or onto all (where demand that no facility reaches is left out of
// the snap and asked separately); the demand snapped here or taken from a shared snap with three
// times the cap.
TEST(NetworkIslands, DemandAndFacilitiesOnIslandsAreTheSameAsAskingEveryEdgeEverywhere) {
    struct Case {
        bool split, shared;
        double access_max;
        bool all_components = false;
    };
    for (const Case c : {Case{true, false, -1}, Case{true, true, 80}, Case{false, true, 80}, Case{false, false, -1},
                         Case{true, false, -1, true}, Case{false, true, 80, true}}) {
        SCOPED_TRACE(testing::Message() << "split " << c.split << " shared " << c.shared << " access " << c.access_max << " all "
                                        << c.all_components);
        const IslandCity city = island_city(c.split);
        const auto& g = city.graph;
        const auto& d = city.demand;
        const auto& f = city.facilities;
        ASSERT_GT(g.component_count(), 30u);
        CoverageOptions o;
        o.network = true;
        o.island_nodes = 4;
        o.facility_snap_max = 60;
        o.demand_access_max = c.access_max;
        o.largest_component_only = !c.all_components;
        const double access_max = demand_access_max(g, f, o);
        std::shared_ptr<const DemandSnap> snap;
        if (c.shared) snap = snap_demand(g, d, o.largest_component_only, 3 * access_max);
        const auto res = compute_coverage(f, d, d.cells.size(), &g, o, {}, snap.get());
        // The oracle: every edge, every point.
        const EdgeIndex every(g, 0);
        const auto small = [&](const std::optional<EdgePosition>& p) {
            return p && g.edge_component(p->edge) != 0 && g.component_sizes()[g.edge_component(p->edge)] < o.island_nodes;
        };
        std::size_t cells = 0;
        for (const auto& cell : d.cells) cells += small(every.nearest(cell.p, access_max));
        std::vector<std::int64_t> fids;
        for (const auto& x : f.items) {
            std::optional<EdgePosition> best;
            if (!x.is_polygon) best = every.nearest(x.point, o.facility_snap_max);
            for (const auto& ring : x.polygon.rings)
                for (const Pt& p : ring)
                    if (auto q = every.nearest(p, o.facility_snap_max); q && (!best || q->access < best->access)) best = q;
            if (small(best)) fids.push_back(x.fid);
        }
        EXPECT_GT(cells, 100u);
        EXPECT_GT(fids.size(), 2u);
        EXPECT_TRUE(std::any_of(fids.begin(), fids.end(), [](std::int64_t id) { return id >= 1000; }));  // a polygon among them
        EXPECT_EQ(res.stats.demand_on_islands, cells);
        EXPECT_DOUBLE_EQ(res.stats.demand_on_islands_weight, static_cast<double>(cells));
        EXPECT_EQ(res.stats.island_facility_fids, fids);
    }
}

// Cells that no facility reaches in a straight line are left out of an own snap (they cannot be
// covered). Everything must be as with a shared snap of every cell: coverage, distances,
// catchments, the unsnapped count and the island report, onto the largest component or onto all,
// with tiered reach. Fails when the straight-line test cuts into real reach.
TEST(Coverage, CellsBeyondEveryReachLeftOutOfTheSnapChangeNothing) {
    const IslandCity city = island_city(true);
    FacilitySet f;  // every seventh: points and squares, with tiers of 300 m and 150 m
    for (std::size_t k = 0; k < city.facilities.items.size(); k += 7) f.items.push_back(city.facilities.items[k]);
    for (std::size_t k = 0; k < f.items.size(); k += 3) f.items[k].reach = 150;
    for (bool all_components : {false, true}) {
        SCOPED_TRACE(all_components ? "all components" : "largest component");
        CoverageOptions o;
        o.network = true;
        o.island_nodes = 4;
        o.facility_snap_max = 60;
        o.demand_access_max = 70;  // some cells lie farther from every street
        o.largest_component_only = !all_components;
        o.catchments = true;
        o.keep_distances = true;
        const auto own = compute_coverage(f, city.demand, city.demand.cells.size(), &city.graph, o);
        const auto all = snap_demand(city.graph, city.demand, o.largest_component_only, 70);
        const auto shared = compute_coverage(f, city.demand, city.demand.cells.size(), &city.graph, o, {}, all.get());
        std::size_t beyond = 0;  // cells the own snap left out
        for (const auto& c : city.demand.cells) {
            bool reached = false;
            for (const auto& x : f.items) reached = reached || std::hypot(c.p.x - x.point.x, c.p.y - x.point.y) <= x.reach + 60;
            beyond += !reached;
        }
        EXPECT_GT(beyond, 500u);
        EXPECT_EQ(own.covered, shared.covered);
        EXPECT_EQ(own.distance, shared.distance);
        ASSERT_EQ(own.zones.size(), shared.zones.size());
        for (std::size_t z = 0; z < own.zones.size(); ++z) EXPECT_EQ(own.zones[z].covered, shared.zones[z].covered) << z;
        ASSERT_EQ(own.catchments.size(), shared.catchments.size());
        for (std::size_t k = 0; k < own.catchments.size(); ++k) {
            EXPECT_EQ(own.catchments[k].demand_within_reach, shared.catchments[k].demand_within_reach) << k;
            EXPECT_EQ(own.catchments[k].demand_nearest, shared.catchments[k].demand_nearest) << k;
        }
        EXPECT_GT(own.stats.demand_unsnapped, 100u);
        EXPECT_EQ(own.stats.demand_unsnapped, shared.stats.demand_unsnapped);
        EXPECT_EQ(own.stats.demand_unsnapped_weight, shared.stats.demand_unsnapped_weight);
        EXPECT_GT(own.stats.demand_on_islands, 100u);
        EXPECT_EQ(own.stats.demand_on_islands, shared.stats.demand_on_islands);
        EXPECT_EQ(own.stats.island_facility_fids, shared.stats.island_facility_fids);
        std::size_t covered = 0;
        for (auto v : own.covered) covered += v;
        EXPECT_GT(covered, 1000u);
    }
}

// The straight-line shortcut only holds where the network distance cannot be shorter than the
// straight line. Two cases where it can: access legs that do not count, and vertices 4 mm apart
// joined into one node (within the 1 cm tolerance; the path jumps the gap). Both cells are covered.
TEST(Coverage, NoCellIsLeftOutWhereTheNetworkCanBeatTheStraightLine) {
    {  // free access legs: the cell 400 m off the street, 50 m along it from the facility
        const auto g = graph_of({line("residential", {{-1000, 0}, {1000, 0}})});
        FacilitySet f;
        f.items.push_back(point_facility(0, 0, 100));
        CoverageOptions o;
        o.count_access = false;
        o.demand_access_max = 500;
        EXPECT_EQ(covered(f, point_cells({{50, 400}}), g, o), std::vector<double>{1.0});
    }
    {  // a gap of 4 mm jumped at the node at x = 100: 299.999 m along the network, 300.003 m straight
        const auto g = graph_of({line("residential", {{0, 0}, {100, 0}}), line("residential", {{100.004, 0}, {300.01, 0}})});
        ASSERT_EQ(g.node_count(), 3u);
        EXPECT_FALSE(g.nodes_are_exact());
        FacilitySet f;
        f.items.push_back(point_facility(0, 0, 300));
        EXPECT_EQ(covered(f, point_cells({{300.003, 0}}), g), std::vector<double>{1.0});
    }
    EXPECT_TRUE(graph_of({line("residential", {{0, 0}, {100, 0}}), line("residential", {{100, 0}, {300, 0}})}).nodes_are_exact());
}

// Main street: 5 nodes along y = 0. Island: one 100 m segment at y = 500 (2 nodes). With
// island_nodes 3 the island is small: the facility and the demand cell beside it are reported.
TEST(NetworkIslands, FacilitiesAndDemandNearASmallIslandAreReported) {
    const auto g = graph_of({line("residential", {{0, 0}, {100, 0}}), line("residential", {{100, 0}, {200, 0}}),
                             line("residential", {{200, 0}, {300, 0}}), line("residential", {{300, 0}, {400, 0}}),
                             line("residential", {{0, 500}, {100, 500}})});
    ASSERT_EQ(g.component_count(), 2u);
    FacilitySet f;
    f.items.push_back(point_facility(50, 10, 300, 7));    // on the main street
    f.items.push_back(point_facility(50, 490, 300, 42));  // beside the island
    const auto d = point_cells({{150, 5}, {60, 505}});
    for (bool all_components : {false, true}) {
        CoverageOptions o;
        o.network = true;
        o.island_nodes = 3;
        o.facility_snap_max = 1000;
        o.largest_component_only = !all_components;
        const auto r = compute_coverage(f, d, 2, &g, o);
        EXPECT_EQ(r.stats.island_components, 1u);
        EXPECT_EQ(r.stats.facilities_on_islands, 1u);
        ASSERT_EQ(r.stats.island_facility_fids.size(), 1u);
        EXPECT_EQ(r.stats.island_facility_fids[0], 42);
        EXPECT_EQ(r.stats.demand_on_islands, 1u);
        EXPECT_DOUBLE_EQ(r.stats.demand_on_islands_weight, 1.0);
    }
    // The threshold is configurable: with 2 nodes the island is not "small".
    CoverageOptions o;
    o.network = true;
    o.island_nodes = 2;
    const auto r = compute_coverage(f, d, 2, &g, o);
    EXPECT_EQ(r.stats.island_components, 0u);
    EXPECT_EQ(r.stats.facilities_on_islands, 0u);
    EXPECT_EQ(r.stats.demand_on_islands, 0u);
}
