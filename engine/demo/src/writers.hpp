#pragma once
// The demo city's writers, one per group of outputs, sharing the running statistics that become
// the manifest's known answers.
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <citycheck/core/progress.hpp>

#include "city_model.hpp"
#include "vector_out.hpp"

namespace citycheck::demo::detail {

// Facility layers of facilities.gpkg: the block-planned kinds, then the two transit kinds.
constexpr int facility_layers = facility_point_kinds + 2;
constexpr int bus_stop_layer = facility_point_kinds;
constexpr int metro_layer = facility_point_kinds + 1;
const char* facility_layer_name(int k);

struct Stats {
    long long parcels = 0;
    std::array<long long, land_count> land_area{};  // m² by class
    std::array<long long, land_count> land_parcels{};
    long long deduction_area_cm2 = 0;  // Σ KCMJ (田坎 deducted from 0101), in 0.01 m²
    std::vector<long long> community_population;
    std::vector<long long> community_vegetated;   // m² of vegetated land use
    std::vector<long long> community_residential; // m² of 0701 + 0702
    std::array<long long, facility_layers> facilities{};
    long long parks = 0, parks_large = 0, parks_medium = 0, parks_small = 0, park_area = 0;
    long long bench_park_id = 0, bench_park_bsm = 0;
    long long bench_residential_300 = 0, bench_residential_500 = 0;
    std::map<std::string, long long> road_length;  // m by highway class
    std::map<std::string, long long> road_features;
    long long bridges = 0, overpasses = 0, dead_ends = 0;
    long long heat_points = 0;
    // Added for the safety and green indicators.
    long long shelters = 0, shelter_area = 0, shelters_fixed = 0;
    struct Stop {
        bool metro;
        long long id;
        std::string name;
        double x, y;  // metres from the origin
    };
    std::vector<Stop> transit_stops;  // bus stops and metro stations, for gtfs/stops.txt
    long long builtup_blocks = 0, urban_area_m2 = 0, development_blocks = 0;
    long long urban_area_population = 0;
    std::map<std::string, long long> greenway_length;  // m by greenway name
};

// Parcels (landuse.gpkg, dltb_gbk.shp), parks.gpkg, block facilities and heat.csv.
void write_blocks(const CityModel& m, const std::filesystem::path& dir, VectorOut& facilities, Stats& s,
                  const Progress& progress);
// roads.gpkg, bus stops and metro stations.
void write_roads(const CityModel& m, const std::filesystem::path& dir, VectorOut& facilities, Stats& s,
                 const Progress& progress);
// zones.gpkg and census.csv (needs the populations from write_blocks).
void write_zones(const CityModel& m, const std::filesystem::path& dir, const Stats& s);
// image.tif (4 bands, 10 m) and population.tif (100 m).
void write_image(const CityModel& m, const std::filesystem::path& path, const Progress& progress);
void write_population(const CityModel& m, const std::filesystem::path& path, const Progress& progress);
// healthcheck.yaml (docs/examples/demo-healthcheck.yaml, paths relative to it).
void write_healthcheck(const std::filesystem::path& path);
// boundaries.gpkg (城区, 建成区, 城镇开发边界), greenways.gpkg and gtfs/stops.txt (needs the stops
// collected by write_roads and the populations from write_blocks).
void write_boundaries(const CityModel& m, const std::filesystem::path& dir, Stats& s);
void write_greenways(const CityModel& m, const std::filesystem::path& dir, Stats& s);
void write_gtfs_stops(const std::filesystem::path& dir, const Stats& s);

// Shared helpers.
std::string pooled_name(std::uint64_t seed, int level, int index);
double rect_distance(const Rect& a, const Rect& b);
double max_corner_distance(const Rect& r, const Rect& park);
void open_facility_layers(VectorOut& out);
void write_facility(VectorOut& out, Stats& s, int layer, const std::string& name, const std::string& community,
                    double x, double y, const char* extra = nullptr);

}  // namespace citycheck::demo::detail
