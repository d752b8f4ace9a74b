// datasets.<name>.coords: GCJ-02 points are converted to WGS84 on ingest by the run, so a point lands
// in its true zone only with the conversion; GTFS stops.txt is read as a point dataset.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include <citycheck/engine/config.hpp>
#include <citycheck/engine/runner.hpp>
#include <citycheck/engine/validate.hpp>
#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/spatial/crs.hpp>

#include "synthetic_city.hpp"
#include "test_support.hpp"

namespace ct = citycheck::test;
using namespace citycheck::engine;
using citycheck::spatial::Crs;
using citycheck::spatial::Transform;

namespace {

std::pair<double, double> lonlat(double dx, double dy) {
    double x = ct::X0 + dx, y = ct::Y0 + dy;
    Transform(Crs::from_epsg(4547), Crs::from_epsg(4326)).apply(x, y);
    return {x, y};
}

std::pair<double, double> local(double lon, double lat) {
    Transform(Crs::from_epsg(4326), Crs::from_epsg(4547)).apply(lon, lat);
    return {lon - ct::X0, lat - ct::Y0};
}

// Healthcheck of the synthetic city with extra datasets and indicators.
std::string config(const std::string& datasets, const std::string& indicators) {
    std::string text = ct::synthetic_healthcheck(indicators);
    const auto at = text.find("datasets:\n") + std::string("datasets:\n").size();
    return text.insert(at, datasets);
}

double street_value(const RunResult& r, const std::string& id, const std::string& zone) {
    const auto* ind = r.table.find(id);
    EXPECT_TRUE(ind) << id;
    if (!ind) return NAN;
    EXPECT_EQ(ind->state, IndicatorState::ok) << ind->failure;
    const auto& finest = r.zones.finest();
    return ind->levels.back()[finest.index.at(zone)].numerator;
}

}  // namespace

TEST(CoordsInRun, Gcj02PointLandsInItsZoneOnlyWithConversion) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    // The GCJ-02 offset here, in metres: hundreds, mostly east or west.
    const auto [lon0, lat0] = lonlat(2000, 500);
    const auto g0 = citycheck::spatial::wgs84_to_gcj02({lon0, lat0});
    const auto [sx, sy] = local(g0.lon, g0.lat);
    const double dx = sx - 2000, dy = sy - 500;
    ASSERT_GT(std::abs(dx), 200) << dx << " " << dy;
    ASSERT_LT(std::abs(dy), 450) << dx << " " << dy;
    // True position 50 m inside S11 (west of x = 2000) when the offset goes east, else inside S21:
    // read without conversion it lands across the boundary.
    const double tx = dx > 0 ? 1950 : 2050;
    const std::string home = dx > 0 ? "S11" : "S21", away = dx > 0 ? "S21" : "S11";
    const auto [lon, lat] = lonlat(tx, 500);
    const auto g = citycheck::spatial::wgs84_to_gcj02({lon, lat});
    {
        std::ofstream out(tmp / "heat.csv");
        char line[96];
        std::snprintf(line, sizeof line, "lon,lat,value\n%.9f,%.9f,1\n", g.lon, g.lat);
        out << line;
    }
    std::ofstream(tmp / "healthcheck.yaml") << config(
        "  heat_gcj: {path: heat.csv, role: points, coords: gcj02}\n"
        "  heat_raw: {path: heat.csv, role: points}\n",
        R"(  - id: converted
    name: {zh: 换算, en: Converted}
    unit: per_km2
    primitive: point_density
    params: {points: heat_gcj}
  - id: raw
    name: {zh: 未换算, en: Raw}
    unit: per_km2
    primitive: point_density
    params: {points: heat_raw}
)");
    RunOptions opt;
    opt.write = false;
    const auto r = run_healthcheck(load_healthcheck(tmp / "healthcheck.yaml"), opt);
    EXPECT_EQ(street_value(r, "converted", home), 1.0);
    EXPECT_EQ(street_value(r, "converted", away), 0.0);
    EXPECT_EQ(street_value(r, "raw", home), 0.0);
    EXPECT_EQ(street_value(r, "raw", away), 1.0);
}

TEST(CoordsInRun, BadCoordsValueIsAConfigError) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    std::ofstream(tmp / "healthcheck.yaml") << config("  heat: {path: heat.csv, role: points, coords: mars}\n", "");
    const auto parsed = parse_healthcheck(tmp / "healthcheck.yaml");
    ASSERT_FALSE(parsed.issues.ok());
    bool found = false;
    for (const auto& e : parsed.issues.errors()) found = found || e.to_string().find("datasets.heat.coords") != std::string::npos;
    EXPECT_TRUE(found) << parsed.issues.errors().front().to_string();
}

// A projected layer cannot be GCJ-02 (it is a lon/lat obfuscation): the indicator fails clearly.
TEST(CoordsInRun, Gcj02OnAProjectedLayerFails) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    std::ofstream(tmp / "healthcheck.yaml") << config("  shops_gcj: {path: points.gpkg, layer: shops, role: points, coords: gcj02}\n",
                                                      R"(  - id: shops_gcj_density
    name: {zh: 店, en: Shops}
    unit: per_km2
    primitive: point_density
    params: {points: shops_gcj}
)");
    const auto report = validate_healthcheck(tmp / "healthcheck.yaml");
    EXPECT_FALSE(report.ok());
    EXPECT_NE(report.text().find("datasets.shops_gcj.coords"), std::string::npos) << report.text();
    RunOptions opt;
    opt.write = false;
    opt.keep_going = true;
    const auto r = run_healthcheck(load_healthcheck(tmp / "healthcheck.yaml"), opt);
    const auto* ind = r.table.find("shops_gcj_density");
    ASSERT_TRUE(ind);
    EXPECT_EQ(ind->state, IndicatorState::failed);
}

// GTFS stops.txt as a points dataset (stop_lat/stop_lon): 2 stops in S12, 1 in S22.
TEST(CoordsInRun, GtfsStopsAreAPointDataset) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    {
        std::ofstream out(tmp / "stops.txt");
        out << "stop_id,stop_name,stop_desc,stop_lat,stop_lon,location_type,parent_station\n";
        for (auto [id, x, y] : {std::tuple{"A", 500.0, 1500.0}, {"B", 1500.0, 1200.0}, {"C", 3000.0, 1800.0}}) {
            const auto [lon, lat] = lonlat(x, y);
            char line[128];
            std::snprintf(line, sizeof line, "%s,站%s,,%.9f,%.9f,0,\n", id, id, lat, lon);
            out << line;
        }
    }
    std::ofstream(tmp / "healthcheck.yaml") << config("  stops: {path: stops.txt, role: facilities}\n", R"(  - id: stop_density
    name: {zh: 站点密度, en: Stop density}
    unit: per_km2
    primitive: point_density
    params: {points: stops}
)");
    const auto report = validate_healthcheck(tmp / "healthcheck.yaml");  // opens stops.txt as a point table
    EXPECT_TRUE(report.ok()) << report.text();
    RunOptions opt;
    opt.write = false;
    const auto r = run_healthcheck(load_healthcheck(tmp / "healthcheck.yaml"), opt);
    EXPECT_EQ(street_value(r, "stop_density", "S12"), 2.0);
    EXPECT_EQ(street_value(r, "stop_density", "S22"), 1.0);
    EXPECT_EQ(street_value(r, "stop_density", "S11"), 0.0);
}
