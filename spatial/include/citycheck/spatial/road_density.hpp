#pragma once
// Road network density (城区道路网密度): centreline length clipped to each zone / zone area, by class,
// and intersection density (graph nodes of degree >= 3 per km²).
#include <string>
#include <vector>

#include <citycheck/spatial/coverage.hpp>
#include <citycheck/spatial/road_graph.hpp>

namespace citycheck::spatial {

struct ZoneRoadDensity {
    double area_km2 = 0;
    double length_km = 0;
    std::vector<double> length_by_class_km;  // indexed like RoadDensityResult::classes
    std::size_t intersections = 0;
    double density() const { return area_km2 > 0 ? length_km / area_km2 : 0.0; }
    double intersection_density() const { return area_km2 > 0 ? static_cast<double>(intersections) / area_km2 : 0.0; }
};

struct RoadDensityResult {
    std::vector<std::string> classes;  // sorted
    std::vector<ZoneRoadDensity> zones;
};

// Lines and graph must be in the zones' CRS. Parallel over zones; the result does not depend on threads.
RoadDensityResult road_density(const RoadLines& lines, const RoadGraph& graph, const ZoneSet& zones);

}  // namespace citycheck::spatial
