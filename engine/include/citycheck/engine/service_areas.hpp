#pragma once
// Service areas of coverage indicators as a run writes them: `service_areas.gpkg` in the output
// folder, one polygon layer per coverage indicator (layer name = indicator id; one feature per
// finest zone with covered demand: zone_id, covered) and one point layer `<id>_facilities`, in the
// run's working CRS. The report reads them back (or from the store) to draw service-area maps.
#include <filesystem>
#include <string>
#include <vector>

#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/planar.hpp>

namespace citycheck::engine {

struct HealthCheckConfig;
struct RunResult;

struct ServiceAreaLayer {
    std::string indicator_id;
    std::vector<std::string> zone_ids;                 // finest zones with covered demand
    std::vector<std::vector<unsigned char>> zone_wkb;  // aligned with zone_ids (working CRS)
    std::vector<double> covered;                       // covered demand per zone (m² or persons)
    std::vector<spatial::Pt> facilities;
};

constexpr const char* SERVICE_AREAS_FILE = "service_areas.gpkg";

// The service areas of every coverage indicator of the run (config order; indicators without
// service areas, e.g. failed ones or point demand, are left out).
std::vector<ServiceAreaLayer> service_area_layers(const HealthCheckConfig& config, const RunResult& result);

// Writes dir/service_areas.gpkg when the run has service areas; returns the path or empty.
std::filesystem::path write_service_areas_gpkg(const std::vector<ServiceAreaLayer>& layers, const spatial::Crs& crs,
                                               const std::filesystem::path& dir);

// Reads a service_areas.gpkg back (layers in file order). Throws InputError naming the file.
std::vector<ServiceAreaLayer> read_service_areas_gpkg(const std::filesystem::path& path);

}  // namespace citycheck::engine
