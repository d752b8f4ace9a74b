// share_above (人口密度超过1.5万人/km²的城市建设用地规模) from every population source a city may
// have: census polygons (areal weighting, dasymetric onto residential land), heat points (GCJ-02
// CSV or a point layer) and rasters, on the synthetic city with answers known by arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

#include "synthetic_city.hpp"
#include "test_support.hpp"

#include <citycheck/engine/runner.hpp>
#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/spatial/crs.hpp>

using namespace citycheck::engine;
namespace ct = citycheck::test;

namespace {

// Census: A = [0,1000]×[0,1000] with 20 000 persons (20 000 /km²: dense everywhere), B =
// [1000,2000]×[0,1000] with 5 000 (5 000 /km²: not dense). Residential land: [1000,1200]×[0,1000]
// (0.2 km², 0701) inside B, none in A. Heat: 300 persons in each of the 100 m cells around
// (550, 1050) and (650, 1050) (30 000 /km², in S12, 50 m from S11) and 50 in the cell around (2550, 550).
void write_sources(const ct::TempDir& tmp) {
    ct::write_layer(tmp / "census.gpkg", "census", wkbPolygon,
                    {{ct::rect_wkt(0, 0, 1000, 1000), {{"pop", "20000"}}}, {ct::rect_wkt(1000, 0, 2000, 1000), {{"pop", "5000"}}}});
    ct::write_layer(tmp / "census.gpkg", "dltb", wkbPolygon,
                    {{ct::rect_wkt(1000, 0, 1200, 1000), {{"DLBM", "0701"}}}, {ct::rect_wkt(0, 0, 1000, 1000), {{"DLBM", "0301"}}}});
    const double pts[3][3] = {{550, 1050, 300}, {650, 1050, 300}, {2550, 550, 50}};
    ct::write_layer(tmp / "heat.gpkg", "heat", wkbPoint,
                    {{ct::point_wkt(pts[0][0], pts[0][1]), {{"v", "300"}}},
                     {ct::point_wkt(pts[1][0], pts[1][1]), {{"v", "300"}}},
                     {ct::point_wkt(pts[2][0], pts[2][1]), {{"v", "50"}}}});
    // The same points as a GCJ-02 CSV (as exported from Amap): projected → WGS84 → GCJ-02.
    citycheck::spatial::Transform to_ll(citycheck::spatial::Crs::from_epsg(4547), citycheck::spatial::Crs::from_epsg(4326));
    std::ofstream csv(tmp / "heat_gcj.csv");
    csv << "lng;lat;热度\n";
    for (const auto& p : pts) {
        double x = ct::X0 + p[0], y = ct::Y0 + p[1];
        to_ll.apply(x, y);
        const auto g = citycheck::spatial::wgs84_to_gcj02({x, y});
        char line[128];
        std::snprintf(line, sizeof line, "%.10f;%.10f;%g\n", g.lon, g.lat, p[2]);
        csv << line;
    }
}

RunResult run(const ct::TempDir& tmp, const std::string& indicators) {
    ct::write_synthetic_city(tmp.path());
    write_sources(tmp);
    if (!std::filesystem::exists(tmp / "fac.gpkg"))
        ct::write_layer(tmp / "fac.gpkg", "clinic", wkbPoint, {{ct::point_wkt(3900, 1900), {{"kind", "clinic"}}}});
    std::string yaml = ct::synthetic_healthcheck(indicators);
    yaml.insert(yaml.find("indicators:"), R"Y(  census: {path: census.gpkg, layer: census, role: population}
  landuse: {path: census.gpkg, layer: dltb, role: landuse}
  heat_layer: {path: heat.gpkg, layer: heat, role: population}
  heat_csv: {path: heat_gcj.csv, role: population}
  clinic: {path: fac.gpkg, layer: clinic, role: facilities}
)Y");
    std::ofstream(tmp / "healthcheck.yaml") << yaml;
    return run_healthcheck(load_healthcheck(tmp / "healthcheck.yaml"), RunOptions{});
}

double city_value(const RunResult& r, const std::string& id) {
    const auto* res = r.table.find(id);
    EXPECT_TRUE(res) << id;
    if (!res) return std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(res->state, IndicatorState::ok) << id << ": " << res->failure;
    if (res->state != IndicatorState::ok) return std::numeric_limits<double>::quiet_NaN();
    return res->levels.at(0).at(0).value;
}

}  // namespace

TEST(ShareAboveSources, CensusHeatAndPointsGiveTheKnownDenseArea) {
    ct::TempDir tmp;
    const auto r = run(tmp, R"Y(  - id: dense_areal
    name: {zh: 高密度用地面积加权, en: Dense land areal}
    unit: km2
    primitive: share_above
    params: {population: census, count_field: pop, threshold_per_km2: 15000, cell_m: 100}
  - id: dense_dasymetric
    name: {zh: 高密度用地分区密度, en: Dense land dasymetric}
    unit: km2
    primitive: share_above
    params: {population: census, count_field: pop, residential: landuse, threshold_per_km2: 15000, cell_m: 100}
  - id: dense_heat_layer
    name: {zh: 高密度用地热力点, en: Dense land heat layer}
    unit: km2
    primitive: share_above
    params: {population: heat_layer, count_field: v, threshold_per_km2: 15000, cell_m: 100}
  - id: dense_heat_csv
    name: {zh: 高密度用地热力CSV, en: Dense land heat csv}
    unit: km2
    primitive: share_above
    params: {population: heat_csv, count_field: 热度, coords: gcj02, threshold_per_km2: 15000, cell_m: 100}
  - id: dense_heat_csv_unconverted
    name: {zh: 高密度用地热力CSV未转换, en: Dense land heat csv unconverted}
    unit: km2
    primitive: share_above
    params: {population: heat_csv, count_field: 热度, threshold_per_km2: 15000, cell_m: 100}
)Y");
    EXPECT_NEAR(city_value(r, "dense_areal"), 1.0, 1e-9);        // A only
    EXPECT_NEAR(city_value(r, "dense_dasymetric"), 1.2, 1e-9);   // A (fallback) + B's 0.2 km² of housing at 25 000/km²
    EXPECT_NEAR(city_value(r, "dense_heat_layer"), 0.02, 1e-9);  // two 100 m cells of 300
    EXPECT_NEAR(city_value(r, "dense_heat_csv"), 0.02, 1e-9);    // the same after GCJ-02 → WGS84
    // Per 街道 (level 2: S11, S12, S21, S22): the dense heat cells are in S12.
    const auto* heat = r.table.find("dense_heat_csv");
    ASSERT_TRUE(heat);
    EXPECT_NEAR(heat->levels.at(2).at(0).value, 0.0, 1e-12);
    EXPECT_NEAR(heat->levels.at(2).at(1).value, 0.02, 1e-9);
    const auto* raw = r.table.find("dense_heat_csv_unconverted");
    ASSERT_TRUE(raw);
    // Read as WGS84, the GCJ-02 points land some hundred metres off, south of the S11/S12 line.
    EXPECT_NEAR(raw->levels.at(2).at(0).value, 0.02, 1e-9);
    EXPECT_NEAR(raw->levels.at(2).at(1).value, 0.0, 1e-12);
}

TEST(ShareAboveSources, PopulationWeightedCoverageFromCensusPolygons) {
    // Census A (200 persons per 100 m cell over [0,1000]²) and B (50 per cell over [1000,2000]×[0,1000])
    // fill S11 (25 000 persons). A clinic at (500, 500) with a 300 m reach covers the 32 cell
    // centres of A within 300 m: 6 400 persons, 25.6 %.
    ct::TempDir tmp;
    ct::write_layer(tmp / "fac.gpkg", "clinic", wkbPoint, {{ct::point_wkt(500, 500), {{"kind", "clinic"}}}});
    const auto r = run(tmp, R"Y(  - id: pop_coverage
    name: {zh: 人口覆盖率, en: Population coverage}
    unit: percent
    primitive: coverage
    params: {facilities: clinic, reach_m: 300, demand: population, demand_dataset: census, demand_count_field: pop}
)Y");
    const auto* res = r.table.find("pop_coverage");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->state, IndicatorState::ok) << res->failure;
    EXPECT_NEAR(res->levels.at(2).at(0).value, 25.6, 1e-9);
    EXPECT_TRUE(std::isnan(res->levels.at(2).at(1).value));  // S12: nobody lives there (0 / 0)
}
