// network-info, road-density and coverage end to end on tiny GPKG layers in EPSG:4547.
#include <gtest/gtest.h>

#include <fstream>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <nlohmann/json.hpp>

#include <citycheck/demo/demo_city.hpp>
#include <citycheck/spatial/gdal.hpp>

#include "test_support.hpp"

using citycheck::test::read_file;
using citycheck::test::run_citycheck;
using citycheck::test::TempDir;

namespace {

constexpr double X0 = 500000, Y0 = 3400000;

// Writes a one-layer GPKG with a string field and geometries from WKT.
void write_layer(const std::string& path, const std::string& field, const std::vector<std::pair<std::string, std::string>>& rows) {
    citycheck::spatial::GdalEnvironment::ensure();
    auto* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference srs;
    srs.importFromEPSG(4547);
    OGRLayer* layer = ds->CreateLayer("layer", &srs, wkbUnknown, nullptr);
    OGRFieldDefn f(field.c_str(), OFTString);
    layer->CreateField(&f);
    for (const auto& [value, wkt] : rows) {
        OGRFeature feat(layer->GetLayerDefn());
        feat.SetField(field.c_str(), value.c_str());
        OGRGeometry* g = nullptr;
        OGRGeometryFactory::createFromWkt(wkt.c_str(), &srs, &g);
        feat.SetGeometryDirectly(g);
        ASSERT_EQ(layer->CreateFeature(&feat), OGRERR_NONE);
    }
}

std::string pt(double dx, double dy) { return std::to_string(X0 + dx) + " " + std::to_string(Y0 + dy); }

struct Fixture {
    TempDir dir{"citycheck-network-cli"};
    std::string roads = (dir / "roads.gpkg").string();
    std::string zones = (dir / "zones.gpkg").string();
    std::string facilities = (dir / "schools.gpkg").string();
    std::string mapping = (dir / "classes.txt").string();
    Fixture() {
        // A cross of 2 km roads meeting at (1000,1000) with a shared vertex, plus an internal road dropped by the mapping.
        write_layer(roads, "dj",
                    {{"主干路", "LINESTRING (" + pt(0, 1000) + ", " + pt(1000, 1000) + ", " + pt(2000, 1000) + ")"},
                     {"支路", "LINESTRING (" + pt(1000, 0) + ", " + pt(1000, 1000) + ", " + pt(1000, 2000) + ")"},
                     {"内部道路", "LINESTRING (" + pt(100, 100) + ", " + pt(300, 100) + ")"}});
        write_layer(zones, "name",
                    {{"west", "POLYGON ((" + pt(0, 0) + ", " + pt(1000, 0) + ", " + pt(1000, 2000) + ", " + pt(0, 2000) + ", " + pt(0, 0) + "))"},
                     {"east", "POLYGON ((" + pt(1000, 0) + ", " + pt(2000, 0) + ", " + pt(2000, 2000) + ", " + pt(1000, 2000) + ", " + pt(1000, 0) + "))"}});
        write_layer(facilities, "kind", {{"小学", "POINT (" + pt(500, 1010) + ")"}, {"中学", "POINT (" + pt(1500, 1500) + ")"}});
        std::ofstream(mapping) << "主干路,primary\n支路,residential\n内部道路,-\n";
    }
};

}  // namespace

TEST(NetworkCli, NetworkInfoWithClassMapping) {
    Fixture fx;
    auto r = run_citycheck("network-info " + fx.roads + " --class-field dj --class-mapping " + fx.mapping + " --mode all --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"nodes\": 5"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"edges\": 4"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"components\": 1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"primary\": 2.0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("EPSG:4547"), std::string::npos) << r.out;
    // Without the mapping the class field values pass through, and the internal road stays.
    r = run_citycheck("network-info " + fx.roads + " --class-field dj --mode all --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"components\": 2"), std::string::npos) << r.out;
    r = run_citycheck("network-info " + fx.roads + " --mode all");
    EXPECT_EQ(r.exit_code, 3) << "no highway field: " << r.err;
}

TEST(NetworkCli, RoadDensityPerZone) {
    Fixture fx;
    const auto out = (fx.dir / "density.csv").string();
    auto r = run_citycheck("-q road-density " + fx.roads + " --class-field dj --class-mapping " + fx.mapping +
                           " --mode all --zones " + fx.zones + " --id name -o " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto csv = read_file(out);
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "zone_id,area_km2,road_length_km,road_density_km_per_km2,intersections,intersection_density_per_km2,length_km_primary,length_km_residential");
    // Each zone: 1 km of primary inside plus the boundary road (2 km, on both zones' boundary: GEOS keeps it
    // in both), and so does the crossing on the shared boundary.
    EXPECT_NE(csv.find("west,2,3,1.5,1,0.5,1,2"), std::string::npos) << csv;
    EXPECT_NE(csv.find("east,2,3,1.5,1,0.5,1,2"), std::string::npos) << csv;
}

TEST(NetworkCli, CoverageEuclideanAndNetworkWithMaps) {
    Fixture fx;
    const auto out = (fx.dir / "cov.csv").string();
    auto r = run_citycheck("-q coverage --facilities " + fx.facilities + " --where \"kind='小学'\" --reach 500 --zones " + fx.zones +
                           " --id name --cell 10 -o " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto csv = read_file(out);
    EXPECT_NE(csv.find("zone_id,demand_area_m2,covered_area_m2,coverage_pct"), std::string::npos) << csv;
    EXPECT_NE(csv.find("east,2000000,0,0"), std::string::npos) << csv;  // the school is in the west, 500 m from the east zone
    const auto net = (fx.dir / "net.csv").string();
    const auto catch_csv = (fx.dir / "catch.csv").string();
    const auto areas = (fx.dir / "areas.gpkg").string();
    const auto tif = (fx.dir / "dist.tif").string();
    r = run_citycheck("-q coverage --facilities " + fx.facilities + " --reach 500 --network " + fx.roads +
                      " --class-field dj --class-mapping " + fx.mapping + " --mode all --zones " + fx.zones +
                      " --id name -o " + net + " --catchments " + catch_csv + " --service-areas " + areas + " --distance-raster " + tif);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    csv = read_file(net);
    EXPECT_NE(csv.find("west,"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(areas));
    EXPECT_TRUE(std::filesystem::exists(tif));
    const auto c = read_file(catch_csv);
    EXPECT_NE(c.find("facility_fid,reach_m,access_points,demand_within_reach_area_m2,demand_nearest_area_m2"), std::string::npos) << c;
    auto info = run_citycheck("info " + areas);
    EXPECT_EQ(info.exit_code, 0) << info.err;
    EXPECT_NE(info.out.find("service_areas"), std::string::npos) << info.out;
}

// Facilities, demand grid and roads are read at the same time: an error in any is reported whole,
// the first in the order facilities, demand, roads when several fail (as if they were read in
// turn), and no table is written. Missing files are found before any reading starts.
TEST(NetworkCli, CoverageErrorsOfFacilitiesDemandAndRoadsReadAtTheSameTime) {
    Fixture fx;
    const auto out = (fx.dir / "cov.csv").string();
    const std::string base = "coverage --facilities " + fx.facilities + " --reach 500 --zones " + fx.zones + " --id name -o " + out;
    const std::string no_facilities = "coverage --facilities /no/such/stops.gpkg --reach 500 --zones " + fx.zones + " --id name -o " + out;
    // Files that exist but are not what GDAL can read: their errors come from the concurrent reads.
    const auto junk_demand = (fx.dir / "junk_homes.gpkg").string(), junk_roads = (fx.dir / "junk_roads.gpkg").string();
    for (const auto& junk : {junk_demand, junk_roads}) std::ofstream(junk) << "not a GeoPackage";
    for (const char* threads : {"1", "2", "3"}) {
        // All three missing: the facilities' error, found before anything is read.
        const auto all_bad = run_citycheck(std::string("--threads ") + threads + " " + no_facilities +
                                           " --network /no/such/roads.gpkg --demand /no/such/homes.gpkg");
        EXPECT_EQ(all_bad.exit_code, 3) << all_bad.err;
        EXPECT_NE(all_bad.err.find("/no/such/stops.gpkg"), std::string::npos) << all_bad.err;
        EXPECT_EQ(all_bad.err.find("/no/such/homes.gpkg"), std::string::npos) << all_bad.err;
        EXPECT_EQ(all_bad.err.find("/no/such/roads.gpkg"), std::string::npos) << all_bad.err;
        EXPECT_FALSE(std::filesystem::exists(out));
        // All three fail while being read: a facility filter that does not parse comes first.
        const auto read_bad = run_citycheck(std::string("--threads ") + threads + " " + base + " --where \"no_such_field = 1\" --network " +
                                            junk_roads + " --demand " + junk_demand);
        EXPECT_NE(read_bad.exit_code, 0) << read_bad.err;
        EXPECT_NE(read_bad.err.find("no_such_field"), std::string::npos) << read_bad.err;
        EXPECT_EQ(read_bad.err.find("junk_"), std::string::npos) << read_bad.err;
        // Demand and roads fail while being read: the demand's error.
        const auto two_bad = run_citycheck(std::string("--threads ") + threads + " " + base + " --network " + junk_roads + " --demand " + junk_demand);
        EXPECT_EQ(two_bad.exit_code, 3) << two_bad.err;
        EXPECT_NE(two_bad.err.find("junk_homes.gpkg"), std::string::npos) << two_bad.err;
        EXPECT_EQ(two_bad.err.find("junk_roads.gpkg"), std::string::npos) << two_bad.err;
        EXPECT_FALSE(std::filesystem::exists(out));
        const std::string run = std::string("--threads ") + threads + " " + base;
        const auto roads_bad = run_citycheck(run + " --network /no/such/roads.gpkg");
        EXPECT_EQ(roads_bad.exit_code, 3) << roads_bad.err;
        EXPECT_NE(roads_bad.err.find("/no/such/roads.gpkg"), std::string::npos) << roads_bad.err;
        const auto demand_bad = run_citycheck(run + " --network " + fx.roads + " --demand /no/such/homes.gpkg");
        EXPECT_EQ(demand_bad.exit_code, 3) << demand_bad.err;
        EXPECT_NE(demand_bad.err.find("/no/such/homes.gpkg"), std::string::npos) << demand_bad.err;
        const auto both_bad = run_citycheck(run + " --network /no/such/roads.gpkg --demand /no/such/homes.gpkg");
        EXPECT_EQ(both_bad.exit_code, 3) << both_bad.err;
        EXPECT_NE(both_bad.err.find("/no/such/homes.gpkg"), std::string::npos) << both_bad.err;
        EXPECT_EQ(both_bad.err.find("/no/such/roads.gpkg"), std::string::npos) << both_bad.err;
        EXPECT_FALSE(std::filesystem::exists(out));
    }
}

TEST(NetworkCli, CoverageBadTiersIsUsageError) {
    Fixture fx;
    auto r = run_citycheck("coverage --facilities " + fx.facilities + " --reach-tiers 5000-500 --zones " + fx.zones + " -o " +
                           (fx.dir / "x.csv").string());
    EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST(NetworkCli, DemoCityKnownAnswers) {
    TempDir dir("citycheck-network-demo");
    citycheck::demo::DemoOptions o;
    o.size_km = 4;
    citycheck::demo::write_demo_city(dir.path(), o);
    const auto known = nlohmann::json::parse(read_file(dir / "demo-city.json"))["known_answers"];
    const std::string d = dir.path().string();
    // Graph: dead ends are exactly the service stubs; overpasses and bridges never connect.
    auto r = run_citycheck("network-info " + d + "/roads.gpkg --mode all --json --split-crossings");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto info = nlohmann::json::parse(r.out);
    EXPECT_EQ(info["dead_ends"], known["dead_ends"]);
    EXPECT_EQ(info["components"], 1);
    const auto plain = nlohmann::json::parse(run_citycheck("network-info " + d + "/roads.gpkg --mode all --json").out);
    EXPECT_EQ(info["edges"], plain["edges"]) << "--split-crossings must not node the overpasses";
    // Road density: every class length, in the whole city.
    const auto rd = (dir / "rd.csv").string();
    r = run_citycheck("-q road-density " + d + "/roads.gpkg --mode all --zones " + d + "/zones.gpkg -o " + rd);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const double total_km = known["road_length_total_m"].get<double>() / 1000;
    EXPECT_NE(read_file(rd).find(",16," + std::to_string(static_cast<int>(total_km)) ), std::string::npos) << read_file(rd);
    // The benchmark park: 4,500 m², so the 300 m tier; residential land (0701/0702) within reach.
    for (auto [tiers, key] : {std::pair{"--reach-tiers mohurd", "residential_within_300m_m2"}, std::pair{"--reach 500", "residential_within_500m_m2"}}) {
        const auto out = (dir / "park.csv").string();
        r = run_citycheck("-q coverage --facilities " + d + "/parks.gpkg --where \"name='基准游园'\" " + tiers + " --demand " + d +
                          "/landuse.gpkg --demand-where \"DLBM IN ('0701','0702')\" --zones " + d + "/zones.gpkg -o " + out);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const auto csv = read_file(out);
        const auto expected = "," + std::to_string(known["benchmark_park"][key].get<long long>()) + ",";
        EXPECT_NE(csv.find(expected), std::string::npos) << key << ": " << csv;
    }
}
