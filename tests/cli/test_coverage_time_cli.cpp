// citycheck coverage: --reach-min (travel time by class speed), GTFS stops.txt facilities, --coords
// and the small-island warning, end to end on layers written here (EPSG:4547).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/gdal.hpp>

#include "test_support.hpp"

using citycheck::test::read_file;
using citycheck::test::run_citycheck;
using citycheck::test::TempDir;

namespace {

constexpr double X0 = 500000, Y0 = 3400000;

void write_layer(const std::string& path, const std::string& field, const std::vector<std::pair<std::string, std::string>>& rows,
                 OGRwkbGeometryType type = wkbUnknown) {
    citycheck::spatial::GdalEnvironment::ensure();
    auto* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference srs;
    srs.importFromEPSG(4547);
    OGRLayer* layer = ds->CreateLayer("layer", &srs, type, nullptr);
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

// lon/lat (WGS84) of a local point, 9 decimals.
std::pair<double, double> lonlat(double dx, double dy) {
    double x = X0 + dx, y = Y0 + dy;
    citycheck::spatial::Transform(citycheck::spatial::Crs::from_epsg(4547), citycheck::spatial::Crs::from_epsg(4326)).apply(x, y);
    return {x, y};
}

// A GTFS stops.txt with one stop per (id, local point); lon/lat optionally shifted into GCJ-02.
void write_stops(const std::string& path, const std::vector<std::pair<std::string, std::pair<double, double>>>& stops, bool gcj = false) {
    std::ofstream out(path);
    out << "stop_id,stop_code,stop_name,stop_lat,stop_lon,location_type\n";
    for (const auto& [id, p] : stops) {
        auto [lon, lat] = lonlat(p.first, p.second);
        if (gcj) {
            const auto g = citycheck::spatial::wgs84_to_gcj02({lon, lat});
            lon = g.lon, lat = g.lat;
        }
        char line[160];
        std::snprintf(line, sizeof line, "%s,,站%s,%.9f,%.9f,0\n", id.c_str(), id.c_str(), lat, lon);
        out << line;
    }
}

// Primary (drive profile 60 km/h) from x = 0 to 1000, residential (set to 30 km/h) from 1000 to
// 2000; a 100 m island far north; demand points on the road at x = 1240 and 1260 (1 each).
struct Fixture {
    TempDir dir{"citycheck-coverage-time"};
    std::string roads = (dir / "roads.gpkg").string();
    std::string zones = (dir / "zones.gpkg").string();
    std::string demand = (dir / "demand.gpkg").string();
    std::string stops = (dir / "stops.txt").string();
    Fixture() {
        write_layer(roads, "highway",
                    {{"primary", "LINESTRING (" + pt(0, 0) + ", " + pt(1000, 0) + ")"},
                     {"residential", "LINESTRING (" + pt(1000, 0) + ", " + pt(2000, 0) + ")"},
                     {"residential", "LINESTRING (" + pt(0, 900) + ", " + pt(100, 900) + ")"}});
        write_layer(zones, "name", {{"z", "POLYGON ((" + pt(-100, -100) + ", " + pt(2100, -100) + ", " + pt(2100, 1000) + ", " +
                                              pt(-100, 1000) + ", " + pt(-100, -100) + "))"}});
        write_layer(demand, "k", {{"a", "POINT (" + pt(1240, 0) + ")"}, {"b", "POINT (" + pt(1260, 0) + ")"}}, wkbPoint);
        write_stops(stops, {{"S1", {0, 0}}});
    }
    std::string base(const std::string& out) const {
        return "-q coverage --facilities " + stops + " --network " + roads + " --mode drive --demand " + demand + " --zones " + zones +
               " --id name -o " + out;
    }
};

}  // namespace

// 1.5 min: 1 min on primary + 0.5 min × 500 m/min on residential = x 1250: one of the two points.
TEST(CoverageTimeCli, ReachInMinutesEndsInsideAnEdge) {
    Fixture fx;
    const auto out = (fx.dir / "t.csv").string();
    auto r = run_citycheck(fx.base(out) + " --reach-min 1.5 --speeds residential:30");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(read_file(out).find("z,2,1,50"), std::string::npos) << read_file(out);
    // Faster residential streets (60 km/h): both points (1.26 min).
    r = run_citycheck(fx.base(out) + " --reach-min 1.5 --speeds residential:60");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(read_file(out).find("z,2,2,100"), std::string::npos) << read_file(out);
    // The drive profile's own residential speed (30 km/h) is the default.
    r = run_citycheck(fx.base(out) + " --reach-min 1.5");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(read_file(out).find("z,2,1,50"), std::string::npos) << read_file(out);
    // Minutes need the network; speeds need minutes.
    r = run_citycheck("coverage --facilities " + fx.stops + " --reach-min 5 --zones " + fx.zones + " -o " + out);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = run_citycheck(fx.base(out) + " --reach 500 --speeds primary:40");
    EXPECT_EQ(r.exit_code, 2) << r.err;
}

// A GTFS stops.txt is read directly (stop_lat/stop_lon, WGS84): the stop at x = 0 covers the 1240 m
// point within 1250 m of road and not the 1260 m one.
TEST(CoverageTimeCli, GtfsStopsAreFacilities) {
    Fixture fx;
    const auto out = (fx.dir / "d.csv").string();
    auto r = run_citycheck(fx.base(out) + " --reach 1250");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(read_file(out).find("z,2,1,50"), std::string::npos) << read_file(out);
    // The same stop exported in GCJ-02 (hundreds of metres off) is right again with --coords gcj02.
    const auto gcj = (fx.dir / "gcj_stops.txt").string();
    write_stops(gcj, {{"S1", {0, 0}}}, true);
    const auto wrong = (fx.dir / "w.csv").string();
    r = run_citycheck("-q coverage --facilities " + gcj + " --reach 1250 --network " + fx.roads + " --mode drive --demand " + fx.demand +
                      " --zones " + fx.zones + " --id name -o " + wrong);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file(wrong).find("z,2,1,50"), std::string::npos) << read_file(wrong);
    r = run_citycheck("-q coverage --facilities " + gcj + " --coords gcj02 --reach 1250 --network " + fx.roads +
                      " --mode drive --demand " + fx.demand + " --zones " + fx.zones + " --id name -o " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(read_file(out).find("z,2,1,50"), std::string::npos) << read_file(out);
}

// A stop beside the 2-node island is reported (the island is below --island-nodes 3).
TEST(CoverageTimeCli, FacilityOnASmallIslandIsReported) {
    Fixture fx;
    write_stops(fx.stops, {{"S1", {0, 0}}, {"S2", {50, 905}}});
    const auto out = (fx.dir / "i.csv").string();
    const auto catchments = (fx.dir / "c.csv").string();
    auto r = run_citycheck("coverage --facilities " + fx.stops + " --network " + fx.roads + " --mode drive --demand " + fx.demand +
                           " --zones " + fx.zones + " --id name --reach 1250 --island-nodes 3 --catchments " + catchments + " -o " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("1 facilities lie nearest to a small network island"), std::string::npos) << r.err;
    const auto c = read_file(catchments);
    EXPECT_NE(c.find(",on_island"), std::string::npos) << c;
    EXPECT_NE(c.find(",1\n"), std::string::npos) << c;
    r = run_citycheck("coverage --facilities " + fx.stops + " --network " + fx.roads + " --mode drive --demand " + fx.demand +
                      " --zones " + fx.zones + " --id name --reach 1250 --island-nodes 2 -o " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("small network island"), std::string::npos) << r.err;
}
