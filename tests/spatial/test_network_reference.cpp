// Differential checks against /work/shared/data/REFERENCE.md (OSMnx 1.2.3 filters, networkx/shapely
// answers). Skipped when the shared data is absent.
#include <gtest/gtest.h>

#include <citycheck/spatial/coverage.hpp>
#include <citycheck/spatial/road_density.hpp>

#include "test_support.hpp"

using namespace citycheck::spatial;

namespace {
struct Site {
    std::string pbf, zones;
};
std::optional<Site> liechtenstein() {
    auto pbf = citycheck::test::shared_data("liechtenstein/liechtenstein-2021-01.osm.pbf");
    auto zones = citycheck::test::shared_data("liechtenstein/liechtenstein_boundary.geojson");
    if (!pbf || !zones) return std::nullopt;
    return Site{pbf->string(), zones->string()};
}
}  // namespace

TEST(NetworkReference, LiechtensteinStreetLengthsByFilter) {
    const auto site = liechtenstein();
    if (!site) GTEST_SKIP() << "../shared/data/liechtenstein is absent";
    const auto zones = read_zones(site->zones, "");
    ASSERT_EQ(zones.crs.epsg(), 32632);
    // REFERENCE.md: drive 348.1, walk 1164.3, all 1215.2 km inside the 160.40 km² boundary.
    // Tolerance 0.1 %: the reference rounds to 0.1 km and clips with shapely in the same UTM zone.
    for (auto [mode, km] : {std::pair{"drive", 348.1}, std::pair{"walk", 1164.3}, std::pair{"all", 1215.2}}) {
        RoadReadOptions read;
        read.mode = mode;
        read.target = zones.crs;
        const auto lines = read_road_lines(site->pbf, read);
        const auto graph = build_road_graph(lines);
        const auto r = road_density(lines, graph, zones);
        EXPECT_NEAR(r.zones[0].area_km2, 160.40, 0.01);
        EXPECT_NEAR(r.zones[0].length_km, km, km * 0.001) << mode;
    }
}

TEST(NetworkReference, LiechtensteinBusStopCoverage) {
    const auto site = liechtenstein();
    if (!site) GTEST_SKIP() << "../shared/data/liechtenstein is absent";
    const auto zones = read_zones(site->zones, "");
    const auto stops = read_facilities(site->pbf, "highway='bus_stop'", zones.crs, 500, {}, "points");
    EXPECT_GE(stops.items.size(), 300u);
    const auto demand = zone_area_demand(zones, 50);  // REFERENCE.md samples centres of a 50 m grid
    const auto euclid = compute_coverage(stops, demand, 1, nullptr, {});
    EXPECT_NEAR(euclid.zones[0].covered / euclid.zones[0].demand, 0.3279, 0.002);  // "euclid sample"

    RoadReadOptions read;
    read.mode = "walk";
    read.target = zones.crs;
    const auto graph = build_road_graph(read_road_lines(site->pbf, read));
    CoverageOptions opt;
    opt.network = true;  // V4: nearest point on the nearest edge of the largest component, legs counted
    const auto v4 = compute_coverage(stops, demand, 1, &graph, opt);
    EXPECT_NEAR(v4.zones[0].covered / v4.zones[0].demand, 0.1827, 0.002);
    opt.count_access = false;  // legs free: between V4 and V1 (V1 also snaps to nodes)
    const auto free = compute_coverage(stops, demand, 1, &graph, opt);
    EXPECT_GT(free.zones[0].covered, v4.zones[0].covered);
}

TEST(NetworkReference, PortoAlegrePopulationCoverage) {
    const auto pbf = citycheck::test::shared_data("porto_alegre/poa_osm.pbf");
    const auto hex = citycheck::test::shared_data("porto_alegre/poa_hexgrid_h3.geojson");
    const auto csv = citycheck::test::shared_data("porto_alegre/poa_hexgrid.csv");
    if (!pbf || !hex || !csv) GTEST_SKIP() << "../shared/data/porto_alegre is absent";
    const auto zones = read_zones(hex->string(), "id");
    const auto stops = read_facilities(pbf->string(), "highway='bus_stop'", zones.crs, 500, {}, "points");
    const auto people = point_demand(zones, csv->string(), "population");
    double total = 0;
    for (const auto& c : people.cells) total += c.weight;
    EXPECT_NEAR(total, 812935, 0.5);
    RoadReadOptions read;
    read.target = zones.crs;
    const auto graph = build_road_graph(read_road_lines(pbf->string(), read));
    CoverageOptions opt;
    opt.network = true;
    const auto v4 = compute_coverage(stops, people, zones.ids.size(), &graph, opt);
    double covered = 0;
    for (const auto& z : v4.zones) covered += z.covered;
    EXPECT_NEAR(covered / total, 0.7537, 0.002);  // REFERENCE.md population V4, OSM bus stops
    const auto euclid = compute_coverage(stops, people, zones.ids.size(), nullptr, {});
    covered = 0;
    for (const auto& z : euclid.zones) covered += z.covered;
    EXPECT_NEAR(covered / total, 0.8840, 0.002);  // "euclid centre"
}
